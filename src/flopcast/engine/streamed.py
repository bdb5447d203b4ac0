"""Streamed runs: summaries of any number of draws without keeping them (see :mod:`flopcast.streaming`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast import stats
from flopcast.engine.progress import Progress
from flopcast.engine.tasks import stream_task
from flopcast.streaming import PILOT_SIZE, ChunkStats, Moments, StreamSummary, brackets_from_pilot, finish
from flopcast.validate import check_probability

if TYPE_CHECKING:
    from flopcast.design import Plan
    from flopcast.model import Model
    from flopcast.result import StreamedResult

__all__ = ["run_streamed"]

_MAX_RETRIES = 4


def _levels(prob: float, extra: Iterable[float]) -> np.ndarray:
    levels = [0.5, (1 - prob) / 2, (1 + prob) / 2]
    for q in extra:
        levels.append(check_probability(q, "levels"))
    return np.array(sorted(set(levels)))


def _collector(parts: dict[int, dict[str, ChunkStats]], bar: Progress) -> Any:
    def consume(start: int, stop: int, result: dict[str, ChunkStats]) -> None:
        parts[start] = result
        bar.update(stop - start)

    return consume


def run_streamed(
    model: Model, plan: Plan, names: tuple[str, ...], chunk: int, runner: Any, prob: float,
    levels: Iterable[float], progress: bool | None,
) -> StreamedResult:  # fmt: skip
    """Run ``plan`` keeping no draws; return exact moments and quantiles of ``names``."""
    from flopcast.engine import chunk_bounds, collect_draws
    from flopcast.result import StreamedResult

    prob = check_probability(prob, "prob")
    n = plan.n
    m = min(n, PILOT_SIZE)
    pilot = collect_draws(model, plan, names, chunk_bounds(m, chunk), runner, progress=False)
    wanted = _levels(prob, levels)
    summaries: dict[str, StreamSummary] = {}
    rest = [(s, min(s + chunk, n)) for s in range(m, n, chunk)]
    todo = list(names)
    widen = 1.0
    for _attempt in range(_MAX_RETRIES):
        hdi_levels = {}
        brackets = {}
        for name in todo:
            x = np.asarray(pilot[name])
            lo, hi = stats.hdi(x, prob)
            q_lo = float(np.count_nonzero(x < lo)) / m
            hdi_levels[name] = (q_lo, min(q_lo + prob, 1.0))
            brackets[name] = brackets_from_pilot(x, n, np.unique(np.concatenate([wanted, hdi_levels[name]])), widen)
        parts: dict[int, dict[str, ChunkStats]] = {}
        bar = Progress(n - m, progress, label="streaming")
        consume = _collector(parts, bar)

        try:
            if rest:
                runner.map(stream_task, (model, plan, tuple(todo), brackets), rest, consume)
        finally:
            bar.close()
        missed = []
        for name in todo:
            x = np.asarray(pilot[name])
            # Chunk results are merged in chunk order, so the sums do not depend on who computed them.
            ordered = [ChunkStats.of(x, brackets[name])] + [parts[s][name] for s in sorted(parts)]
            moments = Moments()
            for part in ordered:
                moments = moments.merge(part.moments)
            order = finish(n, moments, ordered, brackets[name])
            if order is None:
                missed.append(name)
                continue
            summaries[name] = StreamSummary(n, moments, order, hdi_levels[name])
        if not missed:
            break
        todo, widen = missed, widen * 4
    else:
        raise RuntimeError(f"streamed quantiles of {todo} did not converge; run with keep=[...] instead")
    return StreamedResult(model, {name: summaries[name] for name in names}, plan=plan, engine=runner.name, prob=prob)
