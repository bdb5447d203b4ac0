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
    Array,
    Distribution,
    _check_components,
    _check_distribution,
    _check_lower_bound,
    _check_upper_bound,
    _set,
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
            raise FlopcastValueError(f"Truncated: base must be a continuous distribution, got {self.base!r}")
        check_ordered(self.lower, self.upper, ("lower", "upper"), "Truncated")
        fa, fb = (float(v) for v in self.base.cdf(np.array([self.lower, self.upper])))
        if not fb - fa > 0.0:
            raise FlopcastValueError(
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
