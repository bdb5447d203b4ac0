"""Constructors of distributions from what analysts know.

Each constructor accepts several forms (a central interval, a pair of quantiles, moments, raw
parameters); exactly one must be used per call, otherwise a :class:`ValueError` lists the
accepted forms. Depends on numpy and scipy.special at import time (scipy.optimize is imported
only when the Newton solver for Beta shapes from quantiles stalls).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.special as sc

from flopcast.distributions import (
    PERT,
    Beta,
    Choice,
    Distribution,
    LogNormal,
    LogUniform,
    Mixture,
    Normal,
    Point,
    Triangular,
    Truncated,
    Uniform,
    as_distribution,
)
from flopcast.distributions.base import safe_exp
from flopcast.distributions.families import BETA_SHAPE_RANGE
from flopcast.errors import FlopcastValueError
from flopcast.validate import (
    ParameterTypeError,
    check_ordered,
    check_positive,
    check_probability,
    check_real,
    describe_value,
)

__all__ = [
    "beta",
    "choice",
    "lognormal",
    "loguniform",
    "mixture",
    "normal",
    "pert",
    "point",
    "triangular",
    "truncated",
    "uniform",
]

_DEFAULT_PROB = 0.9


def _pick_form(owner: str, given: dict[str, Any], forms: dict[str, tuple[str, ...]]) -> str:
    """Return the one form whose required arguments (optional ones end with '?') were given."""
    provided = {k for k, v in given.items() if v is not None}
    matches = []
    for form, args in forms.items():
        required = {a for a in args if not a.endswith("?")}
        allowed = required | {a.rstrip("?") for a in args}
        if required <= provided <= allowed:
            matches.append(form)
    if len(matches) == 1:
        return matches[0]
    accepted = "; ".join(f"{owner}({form})" for form in forms)
    got = ", ".join(sorted(provided)) or "nothing"
    raise FlopcastValueError(
        f"{owner}: specify the distribution in exactly one way, accepted forms: {accepted}; got {got}"
    )


def _quantile_pair(owner: str, quantiles: Any, *, positive: bool = False) -> tuple[float, float, float, float]:
    """Validate ``{q1: x1, q2: x2}`` (or ``[(q1, x1), (q2, x2)]``); return ``(q1, x1, q2, x2)``, ``q1 < q2``."""
    if isinstance(quantiles, Mapping):
        items = list(quantiles.items())
    elif isinstance(quantiles, list | tuple) and all(isinstance(p, list | tuple) and len(p) == 2 for p in quantiles):
        items = [(q, x) for q, x in quantiles]
    else:
        raise ParameterTypeError(
            f"{owner}: quantiles must be a mapping {{probability: value}} with two entries, "
            f"got {describe_value(quantiles)}"
        )
    if len(items) != 2:
        raise FlopcastValueError(
            f"{owner}: quantiles must have exactly two entries {{q1: x1, q2: x2}}, got {len(items)}"
        )
    pairs = sorted(
        (check_probability(q, "quantiles key", owner), check_real(x, f"quantiles[{q!r}]", owner)) for q, x in items
    )
    (q1, x1), (q2, x2) = pairs
    if q1 == q2:
        raise FlopcastValueError(f"{owner}: quantiles keys must differ, got {q1!r} twice")
    if not x1 < x2:
        raise FlopcastValueError(
            f"{owner}: quantile values must increase with the probability, got {{{q1!r}: {x1!r}, {q2!r}: {x2!r}}}"
        )
    if positive:
        check_positive(x1, f"quantiles[{q1!r}]", owner)
    return q1, x1, q2, x2


def _central_z(p: float) -> float:
    """The ``z`` with ``P(-z < Z < z) = p`` for a standard normal ``Z``, accurate for any ``p`` in (0, 1).

    ``ndtri(0.5 + p / 2)`` rounds to 0 for ``p`` below 1e-16 (and loses digits well before); ``sqrt(2) erfinv(p)``
    does not. Above 1e-4 the two agree to 1e-12, and ndtri keeps the values of earlier versions to the last bit.
    """
    return float(sc.ndtri(0.5 + 0.5 * p)) if p > 1e-4 else math.sqrt(2.0) * float(sc.erfinv(p))


def _central(owner: str, lo: Any, hi: Any, prob: Any, *, positive: bool = False) -> tuple[float, float, float]:
    lo_f, hi_f = check_real(lo, "lo", owner), check_real(hi, "hi", owner)
    if positive:
        check_positive(lo_f, "lo", owner)
    check_ordered(lo_f, hi_f, ("lo", "hi"), owner)
    p = _DEFAULT_PROB if prob is None else check_probability(prob, "prob", owner)
    return lo_f, hi_f, p


def normal(
    lo: float | None = None,
    hi: float | None = None,
    *,
    prob: float | None = None,
    mean: float | None = None,
    sd: float | None = None,
    quantiles: Mapping[float, float] | None = None,
) -> Normal:
    """Build a normal distribution from a central interval, two quantiles or its moments.

    Parameters
    ----------
    lo, hi : float, optional
        Central interval holding ``prob`` of the mass.
    prob : float, optional
        Mass of ``[lo, hi]`` in (0, 1); 0.9 when omitted (5% on each side).
    mean, sd : float, optional
        Mean and standard deviation (> 0).
    quantiles : mapping, optional
        Two quantiles ``{q1: x1, q2: x2}``.

    Returns
    -------
    Normal

    Examples
    --------
    >>> from flopcast.constructors import normal
    >>> d = normal(10, 20)
    >>> round(d.mu, 6), round(d.sigma, 4)
    (15.0, 3.0398)
    >>> normal(mean=1.0, sd=2.0)
    Normal(mu=1, sigma=2)
    """
    form = _pick_form(
        "normal",
        {"lo": lo, "hi": hi, "prob": prob, "mean": mean, "sd": sd, "quantiles": quantiles},
        {
            "lo, hi, prob?": ("lo", "hi", "prob?"),
            "quantiles": ("quantiles",),
            "mean, sd": ("mean", "sd"),
        },
    )
    if form == "mean, sd":
        return Normal(check_real(mean, "mean", "normal"), check_positive(sd, "sd", "normal"))
    if form == "quantiles":
        q1, x1, q2, x2 = _quantile_pair("normal", quantiles)
        z1, z2 = float(sc.ndtri(q1)), float(sc.ndtri(q2))
        sigma = (x2 - x1) / (z2 - z1)
        return Normal(x1 - sigma * z1, sigma)
    a, b, p = _central("normal", lo, hi, prob)
    return Normal(0.5 * a + 0.5 * b, (b - a) / (2.0 * _central_z(p)))


def lognormal(
    lo: float | None = None,
    hi: float | None = None,
    *,
    prob: float | None = None,
    mean: float | None = None,
    sd: float | None = None,
    mu: float | None = None,
    sigma: float | None = None,
    quantiles: Mapping[float, float] | None = None,
) -> LogNormal:
    """Build a log-normal distribution from an interval, quantiles, moments or raw parameters.

    Parameters
    ----------
    lo, hi : float, optional
        Central interval holding ``prob`` of the mass, ``0 < lo < hi``.
    prob : float, optional
        Mass of ``[lo, hi]`` in (0, 1); 0.9 when omitted (5% on each side).
    mean, sd : float, optional
        Mean (> 0) and standard deviation (> 0) of the distribution itself.
    mu, sigma : float, optional
        Mean and standard deviation of ``log X``.
    quantiles : mapping, optional
        Two quantiles ``{q1: x1, q2: x2}``, values > 0.

    Returns
    -------
    LogNormal

    Examples
    --------
    >>> from flopcast.constructors import lognormal
    >>> d = lognormal(10, 60)
    >>> [round(float(p), 6) for p in d.cdf([10, 60])]
    [0.05, 0.95]
    >>> d = lognormal(quantiles={0.1: 10, 0.9: 60})
    >>> round(float(d.cdf(60)), 6)
    0.9
    """
    owner = "lognormal"
    form = _pick_form(
        owner,
        {
            "lo": lo,
            "hi": hi,
            "prob": prob,
            "mean": mean,
            "sd": sd,
            "mu": mu,
            "sigma": sigma,
            "quantiles": quantiles,
        },
        {
            "lo, hi, prob?": ("lo", "hi", "prob?"),
            "quantiles": ("quantiles",),
            "mean, sd": ("mean", "sd"),
            "mu, sigma": ("mu", "sigma"),
        },
    )
    if form == "mu, sigma":
        return LogNormal(mu, sigma)  # type: ignore[arg-type]
    if form == "mean, sd":
        m, s = check_positive(mean, "mean", owner), check_positive(sd, "sd", owner)
        # sigma**2 = log(1 + (s / m)**2), written so that (s / m)**2 cannot overflow.
        r = s / m
        s2 = math.log1p(r * r) if r < 1.0 else 2.0 * math.log(s) - 2.0 * math.log(m) + math.log1p(1.0 / (r * r))
        return LogNormal(math.log(m) - 0.5 * s2, math.sqrt(s2))
    if form == "quantiles":
        q1, x1, q2, x2 = _quantile_pair(owner, quantiles, positive=True)
        z1, z2 = float(sc.ndtri(q1)), float(sc.ndtri(q2))
        sig = (math.log(x2) - math.log(x1)) / (z2 - z1)
        return LogNormal(math.log(x1) - sig * z1, sig)
    a, b, p = _central(owner, lo, hi, prob, positive=True)
    la, lb = math.log(a), math.log(b)
    return LogNormal(0.5 * (la + lb), (lb - la) / (2.0 * _central_z(p)))


def uniform(
    lo: float | None = None,
    hi: float | None = None,
    *,
    prob: float | None = None,
    quantiles: Mapping[float, float] | None = None,
    mean: float | None = None,
    sd: float | None = None,
) -> Uniform:
    """Build a uniform distribution from its bounds, a central interval, two quantiles or moments.

    Parameters
    ----------
    lo, hi : float, optional
        Bounds; with ``prob``, a central interval holding ``prob`` of the mass.
    prob : float, optional
        Mass of ``[lo, hi]`` in (0, 1).
    quantiles : mapping, optional
        Two quantiles ``{q1: x1, q2: x2}``.
    mean, sd : float, optional
        Mean and standard deviation (> 0).

    Returns
    -------
    Uniform

    Examples
    --------
    >>> from flopcast.constructors import uniform
    >>> uniform(1, 3)
    Uniform(lower=1, upper=3)
    >>> uniform(1, 3, prob=0.5)
    Uniform(lower=0, upper=4)
    """
    owner = "uniform"
    form = _pick_form(
        owner,
        {"lo": lo, "hi": hi, "prob": prob, "quantiles": quantiles, "mean": mean, "sd": sd},
        {
            "lo, hi, prob?": ("lo", "hi", "prob?"),
            "quantiles": ("quantiles",),
            "mean, sd": ("mean", "sd"),
        },
    )
    if form == "mean, sd":
        m, half = check_real(mean, "mean", owner), math.sqrt(3.0) * check_positive(sd, "sd", owner)
        return Uniform(m - half, m + half)
    if form == "quantiles":
        q1, x1, q2, x2 = _quantile_pair(owner, quantiles)
        width = (x2 - x1) / (q2 - q1)
        return Uniform(x1 - q1 * width, x1 + (1.0 - q1) * width)
    if prob is None:
        a, b = check_real(lo, "lo", owner), check_real(hi, "hi", owner)
        check_ordered(a, b, ("lo", "hi"), owner)
        return Uniform(a, b)
    a, b, p = _central(owner, lo, hi, prob)
    half = 0.5 * (b - a) / p
    centre = 0.5 * (a + b)
    return Uniform(centre - half, centre + half)


def loguniform(
    lo: float | None = None,
    hi: float | None = None,
    *,
    prob: float | None = None,
    quantiles: Mapping[float, float] | None = None,
) -> LogUniform:
    """Build a log-uniform distribution from its bounds, a central interval or two quantiles.

    Parameters
    ----------
    lo, hi : float, optional
        Bounds, ``0 < lo < hi``; with ``prob``, a central interval holding ``prob`` of the mass.
    prob : float, optional
        Mass of ``[lo, hi]`` in (0, 1).
    quantiles : mapping, optional
        Two quantiles ``{q1: x1, q2: x2}``, values > 0.

    Returns
    -------
    LogUniform

    Examples
    --------
    >>> from flopcast.constructors import loguniform
    >>> loguniform(1e3, 1e6)
    LogUniform(lower=1000, upper=1e+06)
    >>> d = loguniform(10, 1000, prob=0.5)
    >>> round(d.lower, 6), round(d.upper, 3)
    (1.0, 10000.0)
    """
    owner = "loguniform"
    form = _pick_form(
        owner,
        {"lo": lo, "hi": hi, "prob": prob, "quantiles": quantiles},
        {"lo, hi, prob?": ("lo", "hi", "prob?"), "quantiles": ("quantiles",)},
    )
    if form == "quantiles":
        q1, x1, q2, x2 = _quantile_pair(owner, quantiles, positive=True)
        l1, l2 = math.log(x1), math.log(x2)
        width = (l2 - l1) / (q2 - q1)
        return _loguniform_from_logs(l1 - q1 * width, l1 + (1.0 - q1) * width)
    if prob is None:
        a, b = check_real(lo, "lo", owner), check_real(hi, "hi", owner)
        check_positive(a, "lo", owner)
        check_ordered(a, b, ("lo", "hi"), owner)
        return LogUniform(a, b)
    a, b, p = _central(owner, lo, hi, prob, positive=True)
    la, lb = math.log(a), math.log(b)
    half = 0.5 * (lb - la) / p
    centre = 0.5 * (la + lb)
    return _loguniform_from_logs(centre - half, centre + half)


def _loguniform_from_logs(log_lower: float, log_upper: float) -> LogUniform:
    """The LogUniform with these log bounds, refused clearly where a bound leaves the float range."""
    lower, upper = safe_exp(log_lower), safe_exp(log_upper)
    if not (lower > 0.0 and math.isfinite(upper)):
        raise FlopcastValueError(
            f"loguniform: the bounds implied are exp({log_lower:.6g}) to exp({log_upper:.6g}), beyond the float "
            "range (2.2e-308 to 1.8e308); give a larger prob or closer values"
        )
    return LogUniform(lower, upper)


def triangular(lower: float, mode: float, upper: float) -> Triangular:
    """Build a triangular distribution.

    Parameters
    ----------
    lower, mode, upper : float
        ``lower <= mode <= upper``, ``lower < upper``.

    Returns
    -------
    Triangular

    Examples
    --------
    >>> from flopcast.constructors import triangular
    >>> round(triangular(0, 1, 5).mean(), 6)
    2.0
    """
    return Triangular(lower, mode, upper)


def pert(lower: float, mode: float, upper: float, shape: float = 4.0) -> PERT:
    """Build a PERT distribution (a Beta scaled to ``[lower, upper]`` with the given mode).

    Parameters
    ----------
    lower, mode, upper : float
        ``lower <= mode <= upper``, ``lower < upper``.
    shape : float
        Concentration around the mode (> 0).

    Returns
    -------
    PERT

    Examples
    --------
    >>> from flopcast.constructors import pert
    >>> round(pert(0, 1, 5).mean(), 6)
    1.5
    """
    return PERT(lower, mode, upper, shape)


def _beta_start(q1: float, z1: float, q2: float, z2: float) -> np.ndarray:
    """Log shapes of the Beta with the moments of a normal matching the two quantiles."""
    n1, n2 = float(sc.ndtri(q1)), float(sc.ndtri(q2))
    s = (z2 - z1) / (n2 - n1)
    m = min(max(z1 - s * n1, 0.05), 0.95)
    v = min(s * s, 0.9 * m * (1.0 - m))
    nu = m * (1.0 - m) / v - 1.0
    return np.log([max(m * nu, 1e-3), max((1.0 - m) * nu, 1e-3)])


def _beta_probit_cdf(p: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``ndtri(betainc(a, b, z))`` for each row of log shapes ``p``, taken from the nearer tail.

    On the probit scale the residuals stay graded where ``betainc`` itself is flat at 0 or 1
    (far from the solution), so Newton steps from a poor start still point somewhere useful.
    """
    ab = np.exp(np.clip(np.atleast_2d(p), -20.0, 20.0))
    a, b = ab[:, 0:1], ab[:, 1:2]
    lower = sc.betainc(a, b, z)
    return np.where(lower < 0.5, sc.ndtri(lower), -sc.ndtri(sc.betaincc(a, b, z)))


def _beta_newton(start: np.ndarray, q: np.ndarray, z: np.ndarray) -> np.ndarray | None:
    """Damped Newton for the log shapes with ``betainc(a, b, z) = q``; None if it stalls short of 1e-12."""
    target = np.where(q < 0.5, sc.ndtri(q), -sc.ndtri(1.0 - q))
    p = start
    r = _beta_probit_cdf(p, z)[0] - target
    norm = float(np.max(np.abs(r)))
    h = 1e-5  # central differences in log shape: truncation and rounding errors both near 1e-10
    offsets = np.array([[h, 0.0], [-h, 0.0], [0.0, h], [0.0, -h]])
    for _ in range(60):
        if not norm > 0.0:
            break
        f = _beta_probit_cdf(p + offsets, z)
        (j11, j21), (j12, j22) = (f[0] - f[1]) / (2.0 * h), (f[2] - f[3]) / (2.0 * h)
        det = j11 * j22 - j12 * j21
        if not (np.isfinite(det) and det != 0.0):
            return None
        step = np.array([j12 * r[1] - j22 * r[0], j21 * r[0] - j11 * r[1]]) / det
        t = 1.0
        for _ in range(20):
            trial = p + t * step
            r_trial = _beta_probit_cdf(trial, z)[0] - target
            norm_trial = float(np.max(np.abs(r_trial)))
            if norm_trial < norm:
                break
            t *= 0.5
        else:
            break  # no step reduces the residual: converged to rounding, or stuck
        p, r, norm = trial, r_trial, norm_trial
    a, b = np.exp(np.clip(p, -20.0, 20.0))
    if not np.max(np.abs(sc.betainc(a, b, z) - q)) < 1e-12:
        return None
    return p


def _beta_from_quantiles(q1: float, z1: float, q2: float, z2: float) -> tuple[float, float]:
    # A hand-written Newton solver rather than scipy.optimize: importing scipy.optimize costs about
    # 0.12 s per process (`python -X importtime`), a fifth of building the Sora model, whose two
    # quantile-given Betas were its only use on the report's path. Where Newton stalls (starts far
    # from a solution of an extreme pair), least_squares from the same start remains the fallback,
    # imported only then, so every pair it solved still solves. Where both converge, their shapes
    # agree within 3e-14 relative (tests/distributions/test_beta_quantiles.py).
    start = _beta_start(q1, z1, q2, z2)
    z, q = np.array([z1, z2]), np.array([q1, q2])

    def residual(p: np.ndarray) -> np.ndarray:
        a, b = np.exp(np.clip(p, -20.0, 20.0))
        return np.asarray(sc.betainc(a, b, z) - q)

    with np.errstate(all="ignore"):
        solution = _beta_newton(start, q, z)
    if solution is None:
        from scipy.optimize import least_squares

        solution = least_squares(residual, start, xtol=1e-15, ftol=1e-15, gtol=1e-15, method="lm").x
    a, b = (float(v) for v in np.exp(np.clip(solution, -20.0, 20.0)))
    if not np.max(np.abs(residual(np.log([a, b])))) < 1e-10:
        raise FlopcastValueError(
            f"beta: no Beta distribution has quantiles {{{q1!r}: {z1!r}, {q2!r}: {z2!r}}} "
            "on [0, 1] (solver did not converge)"
        )
    return a, b


def beta(
    alpha: float | None = None,
    beta: float | None = None,
    *,
    mean: float | None = None,
    sd: float | None = None,
    quantiles: Mapping[float, float] | None = None,
    lower: float = 0.0,
    upper: float = 1.0,
) -> Beta:
    """Build a Beta distribution on ``[lower, upper]`` from shapes, moments or two quantiles.

    Parameters
    ----------
    alpha, beta : float, optional
        Shape parameters (> 0).
    mean, sd : float, optional
        Mean in ``(lower, upper)`` and standard deviation, ``sd**2 < (mean - lower)(upper - mean)``.
    quantiles : mapping, optional
        Two quantiles ``{q1: x1, q2: x2}`` with values in ``(lower, upper)``.
    lower, upper : float
        Bounds of the support (default [0, 1]).

    Returns
    -------
    Beta

    Examples
    --------
    >>> from flopcast.constructors import beta
    >>> beta(mean=0.25, sd=0.1)
    Beta(alpha=4.4375, beta=13.3125, lower=0, upper=1)
    >>> d = beta(quantiles={0.05: 0.1, 0.95: 0.5})
    >>> [round(float(p), 8) for p in d.cdf([0.1, 0.5])]
    [0.05, 0.95]
    """
    owner = "beta"
    lo, hi = check_real(lower, "lower", owner), check_real(upper, "upper", owner)
    check_ordered(lo, hi, ("lower", "upper"), owner)
    form = _pick_form(
        owner,
        {"alpha": alpha, "beta": beta, "mean": mean, "sd": sd, "quantiles": quantiles},
        {"alpha, beta": ("alpha", "beta"), "mean, sd": ("mean", "sd"), "quantiles": ("quantiles",)},
    )
    if form == "alpha, beta":
        return Beta(alpha, beta, lo, hi)  # type: ignore[arg-type]
    w = hi - lo
    if form == "mean, sd":
        m = (check_real(mean, "mean", owner) - lo) / w
        if not 0.0 < m < 1.0:
            raise FlopcastValueError(f"beta: mean must be in ({lo!r}, {hi!r}), got {mean!r}")
        r = check_positive(sd, "sd", owner) / w
        v = r * r
        if not v < m * (1.0 - m):
            raise FlopcastValueError(
                f"beta: sd must be < sqrt((mean - lower) (upper - mean)) = {math.sqrt(m * (1.0 - m)) * w!r}, got {sd!r}"
            )
        nu = m * (1.0 - m) / v - 1.0 if v > 0.0 else math.inf
        if not nu <= 2.0 * BETA_SHAPE_RANGE[1]:
            raise FlopcastValueError(
                f"beta: sd={sd!r} is too small for a Beta on [{lo!r}, {hi!r}]: its shapes would exceed "
                f"{BETA_SHAPE_RANGE[1]:g}; use a point value"
            )
        return Beta(m * nu, (1.0 - m) * nu, lo, hi)
    q1, x1, q2, x2 = _quantile_pair(owner, quantiles)
    z1, z2 = (x1 - lo) / w, (x2 - lo) / w
    if not (0.0 < z1 and z2 < 1.0):
        raise FlopcastValueError(f"beta: quantile values must be in ({lo!r}, {hi!r}), got {x1!r} and {x2!r}")
    a, b = _beta_from_quantiles(q1, z1, q2, z2)
    return Beta(a, b, lo, hi)


def truncated(dist: Any, lower: float | None = None, upper: float | None = None) -> Truncated:
    """Truncate a continuous distribution to ``[lower, upper]``.

    Parameters
    ----------
    dist : Distribution or scipy.stats frozen distribution
        Continuous distribution.
    lower, upper : float, optional
        Bounds; at least one is required.

    Returns
    -------
    Truncated

    Examples
    --------
    >>> from flopcast.constructors import normal, truncated
    >>> d = truncated(normal(mean=0.0, sd=1.0), lower=0.0)
    >>> round(d.mean(), 6)
    0.797885
    """
    if lower is None and upper is None:
        raise FlopcastValueError("truncated: give at least one of lower, upper")
    return Truncated(as_distribution(dist, "truncated: dist"), lower, upper)  # type: ignore[arg-type]


def mixture(components: Sequence[Any], weights: Sequence[float] | None = None) -> Mixture:
    """Build a mixture of distributions.

    Parameters
    ----------
    components : sequence
        Distributions (numbers and frozen scipy distributions are converted).
    weights : sequence of float, optional
        Non-negative weights summing to 1; equal weights when omitted.

    Returns
    -------
    Mixture

    Examples
    --------
    >>> from flopcast.constructors import mixture, normal
    >>> d = mixture([normal(mean=0.0, sd=1.0), normal(mean=10.0, sd=1.0)], [0.5, 0.5])
    >>> round(d.mean(), 6), round(d.median(), 6)
    (5.0, 5.0)
    """
    if isinstance(components, Distribution) or not isinstance(components, Sequence) or isinstance(components, str):
        raise ParameterTypeError(
            f"mixture: components must be a sequence of distributions, got {describe_value(components)}"
        )
    comps = tuple(as_distribution(c, f"mixture: components[{i}]") for i, c in enumerate(components))
    if weights is None:
        weights = tuple(1.0 / len(comps) for _ in comps) if comps else ()
    elif isinstance(weights, Sequence | np.ndarray) and not isinstance(weights, str):
        weights = tuple(weights)
    return Mixture(comps, weights)


def choice(values_or_mapping: Any, probs: Any = None) -> Choice:
    """Build a discrete distribution over a few values, optionally labelled scenarios.

    Parameters
    ----------
    values_or_mapping : sequence of float or mapping of str to float
        The values, or ``{label: value}`` for labelled scenarios.
    probs : sequence of float or mapping of str to float, optional
        Probabilities summing to 1 (a mapping must have the same labels); uniform when omitted.

    Returns
    -------
    Choice

    Examples
    --------
    >>> from flopcast.constructors import choice
    >>> d = choice({"low": 1.0, "high": 3.0}, probs=[0.25, 0.75])
    >>> d.labels, d.mean()
    (('low', 'high'), 2.5)
    """
    owner = "choice"
    labels: tuple[str, ...] | None = None
    if isinstance(values_or_mapping, Mapping):
        labels = tuple(values_or_mapping.keys())
        values = tuple(values_or_mapping.values())
    elif isinstance(values_or_mapping, Sequence | np.ndarray) and not isinstance(values_or_mapping, str):
        values = tuple(values_or_mapping)
    else:
        raise ParameterTypeError(
            f"{owner}: values_or_mapping must be a sequence of values or a mapping "
            f"{{label: value}}, got {describe_value(values_or_mapping)}"
        )
    if not values:
        raise FlopcastValueError(f"{owner}: values_or_mapping must not be empty")
    if probs is None:
        probs = tuple(1.0 / len(values) for _ in values)
    elif isinstance(probs, Mapping):
        if labels is None or set(probs) != set(labels):
            raise FlopcastValueError(
                f"{owner}: probs given as a mapping must have the labels of "
                f"values_or_mapping as keys, got {sorted(map(str, probs))}"
            )
        probs = tuple(probs[k] for k in labels)
    elif isinstance(probs, Sequence | np.ndarray) and not isinstance(probs, str):
        probs = tuple(probs)
    return Choice(values, probs, labels)


def point(value: float) -> Point:
    """Build a known value (all the mass at ``value``).

    Parameters
    ----------
    value : float
        The value.

    Returns
    -------
    Point

    Examples
    --------
    >>> from flopcast.constructors import point
    >>> point(8)
    Point(value=8)
    """
    return Point(value)
