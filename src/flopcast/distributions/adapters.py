"""Any scipy.stats frozen distribution as an assumption, and the conversion of user values to distributions."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from flopcast.arithmetic import Arithmetic
from flopcast.distributions.base import Array, Distribution, _fmt, _set
from flopcast.distributions.families import Point
from flopcast.errors import FlopcastValueError
from flopcast.validate import (
    Constraint,
    ParameterTypeError,
    check_real,
    describe_value,
    is_real_number,
)


def _check_frozen(value: Any, name: str, owner: str | None = None) -> Any:
    if not _is_scipy_frozen(value):
        raise ParameterTypeError(
            f"{owner}: {name} must be a frozen scipy.stats distribution "
            f"(e.g. scipy.stats.gamma(2.0)), got {describe_value(value)}"
        )
    return value


def _is_scipy_frozen(value: object) -> bool:
    return all(hasattr(value, a) for a in ("ppf", "cdf", "dist", "args", "kwds", "support"))


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence scipy's warnings (overflow in a moment, a slow integration): flopcast checks the values instead."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


#: Probabilities at which a wrapped distribution's quantile function is checked against its CDF.
_CHECK_LEVELS = np.array([0.01, 0.1, 0.5, 0.9, 0.99])


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
    accurate_tails: ClassVar[bool] = True  # scipy's logsf and isf

    def _check_relations(self) -> None:
        import scipy.stats

        _set(self, "_discrete", isinstance(self.frozen.dist, scipy.stats.rv_discrete))
        # scipy accepts any parameters when freezing and answers NaN later (norm(0, -1)): check now, quietly.
        with _quiet():
            try:
                median = np.asarray(self.frozen.ppf(0.5), dtype=np.float64)
                lo, hi = (np.asarray(v, dtype=np.float64) for v in self.frozen.support())
            except (TypeError, ValueError) as exc:
                raise FlopcastValueError(f"{self!r}: scipy cannot evaluate it ({exc})") from exc
        if median.shape != () or lo.shape != ():
            raise FlopcastValueError(
                f"{self!r}: must be one distribution (scalar parameters), got parameters of shape {median.shape}"
            )
        if np.isnan(median) or np.isnan(lo) or np.isnan(hi):
            raise FlopcastValueError(
                f"{self!r}: scipy reports invalid parameters (support {float(lo)} to {float(hi)}, median "
                f"{float(median)}); check its arguments (scales must be > 0, shapes in their ranges)"
            )

    def _check_representable(self) -> None:
        with _quiet():
            super()._check_representable()
            # The quantile function must invert the CDF (up to a float step): a mass closer to 0 than floats
            # resolve (gamma(0.004)) breaks that, and every draw would sit at the bound.
            x = self._ppf(_CHECK_LEVELS)
            above = self._cdf(np.nextafter(x, np.inf))
            below = self._cdf(np.nextafter(x, -np.inf))
        if not (np.all(above >= _CHECK_LEVELS - 1e-6) and np.all(below <= _CHECK_LEVELS + 1e-6)):
            raise FlopcastValueError(
                f"{self!r}: its quantile function does not invert its CDF in floats (quantiles {x.tolist()} at "
                f"{_CHECK_LEVELS.tolist()}, with CDF {above.tolist()}): its mass lies closer to a point than floats "
                "resolve; rescale it or choose other parameters"
            )

    def __eq__(self, other: object) -> Any:
        if isinstance(other, Distribution):
            return isinstance(other, ScipyDistribution) and other.frozen is self.frozen
        return Distribution.__eq__(self, other)  # a lazy per-draw comparison with a number or expression

    def __ne__(self, other: object) -> Any:
        if isinstance(other, Distribution):
            return not self == other
        return Distribution.__ne__(self, other)

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

    def _logcdf(self, x: Array) -> Array:
        return np.asarray(self.frozen.logcdf(x), dtype=np.float64)

    def _logsf(self, x: Array) -> Array:
        return np.asarray(self.frozen.logsf(x), dtype=np.float64)

    def _isf_log(self, logq: Array) -> Array:
        return np.asarray(self.frozen.isf(np.exp(logq)), dtype=np.float64)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return self._ppf(self._uniforms(rng, size))

    def mean(self) -> float:
        """Return the mean of the wrapped distribution."""
        with _quiet():
            return float(self.frozen.mean())

    def var(self) -> float:
        """Return the variance of the wrapped distribution."""
        with _quiet():
            return float(self.frozen.var())

    def defined_moments(self) -> int:
        """0, 1 or 2: how many of scipy's mean and variance of the wrapped distribution are finite.

        Examples
        --------
        >>> from scipy import stats
        >>> from flopcast.distributions import ScipyDistribution
        >>> [ScipyDistribution(d).defined_moments() for d in (stats.cauchy(), stats.t(2), stats.gamma(2))]
        [0, 1, 2]
        """
        if not np.isfinite(self.mean()):
            return 0
        return 2 if np.isfinite(self.var()) else 1

    def median(self) -> float:
        """Return the median of the wrapped distribution."""
        with _quiet():
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
    """Convert a number, a Distribution, a frozen scipy distribution or an expression leaf to a Distribution.

    Parameters
    ----------
    x : float, Distribution, scipy.stats frozen distribution or expression leaf
        Numbers become :class:`Point`; distributions are returned unchanged; frozen scipy
        distributions are wrapped in :class:`ScipyDistribution`; an expression leaf (``fc.to(lo, hi)``,
        ``fc.quantity(...)``) gives its distribution. An expression that combines quantities
        (``fc.to(1, 10) * 2``) is not one distribution and is refused.
    name : str, optional
        Name used in error messages.

    Returns
    -------
    Distribution

    Raises
    ------
    TypeError
        For anything else (strings, bools, None, lists, expressions of several quantities...).

    Examples
    --------
    >>> import flopcast as fc
    >>> from flopcast.distributions import as_distribution
    >>> as_distribution(3)
    Point(value=3)
    >>> as_distribution(fc.to(10, 1000))
    LogNormal(mu=4.60517, sigma=1.39987)
    >>> as_distribution("3", name="gpus")
    Traceback (most recent call last):
    ...
    flopcast.validate.ParameterTypeError: gpus: expected a number, a flopcast Distribution or ... got str '3'
    """
    if isinstance(x, Distribution):
        return x
    if isinstance(x, Arithmetic):  # an expression: a leaf stands for its distribution, others are refused
        dist, _ = x._input(name or "value")
        return as_distribution(dist, name)
    if _is_scipy_frozen(x):
        return ScipyDistribution(x)
    if is_real_number(x):
        return Point(check_real(x, name or "value", "Point"))
    prefix = f"{name}: " if name else ""
    raise ParameterTypeError(
        f"{prefix}expected a number, a flopcast Distribution or a frozen scipy.stats "
        f"distribution, got {describe_value(x)}"
    )
