"""What an engine is: a name and a ``map`` that runs a task on ranges of draws.

Every engine runs the same task functions (:mod:`flopcast.engine.tasks`) on the same ranges, so the draws do
not depend on the engine, the chunk size or the number of workers. Any object with these two members is an
engine (a :class:`typing.Protocol`, checked at run time by :func:`flopcast.engine.run.resolve_engine`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

__all__ = ["Consume", "Engine", "Task"]

Task = Callable[[Any, int, int], Any]
"""``task(payload, start, stop)``: the work of one range of draws (a module-level function, so it pickles)."""

Consume = Callable[[int, int, Any], None]
"""``consume(start, stop, result)``: receives each range's result, in any order, in the calling process."""


@runtime_checkable
class Engine(Protocol):
    """An engine: runs ``task(payload, start, stop)`` for every range of ``bounds``, handing results to ``consume``.

    ``payload`` is the same for every range (the model, the plan, the names): an engine may send it once per
    worker. A task that raises makes ``map`` raise that error.

    Examples
    --------
    >>> from flopcast.engine import Engine, LocalEngine
    >>> isinstance(LocalEngine(), Engine)
    True
    """

    name: str

    def map(self, task: Task, payload: Any, bounds: Sequence[tuple[int, int]], consume: Consume) -> None:
        """Run ``task`` on every range of ``bounds`` and give each result to ``consume``."""
        ...
