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
from flopcast.validate import check_int

if TYPE_CHECKING:
    from flopcast.model import Model
    from flopcast.result import Result

__all__ = ["LocalEngine", "chunk_bounds", "resolve_engine", "resolve_keep", "run"]

DEFAULT_CHUNK_SIZE = BLOCK_SIZE


def chunk_bounds(n: int, chunk_size: int) -> list[tuple[int, int]]:
    """Split ``range(n)`` into consecutive ``(start, stop)`` chunks of ``chunk_size`` draws."""
    return [(s, min(s + chunk_size, n)) for s in range(0, n, chunk_size)]


def resolve_keep(model: Model, keep: Iterable[str] | str | None) -> tuple[str, ...]:
    """The quantities to keep: all by default; names are checked against the model."""
    if keep is None:
        return tuple(model.nodes)
    names = model.check_names(keep, "quantity to keep")
    if not names:
        raise ValueError("keep must name at least one quantity")
    return tuple(dict.fromkeys(names))


def resolve_engine(engine: Any) -> Any:
    """Turn ``None``/``"local"`` into an engine object; engine objects pass through."""
    if engine is None or engine == "local":
        return LocalEngine()
    if isinstance(engine, str):
        raise ValueError(f"engine must be 'local' or an engine object, got {engine!r}")
    if not hasattr(engine, "map_chunks"):
        raise TypeError(f"engine must be 'local' or an engine object with map_chunks(), got {type(engine).__name__}")
    return engine


def run(
    model: Model,
    n: int,
    *,
    seed: Any = None,
    design: str = "random",
    keep: Iterable[str] | str | None = None,
    chunk_size: int | None = None,
    engine: Any = None,
    progress: bool | None = None,
) -> Result:
    """Simulate ``model``; see :meth:`flopcast.Model.simulate`."""
    from flopcast.result import Result

    n = check_int(n, "n", minimum=1)
    chunk = DEFAULT_CHUNK_SIZE if chunk_size is None else check_int(chunk_size, "chunk_size", minimum=1)
    names = resolve_keep(model, keep)
    plan = make_plan(model, n, seed, design)
    runner = resolve_engine(engine)
    arrays: dict[str, np.ndarray] = {}
    constants: dict[str, float] = {}
    bar = Progress(n, progress)

    def consume(start: int, stop: int, values: dict[str, np.ndarray | float]) -> None:
        for name, value in values.items():
            if np.ndim(value) == 0:
                constants[name] = float(value)
                continue
            if name not in arrays:
                arrays[name] = np.empty(n)
            arrays[name][start:stop] = value
        bar.update(stop - start)

    try:
        runner.map_chunks(model, plan, chunk_bounds(n, chunk), names, consume)
    finally:
        bar.close()
    draws: dict[str, np.ndarray] = {}
    for name in names:
        if name in arrays:
            draws[name] = arrays[name]
        else:
            draws[name] = np.broadcast_to(np.float64(constants[name]), (n,))
        draws[name].flags.writeable = False
    return Result(model, draws, plan=plan, engine=runner.name)
