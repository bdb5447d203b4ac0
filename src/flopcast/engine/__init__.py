"""Engines: evaluate a run chunk by chunk and gather what the caller keeps.

Every engine runs the same function on the same ranges of draws (:func:`flopcast.engine.chunk.evaluate_chunk`),
so the draws do not depend on the engine, the chunk size or the number of workers. An engine is any object with
a ``name`` and a ``map`` (:class:`~flopcast.engine.base.Engine`); :class:`LocalEngine` runs in this process or a
pool of processes, :class:`~flopcast.engine.dask.DaskEngine` on a Dask cluster. The engine depends on the model,
never the reverse; :func:`flopcast.simulation.simulate` turns what it gathers into a result.
"""

from flopcast.engine.base import Consume, Engine, Task
from flopcast.engine.limits import MAX_DRAWS, MemoryLimitError, check_memory, check_runnable, memory_limit
from flopcast.engine.local import LocalEngine
from flopcast.engine.run import DEFAULT_CHUNK_SIZE, ChunkBounds, chunk_bounds, collect_draws, resolve_engine

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "MAX_DRAWS",
    "ChunkBounds",
    "Consume",
    "Engine",
    "LocalEngine",
    "MemoryLimitError",
    "Task",
    "check_memory",
    "check_runnable",
    "chunk_bounds",
    "collect_draws",
    "memory_limit",
    "resolve_engine",
]
