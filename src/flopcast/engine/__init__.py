"""Engines: evaluate a run chunk by chunk and gather what the caller keeps.

Every engine runs the same function on the same ranges of draws (:func:`flopcast.engine.chunk.evaluate_chunk`),
so the draws do not depend on the engine, the chunk size or the number of workers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast.design import BLOCK_SIZE, make_plan
from flopcast.engine.local import LocalEngine
from flopcast.engine.progress import Progress
from flopcast.engine.tasks import keep_task
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.result import Result
from flopcast.validate import check_int

if TYPE_CHECKING:
    from flopcast.design import Plan
    from flopcast.model import Model
    from flopcast.result import StreamedResult

__all__ = ["LocalEngine", "chunk_bounds", "collect_draws", "resolve_engine", "resolve_keep", "run"]

DEFAULT_CHUNK_SIZE = BLOCK_SIZE


def chunk_bounds(n: int, chunk_size: int) -> list[tuple[int, int]]:
    """Split ``range(n)`` into consecutive ``(start, stop)`` chunks of ``chunk_size`` draws."""
    return [(s, min(s + chunk_size, n)) for s in range(0, n, chunk_size)]


def keeps_nothing(keep: Any) -> bool:
    """Whether ``keep`` asks for no draws at all (``"summary"``, ``False`` or an empty list): stream summaries."""
    if isinstance(keep, str):
        return keep == "summary"
    return keep is False or (isinstance(keep, list | tuple | set | frozenset) and not keep)


def resolve_keep(model: Model, keep: Iterable[str] | str | bool | None) -> tuple[str, ...]:
    """The quantities to keep (or to summarize): all by default; names are checked against the model."""
    if keep is None or keeps_nothing(keep):
        return tuple(model.nodes)
    if keep is True:
        raise FlopcastTypeError("keep must be None, 'summary', False or quantity names, got True")
    names = model.check_names(keep, "quantity to keep")  # type: ignore[arg-type]
    return tuple(dict.fromkeys(names))


def resolve_engine(engine: Any, workers: int | None = None) -> Any:
    """Turn ``None``/``"local"``/``"dask"`` into an engine object; engine objects pass through."""
    if workers is not None and engine not in (None, "local"):
        raise FlopcastValueError(
            "workers= applies to the local engine; give the engine object its own settings instead"
        )
    if engine is None or engine == "local":
        return LocalEngine(1 if workers is None else workers)
    if engine == "dask":
        from flopcast.engine.dask import DaskEngine

        return DaskEngine()
    if isinstance(engine, str):
        raise FlopcastValueError(f"engine must be 'local', 'dask' or an engine object, got {engine!r}")
    if isinstance(engine, type):
        raise FlopcastTypeError(
            f"engine must be an engine object, got the class {engine.__name__}; write {engine.__name__}()"
        )
    if not hasattr(engine, "map"):
        raise FlopcastTypeError(
            f"engine must be 'local', 'dask' or an engine object with map(), got {type(engine).__name__}"
        )
    return engine


def run(
    model: Model,
    n: int,
    *,
    seed: Any = None,
    design: str = "random",
    keep: Iterable[str] | str | bool | None = None,
    stream: bool = False,
    prob: float = 0.9,
    levels: Iterable[float] = (),
    chunk_size: int | None = None,
    engine: Any = None,
    workers: int | None = None,
    progress: bool | None = None,
) -> Result | StreamedResult:
    """Simulate ``model``; see :meth:`flopcast.Model.simulate`."""
    n = check_int(n, "n", minimum=1)
    chunk = DEFAULT_CHUNK_SIZE if chunk_size is None else check_int(chunk_size, "chunk_size", minimum=1)
    names = resolve_keep(model, keep)
    plan = make_plan(model, n, seed, design)
    runner = resolve_engine(engine, workers)
    if stream or keeps_nothing(keep):
        from flopcast.engine.streamed import run_streamed

        return run_streamed(model, plan, names, chunk, runner, prob, levels, progress)
    return Result(model, collect_draws(model, plan, names, chunk_bounds(n, chunk), runner, progress),
                  plan=plan, engine=runner.name)  # fmt: skip


def collect_draws(
    model: Model, plan: Plan, names: tuple[str, ...], bounds: list[tuple[int, int]], runner: Any,
    progress: bool | None, bar: Progress | None = None,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Run the chunks of ``bounds`` and gather the draws of ``names`` into read-only arrays.

    ``bar`` is a progress bar to advance (and leave open) when this is part of a longer run.
    """
    total = sum(stop - start for start, stop in bounds)
    offset = bounds[0][0] if bounds else 0
    arrays: dict[str, np.ndarray] = {}
    constants: dict[str, float] = {}
    own_bar = bar is None
    bar = Progress(total, progress) if bar is None else bar

    def consume(start: int, stop: int, values: dict[str, np.ndarray | float]) -> None:
        for name, value in values.items():
            if np.ndim(value) == 0:
                constants[name] = float(value)
                continue
            if name not in arrays:
                arrays[name] = np.empty(total)
            arrays[name][start - offset : stop - offset] = value
        bar.update(stop - start)

    try:
        runner.map(keep_task, (model, plan, names), bounds, consume)
    finally:
        if own_bar:
            bar.close()
    draws: dict[str, np.ndarray] = {}
    for name in names:
        draws[name] = arrays[name] if name in arrays else np.broadcast_to(np.float64(constants[name]), (total,))
        draws[name].flags.writeable = False
    return draws
