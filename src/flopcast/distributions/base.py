"""The distribution protocol: the abstract base class every family derives from, and shared constraints."""

from __future__ import annotations

import abc
import math
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

    def sample(self, rng: Any = None, size: Any = None, *, seed: Any = None) -> Array:
        """Draw independent values with a native sampler.

        Parameters
        ----------
        rng : numpy.random.Generator, int or None
            Source of randomness: a Generator, or a seed for a new one (``None``: fresh entropy, never a
            global generator). ``sample(1000)`` is read as ``sample(size=1000)``.
        size : int
            Number of draws (>= 0).
        seed : int, optional
            Seed of a new generator, when ``rng`` is not given.

        Returns
        -------
        ndarray of float64, shape (size,)
            ``sample(rng, m)`` equals the first ``m`` values of ``sample(rng, M)`` for
            generators in the same state (prefix property).

        Examples
        --------
        >>> import numpy as np
        >>> from flopcast.distributions import Uniform
        >>> a = Uniform(0, 1).sample(np.random.default_rng(1), 3)
        >>> b = Uniform(0, 1).sample(3, seed=1)
        >>> bool(np.array_equal(a, b))
        True
        """
        owner = f"{type(self).__name__}.sample"
        if size is None and rng is not None and not isinstance(rng, np.random.Generator):
            size, rng = rng, None
        if size is None:
            raise FlopcastTypeError(f"{owner}: size is required, e.g. sample(rng, 1000) or sample(1000, seed=1)")
        if rng is None:
            rng = np.random.default_rng(seed)
        elif seed is not None:
            raise FlopcastValueError(f"{owner}: give either rng or seed, not both")
        elif isinstance(rng, int | np.integer | np.random.SeedSequence) and not isinstance(rng, bool):
            rng = np.random.default_rng(rng)
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
