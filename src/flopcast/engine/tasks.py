"""The work a chunk does, as plain module-level functions that every engine can ship to workers.

Each task takes a *payload* (what is the same for every chunk: the model, the plan, the names) and a range of
draws. Engines send the payload once per worker and only ``(start, stop)`` per chunk.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from flopcast.engine.chunk import evaluate_chunk
from flopcast.streaming import ChunkStats

__all__ = ["keep_task", "stream_task"]


def keep_task(payload: tuple[Any, ...], start: int, stop: int) -> dict[str, np.ndarray | float]:
    """Evaluate a chunk and return the kept quantities (arrays, or floats for constants)."""
    model, plan, keep = payload
    return evaluate_chunk(model, plan, start, stop, keep)


def stream_task(payload: tuple[Any, ...], start: int, stop: int) -> dict[str, ChunkStats]:
    """Evaluate a chunk and reduce each summarized quantity to its moments and bracket contents."""
    model, plan, names, brackets = payload
    values = evaluate_chunk(model, plan, start, stop, names)
    return {
        name: ChunkStats.of(np.broadcast_to(np.asarray(values[name], dtype=float), (stop - start,)), brackets[name])
        for name in names
    }
