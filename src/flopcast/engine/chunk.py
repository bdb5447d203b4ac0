"""The one function every engine runs: draw a range of a run and evaluate the graph on it, piece by piece.

A chunk (a range of draws an engine hands out) is evaluated in pieces of at most :data:`PIECE_SIZE` draws: the
intermediate quantities of the graph live only as long as a piece, and only the kept values are written out, into
the chunk's arrays. Pieces are streamed from the seeding blocks' generators (:meth:`flopcast.design.Plan.pieces`),
so the draws are those of the run whatever the piece size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from flopcast.design import Plan
    from flopcast.model import Model

__all__ = ["PIECE_SIZE", "evaluate_chunk"]

#: Draws per piece, measured on the benchmark model (15 inputs, 8 derived quantities; benchmarks/README.md, "Piece
#: size"): on a 2-core AMD EPYC (L2 1 MB per core), CPU time per run fell from pieces of 4,096 draws to 65,536, as
#: numpy's per-call overhead (about 350 calls a piece) outweighed what smaller pieces gain in cache. A chunk larger
#: than this (``chunk_size=``, or a Dask task) is still evaluated piece by piece.
PIECE_SIZE = 2**16


def evaluate_chunk(
    model: Model, plan: Plan, start: int, stop: int, keep: Sequence[str], piece_size: int = PIECE_SIZE
) -> dict[str, np.ndarray | float]:
    """Draws ``start:stop`` of the run, evaluated by the model's graph; returns the ``keep`` quantities.

    Point assumptions stay scalars (numpy broadcasts them), so a quantity that depends on point values only
    comes back as a float. The graph is evaluated on pieces of at most ``piece_size`` draws; intermediate
    arrays live only as long as a piece.
    """
    graph = model.graph
    n = stop - start
    out: dict[str, np.ndarray | float] = {}
    for lo, hi, draws in plan.pieces(start, stop, piece_size):
        values = graph.evaluate(draws, outputs=keep, n=hi - lo)
        if hi - lo == n:
            return values  # one piece is the whole chunk: nothing to gather
        for name, value in values.items():
            if isinstance(value, float):
                out[name] = value  # depends on point values only: the same in every piece
                continue
            target = out.get(name)
            if target is None:
                target = out[name] = np.empty(n)
            target[lo - start : hi - start] = value  # type: ignore[index]
    if not out:  # an empty range: the graph on no draws
        return graph.evaluate(plan.draws(start, stop), outputs=keep, n=0)
    return out
