"""Summary statistics of independent draws on plain numpy arrays (the numpy core under :mod:`flopcast.result`).

Quantiles use ``np.partition`` at the few order statistics they need (about 3x faster than ``np.quantile`` on
1e7 values, same answer: linear interpolation, numpy's default). The Monte Carlo standard error of a quantile
comes from the order statistics that bracket it (the binomial, distribution-free method), which is exact in
large samples for independent draws. We do not use ArviZ's ``mcse``: it estimates an effective sample size from
autocorrelations, which is meant for MCMC chains, costs more than the rest of the summary, and is meaningless for
independent draws. For Latin hypercube and Sobol' designs the independent-draw error is an upper bound.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from flopcast.errors import FlopcastValueError, NonFiniteWarning
from flopcast.formatting import count

__all__ = ["NonFinite", "eti", "finite", "hdi", "interpolation_ranks", "mcse_ranks", "quantile_mcse", "quantiles"]


def finite(x: np.ndarray) -> np.ndarray:
    """The finite values of ``x`` (``x`` itself when all are): what summaries and plots of draws use.

    Examples
    --------
    >>> import numpy as np
    >>> finite(np.array([1.0, np.nan, -np.inf, 2.0])).tolist()
    [1.0, 2.0]
    """
    x = np.asarray(x, dtype=np.float64)
    ok = np.isfinite(x)
    return x if ok.all() else x[ok]


@dataclass(frozen=True)
class NonFinite:
    """How many of a quantity's ``total`` draws are NaN, +inf or -inf.

    Summaries, quantiles and intervals use the finite draws of a quantity and say how many they dropped (a
    :class:`~flopcast.errors.NonFiniteWarning` naming the quantity and its share); with no finite draw at all they
    refuse (see :meth:`finite`).

    Examples
    --------
    >>> import numpy as np
    >>> from flopcast.stats import NonFinite
    >>> bad = NonFinite.of(np.array([1.0, np.nan, np.inf, 2.0]))
    >>> bad.nan, bad.infinite, bad.count, bad.share
    (1, 1, 2, 0.5)
    """

    total: int
    nan: int = 0
    infinite: int = 0

    @classmethod
    def of(cls, x: np.ndarray) -> NonFinite:
        """Count the non-finite values of ``x``."""
        x = np.asarray(x, dtype=np.float64)
        ok = np.isfinite(x)
        if ok.all():
            return cls(int(x.size))
        nan = int(np.count_nonzero(np.isnan(x)))
        return cls(int(x.size), nan, int(x.size - np.count_nonzero(ok)) - nan)

    def merge(self, other: NonFinite) -> NonFinite:
        """The counts of the union of two disjoint sets of draws."""
        return NonFinite(self.total + other.total, self.nan + other.nan, self.infinite + other.infinite)

    @property
    def count(self) -> int:
        """NaN and infinite draws together."""
        return self.nan + self.infinite

    @property
    def finite(self) -> int:
        """The number of finite draws."""
        return self.total - self.count

    @property
    def share(self) -> float:
        """The share of draws that are not finite."""
        return self.count / self.total if self.total else 0.0

    def check(self, name: str, what: str = "the estimate", stacklevel: int = 3) -> None:
        """Warn that ``what`` of quantity ``name`` uses its finite draws only; refuse if none is finite."""
        if not self.count:
            return
        detail = f"{self.nan:,} NaN, {self.infinite:,} infinite"
        if not self.finite:
            raise FlopcastValueError(
                f"{name!r}: no finite draw ({detail} in {count(self.total, 'draw')}), so {what} is undefined; "
                "check its formula and the ranges of its inputs"
            )
        warnings.warn(
            f"{name!r}: {self.count:,} of {self.total:,} draws ({100 * self.share:.3g}%) are not finite ({detail}); "
            f"{what} uses the {count(self.finite, 'finite draw')}",
            NonFiniteWarning,
            stacklevel=stacklevel,
        )


def quantiles(x: np.ndarray, q: Sequence[float] | np.ndarray) -> np.ndarray:
    """Quantiles of ``x`` at levels ``q`` by linear interpolation (numpy's default method).

    Examples
    --------
    >>> import numpy as np
    >>> from flopcast.stats import quantiles
    >>> quantiles(np.arange(11.0), [0.05, 0.5]).tolist()
    [0.5, 5.0]
    """
    x = np.asarray(x, dtype=float)
    levels = np.asarray(q, dtype=float)
    n = x.size
    if n == 0:
        raise FlopcastValueError("quantiles of an empty array are undefined")
    lo, hi, frac = interpolation_ranks(n, levels)
    part = np.partition(x, np.unique(np.concatenate([lo, hi])))
    return np.asarray(part[lo] + frac * (part[hi] - part[lo]))


def interpolation_ranks(n: int, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The order statistics that linear interpolation reads at each level, and the weight of the upper one.

    With ``x`` the ``n`` draws sorted, the ``levels`` quantile is ``x[lo] + frac * (x[hi] - x[lo])`` (0-based ranks).

    Examples
    --------
    >>> import numpy as np
    >>> from flopcast.stats import interpolation_ranks
    >>> lo, hi, frac = interpolation_ranks(11, np.array([0.05, 1.0]))
    >>> lo.tolist(), hi.tolist(), frac.tolist()
    ([0, 10], [1, 10], [0.5, 0.0])
    """
    pos = np.asarray(levels, dtype=float) * (n - 1)
    lo = np.floor(pos).astype(np.intp)
    return lo, np.minimum(lo + 1, n - 1), pos - lo


def eti(x: np.ndarray, prob: float) -> tuple[float, float]:
    """Equal-tailed interval holding ``prob`` of the draws."""
    lo, hi = quantiles(x, [(1 - prob) / 2, (1 + prob) / 2])
    return float(lo), float(hi)


def hdi(x: np.ndarray, prob: float) -> tuple[float, float]:
    """Highest-density interval: the narrowest interval holding ``prob`` of the draws (unimodal assumption).

    The narrowest of the intervals from a draw to the draw ``floor(prob n)`` ranks above it, as ArviZ's
    ``hdi(method="nearest")`` computes it (same result; numpy only, so a summary does not import ArviZ).

    Examples
    --------
    >>> import numpy as np
    >>> hdi(np.array([0.0, 1.0, 1.1, 1.2, 1.3, 5.0]), 0.5)  # 3 ranks apart: 1.0 to 1.3 is the narrowest
    (1.0, 1.3)
    """
    ordered = np.sort(np.asarray(x, dtype=float).ravel())
    n = ordered.size
    step = min(int(np.floor(prob * n)), n - 1)
    if n == 0:
        raise FlopcastValueError("hdi needs at least one draw, got an empty array")
    widths = ordered[step:] - ordered[: n - step]
    start = int(np.argmin(widths))
    return float(ordered[start]), float(ordered[start + step])


def quantile_mcse(x: np.ndarray, q: float | Sequence[float], z: float = 2.0) -> np.ndarray:
    """Monte Carlo standard error of the ``q`` quantile(s) of independent draws ``x``.

    The ``q`` quantile's sample estimate lies between the order statistics of ranks ``n q -/+ z sqrt(n q (1-q))``
    with the normal probability of ``[-z, z]``; half their distance divided by ``z`` is its standard error.

    Examples
    --------
    >>> import numpy as np
    >>> from flopcast.stats import quantile_mcse
    >>> x = np.random.default_rng(0).standard_normal(100_000)
    >>> round(float(quantile_mcse(x, 0.5)[0]), 4)  # sqrt(0.25 / n) / pdf(0) = 0.00396
    0.004
    """
    x = np.asarray(x, dtype=float)
    levels = np.atleast_1d(np.asarray(q, dtype=float))
    n = x.size
    lo_rank, hi_rank = mcse_ranks(n, levels, z)
    part = np.partition(x, np.unique(np.concatenate([lo_rank, hi_rank])))
    return np.asarray((part[hi_rank] - part[lo_rank]) / (2 * z))


def mcse_ranks(n: int, levels: np.ndarray, z: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """The order statistics that bracket each ``levels`` quantile of ``n`` independent draws (see quantile_mcse).

    The 0-based ranks ``n q -/+ z sqrt(n q (1-q))``, clipped to the sample: the sample quantile lies between them
    with the normal probability of ``[-z, z]``.

    Examples
    --------
    >>> import numpy as np
    >>> from flopcast.stats import mcse_ranks
    >>> [r.tolist() for r in mcse_ranks(100, np.array([0.5]))]
    [[40], [60]]
    """
    levels = np.asarray(levels, dtype=float)
    half = z * np.sqrt(n * levels * (1 - levels))
    lo = np.clip(np.floor(n * levels - half), 0, n - 1).astype(np.intp)
    hi = np.clip(np.ceil(n * levels + half), 0, n - 1).astype(np.intp)
    return lo, hi
