"""The one function every engine runs: draw a range of a run and evaluate the graph on it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np

from flopcast.errors import FlopcastValueError
from flopcast.model import Assumption, Model

if TYPE_CHECKING:
    from flopcast.design import Plan

__all__ = ["evaluate_chunk", "needed"]


def needed(model: Model, keep: Sequence[str], *, given: Collection[str] = ()) -> list[str]:
    """The quantities (in evaluation order) that must be computed to obtain ``keep``.

    The graph is cut at the ``given`` quantities: they are listed, but not what they depend on.
    """
    nodes = model.nodes
    wanted: set[str] = set()
    stack = list(keep)
    while stack:
        name = stack.pop()
        if name in wanted:
            continue
        wanted.add(name)
        node = nodes[name]
        if name not in given and not isinstance(node, Assumption):
            stack.extend(node.inputs)
    return [n for n in nodes if n in wanted]


def evaluate_chunk(
    model: Model, plan: Plan, start: int, stop: int, keep: Sequence[str]
) -> dict[str, np.ndarray | float]:
    """Draws ``start:stop`` of the run, evaluated in topological order; returns the ``keep`` quantities.

    Point assumptions stay scalars (numpy broadcasts them), so a quantity that depends on point values only
    comes back as a float. Intermediate arrays are dropped as soon as no remaining node needs them.
    """
    nodes = model.nodes
    order = needed(model, keep)
    draws = plan.draws(start, stop)
    point = model.point()
    last_use: dict[str, int] = {}
    for i, name in enumerate(order):
        node = nodes[name]
        if not isinstance(node, Assumption):
            for inp in node.inputs:
                last_use[inp] = i
    keep_set = set(keep)
    env: dict[str, np.ndarray | float] = {}
    for i, name in enumerate(order):
        node = nodes[name]
        if isinstance(node, Assumption):
            env[name] = draws[name] if name in draws else point[name]
        else:
            args = [env[inp] for inp in node.inputs]
            value = node.function(*args)
            if np.ndim(value) == 0 and not any(np.ndim(a) for a in args):
                env[name] = float(value)
            elif np.shape(value) == (stop - start,):
                env[name] = np.asarray(value, dtype=float)
            else:
                raise FlopcastValueError(
                    f"derived {name!r}: returned shape {np.shape(value)} for a chunk of {stop - start} draws; "
                    "derived functions must work elementwise (use fc.minimum/fc.where, not min()/sum())"
                )
            for inp in node.inputs:
                if last_use.get(inp) == i and inp not in keep_set:
                    del env[inp]
    return {name: env[name] for name in keep}
