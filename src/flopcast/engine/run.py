"""Running a plan on an engine: picking the engine, splitting the run into chunks, gathering the kept draws."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from flopcast.design import BLOCK_SIZE
from flopcast.engine.base import Engine
from flopcast.engine.local import LocalEngine
from flopcast.engine.progress import Progress
from flopcast.engine.tasks import keep_task
from flopcast.errors import FlopcastTypeError, FlopcastValueError

if TYPE_CHECKING:
    from flopcast.design import Plan
    from flopcast.model import Model

__all__ = ["DEFAULT_CHUNK_SIZE", "ChunkBounds", "chunk_bounds", "collect_draws", "resolve_engine"]

DEFAULT_CHUNK_SIZE = BLOCK_SIZE


class ChunkBounds(Sequence[tuple[int, int]]):
    """The ``(start, stop)`` ranges of consecutive chunks of ``range(first, n)``, computed on demand.

    A lazy sequence: a run of any ``n`` is cut into chunks without building the list of them.

    Examples
    --------
    >>> from flopcast.engine import ChunkBounds
    >>> bounds = ChunkBounds(10, 4)
    >>> len(bounds), list(bounds), bounds[-1]
    (3, [(0, 4), (4, 8), (8, 10)], (8, 10))
    >>> len(ChunkBounds(2**62, 2**16, first=2**20))
    70368744177648
    """

    def __init__(self, n: int, chunk_size: int, first: int = 0) -> None:
        self.n, self.size, self.first = n, chunk_size, first
        self._count = max(0, -(-(n - first) // chunk_size))

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[int, int]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        start = self.first + index * self.size
        return start, min(start + self.size, self.n)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for start in range(self.first, self.n, self.size):
            yield start, min(start + self.size, self.n)

    def __repr__(self) -> str:
        return f"ChunkBounds(n={self.n}, chunk_size={self.size}, first={self.first})"


def chunk_bounds(n: int, chunk_size: int, first: int = 0) -> ChunkBounds:
    """Split ``range(first, n)`` into consecutive ``(start, stop)`` chunks of ``chunk_size`` draws (lazily).

    Examples
    --------
    >>> from flopcast.engine import chunk_bounds
    >>> list(chunk_bounds(5, 2))
    [(0, 2), (2, 4), (4, 5)]
    """
    return ChunkBounds(n, chunk_size, first)


def resolve_engine(engine: str | Engine | None, workers: int | None = None) -> Engine:
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
    if not isinstance(engine, Engine):
        raise FlopcastTypeError(
            "engine must be 'local', 'dask' or an engine object (a name and a map() method, see "
            f"flopcast.engine.Engine), got {type(engine).__name__}"
        )
    return engine


def collect_draws(
    model: Model, plan: Plan, names: tuple[str, ...], bounds: Sequence[tuple[int, int]], runner: Engine,
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

    def consume(start: int, stop: int, values: Any) -> None:
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
