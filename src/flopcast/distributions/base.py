"""The distribution protocol: the abstract base class every family derives from, and shared constraints."""

from __future__ import annotations

import abc
import math
import sys
from collections.abc import Mapping
from dataclasses import fields
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from flopcast.arithmetic import Arithmetic
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.validate import (
    Constraint,
    ParameterTypeError,
    check_extended_real,
    check_int,
    check_probability,
    check_probability_array,
    check_rng,
    describe_value,
)

Array = NDArray[np.float64]

#: The largest float.
FLOAT_MAX = sys.float_info.max

#: The most extreme probabilities a sampler reaches: ``rng.random()`` gives multiples of 2**-53 below 1 (a 0 is
#: moved to 2**-64), and the designs (Latin hypercube, Sobol') clip their points to [2**-64, 1 - 2**-53].
TAIL_LEVELS = (2.0**-64, 1.0 - 2.0**-53)


def safe_exp(x: float) -> float:
    """``exp(x)``, and inf where that exceeds the float range (``math.exp`` raises OverflowError there).

    Examples
    --------
    >>> safe_exp(0.0), safe_exp(1000.0)
    (1.0, inf)
    """
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def weighted_moments(means: Any, weights: Any, variances: Any = 0.0) -> tuple[float, float]:
    """Mean and variance of a mixture of atoms or components: ``sum w m`` and ``sum w (v + (m - mean)**2)``.

    Computed in units of the largest ``|m|``, so that no square overflows before the result does (a variance
    beyond the float range is inf, not an OverflowError). Weights are normalized.

    Examples
    --------
    >>> weighted_moments([1e300, -1e300], [0.5, 0.5])
    (0.0, inf)
    >>> weighted_moments([1.0, 3.0], [0.25, 0.75])
    (2.5, 0.75)
    """
    m = np.asarray(means, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    w = w / np.sum(w)
    with np.errstate(all="ignore"):
        v = float(np.sum(w * np.asarray(variances, dtype=np.float64)))
        if not np.all(np.isfinite(m)):  # a component without a finite mean
            mean = float(np.sum(w * m))
            return mean, (math.nan if math.isnan(mean) else math.inf)
    scale = float(np.max(np.abs(m))) or 1.0
    ms = m / scale
    centre = math.fsum(w * ms)
    dev = ms - centre
    return scale * centre, scale * (scale * math.fsum(w * dev * dev)) + v


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, tuple):
        inner = ", ".join(_fmt(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


class Distribution(Arithmetic, abc.ABC):
    """Base class of the distribution families.

    Arithmetic on a distribution (``fc.lognormal(1, 10) * 3``) builds a lazy expression (:mod:`flopcast.expr`).

    Subclasses are frozen dataclasses that declare ``arg_constraints``, a mapping from each
    parameter name to a validator ``(value, name, owner) -> converted value``, and implement
    ``_ppf``, ``_cdf``, ``_sample``, ``mean``, ``var`` and ``support``.
    """

    arg_constraints: ClassVar[Mapping[str, Constraint]] = {}
    #: Whether ``_logsf`` and ``_isf_log`` keep their relative precision in the upper tail (the defaults compute
    #: them from the CDF, whose values near 1 are known only to 2**-53).
    accurate_tails: ClassVar[bool] = False
    #: The smallest log probability whose quantile the family computes accurately (its tail methods in log space):
    #: the defaults go through ``exp``, which underflows below about exp(-745).
    deepest_log_probability: ClassVar[float] = -700.0

    def __post_init__(self) -> None:
        owner = type(self).__name__
        for name, constraint in self.arg_constraints.items():
            object.__setattr__(self, name, constraint(getattr(self, name), name, owner))
        self._check_relations()
        self._check_representable()

    def _check_representable(self) -> None:
        """Refuse parameters whose draws would leave the float range (the generic check, by the quantile function).

        Every sampler draws from the quantiles between :data:`TAIL_LEVELS` (native samplers that reach further
        override this with their own bound), so those quantiles and the median must be finite numbers.
        """
        with np.errstate(all="ignore"):
            x = np.asarray(self._ppf(np.array([TAIL_LEVELS[0], 0.5, TAIL_LEVELS[1]])), dtype=np.float64)
        if not np.all(np.isfinite(x)):
            raise FlopcastValueError(
                f"{self!r}: its draws would not all be finite numbers (quantiles at 2**-64, 1/2 and 1 - 2**-53: "
                f"{', '.join(f'{v:.6g}' for v in x)}); rescale the unit or narrow the distribution"
            )

    # -- equality --------------------------------------------------------------------------------
    # The families are frozen dataclasses declared with eq=False: the dataclass would generate an __eq__ that
    # gives False for ``dist == 2``; these keep its field-wise meaning between distributions and build a lazy
    # expression against numbers, arrays and expressions, as ``<`` does.
    def _parameters(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in fields(self) if f.compare)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> Any:
        """Two distributions: equal parameters (a bool). A number, array or expression: a lazy per-draw ``==``.

        Distributions compare by value because they are values (frozen dataclasses; caches, model equality and
        assumption files rely on it). For the probability that two *draws* are equal, compare their difference:
        ``d1 - d2 == 0`` (an expression, like ``fc.to(...) == fc.to(...)``).

        Examples
        --------
        >>> import flopcast as fc
        >>> fc.uniform(0, 1) == fc.uniform(0, 1)
        True
        >>> c = fc.choice([1, 2, 3], [0.25, 0.25, 0.5])
        >>> round(fc.where(c == 3, 1, 0).mean(n=10_000, seed=1), 2)
        0.5
        """
        if isinstance(other, Distribution):
            if type(other) is not type(self):
                return NotImplemented
            return self._parameters() == other._parameters()
        return Arithmetic.__eq__(self, other)

    def __ne__(self, other: object) -> Any:
        """The negation of :meth:`__eq__` between distributions; a lazy per-draw ``!=`` otherwise."""
        if isinstance(other, Distribution):
            if type(other) is not type(self):
                return NotImplemented
            return self._parameters() != other._parameters()
        return Arithmetic.__ne__(self, other)

    def __hash__(self) -> int:
        return hash(self._parameters())

    def _check_relations(self) -> None:  # noqa: B027 (optional hook, not abstract)
        """Check relations between parameters (override in subclasses)."""

    def __repr__(self) -> str:
        args = ", ".join(f"{f.name}={_fmt(getattr(self, f.name))}" for f in fields(self))  # type: ignore[arg-type]
        return f"{type(self).__name__}({args})"

    def _repr_html_(self) -> str:
        from flopcast.html import distribution_html

        return distribution_html(self)

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

    def defined_moments(self) -> int:
        """How many of the mean and the variance exist: 2 (both), 1 (the mean alone) or 0 (neither).

        Every flopcast family has both (a moment beyond the float range is ``inf``, but it exists). A Cauchy or a
        Student t with ``df <= 1`` has neither, a t with ``df <= 2`` or a Pareto with ``b <= 2`` no variance:
        their sample means and sds do not converge, so summaries give NaN for them.
        """
        return 2

    @property
    @abc.abstractmethod
    def support(self) -> tuple[float, float]:
        """Smallest and largest possible values."""

    # -- tails in log space: override where the family has accurate forms (used by Truncated) --------------------
    def _logcdf(self, x: Array) -> Array:
        """``log P(X <= x)``."""
        return np.log(self._cdf(x))

    def _logsf(self, x: Array) -> Array:
        """``log P(X > x)``."""
        return np.log1p(-self._cdf(x))

    def _ppf_log(self, logp: Array) -> Array:
        """The quantile at probability ``exp(logp)``."""
        return self._ppf(np.exp(logp))

    def _isf_log(self, logq: Array) -> Array:
        """The value exceeded with probability ``exp(logq)``."""
        return self._ppf(-np.expm1(logq))

    def _uniforms(self, rng: np.random.Generator, size: int) -> Array:
        """``size`` uniforms in [2**-64, 1) for sampling by the quantile function.

        A 0 would give the lower bound of the support: -inf for an unbounded one.
        """
        return np.maximum(rng.random(size), TAIL_LEVELS[0])

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
        with np.errstate(all="ignore"):
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
        with np.errstate(all="ignore"):
            return np.asarray(self._cdf(x), dtype=np.float64)

    def sample(
        self, size: int, *, seed: int | np.random.SeedSequence | None = None, rng: np.random.Generator | None = None
    ) -> Array:
        """Draw independent values with a native sampler.

        Parameters
        ----------
        size : int
            Number of draws (>= 0).
        seed : int or numpy.random.SeedSequence, optional
            Seed of a new generator (``None``: fresh entropy, never a global generator).
        rng : numpy.random.Generator, optional
            A generator to draw from instead (give ``seed`` or ``rng``, not both).

        Returns
        -------
        ndarray of float64, shape (size,)
            ``sample(m, rng=g)`` equals the first ``m`` values of ``sample(M, rng=g)`` for
            generators in the same state (prefix property).

        Examples
        --------
        >>> import numpy as np
        >>> from flopcast.distributions import Uniform
        >>> a = Uniform(0, 1).sample(3, rng=np.random.default_rng(1))
        >>> b = Uniform(0, 1).sample(3, seed=1)
        >>> bool(np.array_equal(a, b))
        True
        """
        owner = f"{type(self).__name__}.sample"
        if isinstance(size, np.random.Generator):
            raise FlopcastTypeError(f"{owner}: the first argument is the size; pass the generator as rng=")
        if rng is None:
            rng = np.random.default_rng(seed)
        elif seed is not None:
            raise FlopcastValueError(f"{owner}: give either rng or seed, not both")
        rng = check_rng(rng, "rng", owner)
        size = check_int(size, "size", owner, minimum=0)
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
        raise ParameterTypeError(f"{owner}: {name} must be a Distribution, got {describe_value(value)}")
    return value


def _check_components(value: Any, name: str, owner: str | None = None) -> tuple[Distribution, ...]:
    if isinstance(value, Distribution) or not isinstance(value, tuple | list):
        raise ParameterTypeError(f"{owner}: {name} must be a tuple of Distributions, got {describe_value(value)}")
    if not value:
        raise FlopcastValueError(f"{owner}: {name} must not be empty")
    return tuple(_check_distribution(c, f"{name}[{i}]", owner) for i, c in enumerate(value))


def _check_lower_bound(value: Any, name: str, owner: str | None = None) -> float:
    return -math.inf if value is None else check_extended_real(value, name, owner)


def _check_upper_bound(value: Any, name: str, owner: str | None = None) -> float:
    return math.inf if value is None else check_extended_real(value, name, owner)


def _check_labels(value: Any, name: str, owner: str | None = None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise ParameterTypeError(f"{owner}: {name} must be a tuple of strings or None, got {describe_value(value)}")
    for i, label in enumerate(value):
        if not isinstance(label, str):
            raise ParameterTypeError(f"{owner}: {name}[{i}] must be a str, got {describe_value(label)}")
    if len(set(value)) != len(value):
        raise FlopcastValueError(f"{owner}: {name} must be unique, got {tuple(value)!r}")
    return tuple(value)


def _set(obj: object, name: str, value: object) -> None:
    """Cache a derived (non-field) attribute on a frozen instance."""
    object.__setattr__(obj, name, value)
