"""Families built from others: truncation of any family, and mixtures."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.special as sc

from flopcast.distributions.base import (
    TAIL_LEVELS,
    Array,
    Distribution,
    _check_components,
    _check_distribution,
    _check_lower_bound,
    _check_upper_bound,
    _set,
    weighted_moments,
)
from flopcast.errors import FlopcastValueError
from flopcast.validate import (
    Constraint,
    check_ordered,
    check_weights,
)


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
    with np.errstate(over="ignore"):  # a variance beyond the float range is inf
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
    max_iter: int = 2200,
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
@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
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
            raise FlopcastValueError(f"Truncated: base must be a continuous distribution, got {self.base!r}")
        check_ordered(self.lower, self.upper, ("lower", "upper"), "Truncated")
        bounds = np.array([self.lower, self.upper])
        # Work in log probabilities on the side of the bounds' tail (as scipy's truncnorm): the log CDF below the
        # median, the log survival function above it (for families whose survival function is accurate). Far in a
        # tail (normal on [10, 20]: mass 7.6e-24) both CDF values round to 1, but their logs (or the survival's)
        # keep every digit.
        with np.errstate(all="ignore"):
            upper_tail = self.base.accurate_tails and bool(self.base.cdf(self.lower) > 0.5)
            log_a, log_b = (float(v) for v in (self.base._logsf if upper_tail else self.base._logcdf)(bounds))
        # The mass is exp(log_b) - exp(log_a) (CDF side) or exp(log_a) - exp(log_b) (survival side).
        near, far = (log_b, log_a) if upper_tail else (log_a, log_b)
        if not (far > near and math.isfinite(far)):
            raise FlopcastValueError(
                f"Truncated: base {self.base!r} has no probability mass in [{self.lower!r}, {self.upper!r}] "
                "that floats can represent"
            )
        share = -math.expm1(near - far)  # the interval's share of the probability on its side of the median
        if not share >= 2.0**-30:
            raise FlopcastValueError(
                f"Truncated: [{self.lower!r}, {self.upper!r}] holds only {share:.3g} of the probability of "
                f"{self.base!r} on its side, too little for floats to resolve its CDF inside the interval; "
                "use fc.uniform(lower, upper) for so narrow a range"
            )
        deepest = self.base.deepest_log_probability
        if not far >= deepest:
            raise FlopcastValueError(
                f"Truncated: base {self.base!r} has probability exp({far:.6g}) in [{self.lower!r}, {self.upper!r}], "
                f"too far in its tail to compute its quantiles accurately (down to exp({deepest:g})); "
                "move the bounds closer to the bulk of the distribution"
            )
        _set(self, "_tail", (upper_tail, log_a, log_b))

    def _log_target(self, u: Array) -> Array:
        """``log((1 - u) P_a + u P_b)``: the log probability (CDF or survival side) of the ``u`` quantile."""
        _, log_a, log_b = self.__dict__["_tail"]
        with np.errstate(divide="ignore"):
            return np.logaddexp(np.log1p(-u) + log_a, np.log(u) + log_b)

    def _ppf(self, u: Array) -> Array:
        upper_tail = self.__dict__["_tail"][0]
        target = self._log_target(u)
        x = self.base._isf_log(target) if upper_tail else self.base._ppf_log(target)
        return np.where(np.isnan(u), np.nan, np.clip(x, self.lower, self.upper))

    def _cdf(self, x: Array) -> Array:
        upper_tail, log_a, log_b = self.__dict__["_tail"]
        xc = np.clip(x, self.lower, self.upper)
        if upper_tail:  # (S(a) - S(x)) / (S(a) - S(b)) in units of S(a)
            out = np.expm1(self.base._logsf(xc) - log_a) / np.expm1(log_b - log_a)
        else:  # (F(x) - F(a)) / (F(b) - F(a)) in units of F(b)
            out = (np.exp(self.base._logcdf(xc) - log_b) - math.exp(log_a - log_b)) / -math.expm1(log_a - log_b)
        return np.where(np.isnan(x), np.nan, np.clip(out, 0.0, 1.0))

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return self._ppf(self._uniforms(rng, size))

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

    def defined_moments(self) -> int:
        """2 when the support is bounded (a bounded distribution has every moment), else those of the base."""
        return 2 if all(math.isfinite(b) for b in self.support) else self.base.defined_moments()

    @property
    def support(self) -> tuple[float, float]:
        """Intersection of the base support with ``[lower, upper]``."""
        lo, hi = self.base.support
        return max(lo, self.lower), min(hi, self.upper)


@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
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
            raise FlopcastValueError(
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
        np.maximum(uv[:, 1], TAIL_LEVELS[0], out=uv[:, 1])  # a 0 would give -inf for an unbounded component
        k = np.minimum(np.searchsorted(self.__dict__["_cum"], uv[:, 0], side="right"), len(self.weights) - 1)
        out = np.empty(size)
        for j, c in enumerate(self.components):
            sel = np.flatnonzero(k == j)
            if sel.size:
                out[sel] = c.ppf(uv[sel, 1])
        return out

    def _moments(self) -> tuple[float, float]:
        pairs = [(c, w) for c, w in zip(self.components, self.weights, strict=True) if w > 0]
        return weighted_moments([c.mean() for c, _ in pairs], [w for _, w in pairs], [c.var() for c, _ in pairs])

    def mean(self) -> float:
        """Return the weighted mean of the component means."""
        return self._moments()[0]

    def var(self) -> float:
        """Return ``sum w_i (var_i + (mean_i - mean)**2)`` (inf beyond the float range)."""
        return self._moments()[1]

    def defined_moments(self) -> int:
        """The fewest of the components that have weight: one without a mean leaves the mixture without one."""
        return min(c.defined_moments() for c, w in zip(self.components, self.weights, strict=True) if w > 0)

    @property
    def support(self) -> tuple[float, float]:
        """Union of the supports of the components with positive weight."""
        supports = [c.support for c in self.__dict__["_active"]]
        return min(s[0] for s in supports), max(s[1] for s in supports)

    @property
    def is_discrete(self) -> bool:
        """True when every component with positive weight is discrete."""
        return all(c.is_discrete for c in self.__dict__["_active"])
