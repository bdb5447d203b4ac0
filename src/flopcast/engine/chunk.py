"""The one function every engine runs: draw a range of a run and evaluate the graph on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from flopcast.design import Plan
    from flopcast.model import Model

__all__ = ["evaluate_chunk"]


def evaluate_chunk(
    model: Model, plan: Plan, start: int, stop: int, keep: Sequence[str]
) -> dict[str, np.ndarray | float]:
    """Draws ``start:stop`` of the run, evaluated by the model's graph; returns the ``keep`` quantities.

    Point assumptions stay scalars (numpy broadcasts them), so a quantity that depends on point values only
    comes back as a float. Intermediate arrays are dropped as soon as no remaining node needs them.
    """
    return model.graph.evaluate(plan.draws(start, stop), outputs=keep, n=stop - start)
