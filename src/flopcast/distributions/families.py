"""Parametric families: point, uniform, log-uniform, normal, lognormal, triangular, beta, PERT."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.special as sc

from flopcast._ppf_table import beta_ppf
from flopcast.distributions.base import FLOAT_MAX as _FLOAT_MAX
from flopcast.distributions.base import Array, Distribution, _set, safe_exp
from flopcast.errors import FlopcastValueError
from flopcast.validate import (
    Constraint,
    check_ordered,
    check_positive,
    check_real,
)


# -- families -------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
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


#: How far numpy's normal sampler reaches: its ziggurat tail gives at most r + log(2**53) / r = 13.7 standard
#: deviations (r = 3.654), so a normal is representable when mu +/- 14 sigma are floats.
_NORMAL_REACH = 14.0
#: ``exp(x)`` is a normal float (neither inf nor below 2.2e-308) for ``|x| <= 708``.
_LOG_FLOAT_RANGE = 708.0
#: The smallest log-normal sigma, relative to max(1, |mu|), that floats resolve (2**-30).
_MIN_LOG_SIGMA = 2.0**-30
#: Beta shapes outside this range put the mass closer to a bound than floats resolve (the quantile function
#: then returns the bound itself for most probabilities); they are refused.
BETA_SHAPE_RANGE = (1e-3, 1e7)


def _check_width(owner: str, lower: float, upper: float) -> None:
    """``lower < upper`` and a width ``upper - lower`` that is a float (not inf)."""
    check_ordered(lower, upper, ("lower", "upper"), owner)
    if not math.isfinite(upper - lower):
        raise FlopcastValueError(
            f"{owner}: upper - lower must be at most 1.8e308 (the largest float), got lower={lower!r}, "
            f"upper={upper!r}; rescale the unit"
        )


class _Bounded(Distribution):
    """Families with finite ``lower < upper`` bounds (and a finite width)."""

    lower: float
    upper: float

    def _check_relations(self) -> None:
        _check_width(type(self).__name__, self.lower, self.upper)

    @property
    def support(self) -> tuple[float, float]:
        """``(lower, upper)``."""
        return self.lower, self.upper


@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
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
        return 0.5 * self.lower + 0.5 * self.upper  # halves first: lower + upper may overflow

    def var(self) -> float:
        """Return ``(upper - lower)**2 / 12`` (inf beyond the float range)."""
        w = self.upper - self.lower
        return w * (w / 12.0)

    def median(self) -> float:
        """Return ``(lower + upper) / 2``."""
        return self.mean()


def _check_positive_bounds(owner: str, lower: float, upper: float) -> None:
    check_positive(lower, "lower", owner)
    check_ordered(lower, upper, ("lower", "upper"), owner)


#: Above this log-width, ``upper / lower`` may overflow: LogUniform then works on ``log x`` directly.
_WIDE_SPAN = 700.0


@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
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
        # log(upper / lower), accurate also for close bounds (log1p of the relative width).
        ratio = (self.upper - self.lower) / self.lower
        span = math.log1p(ratio) if math.isfinite(ratio) else math.log(self.upper) - math.log(self.lower)
        if not span > 0.0:
            raise FlopcastValueError(
                f"LogUniform: lower={self.lower!r} and upper={self.upper!r} are too close for floats to tell their "
                "logarithms apart; use fc.point or fc.uniform"
            )
        _set(self, "_span", span)

    def _ppf(self, u: Array) -> Array:
        span: float = self.__dict__["_span"]
        if span > _WIDE_SPAN:
            x = np.exp(math.log(self.lower) + u * span)
        else:  # lower * exp(u span) keeps the relative precision of close bounds
            x = self.lower * np.exp(u * span)
        return np.clip(x, self.lower, self.upper)

    def _cdf(self, x: Array) -> Array:
        span: float = self.__dict__["_span"]
        xc = np.clip(x, self.lower, self.upper)
        if span > _WIDE_SPAN:
            logs = np.log(xc) - math.log(self.lower)
        else:
            logs = np.log1p((xc - self.lower) / self.lower)
        return np.where(np.isnan(x), np.nan, np.clip(logs / span, 0.0, 1.0))

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return self._ppf(rng.uniform(0.0, 1.0, size))

    def mean(self) -> float:
        """Return ``(upper - lower) / log(upper / lower)``."""
        return (self.upper - self.lower) / float(self.__dict__["_span"])

    def var(self) -> float:
        """Return the variance (inf beyond the float range)."""
        s: float = self.__dict__["_span"]
        if s < 1e-3:  # series of sinh(s)/s - (sinh(s/2)/(s/2))**2: no cancellation for close bounds
            g = math.sqrt(self.lower) * math.sqrt(self.upper)
            return (g * s) * (g * s) * (1.0 / 12.0 + s * s / 180.0)
        # E[X^2] - E[X]^2 in units of upper**2, with lower / upper = exp(-s).
        bracket = -math.expm1(-2.0 * s) / (2.0 * s) - (math.expm1(-s) / s) ** 2
        return (self.upper * bracket) * self.upper

    def median(self) -> float:
        """Return ``sqrt(lower * upper)``."""
        return math.sqrt(self.lower) * math.sqrt(self.upper)


@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
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
    # log_ndtr and ndtri_exp agree to 1e-7 in probability down to about 600 standard deviations.
    deepest_log_probability: ClassVar[float] = -1.8e5
    accurate_tails: ClassVar[bool] = True

    def _check_representable(self) -> None:
        if not abs(self.mu) + _NORMAL_REACH * self.sigma <= _FLOAT_MAX:
            raise FlopcastValueError(
                f"Normal: mu={self.mu!r} and sigma={self.sigma!r} give draws beyond the float range: "
                f"mu +/- {_NORMAL_REACH:g} sigma (the reach of the sampler) must lie within +/-1.8e308; "
                "rescale the unit"
            )

    def _ppf(self, u: Array) -> Array:
        z = np.asarray(sc.ndtri(u), dtype=np.float64)
        z *= self.sigma
        z += self.mu  # in place: the same operations as mu + sigma * z, without two temporaries
        return z

    def _cdf(self, x: Array) -> Array:
        return sc.ndtr((x - self.mu) / self.sigma)

    def _logcdf(self, x: Array) -> Array:
        return sc.log_ndtr((x - self.mu) / self.sigma)

    def _logsf(self, x: Array) -> Array:
        return sc.log_ndtr((self.mu - x) / self.sigma)

    def _ppf_log(self, logp: Array) -> Array:
        return self.mu + self.sigma * sc.ndtri_exp(logp)

    def _isf_log(self, logq: Array) -> Array:
        return self.mu - self.sigma * sc.ndtri_exp(logq)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return rng.normal(self.mu, self.sigma, size)

    def mean(self) -> float:
        """Return ``mu``."""
        return self.mu

    def var(self) -> float:
        """Return ``sigma**2`` (inf beyond the float range)."""
        return self.sigma * self.sigma

    def median(self) -> float:
        """Return ``mu``."""
        return self.mu

    @property
    def support(self) -> tuple[float, float]:
        """``(-inf, inf)``."""
        return -math.inf, math.inf


@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
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
    # log_ndtr and ndtri_exp agree to 1e-7 in probability down to about 600 standard deviations.
    deepest_log_probability: ClassVar[float] = -1.8e5
    accurate_tails: ClassVar[bool] = True

    def _check_representable(self) -> None:
        if not abs(self.mu) + _NORMAL_REACH * self.sigma <= _LOG_FLOAT_RANGE:
            raise FlopcastValueError(
                f"LogNormal: mu={self.mu!r} and sigma={self.sigma!r} give draws beyond the float range: "
                f"exp(mu +/- {_NORMAL_REACH:g} sigma) (the reach of the sampler) must lie within 2.2e-308 and "
                f"1.8e308, that is |mu| + {_NORMAL_REACH:g} sigma <= {_LOG_FLOAT_RANGE:g}; rescale the unit"
            )
        # x is computed from log x = mu + sigma z, whose float steps are 2**-52 |mu|: sigma must span many of them.
        if not self.sigma >= _MIN_LOG_SIGMA * max(1.0, abs(self.mu)):
            raise FlopcastValueError(
                f"LogNormal: sigma={self.sigma!r} is too small for floats to resolve around mu={self.mu!r} (at least "
                f"{_MIN_LOG_SIGMA:.2g} max(1, |mu|)); use a point value"
            )

    def _z(self, x: Array) -> Array:
        return (np.log(np.where(x > 0.0, x, 1.0)) - self.mu) / self.sigma

    def _ppf(self, u: Array) -> Array:
        z = np.asarray(sc.ndtri(u), dtype=np.float64)
        z *= self.sigma
        z += self.mu
        return np.exp(z, out=z)

    def _cdf(self, x: Array) -> Array:
        return np.where(x > 0.0, sc.ndtr(self._z(x)), np.where(np.isnan(x), np.nan, 0.0))

    def _logcdf(self, x: Array) -> Array:
        return np.where(x > 0.0, sc.log_ndtr(self._z(x)), np.where(np.isnan(x), np.nan, -np.inf))

    def _logsf(self, x: Array) -> Array:
        return np.where(x > 0.0, sc.log_ndtr(-self._z(x)), np.where(np.isnan(x), np.nan, 0.0))

    def _ppf_log(self, logp: Array) -> Array:
        return np.exp(self.mu + self.sigma * sc.ndtri_exp(logp))

    def _isf_log(self, logq: Array) -> Array:
        return np.exp(self.mu - self.sigma * sc.ndtri_exp(logq))

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        # The same normals as rng.lognormal (which computes exp(mu + sigma z) value by value with the C library's
        # exp), but numpy's vectorized exp: about half the time per value. Values agree to the last bit or one ulp.
        z = rng.standard_normal(size)
        z *= self.sigma
        z += self.mu
        return np.exp(z, out=z)

    def mean(self) -> float:
        """Return ``exp(mu + sigma**2 / 2)`` (inf beyond the float range)."""
        return safe_exp(self.mu + 0.5 * self.sigma * self.sigma)

    def var(self) -> float:
        """Return ``(exp(sigma**2) - 1) exp(2 mu + sigma**2)`` (inf beyond the float range)."""
        s2 = self.sigma * self.sigma
        # In logs: log(expm1(s2)) = s2 + log(1 - exp(-s2)), or log(s2) + log1p(s2 / 2) where s2 underflows.
        log_expm1 = s2 + math.log(-math.expm1(-s2)) if s2 > 1e-12 else 2.0 * math.log(self.sigma) + 0.5 * s2
        return safe_exp(log_expm1 + 2.0 * self.mu + s2)

    def median(self) -> float:
        """Return ``exp(mu)``."""
        return math.exp(self.mu)

    @property
    def support(self) -> tuple[float, float]:
        """``(0, inf)``."""
        return 0.0, math.inf


@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
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
        # The mode's position in [0, 1]: every formula works on the unit triangle, scaled by the width, so
        # that no product of two widths overflows.
        _set(self, "_c", (self.mode - self.lower) / (self.upper - self.lower))

    def _ppf(self, u: Array) -> Array:
        a, b, c = self.lower, self.upper, self.__dict__["_c"]
        w = b - a
        left = a + w * np.sqrt(u * c)
        right = b - w * np.sqrt((1.0 - u) * (1.0 - c))
        return np.clip(np.where(u < c, left, right), a, b)

    def _cdf(self, x: Array) -> Array:
        a, b, c = self.lower, self.upper, self.__dict__["_c"]
        t = (np.clip(x, a, b) - a) / (b - a)
        with np.errstate(divide="ignore", invalid="ignore"):
            left = t * t / c
            right = 1.0 - (1.0 - t) * (1.0 - t) / (1.0 - c)
        return np.where(np.isnan(x), np.nan, np.clip(np.where(t <= c, np.where(t <= 0.0, 0.0, left), right), 0, 1))

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        w = self.upper - self.lower
        return np.clip(self.lower + w * rng.triangular(0.0, self.__dict__["_c"], 1.0, size), self.lower, self.upper)

    def mean(self) -> float:
        """Return ``(lower + mode + upper) / 3``."""
        return self.lower / 3.0 + self.mode / 3.0 + self.upper / 3.0

    def var(self) -> float:
        """Return the variance, ``(upper - lower)**2 (1 - c + c**2) / 18`` with ``c`` the mode's relative position."""
        w, c = self.upper - self.lower, self.__dict__["_c"]
        return w * (w * (1.0 - c + c * c) / 18.0)


def _check_mode(owner: str, lower: float, mode: float, upper: float) -> None:
    _check_width(owner, lower, upper)
    if not lower <= mode <= upper:
        raise FlopcastValueError(f"{owner}: mode must be in [lower, upper] = [{lower!r}, {upper!r}], got {mode!r}")


@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
class Beta(_Bounded):
    """Beta distribution, optionally scaled to ``[lower, upper]``.

    ``ppf`` uses a verified interpolation table at every array size (relative error < 1e-10,
    see :mod:`flopcast._ppf_table`); ``median`` is exact. Sampling is by that inverse CDF of uniforms: at
    about 15 ns a value it is cheaper than numpy's gamma-ratio ``Generator.beta`` (about 40 ns), and it
    is exact to the table's verified accuracy.

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

    def _check_relations(self) -> None:
        super()._check_relations()
        for name in ("alpha", "beta"):
            value = getattr(self, name)
            if not BETA_SHAPE_RANGE[0] <= value <= BETA_SHAPE_RANGE[1]:
                raise FlopcastValueError(
                    f"Beta: {name} must be in [{BETA_SHAPE_RANGE[0]:g}, {BETA_SHAPE_RANGE[1]:g}], got {value!r}: "
                    "further out, the mass lies closer to a bound than floats can resolve"
                )

    def _ppf(self, u: Array) -> Array:
        # Always the table (never size-dependent) so that a value's quantile does not depend on
        # the array it is in: sampling by ppf keeps the prefix property, chunking is invisible.
        x = beta_ppf(u, self.alpha, self.beta, method="table")
        if self.lower != 0.0 or self.upper != 1.0:
            x *= self.upper - self.lower
            x += self.lower
            np.clip(x, self.lower, self.upper, out=x)  # lower + width * 1 can round past upper
        return x

    def _cdf(self, x: Array) -> Array:
        z = np.clip((x - self.lower) / (self.upper - self.lower), 0.0, 1.0)
        return np.asarray(sc.betainc(self.alpha, self.beta, z), dtype=np.float64)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return self._ppf(rng.random(size))

    def _shares(self) -> tuple[float, float]:
        """``alpha / (alpha + beta)`` and ``beta / (alpha + beta)``, without forming the (possibly huge) sum."""
        return 1.0 / (1.0 + self.beta / self.alpha), 1.0 / (1.0 + self.alpha / self.beta)

    def mean(self) -> float:
        """Return ``lower + (upper - lower) alpha / (alpha + beta)``."""
        return self.lower + (self.upper - self.lower) * self._shares()[0]

    def var(self) -> float:
        """Return the variance, ``(upper - lower)**2 alpha beta / ((alpha + beta)**2 (alpha + beta + 1))``."""
        p, q = self._shares()
        w = self.upper - self.lower
        return w * (w * p * q / (self.alpha + self.beta + 1.0))

    def median(self) -> float:
        """Return the median (exact ``betaincinv``, without building the ppf table)."""
        x = float(sc.betaincinv(self.alpha, self.beta, 0.5))
        return self.lower + (self.upper - self.lower) * x


@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
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
        alpha = 1.0 + self.shape * ((self.mode - self.lower) / w)
        beta = 1.0 + self.shape * ((self.upper - self.mode) / w)
        if not max(alpha, beta) <= BETA_SHAPE_RANGE[1]:
            raise FlopcastValueError(
                f"PERT: shape must be at most about {BETA_SHAPE_RANGE[1]:g} (its Beta shapes 1 + shape (mode - lower) "
                f"/ (upper - lower) must be <= {BETA_SHAPE_RANGE[1]:g}), got {self.shape!r}"
            )
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
