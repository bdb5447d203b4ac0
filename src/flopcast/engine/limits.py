"""What a run may ask for, checked before anything is drawn or allocated.

A model with quantities, a number of draws that fits in 64 bits, kept draws that fit in memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from flopcast.errors import FlopcastValueError
from flopcast.formatting import count

if TYPE_CHECKING:
    from flopcast.model import Model

__all__ = ["MAX_DRAWS", "MemoryLimitError", "check_memory", "check_runnable", "memory_limit"]

#: Draws are indexed by 64-bit integers.
MAX_DRAWS = 2**63 - 1
_BYTES_PER_DRAW = 8


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
    varying = _varying(model, names)
    need = n * varying * _BYTES_PER_DRAW
    if limit is None or need <= limit:
        return
    raise MemoryLimitError(
        f"keeping {count(n, 'draw')} of {count(varying, 'quantity', 'quantities')} needs {_bytes(need)} of "
        f"memory and this machine has {_bytes(limit)}",
        "stream the summaries instead, in bounded memory at any n: simulate(n, stream=True), or "
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
