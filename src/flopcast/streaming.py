"""Streamed summaries: exact moments and exact quantiles of any number of draws in bounded memory.

A streamed run keeps no draws. It works in two steps:

1. a *pilot* of the first ``m`` draws (``m = min(n, 2**20)``) is kept in memory; from it, each quantile that the
   summary needs (median, interval bounds, the order statistics of their Monte Carlo errors) gets a bracket
   ``[lo, hi]`` wide enough (five pilot standard errors plus the MCSE span) to contain that quantile of all
   ``n`` draws with overwhelming probability;
2. the remaining draws stream through in chunks: each chunk adds to exact moment sums (merged in chunk order, so
   the result does not depend on the engine or the number of workers), counts the values below each bracket
   and keeps only the values inside it.

The wanted order statistics are then read exactly from the kept values, so streamed quantiles equal the
quantiles of the kept draws (numpy's linear interpolation), with no approximation. If a bracket missed (the
count below it says so), the run is repeated for that quantity with wider brackets: chunks regenerate from their
seeds, so nothing is lost but time. Values kept in brackets number about ``10 n sqrt(q (1 - q) / m)`` per level.

The highest-density interval is exact too: the pilot locates the narrowest interval's lower end to within half a
percent of the draws; every value of that window of ranks and of the window ``k = floor(prob n)`` ranks above it
is kept, and the narrowest ``x[i + k] - x[i]`` is searched among them (ArviZ's definition). If it falls on the edge
of the window, the window is widened and the quantity streamed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from flopcast import stats
from flopcast.errors import FlopcastValueError

__all__ = [
    "PILOT_SIZE",
    "Brackets",
    "ChunkStats",
    "Moments",
    "OrderStatistics",
    "StreamSummary",
    "brackets_from_pilot",
    "exact_hdi",
    "finish",
    "hdi_window",
    "summarize",
]

PILOT_SIZE = 2**20
_WIDTH = 5.0  # pilot standard errors on each side of a bracket
_MCSE_Z = 2.0  # must match stats.quantile_mcse's default


@dataclass
class Moments:
    """Count, mean and sum of squared deviations, merged exactly (Chan et al.) in a fixed order."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0
    minimum: float = np.inf
    maximum: float = -np.inf

    @classmethod
    def of(cls, x: np.ndarray) -> Moments:
        """Moments of one array."""
        if x.size == 0:
            return cls()
        mean = float(np.mean(x))
        return cls(int(x.size), mean, float(np.sum((x - mean) ** 2)), float(np.min(x)), float(np.max(x)))

    def merge(self, other: Moments) -> Moments:
        """Moments of the union of two disjoint sets of draws."""
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        n = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * other.count / n
        m2 = self.m2 + other.m2 + delta**2 * self.count * other.count / n
        return Moments(n, mean, m2, min(self.minimum, other.minimum), max(self.maximum, other.maximum))

    @property
    def sd(self) -> float:
        """Sample standard deviation (ddof=1)."""
        return float(np.sqrt(self.m2 / (self.count - 1))) if self.count > 1 else 0.0


@dataclass(frozen=True)
class Brackets:
    """For one quantity: disjoint, sorted value intervals believed to hold every order statistic the summary needs.

    Nearby order statistics (a quantile's two neighbours and those of its Monte Carlo error) have overlapping
    brackets; merging them means every kept value is kept once.
    """

    lower: np.ndarray
    upper: np.ndarray

    @classmethod
    def merged(cls, lower: np.ndarray, upper: np.ndarray) -> Brackets:
        """Merge possibly overlapping intervals ``[lower[i], upper[i]]`` into disjoint sorted ones."""
        lows: list[float] = []
        highs: list[float] = []
        for j in np.argsort(lower, kind="stable"):
            if lows and lower[j] <= highs[-1]:
                highs[-1] = max(highs[-1], float(upper[j]))
            else:
                lows.append(float(lower[j]))
                highs.append(float(upper[j]))
        return cls(np.array(lows), np.array(highs))


@dataclass
class ChunkStats:
    """What a chunk sends back for one quantity: its moments, counts below each bracket, values inside.

    All of them are of the chunk's finite draws; ``nonfinite`` counts the others (left out, as kept results do).
    """

    moments: Moments
    below: np.ndarray
    inside: list[np.ndarray] = field(default_factory=list)
    nonfinite: stats.NonFinite = field(default_factory=lambda: stats.NonFinite(0))

    @classmethod
    def of(cls, x: np.ndarray, brackets: Brackets) -> ChunkStats:
        """Reduce one chunk of draws of a quantity."""
        nonfinite = stats.NonFinite.of(x)
        if nonfinite.count:
            x = x[np.isfinite(x)]
        below = np.array([np.count_nonzero(x < lo) for lo in brackets.lower], dtype=np.int64)
        inside = [x[(x >= lo) & (x <= hi)] for lo, hi in zip(brackets.lower, brackets.upper, strict=True)]
        return cls(Moments.of(x), below, inside, nonfinite)


def _ranks_needed(n: int, levels: np.ndarray) -> np.ndarray:
    """Order statistics needed for the quantiles at ``levels`` and their MCSE brackets (see stats.py)."""
    lo, hi, _ = stats.interpolation_ranks(n, levels)
    return np.unique(np.concatenate([lo, hi, *stats.mcse_ranks(n, levels, _MCSE_Z)]).astype(np.int64))


def brackets_from_pilot(
    pilot: np.ndarray, n: int, levels: np.ndarray, widen: float = 1.0, windows: tuple[tuple[float, float], ...] = ()
) -> Brackets:
    """Brackets for the order statistics of the summary at ``levels``, and for whole ranges of levels (``windows``).

    Each bracket runs from the pilot's quantile five pilot standard errors below the wanted level to five above,
    so that it holds the order statistic of all ``n`` draws with overwhelming probability.
    """
    ranks = _ranks_needed(n, levels)
    q = ranks / max(n - 1, 1)
    lo_q, hi_q = q, q
    if windows:
        lo_q = np.concatenate([q, [w[0] for w in windows]])
        hi_q = np.concatenate([q, [w[1] for w in windows]])
    m = pilot.size

    def margin(p: np.ndarray) -> np.ndarray:
        return widen * (_WIDTH * np.sqrt(np.clip(p * (1 - p), 0, None) / m) + 2.0 / m)

    lo_q, hi_q = lo_q - margin(lo_q), hi_q + margin(hi_q)
    lower = np.where(lo_q <= 0, -np.inf, stats.quantiles(pilot, np.clip(lo_q, 0, 1)))
    upper = np.where(hi_q >= 1, np.inf, stats.quantiles(pilot, np.clip(hi_q, 0, 1)))
    return Brackets.merged(lower, upper)


@dataclass(frozen=True)
class OrderStatistics:
    """The order statistics of a run known exactly: sorted runs of values, each with the rank of its first value."""

    starts: tuple[int, ...]
    runs: tuple[np.ndarray, ...]

    def span(self, first: int, last: int) -> np.ndarray | None:
        """The values of ranks ``first`` to ``last`` (inclusive), or None when they are not all known."""
        for start, run in zip(self.starts, self.runs, strict=True):
            if start <= first and last < start + run.size:
                return run[first - start : last - start + 1]
        return None

    def get(self, rank: int) -> float | None:
        """The value of one rank, or None when it is not known."""
        values = self.span(rank, rank)
        return None if values is None else float(values[0])


def finish(parts: list[ChunkStats], brackets: Brackets) -> OrderStatistics:
    """Merge the chunk reductions of one quantity into the order statistics its brackets hold."""
    below = np.zeros(brackets.lower.size, dtype=np.int64)
    inside: list[list[np.ndarray]] = [[] for _ in brackets.lower]
    for part in parts:
        below += part.below
        for j, values in enumerate(part.inside):
            inside[j].append(values)
    runs = tuple(np.sort(np.concatenate(chunks)) if chunks else np.empty(0) for chunks in inside)
    return OrderStatistics(tuple(int(b) for b in below), runs)


def hdi_window(pilot: np.ndarray, n: int, prob: float, widen: float = 1.0) -> tuple[int, int, int]:
    """Ranks ``[first, last]`` among which the HDI's lower end should lie, from the pilot; and ``k``.

    The HDI of ``n`` sorted draws is ``(x[i], x[i + k])`` with ``k = floor(prob n)`` and ``i`` the narrowest
    (ArviZ's definition); the pilot's ``i`` scaled to ``n``, plus or minus half a percent of the draws, is the
    window searched exactly.
    """
    k = min(int(np.floor(prob * n)), n - 1)
    x = np.sort(pilot)
    kp = min(int(np.floor(prob * x.size)), x.size - 1)
    level = float(np.argmin(x[kp:] - x[: x.size - kp])) / x.size
    delta = widen * 0.005
    first = max(0, int(np.floor((level - delta) * n)))
    last = min(n - 1 - k, int(np.ceil((level + delta) * n)))
    return first, max(first, last), k


def exact_hdi(order: OrderStatistics, n: int, window: tuple[int, int, int]) -> tuple[float, float, int] | None:
    """The HDI ``(x[i], x[i + k], i)`` searched over the window; None if the window is not known or too narrow."""
    first, last, k = window
    lows, highs = order.span(first, last), order.span(first + k, last + k)
    if lows is None or highs is None:
        return None
    i = int(np.argmin(highs - lows))
    if (i == 0 and first > 0) or (i == lows.size - 1 and last < n - 1 - k):
        return None  # the narrowest interval may lie outside the window
    return float(lows[i]), float(highs[i]), first + i


@dataclass(frozen=True)
class StreamSummary:
    """The streamed summary of one quantity: exact moments and exact order statistics at the wanted ranks.

    ``n`` counts the finite draws, which every statistic is of; ``nonfinite`` the others.
    """

    n: int
    moments: Moments
    order_stats: dict[int, float]
    hdi: tuple[float, float]
    hdi_levels: tuple[float, float]
    nonfinite: stats.NonFinite = field(default_factory=lambda: stats.NonFinite(0))

    @classmethod
    def undefined(cls, nonfinite: stats.NonFinite) -> StreamSummary:
        """The summary of a quantity with no finite draw: every statistic refuses (see NonFinite.check)."""
        return cls(0, Moments(), {}, (np.nan, np.nan), (np.nan, np.nan), nonfinite)

    def quantiles(self, levels: np.ndarray) -> np.ndarray:
        """Quantiles by numpy's linear interpolation, from the exact order statistics."""
        lo, hi, frac = stats.interpolation_ranks(self.n, levels)
        try:
            a = np.array([self.order_stats[int(r)] for r in lo])
            b = np.array([self.order_stats[int(r)] for r in hi])
        except KeyError:
            raise FlopcastValueError(
                f"quantile levels {np.asarray(levels).tolist()} were not streamed; pass them to simulate(levels=...)"
            ) from None
        return np.asarray(a + frac * (b - a))

    def mcse(self, levels: np.ndarray) -> np.ndarray:
        """Monte Carlo standard errors of quantiles, by the same order-statistic method as stats.quantile_mcse."""
        lo, hi = stats.mcse_ranks(self.n, levels, _MCSE_Z)
        return np.array(
            [(self.order_stats[int(b)] - self.order_stats[int(a)]) / (2 * _MCSE_Z) for a, b in zip(lo, hi, strict=True)]
        )


def summarize(
    n: int,
    moments: Moments,
    order: OrderStatistics,
    levels: np.ndarray,
    prob: float,
    window: tuple[int, int, int],
    nonfinite: stats.NonFinite | None = None,
) -> StreamSummary | None:
    """The summary of one quantity from its exactly known order statistics; None if any bracket missed.

    ``n`` is the number of finite draws (of which ``order`` holds the order statistics).
    """
    hdi = exact_hdi(order, n, window)
    if hdi is None:
        return None
    low, high, first = hdi
    hdi_levels = (first / n, min(first / n + prob, 1.0))
    values: dict[int, float] = {}
    for rank in np.concatenate([_ranks_needed(n, levels), *stats.mcse_ranks(n, np.array(hdi_levels), _MCSE_Z)]):
        value = order.get(int(rank))
        if value is None:
            return None
        values[int(rank)] = value
    return StreamSummary(n, moments, values, (low, high), hdi_levels, nonfinite or stats.NonFinite(n))
