"""Probability distributions of uncertain assumptions.

Every family is a frozen dataclass (equality, hashing and immutability for free) deriving from
:class:`Distribution`. Each family declares the constraints of its parameters in
``arg_constraints`` (numpyro style); one generic loop in :meth:`Distribution.__post_init__`
validates and converts them, and ``_check_relations`` checks relations between parameters
(``lower < upper``, ``lower <= mode <= upper``, ...).

All methods are vectorized over numpy arrays. ``sample`` has the prefix property: the first
``m`` draws of ``sample(rng, M)`` equal ``sample(rng', m)`` for a generator ``rng'`` in the
same state. Depends on numpy and scipy.special only at import time.
"""

from __future__ import annotations

import abc
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import numpy as np
import scipy.special as sc
from numpy.typing import ArrayLike, NDArray

from flopcast._ppf_table import beta_ppf
from flopcast.validate import (
    Constraint,
    check_extended_real,
    check_int,
    check_ordered,
    check_positive,
    check_probability,
    check_probability_array,
    check_real,
    check_real_tuple,
    check_rng,
    check_weights,
    describe_value,
    is_real_number,
)

__all__ = [
    "PERT",
    "Beta",
    "Choice",
    "Distribution",
    "LogNormal",
    "LogUniform",
    "Mixture",
    "Normal",
    "Point",
    "ScipyDistribution",
    "Triangular",
    "Truncated",
    "Uniform",
    "as_distribution",
]

Array = NDArray[np.float64]


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, tuple):
        inner = ", ".join(_fmt(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


class Distribution(abc.ABC):
    """Base class of the distribution families.

    Subclasses are frozen dataclasses that declare ``arg_constraints``, a mapping from each
    parameter name to a validator ``(value, name, owner) -> converted value``, and implement
    ``_ppf``, ``_cdf``, ``_sample``, ``mean``, ``var`` and ``support``.
    """

    arg_constraints: ClassVar[Mapping[str, Constraint]] = {}

    def __post_init__(self) -> None:
        owner = type(self).__name__
        for name, constraint in self.arg_constraints.items():
            object.__setattr__(self, name, constraint(getattr(self, name), name, owner))
        self._check_relations()

    def _check_relations(self) -> None:  # noqa: B027 (optional hook, not abstract)
        """Check relations between parameters (override in subclasses)."""

    def __repr__(self) -> str:
        args = ", ".join(f"{f.name}={_fmt(getattr(self, f.name))}" for f in fields(self))  # type: ignore[arg-type]
        return f"{type(self).__name__}({args})"

    # -- to implement -------------------------------------------------------------------------
    @abc.abstractmethod
    def _ppf(self, u: Array) -> Array:
        """Inverse CDF at ``u`` in [0, 1] (float64 array)."""

    @abc.abstractmethod
    def _cdf(self, x: Array) -> Array:
        """CDF at ``x`` (float64 array)."""

    @abc.abstractmethod
    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        """Draw ``size`` values, consuming ``rng`` in a fixed per-draw order."""

    @abc.abstractmethod
    def mean(self) -> float:
        """Return the mean."""

    @abc.abstractmethod
    def var(self) -> float:
        """Return the variance."""

    @property
    @abc.abstractmethod
    def support(self) -> tuple[float, float]:
        """Smallest and largest possible values."""

    # -- public protocol ----------------------------------------------------------------------
    def ppf(self, u: ArrayLike) -> Array:
        """Inverse CDF (quantile function), vectorized.

        Parameters
        ----------
        u : array_like
            Probabilities in [0, 1]; values outside give NaN.

        Returns
        -------
        ndarray of float64
            Same shape as ``u``. For discrete distributions, the smallest value ``x`` with
            ``cdf(x) >= u``.
        """
        u = np.asarray(u, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.asarray(self._ppf(u), dtype=np.float64)
        bad = (u < 0.0) | (u > 1.0)
        if bad.any():
            out = np.where(bad, np.nan, out)
        return out

    def cdf(self, x: ArrayLike) -> Array:
        """Cumulative distribution function ``P(X <= x)``, vectorized.

        Parameters
        ----------
        x : array_like
            Points at which to evaluate.

        Returns
        -------
        ndarray of float64
            Same shape as ``x``.
        """
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self._cdf(x), dtype=np.float64)

    def sample(self, rng: np.random.Generator, size: int) -> Array:
        """Draw independent values with a native sampler.

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of randomness.
        size : int
            Number of draws (>= 0).

        Returns
        -------
        ndarray of float64, shape (size,)
            ``sample(rng, m)`` equals the first ``m`` values of ``sample(rng, M)`` for
            generators in the same state (prefix property).
        """
        rng = check_rng(rng, "rng", f"{type(self).__name__}.sample")
        size = check_int(size, "size", f"{type(self).__name__}.sample", minimum=0)
        return np.asarray(self._sample(rng, size), dtype=np.float64).reshape(size)

    def std(self) -> float:
        """Return the standard deviation."""
        return math.sqrt(self.var())

    def median(self) -> float:
        """Return the median ``ppf(0.5)``."""
        return float(self.ppf(0.5))

    def quantile(self, q: ArrayLike) -> float | Array:
        """Quantiles, validating ``q``.

        Parameters
        ----------
        q : float or array_like
            Probabilities in [0, 1].

        Returns
        -------
        float or ndarray
            A float for a scalar ``q``, otherwise an array of the shape of ``q``.
        """
        qa = check_probability_array(q, "q", f"{type(self).__name__}.quantile")
        out = self.ppf(qa)
        return float(out) if out.ndim == 0 else out

    def interval(self, prob: float = 0.9) -> tuple[float, float]:
        """Central interval holding ``prob`` of the probability mass.

        Parameters
        ----------
        prob : float
            Mass in (0, 1).

        Returns
        -------
        tuple of float
            ``(ppf((1 - prob) / 2), ppf((1 + prob) / 2))``.
        """
        p = check_probability(prob, "prob", f"{type(self).__name__}.interval")
        lo, hi = self.ppf(np.array([(1.0 - p) / 2.0, (1.0 + p) / 2.0]))
        return float(lo), float(hi)

    @property
    def is_point(self) -> bool:
        """True only for :class:`Point`."""
        return False

    @property
    def is_discrete(self) -> bool:
        """True for distributions with atoms only (:class:`Choice`, :class:`Point`)."""
        return False

    def point_value(self) -> float:
        """Value used for point estimates: the median (the value itself for :class:`Point`)."""
        return self.median()


# -- constraints that need more than a number -----------------------------------------------------
def _check_distribution(value: Any, name: str, owner: str | None = None) -> Distribution:
    if not isinstance(value, Distribution):
        raise TypeError(f"{owner}: {name} must be a Distribution, got {describe_value(value)}")
    return value


def _check_components(value: Any, name: str, owner: str | None = None) -> tuple[Distribution, ...]:
    if isinstance(value, Distribution) or not isinstance(value, tuple | list):
        raise TypeError(f"{owner}: {name} must be a tuple of Distributions, got {describe_value(value)}")
    if not value:
        raise ValueError(f"{owner}: {name} must not be empty")
    return tuple(_check_distribution(c, f"{name}[{i}]", owner) for i, c in enumerate(value))


def _check_lower_bound(value: Any, name: str, owner: str | None = None) -> float:
    return -math.inf if value is None else check_extended_real(value, name, owner)


def _check_upper_bound(value: Any, name: str, owner: str | None = None) -> float:
    return math.inf if value is None else check_extended_real(value, name, owner)


def _check_labels(value: Any, name: str, owner: str | None = None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise TypeError(f"{owner}: {name} must be a tuple of strings or None, got {describe_value(value)}")
    for i, label in enumerate(value):
        if not isinstance(label, str):
            raise TypeError(f"{owner}: {name}[{i}] must be a str, got {describe_value(label)}")
    if len(set(value)) != len(value):
        raise ValueError(f"{owner}: {name} must be unique, got {tuple(value)!r}")
    return tuple(value)


def _set(obj: object, name: str, value: object) -> None:
    """Cache a derived (non-field) attribute on a frozen instance."""
    object.__setattr__(obj, name, value)


# -- families -------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Point(Distribution):
    """A known value: all the mass at ``value``.

    Parameters
    ----------
    value : float
        The value.
    """

    value: float
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {"value": check_real}

    def _ppf(self, u: Array) -> Array:
        return np.where(np.isnan(u), np.nan, self.value)

    def _cdf(self, x: Array) -> Array:
        return np.where(np.isnan(x), np.nan, (x >= self.value).astype(np.float64))

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return np.full(size, self.value)

    def mean(self) -> float:
        """Return the value."""
        return self.value

    def var(self) -> float:
        """Return 0."""
        return 0.0

    def median(self) -> float:
        """Return the value."""
        return self.value

    @property
    def support(self) -> tuple[float, float]:
        """``(value, value)``."""
        return self.value, self.value

    @property
    def is_point(self) -> bool:
        """True."""
        return True

    @property
    def is_discrete(self) -> bool:
        """True."""
        return True

    def point_value(self) -> float:
        """Return the value."""
        return self.value


class _Bounded(Distribution):
    """Families with finite ``lower < upper`` bounds."""

    lower: float
    upper: float

    def _check_relations(self) -> None:
        check_ordered(self.lower, self.upper, ("lower", "upper"), type(self).__name__)

    @property
    def support(self) -> tuple[float, float]:
        """``(lower, upper)``."""
        return self.lower, self.upper


@dataclass(frozen=True, repr=False)
class Uniform(_Bounded):
    """Uniform distribution on ``[lower, upper]``.

    Parameters
    ----------
    lower, upper : float
        Bounds, ``lower < upper``.
    """

    lower: float
    upper: float
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "lower": check_real,
        "upper": check_real,
    }

    def _ppf(self, u: Array) -> Array:
        return self.lower + u * (self.upper - self.lower)

    def _cdf(self, x: Array) -> Array:
        return np.clip((x - self.lower) / (self.upper - self.lower), 0.0, 1.0)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return rng.uniform(self.lower, self.upper, size)

    def mean(self) -> float:
        """Return ``(lower + upper) / 2``."""
        return 0.5 * (self.lower + self.upper)

    def var(self) -> float:
        """Return ``(upper - lower)**2 / 12``."""
        return (self.upper - self.lower) ** 2 / 12.0

    def median(self) -> float:
        """Return ``(lower + upper) / 2``."""
        return self.mean()


def _check_positive_bounds(owner: str, lower: float, upper: float) -> None:
    check_positive(lower, "lower", owner)
    check_ordered(lower, upper, ("lower", "upper"), owner)


@dataclass(frozen=True, repr=False)
class LogUniform(_Bounded):
    """Log-uniform (reciprocal) distribution: ``log X`` uniform on ``[log lower, log upper]``.

    Parameters
    ----------
    lower, upper : float
        Bounds, ``0 < lower < upper``.
    """

    lower: float
    upper: float
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "lower": check_real,
        "upper": check_real,
    }

    def _check_relations(self) -> None:
        _check_positive_bounds("LogUniform", self.lower, self.upper)

    def _ppf(self, u: Array) -> Array:
        lo, hi = math.log(self.lower), math.log(self.upper)
        return np.exp(lo + u * (hi - lo))

    def _cdf(self, x: Array) -> Array:
        lo, hi = math.log(self.lower), math.log(self.upper)
        return np.clip((np.log(np.maximum(x, self.lower)) - lo) / (hi - lo), 0.0, 1.0)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return np.exp(rng.uniform(math.log(self.lower), math.log(self.upper), size))

    def mean(self) -> float:
        """Return ``(upper - lower) / log(upper / lower)``."""
        return (self.upper - self.lower) / math.log(self.upper / self.lower)

    def var(self) -> float:
        """Return the variance."""
        span = math.log(self.upper / self.lower)
        m2 = (self.upper - self.lower) * (self.upper + self.lower) / (2.0 * span)
        return m2 - self.mean() ** 2

    def median(self) -> float:
        """Return ``sqrt(lower * upper)``."""
        return math.exp(0.5 * (math.log(self.lower) + math.log(self.upper)))


@dataclass(frozen=True, repr=False)
class Normal(Distribution):
    """Normal distribution.

    Parameters
    ----------
    mu : float
        Mean.
    sigma : float
        Standard deviation (> 0).
    """

    mu: float
    sigma: float
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "mu": check_real,
        "sigma": check_positive,
    }

    def _ppf(self, u: Array) -> Array:
        return self.mu + self.sigma * sc.ndtri(u)

    def _cdf(self, x: Array) -> Array:
        return sc.ndtr((x - self.mu) / self.sigma)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return rng.normal(self.mu, self.sigma, size)

    def mean(self) -> float:
        """Return ``mu``."""
        return self.mu

    def var(self) -> float:
        """Return ``sigma**2``."""
        return self.sigma**2

    def median(self) -> float:
        """Return ``mu``."""
        return self.mu

    @property
    def support(self) -> tuple[float, float]:
        """``(-inf, inf)``."""
        return -math.inf, math.inf


@dataclass(frozen=True, repr=False)
class LogNormal(Distribution):
    """Log-normal distribution: ``log X ~ Normal(mu, sigma)`` (parameters in log space).

    Parameters
    ----------
    mu : float
        Mean of ``log X``.
    sigma : float
        Standard deviation of ``log X`` (> 0).
    """

    mu: float
    sigma: float
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "mu": check_real,
        "sigma": check_positive,
    }

    def _ppf(self, u: Array) -> Array:
        return np.exp(self.mu + self.sigma * sc.ndtri(u))

    def _cdf(self, x: Array) -> Array:
        z = (np.log(np.where(x > 0.0, x, 1.0)) - self.mu) / self.sigma
        return np.where(x > 0.0, sc.ndtr(z), np.where(np.isnan(x), np.nan, 0.0))

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return rng.lognormal(self.mu, self.sigma, size)

    def mean(self) -> float:
        """Return ``exp(mu + sigma**2 / 2)``."""
        return math.exp(self.mu + 0.5 * self.sigma**2)

    def var(self) -> float:
        """Return ``(exp(sigma**2) - 1) exp(2 mu + sigma**2)``."""
        s2 = self.sigma**2
        return math.expm1(s2) * math.exp(2.0 * self.mu + s2)

    def median(self) -> float:
        """Return ``exp(mu)``."""
        return math.exp(self.mu)

    @property
    def support(self) -> tuple[float, float]:
        """``(0, inf)``."""
        return 0.0, math.inf


@dataclass(frozen=True, repr=False)
class Triangular(_Bounded):
    """Triangular distribution.

    Parameters
    ----------
    lower, mode, upper : float
        ``lower <= mode <= upper`` and ``lower < upper``.
    """

    lower: float
    mode: float
    upper: float
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "lower": check_real,
        "mode": check_real,
        "upper": check_real,
    }

    def _check_relations(self) -> None:
        _check_mode(type(self).__name__, self.lower, self.mode, self.upper)

    def _ppf(self, u: Array) -> Array:
        a, m, b = self.lower, self.mode, self.upper
        c = (m - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (m - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - m))
        return np.where(u < c, left, right)

    def _cdf(self, x: Array) -> Array:
        a, m, b = self.lower, self.mode, self.upper
        xc = np.clip(x, a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            left = (xc - a) ** 2 / ((b - a) * (m - a))
            right = 1.0 - (b - xc) ** 2 / ((b - a) * (b - m))
        return np.where(np.isnan(x), np.nan, np.where(xc <= m, np.where(xc <= a, 0.0, left), right))

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return rng.triangular(self.lower, self.mode, self.upper, size)

    def mean(self) -> float:
        """Return ``(lower + mode + upper) / 3``."""
        return (self.lower + self.mode + self.upper) / 3.0

    def var(self) -> float:
        """Return the variance."""
        a, m, b = self.lower, self.mode, self.upper
        return (a * a + m * m + b * b - a * m - a * b - m * b) / 18.0


def _check_mode(owner: str, lower: float, mode: float, upper: float) -> None:
    check_ordered(lower, upper, ("lower", "upper"), owner)
    if not lower <= mode <= upper:
        raise ValueError(f"{owner}: mode must be in [lower, upper] = [{lower!r}, {upper!r}], got {mode!r}")


@dataclass(frozen=True, repr=False)
class Beta(_Bounded):
    """Beta distribution, optionally scaled to ``[lower, upper]``.

    ``ppf`` uses a verified interpolation table at every array size (relative error < 1e-10,
    see :mod:`flopcast._ppf_table`); ``median`` is exact.

    Parameters
    ----------
    alpha, beta : float
        Shape parameters (> 0).
    lower, upper : float
        Bounds of the support (default [0, 1]).
    """

    alpha: float
    beta: float
    lower: float = 0.0
    upper: float = 1.0
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "alpha": check_positive,
        "beta": check_positive,
        "lower": check_real,
        "upper": check_real,
    }

    def _ppf(self, u: Array) -> Array:
        # Always the table (never size-dependent) so that a value's quantile does not depend on
        # the array it is in: sampling by ppf keeps the prefix property, chunking is invisible.
        x = beta_ppf(u, self.alpha, self.beta, method="table")
        return self.lower + (self.upper - self.lower) * x

    def _cdf(self, x: Array) -> Array:
        z = np.clip((x - self.lower) / (self.upper - self.lower), 0.0, 1.0)
        return np.asarray(sc.betainc(self.alpha, self.beta, z), dtype=np.float64)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return self.lower + (self.upper - self.lower) * rng.beta(self.alpha, self.beta, size)

    def mean(self) -> float:
        """Return ``lower + (upper - lower) alpha / (alpha + beta)``."""
        return self.lower + (self.upper - self.lower) * self.alpha / (self.alpha + self.beta)

    def var(self) -> float:
        """Return the variance."""
        a, b, w = self.alpha, self.beta, self.upper - self.lower
        return w * w * a * b / ((a + b) ** 2 * (a + b + 1.0))

    def median(self) -> float:
        """Return the median (exact ``betaincinv``, without building the ppf table)."""
        x = float(sc.betaincinv(self.alpha, self.beta, 0.5))
        return self.lower + (self.upper - self.lower) * x


@dataclass(frozen=True, repr=False)
class PERT(_Bounded):
    """PERT distribution: a Beta on ``[lower, upper]`` with the given mode.

    ``alpha = 1 + shape (mode - lower) / (upper - lower)`` and
    ``beta = 1 + shape (upper - mode) / (upper - lower)``.

    Parameters
    ----------
    lower, mode, upper : float
        ``lower <= mode <= upper`` and ``lower < upper``.
    shape : float
        Concentration around the mode (> 0, default 4).
    """

    lower: float
    mode: float
    upper: float
    shape: float = 4.0
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "lower": check_real,
        "mode": check_real,
        "upper": check_real,
        "shape": check_positive,
    }

    def _check_relations(self) -> None:
        _check_mode("PERT", self.lower, self.mode, self.upper)
        w = self.upper - self.lower
        alpha = 1.0 + self.shape * (self.mode - self.lower) / w
        beta = 1.0 + self.shape * (self.upper - self.mode) / w
        _set(self, "_beta", Beta(alpha, beta, self.lower, self.upper))

    def as_beta(self) -> Beta:
        """Return the equivalent :class:`Beta`."""
        out: Beta = self.__dict__["_beta"]
        return out

    def _ppf(self, u: Array) -> Array:
        return self.as_beta()._ppf(u)

    def _cdf(self, x: Array) -> Array:
        return self.as_beta()._cdf(x)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return self.as_beta()._sample(rng, size)

    def mean(self) -> float:
        """Return ``(lower + shape mode + upper) / (shape + 2)``."""
        return self.as_beta().mean()

    def var(self) -> float:
        """Return the variance."""
        return self.as_beta().var()

    def median(self) -> float:
        """Return the median."""
        return self.as_beta().median()


# -- numerical helpers ----------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _tanh_sinh_nodes() -> tuple[Array, Array]:
    """Tanh-sinh nodes and weights on (0, 1), excluding nodes that round to 0 or 1."""
    h = 1.0 / 64.0
    t = np.arange(-6.0, 6.0 + h / 2, h)
    z = 0.5 * np.pi * np.sinh(t)
    u = sc.expit(2.0 * z)
    w = h * 0.5 * np.pi * np.cosh(t) / (2.0 * np.cosh(z) ** 2)
    keep = (u > 0.0) & (u < 1.0) & (w > 0.0)
    return u[keep], w[keep]


def _moments_by_quadrature(ppf: Callable[[Array], Array]) -> tuple[float, float]:
    """Mean and variance as integrals of the quantile function over (0, 1)."""
    u, w = _tanh_sinh_nodes()
    x = ppf(u)
    ok = np.isfinite(x)
    mean = float(np.sum(w[ok] * x[ok]))
    var = float(np.sum(w[ok] * (x[ok] - mean) ** 2))
    return mean, var


def _invert_cdf(
    cdf: Callable[[Array], Array],
    u: Array,
    lo: Array,
    hi: Array,
    *,
    rtol: float = 1e-14,
    max_iter: int = 200,
) -> Array:
    """Smallest ``x`` in ``[lo, hi]`` with ``cdf(x) >= u`` (vectorized Illinois bracketing).

    Requires ``cdf(x) < u`` for ``x < lo`` and ``cdf(hi) >= u``.
    """
    lo, hi, u = lo.copy(), hi.copy(), u.copy()
    out = hi.copy()
    active = np.flatnonzero(np.isfinite(lo) & np.isfinite(hi) & (lo < hi))
    if active.size:
        f_lo = cdf(lo[active]) - u[active]
        done = f_lo >= 0.0
        out[active[done]] = lo[active[done]]
        active = active[~done]
    if not active.size:
        return out
    a, b, ua = lo[active], hi[active], u[active]
    fa, fb = cdf(a) - ua, cdf(b) - ua
    side = np.zeros(active.size, dtype=np.int8)
    idx = np.arange(active.size)
    for _ in range(max_iter):
        conv = (b - a) <= rtol * np.maximum(np.abs(a), np.abs(b)) + 1e-300
        if conv.any():
            keep = ~conv
            out[active[idx[conv]]] = b[conv]
            a, b, fa, fb, ua, side, idx = (
                a[keep],
                b[keep],
                fa[keep],
                fb[keep],
                ua[keep],
                side[keep],
                idx[keep],
            )
        if not idx.size:
            break
        with np.errstate(invalid="ignore", divide="ignore"):
            x = b - fb * (b - a) / (fb - fa)
        mid = 0.5 * (a + b)
        x = np.where((x > a) & (x < b), x, mid)
        fx = cdf(x) - ua
        right = fx >= 0.0  # root in [a, x]: x becomes b
        # Illinois: halve the function value at the end kept twice in a row.
        fa = np.where(right & (side == 1), 0.5 * fa, fa)
        fb = np.where(~right & (side == -1), 0.5 * fb, fb)
        b = np.where(right, x, b)
        fb = np.where(right, fx, fb)
        a = np.where(right, a, x)
        fa = np.where(right, fa, fx)
        side = np.where(right, 1, -1).astype(np.int8)
    if idx.size:
        out[active[idx]] = b
    return out


# -- composite families ---------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Truncated(Distribution):
    """A continuous distribution conditioned on ``lower <= X <= upper``.

    Parameters
    ----------
    base : Distribution
        Continuous distribution to truncate.
    lower, upper : float or None
        Bounds (``None`` or infinite: no bound), ``lower < upper``; the base must have
        probability mass between them.
    """

    base: Distribution
    lower: float = -math.inf
    upper: float = math.inf
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "base": _check_distribution,
        "lower": _check_lower_bound,
        "upper": _check_upper_bound,
    }

    def _check_relations(self) -> None:
        if self.base.is_discrete:
            raise ValueError(f"Truncated: base must be a continuous distribution, got {self.base!r}")
        check_ordered(self.lower, self.upper, ("lower", "upper"), "Truncated")
        fa, fb = (float(v) for v in self.base.cdf(np.array([self.lower, self.upper])))
        if not fb - fa > 0.0:
            raise ValueError(
                f"Truncated: base {self.base!r} has no probability mass in [{self.lower!r}, {self.upper!r}]"
            )
        _set(self, "_mass", (fa, fb - fa))

    def _ppf(self, u: Array) -> Array:
        fa, mass = self.__dict__["_mass"]
        return np.clip(self.base.ppf(fa + u * mass), self.lower, self.upper)

    def _cdf(self, x: Array) -> Array:
        fa, mass = self.__dict__["_mass"]
        inner = self.base.cdf(np.clip(x, self.lower, self.upper))
        return np.clip((inner - fa) / mass, 0.0, 1.0)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return self._ppf(rng.random(size))

    def _moments(self) -> tuple[float, float]:
        cached = self.__dict__.get("_cached_moments")
        if cached is None:
            cached = _moments_by_quadrature(self._ppf)
            _set(self, "_cached_moments", cached)
        return cached

    def mean(self) -> float:
        """Return the mean (tanh-sinh quadrature of the quantile function, ~1e-12)."""
        return self._moments()[0]

    def var(self) -> float:
        """Return the variance (tanh-sinh quadrature of the quantile function)."""
        return self._moments()[1]

    @property
    def support(self) -> tuple[float, float]:
        """Intersection of the base support with ``[lower, upper]``."""
        lo, hi = self.base.support
        return max(lo, self.lower), min(hi, self.upper)


@dataclass(frozen=True, repr=False)
class Mixture(Distribution):
    """Mixture of distributions: draw a component with probability ``weights[i]``.

    ``ppf`` numerically inverts the mixture CDF (bracketed Illinois iteration, relative
    accuracy ~1e-14); ``sample`` draws two uniforms per value (component, then its ``ppf``).

    Parameters
    ----------
    components : tuple of Distribution
        The components.
    weights : tuple of float
        Non-negative weights summing to 1 (within 1e-9), one per component.
    """

    components: tuple[Distribution, ...]
    weights: tuple[float, ...]
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "components": _check_components,
        "weights": check_weights,
    }

    def _check_relations(self) -> None:
        if len(self.components) != len(self.weights):
            raise ValueError(
                f"Mixture: weights must have one entry per component ({len(self.components)}), got {len(self.weights)}"
            )
        w = np.asarray(self.weights)
        cum = np.cumsum(w)
        cum /= cum[-1]
        _set(self, "_cum", cum)
        _set(self, "_active", tuple(c for c, wi in zip(self.components, w, strict=True) if wi > 0))

    def _ppf(self, u: Array) -> Array:
        active: tuple[Distribution, ...] = self.__dict__["_active"]
        flat = u.reshape(-1)
        qs = np.stack([c.ppf(flat) for c in active])
        lo, hi = qs.min(axis=0), qs.max(axis=0)
        lo = np.where(flat >= 1.0, hi, lo)
        out = _invert_cdf(self._cdf, flat, lo, hi)
        for c in active:
            if c.is_discrete:  # snap to an atom of a discrete component
                atom = c.ppf(c.cdf(out))
                use = (atom <= out) & (self._cdf(atom) >= flat)
                out = np.where(use, np.minimum(atom, out), out)
        return np.where(np.isnan(flat), np.nan, out).reshape(u.shape)

    def _cdf(self, x: Array) -> Array:
        total = np.zeros(x.shape)
        for c, w in zip(self.components, self.weights, strict=True):
            if w > 0.0:
                total += w * c.cdf(x)
        return np.minimum(total, 1.0)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        uv = rng.random((size, 2))
        k = np.minimum(np.searchsorted(self.__dict__["_cum"], uv[:, 0], side="right"), len(self.weights) - 1)
        out = np.empty(size)
        for j, c in enumerate(self.components):
            sel = np.flatnonzero(k == j)
            if sel.size:
                out[sel] = c.ppf(uv[sel, 1])
        return out

    def mean(self) -> float:
        """Return the weighted mean of the component means."""
        return math.fsum(w * c.mean() for c, w in zip(self.components, self.weights, strict=True) if w > 0)

    def var(self) -> float:
        """Return ``sum w_i (var_i + (mean_i - mean)**2)``."""
        m = self.mean()
        return math.fsum(
            w * (c.var() + (c.mean() - m) ** 2) for c, w in zip(self.components, self.weights, strict=True) if w > 0
        )

    @property
    def support(self) -> tuple[float, float]:
        """Union of the supports of the components with positive weight."""
        supports = [c.support for c in self.__dict__["_active"]]
        return min(s[0] for s in supports), max(s[1] for s in supports)

    @property
    def is_discrete(self) -> bool:
        """True when every component with positive weight is discrete."""
        return all(c.is_discrete for c in self.__dict__["_active"])


@dataclass(frozen=True, repr=False)
class Choice(Distribution):
    """Discrete distribution over a few values (scenarios), optionally labelled.

    Parameters
    ----------
    values : tuple of float
        The possible values (any order; duplicates allowed).
    probs : tuple of float
        Their probabilities: non-negative, summing to 1 (within 1e-9).
    labels : tuple of str or None
        Unique scenario names, one per value.
    """

    values: tuple[float, ...]
    probs: tuple[float, ...]
    labels: tuple[str, ...] | None = None
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "values": check_real_tuple,
        "probs": check_weights,
        "labels": _check_labels,
    }

    def _check_relations(self) -> None:
        n = len(self.values)
        if len(self.probs) != n:
            raise ValueError(f"Choice: probs must have one entry per value ({n}), got {len(self.probs)}")
        if self.labels is not None and len(self.labels) != n:
            raise ValueError(f"Choice: labels must have one entry per value ({n}), got {len(self.labels)}")
        order = np.argsort(np.asarray(self.values), kind="stable")
        xs = np.asarray(self.values)[order]
        cum = np.cumsum(np.asarray(self.probs)[order])
        cum /= cum[-1]
        xs.flags.writeable = False
        cum.flags.writeable = False
        _set(self, "_xs", xs)
        _set(self, "_cum", cum)

    def _ppf(self, u: Array) -> Array:
        xs, cum = self.__dict__["_xs"], self.__dict__["_cum"]
        i = np.minimum(np.searchsorted(cum, u, side="left"), xs.size - 1)
        return np.where(np.isnan(u), np.nan, xs[i])

    def _cdf(self, x: Array) -> Array:
        xs, cum = self.__dict__["_xs"], self.__dict__["_cum"]
        i = np.searchsorted(xs, x, side="right")
        out = np.concatenate([[0.0], cum])[i]
        return np.where(np.isnan(x), np.nan, out)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        xs, cum = self.__dict__["_xs"], self.__dict__["_cum"]
        i = np.minimum(np.searchsorted(cum, rng.random(size), side="right"), xs.size - 1)
        return np.asarray(xs[i], dtype=np.float64)

    def mean(self) -> float:
        """Return ``sum p_i x_i``."""
        return math.fsum(p * x for p, x in zip(self.probs, self.values, strict=True)) / math.fsum(self.probs)

    def var(self) -> float:
        """Return ``sum p_i (x_i - mean)**2``."""
        m = self.mean()
        return math.fsum(p * (x - m) ** 2 for p, x in zip(self.probs, self.values, strict=True)) / math.fsum(self.probs)

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest value."""
        return min(self.values), max(self.values)

    @property
    def is_discrete(self) -> bool:
        """True."""
        return True

    def as_dict(self) -> dict[str, float]:
        """Return ``{label: value}`` (labels ``"0"``, ``"1"``, ... when unlabelled)."""
        labels = self.labels or tuple(str(i) for i in range(len(self.values)))
        return dict(zip(labels, self.values, strict=True))


def _check_frozen(value: Any, name: str, owner: str | None = None) -> Any:
    if not _is_scipy_frozen(value):
        raise TypeError(
            f"{owner}: {name} must be a frozen scipy.stats distribution "
            f"(e.g. scipy.stats.gamma(2.0)), got {describe_value(value)}"
        )
    return value


def _is_scipy_frozen(value: object) -> bool:
    return all(hasattr(value, a) for a in ("ppf", "cdf", "dist", "args", "kwds", "support"))


@dataclass(frozen=True, eq=False, repr=False)
class ScipyDistribution(Distribution):
    """Wrapper around a frozen ``scipy.stats`` distribution (continuous or discrete).

    ``ppf``, ``cdf``, ``mean``, ``var`` and ``median`` delegate; ``sample`` is
    ``ppf(rng.random(size))``. For discrete distributions ``ppf(0)`` is the lower end of the
    support (scipy returns one less). Equality is identity of the frozen object.

    Parameters
    ----------
    frozen : scipy.stats frozen distribution
        E.g. ``scipy.stats.gamma(2.0, scale=3.0)``.
    """

    frozen: Any
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {"frozen": _check_frozen}

    def _check_relations(self) -> None:
        import scipy.stats

        _set(self, "_discrete", isinstance(self.frozen.dist, scipy.stats.rv_discrete))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ScipyDistribution) and other.frozen is self.frozen

    def __hash__(self) -> int:
        return hash((ScipyDistribution, id(self.frozen)))

    def __repr__(self) -> str:
        args = [_fmt(float(a)) if isinstance(a, int | float) else repr(a) for a in self.frozen.args]
        args += [
            f"{k}={_fmt(float(v)) if isinstance(v, int | float) else repr(v)}" for k, v in self.frozen.kwds.items()
        ]
        return f"ScipyDistribution({self.frozen.dist.name}({', '.join(args)}))"

    def _ppf(self, u: Array) -> Array:
        out = np.asarray(self.frozen.ppf(u), dtype=np.float64)
        if self.is_discrete:
            out = np.where(u == 0.0, self.support[0], out)
        return out

    def _cdf(self, x: Array) -> Array:
        return np.asarray(self.frozen.cdf(x), dtype=np.float64)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return self._ppf(rng.random(size))

    def mean(self) -> float:
        """Return the mean of the wrapped distribution."""
        return float(self.frozen.mean())

    def var(self) -> float:
        """Return the variance of the wrapped distribution."""
        return float(self.frozen.var())

    def median(self) -> float:
        """Return the median of the wrapped distribution."""
        return float(self.frozen.median())

    @property
    def support(self) -> tuple[float, float]:
        """Support of the wrapped distribution."""
        lo, hi = self.frozen.support()
        return float(lo), float(hi)

    @property
    def is_discrete(self) -> bool:
        """True when the wrapped distribution is discrete."""
        return bool(self.__dict__["_discrete"])


def as_distribution(x: object, name: str | None = None) -> Distribution:
    """Convert a number, a Distribution or a frozen scipy distribution to a Distribution.

    Parameters
    ----------
    x : float, Distribution or scipy.stats frozen distribution
        Numbers become :class:`Point`; distributions are returned unchanged; frozen scipy
        distributions are wrapped in :class:`ScipyDistribution`.
    name : str, optional
        Name used in error messages.

    Returns
    -------
    Distribution

    Raises
    ------
    TypeError
        For anything else (strings, bools, None, lists, ...).

    Examples
    --------
    >>> from flopcast.distributions import as_distribution
    >>> as_distribution(3)
    Point(value=3)
    >>> as_distribution("3", name="gpus")
    Traceback (most recent call last):
    ...
    TypeError: gpus: expected a number, a flopcast Distribution or ... got str '3'
    """
    if isinstance(x, Distribution):
        return x
    if _is_scipy_frozen(x):
        return ScipyDistribution(x)
    if is_real_number(x):
        return Point(check_real(x, name or "value", "Point"))
    prefix = f"{name}: " if name else ""
    raise TypeError(
        f"{prefix}expected a number, a flopcast Distribution or a frozen scipy.stats "
        f"distribution, got {describe_value(x)}"
    )
