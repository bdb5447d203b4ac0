"""Engines: evaluate a run chunk by chunk and gather what the caller keeps.

Every engine runs the same function on the same ranges of draws (:func:`flopcast.engine.chunk.evaluate_chunk`),
so the draws do not depend on the engine, the chunk size or the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

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

__all__ = [
    "ChunkBounds",
    "LocalEngine",
    "MemoryLimitError",
    "check_runnable",
    "chunk_bounds",
    "collect_draws",
    "memory_limit",
    "resolve_engine",
    "resolve_keep",
    "run",
]

DEFAULT_CHUNK_SIZE = BLOCK_SIZE
#: Draws are indexed by 64-bit integers.
MAX_DRAWS = 2**63 - 1
_BYTES_PER_DRAW = 8


class ChunkBounds(Sequence[tuple[int, int]]):
    """The ``(start, stop)`` ranges of consecutive chunks of ``range(first, n)``, computed on demand.

    A lazy sequence: a run of any ``n`` is cut into chunks without building the list of them.

    Examples
    --------
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
    """Split ``range(first, n)`` into consecutive ``(start, stop)`` chunks of ``chunk_size`` draws (lazily)."""
    return ChunkBounds(n, chunk_size, first)


class MemoryLimitError(FlopcastValueError):
    """A run whose kept draws would not fit in the machine's memory (refused before anything is allocated).

    ``problem`` says what was asked and what it needs; the message adds how to stream instead.
    """

    def __init__(self, problem: str, fix: str) -> None:
        self.problem = problem
        super().__init__(f"{problem}; {fix}")


def memory_limit() -> int | None:
    """Bytes this process can hold at most: the machine's physical memory, or a lower limit set on the process.

    None when the platform does not say.
    """
    limits = []
    try:
        limits.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        pass
    try:
        import resource

        for kind in (resource.RLIMIT_AS, resource.RLIMIT_DATA):
            soft, _ = resource.getrlimit(kind)
            if soft != resource.RLIM_INFINITY and soft > 0:
                limits.append(soft)
    except (ImportError, ValueError, OSError):  # pragma: no cover - not POSIX
        pass
    positive = [limit for limit in limits if limit > 0]
    return min(positive) if positive else None


def _varying(model: Model, names: Iterable[str]) -> int:
    """How many of ``names`` vary from draw to draw (those that depend only on point values are one number)."""
    varying = set(model.uncertain)
    for name, node in model.derived.items():
        if any(inp in varying for inp in node.inputs):
            varying.add(name)
    return sum(name in varying for name in names)


def check_memory(model: Model, n: int, names: Sequence[str]) -> None:
    """Refuse, before allocating, a run whose kept draws need more memory than the machine has."""
    limit = memory_limit()
    count = _varying(model, names)
    need = n * count * _BYTES_PER_DRAW
    if limit is None or need <= limit:
        return
    raise MemoryLimitError(
        f"keeping {n:,} draws of {count} {'quantity' if count == 1 else 'quantities'} needs {_bytes(need)} of "
        f"memory and this machine has {_bytes(limit)}",
        "stream the summaries instead, in bounded memory at any n: simulate(n, keep='summary'), or "
        "simulate(n, keep=[...], stream=True) for some quantities; or keep fewer draws or quantities",
    )


def _bytes(count: float) -> str:
    """A number of bytes for people: ``_bytes(3.2e14)`` is ``'320 TB'``."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if count < 999.5 or unit == "PB":
            return f"{count:.3g} {unit}"
        count /= 1000
    raise AssertionError  # pragma: no cover


def check_runnable(model: Model) -> None:
    """Refuse a model with no quantities: there is nothing to draw or to report."""
    if not model.nodes:
        raise FlopcastValueError(
            f"model {model.name!r} has no quantities: add assumptions (model.assume(...)) and derived quantities "
            "(@model.derive) before simulating"
        )


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
    if not isinstance(keep, str) and not isinstance(keep, Iterable):
        raise FlopcastTypeError(
            f"keep must be None, 'summary', False or an iterable of quantity names, got {type(keep).__name__}"
        )
    names = model.check_names(keep, "quantity to keep")
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
    check_runnable(model)
    n = check_int(n, "n", minimum=1)
    chunk = DEFAULT_CHUNK_SIZE if chunk_size is None else check_int(chunk_size, "chunk_size", minimum=1)
    names = resolve_keep(model, keep)
    streamed = stream or keeps_nothing(keep)
    if not streamed:
        check_memory(model, n, names)
    n = check_int(n, "n", minimum=1, maximum=MAX_DRAWS)  # draws are numbered by 64-bit integers
    plan = make_plan(model, n, seed, design)
    runner = resolve_engine(engine, workers)
    if streamed:
        from flopcast.engine.streamed import run_streamed

        return run_streamed(model, plan, names, chunk, runner, prob, levels, progress)
    return Result(model, collect_draws(model, plan, names, chunk_bounds(n, chunk), runner, progress),
                  plan=plan, engine=runner.name)  # fmt: skip


def collect_draws(
    model: Model, plan: Plan, names: tuple[str, ...], bounds: Sequence[tuple[int, int]], runner: Any,
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
