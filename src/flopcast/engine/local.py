"""The local engine: evaluates chunks one after the other in this process, in memory bounded by the chunk size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from flopcast.engine.chunk import evaluate_chunk

if TYPE_CHECKING:
    from flopcast.design import Plan
    from flopcast.model import Model

__all__ = ["LocalEngine"]


class LocalEngine:
    """Run chunks in sequence in the calling process.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.normal(0, 1))
    >>> res = m.simulate(1000, seed=0, engine=fc.LocalEngine())
    >>> res.n
    1000
    """

    name = "local"

    def map_chunks(
        self,
        model: Model,
        plan: Plan,
        bounds: Sequence[tuple[int, int]],
        keep: Sequence[str],
        consume: Callable[[int, int, dict[str, np.ndarray | float]], None],
    ) -> None:
        """Evaluate each ``(start, stop)`` range and hand its kept quantities to ``consume``."""
        for start, stop in bounds:
            consume(start, stop, evaluate_chunk(model, plan, start, stop, keep))
