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
The highest-density interval is the pair of exact quantiles at the levels of the pilot's HDI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from flopcast import stats

__all__ = ["Brackets", "ChunkStats", "Moments", "PILOT_SIZE", "StreamSummary", "brackets_from_pilot", "finish"]

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
    """For one quantity: the ranks wanted and disjoint value intervals, one of which holds each rank.

    Nearby ranks (a quantile's two order statistics and those of its Monte Carlo error) have overlapping brackets;
    merging them means every kept value is kept once.
    """

    ranks: np.ndarray  # int, order statistics (0-based) of the full run
    lower: np.ndarray  # per interval, sorted
    upper: np.ndarray
    interval: np.ndarray  # per rank, the index of the interval that should hold it

    @classmethod
    def merged(cls, ranks: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> Brackets:
        """Merge per-rank brackets into disjoint intervals."""
        order = np.argsort(lower, kind="stable")
        lows: list[float] = []
        highs: list[float] = []
        which = np.empty(ranks.size, dtype=np.int64)
        for j in order:
            if lows and lower[j] <= highs[-1]:
                highs[-1] = max(highs[-1], float(upper[j]))
            else:
                lows.append(float(lower[j]))
                highs.append(float(upper[j]))
            which[j] = len(lows) - 1
        return cls(ranks, np.array(lows), np.array(highs), which)


@dataclass
class ChunkStats:
    """What a chunk sends back for one quantity: its moments, counts below each bracket, values inside."""

    moments: Moments
    below: np.ndarray
    inside: list[np.ndarray] = field(default_factory=list)

    @classmethod
    def of(cls, x: np.ndarray, brackets: Brackets) -> ChunkStats:
        """Reduce one chunk of draws of a quantity."""
        below = np.array([np.count_nonzero(x < lo) for lo in brackets.lower], dtype=np.int64)
        inside = [x[(x >= lo) & (x <= hi)] for lo, hi in zip(brackets.lower, brackets.upper, strict=True)]
        return cls(Moments.of(x), below, inside)


def _ranks_needed(n: int, levels: np.ndarray) -> np.ndarray:
    """Order statistics needed for the quantiles at ``levels`` and their MCSE brackets (see stats.py)."""
    lo, hi, _ = stats.interpolation_ranks(n, levels)
    return np.unique(np.concatenate([lo, hi, *stats.mcse_ranks(n, levels, _MCSE_Z)]).astype(np.int64))


def brackets_from_pilot(pilot: np.ndarray, n: int, levels: np.ndarray, widen: float = 1.0) -> Brackets:
    """Brackets for every order statistic the summary at ``levels`` needs, from a pilot sample of the run."""
    ranks = _ranks_needed(n, levels)
    m = pilot.size
    q = ranks / max(n - 1, 1)
    half = widen * (_WIDTH * np.sqrt(q * (1 - q) / m) + 2.0 / m)
    lo_q, hi_q = q - half, q + half
    lower = np.where(lo_q <= 0, -np.inf, stats.quantiles(pilot, np.clip(lo_q, 0, 1)))
    upper = np.where(hi_q >= 1, np.inf, stats.quantiles(pilot, np.clip(hi_q, 0, 1)))
    return Brackets.merged(ranks, lower, upper)


@dataclass(frozen=True)
class StreamSummary:
    """The streamed summary of one quantity: exact moments and exact order statistics at the wanted ranks."""

    n: int
    moments: Moments
    order_stats: dict[int, float]
    hdi_levels: tuple[float, float]

    def quantiles(self, levels: np.ndarray) -> np.ndarray:
        """Quantiles by numpy's linear interpolation, from the exact order statistics."""
        lo, hi, frac = stats.interpolation_ranks(self.n, levels)
        try:
            a = np.array([self.order_stats[int(r)] for r in lo])
            b = np.array([self.order_stats[int(r)] for r in hi])
        except KeyError:
            raise ValueError(
                f"quantile levels {np.asarray(levels).tolist()} were not streamed; pass them to simulate(levels=...)"
            ) from None
        return np.asarray(a + frac * (b - a))

    def mcse(self, levels: np.ndarray) -> np.ndarray:
        """Monte Carlo standard errors of quantiles, by the same order-statistic method as stats.quantile_mcse."""
        lo, hi = stats.mcse_ranks(self.n, levels, _MCSE_Z)
        return np.array(
            [(self.order_stats[int(b)] - self.order_stats[int(a)]) / (2 * _MCSE_Z) for a, b in zip(lo, hi, strict=True)]
        )


def finish(n: int, pilot_moments: Moments, parts: list[ChunkStats], brackets: Brackets) -> dict[int, float] | None:
    """Merge chunk reductions (already in chunk order) into exact order statistics; None if a bracket missed."""
    below = np.zeros(brackets.lower.size, dtype=np.int64)
    inside: list[list[np.ndarray]] = [[] for _ in brackets.lower]
    for part in parts:
        below += part.below
        for j, values in enumerate(part.inside):
            inside[j].append(values)
    pooled = [np.sort(np.concatenate(chunks)) if chunks else np.empty(0) for chunks in inside]
    order: dict[int, float] = {}
    for rank, j in zip(brackets.ranks, brackets.interval, strict=True):
        k = int(rank) - int(below[j])
        if not 0 <= k < pooled[j].size:
            return None
        order[int(rank)] = float(pooled[j][k])
    return order
