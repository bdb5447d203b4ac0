"""Streamed runs: summaries of any number of draws without keeping them (see :mod:`flopcast.streaming`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from flopcast import stats
from flopcast.engine.base import Engine
from flopcast.engine.progress import Progress
from flopcast.engine.run import ChunkBounds, chunk_bounds, collect_draws
from flopcast.engine.tasks import stream_task
from flopcast.errors import FlopcastValueError
from flopcast.formatting import count
from flopcast.streaming import (
    PILOT_SIZE,
    Brackets,
    ChunkStats,
    StreamSummary,
    brackets_from_pilot,
    finish,
    hdi_window,
    summarize,
)
from flopcast.validate import check_probability

if TYPE_CHECKING:
    from flopcast.design import Plan
    from flopcast.model import Model

__all__ = ["run_streamed"]

_MAX_RETRIES = 4


def _levels(prob: float, extra: Iterable[float]) -> np.ndarray:
    levels = [0.5, (1 - prob) / 2, (1 + prob) / 2]
    for q in extra:
        levels.append(check_probability(q, "levels"))
    return np.array(sorted(set(levels)))


class _InOrder:
    """Merge the chunk reductions of each quantity in chunk order, as soon as the next chunk in order is in.

    Moments merged in a fixed order make the sums the same whatever engine or number of workers computed the
    chunks. Only chunks that arrive ahead of their turn wait here (at most those in flight), so memory does not
    grow with the number of chunks.
    """

    def __init__(self, first: dict[str, ChunkStats], start: int, bar: Progress) -> None:
        self.moments = {name: part.moments for name, part in first.items()}
        self.nonfinite = {name: part.nonfinite for name, part in first.items()}
        self.below = {name: part.below.copy() for name, part in first.items()}
        self.inside = {name: [[v] for v in part.inside] for name, part in first.items()}
        self.next = start
        self.waiting: dict[int, tuple[int, dict[str, ChunkStats]]] = {}
        self.bar = bar

    def __call__(self, start: int, stop: int, result: dict[str, ChunkStats]) -> None:
        self.waiting[start] = (stop, result)
        while self.next in self.waiting:
            stop, ready = self.waiting.pop(self.next)
            for name, part in ready.items():
                self.moments[name] = self.moments[name].merge(part.moments)
                self.nonfinite[name] = self.nonfinite[name].merge(part.nonfinite)
                self.below[name] += part.below
                for kept, values in zip(self.inside[name], part.inside, strict=True):
                    if values.size:
                        kept.append(values)
            self.next = stop
        self.bar.update(stop - start)

    def total(self, name: str) -> ChunkStats:
        """All the chunks of ``name`` merged as one reduction."""
        inside = [np.concatenate(v) for v in self.inside[name]]
        return ChunkStats(self.moments[name], self.below[name], inside, self.nonfinite[name])


def run_streamed(
    model: Model, plan: Plan, names: tuple[str, ...], chunk: int, runner: Engine, prob: float,
    levels: Iterable[float], progress: bool | None,
) -> dict[str, StreamSummary]:  # fmt: skip
    """Run ``plan`` keeping no draws; return exact moments, quantiles and HDIs of ``names`` (``prob`` checked)."""
    n = plan.n
    m = min(n, PILOT_SIZE)
    bar = Progress(n, progress, label="streaming")
    try:
        pilot = collect_draws(model, plan, names, chunk_bounds(m, chunk), runner, progress, bar=bar)
        wanted = _levels(prob, levels)
        summaries: dict[str, StreamSummary] = {}
        rest = ChunkBounds(n, chunk, first=m)  # lazy: any n, without a list of its chunks
        # NaN and infinite draws are left out (and counted): the order statistics are those of the finite draws,
        # whose number the pilot estimates (exactly when it is the whole run) and the first pass then counts.
        finite = {name: stats.finite(pilot[name]) for name in names}
        n_finite = {name: round(n * finite[name].size / m) for name in names}
        todo = list(names)
        widen = 1.0
        for _attempt in range(_MAX_RETRIES):
            windows = {
                name: hdi_window(finite[name], n_finite[name], prob, widen) if finite[name].size else (0, 0, 0)
                for name in todo
            }
            brackets = {
                name: brackets_from_pilot(
                    finite[name], n_finite[name], wanted, widen,
                    windows=(_levels_of(windows[name], n_finite[name], 0),
                             _levels_of(windows[name], n_finite[name], windows[name][2])),
                ) if finite[name].size else Brackets(np.empty(0), np.empty(0))  # only counted: nothing to locate
                for name in todo
            }  # fmt: skip
            merged = _InOrder({name: ChunkStats.of(np.asarray(pilot[name]), brackets[name]) for name in todo}, m, bar)
            if len(rest):
                runner.map(stream_task, (model, plan, tuple(todo), brackets), rest, merged)
            missed = []
            for name in todo:
                whole = merged.total(name)
                k = whole.nonfinite.finite
                if not k:
                    summaries[name] = StreamSummary.undefined(whole.nonfinite)
                    continue
                if not finite[name].size:
                    raise FlopcastValueError(
                        f"streamed summary of {name!r}: no finite value in its first {count(m, 'draw')}, so its "
                        "quantiles cannot be located; keep its draws instead (keep=[...])"
                    )
                window = hdi_window(finite[name], k, prob, widen) if k != n_finite[name] else windows[name]
                n_finite[name] = k  # exact from now on
                order = finish([whole], brackets[name])
                summary = summarize(k, whole.moments, order, wanted, prob, window, whole.nonfinite)
                if summary is None:
                    missed.append(name)
                else:
                    summaries[name] = summary
            if not missed:
                break
            # A bracket or the HDI window missed (rare): stream those quantities again with wider brackets.
            todo, widen = missed, widen * 4
            bar.close()
            bar = Progress(n - m, progress, label="streaming again")
        else:
            raise RuntimeError(f"streamed summaries of {todo} did not converge; run with keep=[...] instead")
    finally:
        bar.close()
    return {name: summaries[name] for name in names}


def _levels_of(window: tuple[int, int, int], n: int, offset: int) -> tuple[float, float]:
    """The window of ranks ``[first, last]`` shifted by ``offset``, as a range of quantile levels."""
    first, last, _ = window
    return (first + offset) / max(n - 1, 1), (last + offset) / max(n - 1, 1)
