"""Accelerator catalog: peak dense tensor throughput, memory and the datasheet each comes from.

All peaks are *dense* tensor-core rates in FLOP/s (one fused multiply-add counts as 2 FLOP).
NVIDIA datasheets headline the 2:4 structured-sparsity figure, which is exactly twice the
dense one; the dense figure is the one to use for compute estimates.

The registry is per-process: :func:`register_accelerator` adds to it for the lifetime of
the interpreter. Names are matched case-insensitively and ignoring spaces, hyphens,
underscores and slashes, so ``"H100"``, ``"h100-sxm"`` and ``"H100 SXM"`` all resolve to the
same entry.

Examples
--------
>>> get_accelerator("h100").peak_bf16_flop_per_s
989400000000000.0
>>> get_accelerator("A100 SXM").peak_fp8_flop_per_s is None
True
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from flopcast.errors import FlopcastTypeError, FlopcastValueError

__all__ = [
    "Accelerator",
    "H100_SXM",
    "H200_SXM",
    "A100_SXM",
    "B200_HGX",
    "get_accelerator",
    "register_accelerator",
    "unregister_accelerator",
    "accelerators",
]


def _positive_finite(value: object, what: str, *, optional: bool = False) -> float | None:
    """Validate that ``value`` is a positive finite real number and return it as float."""
    if value is None:
        if optional:
            return None
        raise FlopcastValueError(f"{what} is required (got None)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FlopcastValueError(f"{what} must be a real number, got {value!r}")
    as_float = float(value)
    if not math.isfinite(as_float) or as_float <= 0.0:
        raise FlopcastValueError(f"{what} must be positive and finite, got {value!r}")
    return as_float


def _non_empty(value: object, what: str) -> str:
    """Validate that ``value`` is a string with non-whitespace content."""
    if not isinstance(value, str) or not value.strip():
        raise FlopcastValueError(f"{what} must be a non-empty string, got {value!r}")
    return value


def _key(name: str) -> str:
    """Normalise a name for lookup: lower case, without spaces, ``-``, ``_`` or ``/``."""
    return re.sub(r"[\s_\-/]+", "", name).lower()


@dataclass(frozen=True, slots=True)
class Accelerator:
    """One accelerator model and its peak dense throughput.

    Parameters
    ----------
    name : str
        Canonical name, e.g. ``"H100-SXM"``.
    peak_bf16_flop_per_s : float
        Peak dense BF16 tensor throughput, FLOP/s (no sparsity).
    peak_fp8_flop_per_s : float or None
        Peak dense FP8 tensor throughput, FLOP/s; ``None`` if the part has no FP8 tensor cores.
    memory_gb : float or None
        Device memory in GB (10^9 bytes), ``None`` if not recorded.
    source : str
        Where the numbers come from (datasheet name or URL).
    aliases : tuple of str, optional
        Other names that resolve to this accelerator in :func:`get_accelerator`.
    note : str, optional
        Free-text caveat.

    Raises
    ------
    ValueError
        If a name or source is empty, or a peak or memory is not positive and finite.

    Examples
    --------
    >>> acc = Accelerator("Toy", 1e15, None, 16, "made up", aliases=("toy-1",))
    >>> acc.peak_flop_per_s("bf16")
    1000000000000000.0
    """

    name: str
    peak_bf16_flop_per_s: float
    peak_fp8_flop_per_s: float | None
    memory_gb: float | None
    source: str
    aliases: tuple[str, ...] = field(default=())
    note: str = ""

    def __post_init__(self) -> None:
        _non_empty(self.name, "Accelerator name")
        _non_empty(self.source, f"Accelerator {self.name!r} source")
        # Normalise numbers to float and the alias collection to a fresh tuple; this creates
        # new objects and never mutates anything the caller passed in.
        bf16 = _positive_finite(self.peak_bf16_flop_per_s, f"{self.name}: peak_bf16_flop_per_s")
        fp8 = _positive_finite(self.peak_fp8_flop_per_s, f"{self.name}: peak_fp8_flop_per_s", optional=True)
        mem = _positive_finite(self.memory_gb, f"{self.name}: memory_gb", optional=True)
        if isinstance(self.aliases, str):
            raise FlopcastValueError(f"{self.name}: aliases must be a sequence of strings, not a string")
        aliases = tuple(_non_empty(a, f"{self.name}: alias") for a in self.aliases)
        if not isinstance(self.note, str):
            raise FlopcastValueError(f"{self.name}: note must be a string, got {self.note!r}")
        object.__setattr__(self, "peak_bf16_flop_per_s", bf16)
        object.__setattr__(self, "peak_fp8_flop_per_s", fp8)
        object.__setattr__(self, "memory_gb", mem)
        object.__setattr__(self, "aliases", aliases)

    def peak_flop_per_s(self, precision: str = "bf16") -> float:
        """Return the peak dense throughput for ``precision`` (``"bf16"`` or ``"fp8"``), FLOP/s.

        Raises
        ------
        ValueError
            For an unknown precision, or ``"fp8"`` on a part without FP8 support.
        """
        p = precision.strip().lower()
        if p in ("bf16", "fp16"):
            return self.peak_bf16_flop_per_s
        if p == "fp8":
            if self.peak_fp8_flop_per_s is None:
                raise FlopcastValueError(f"{self.name} has no FP8 tensor throughput")
            return self.peak_fp8_flop_per_s
        raise FlopcastValueError(f"unknown precision {precision!r}; use 'bf16' or 'fp8'")

    def names(self) -> tuple[str, ...]:
        """Return the canonical name followed by all aliases."""
        return (self.name, *self.aliases)


H100_SXM = Accelerator(
    name="H100-SXM",
    peak_bf16_flop_per_s=989.4e12,
    peak_fp8_flop_per_s=1979e12,
    memory_gb=80,
    source="NVIDIA H100 Tensor Core GPU datasheet (SXM5; dense, sparsity figures are 2x)",
    aliases=("H100", "H100 SXM5", "H100-SXM5"),
)
H200_SXM = Accelerator(
    name="H200-SXM",
    peak_bf16_flop_per_s=989.4e12,
    peak_fp8_flop_per_s=1979e12,
    memory_gb=141,
    source="NVIDIA H200 Tensor Core GPU datasheet (SXM; dense, sparsity figures are 2x)",
    aliases=("H200",),
    note="Same compute as H100 SXM; 141 GB HBM3e at 4.8 TB/s.",
)
A100_SXM = Accelerator(
    name="A100-SXM",
    peak_bf16_flop_per_s=312e12,
    peak_fp8_flop_per_s=None,
    memory_gb=80,
    source="NVIDIA A100 Tensor Core GPU datasheet (SXM4 80GB; dense, sparsity figures are 2x)",
    aliases=("A100", "A100-SXM4", "A100 SXM4"),
    note="A 40 GB SXM4 variant with the same compute also exists; no FP8 tensor cores.",
)
B200_HGX = Accelerator(
    name="B200-HGX",
    peak_bf16_flop_per_s=2250e12,
    peak_fp8_flop_per_s=4500e12,
    memory_gb=None,
    source="NVIDIA HGX B200 datasheet (per GPU at 1000 W; dense, sparsity figures are 2x)",
    aliases=("B200", "HGX B200", "B200 SXM"),
    note="Per-GPU memory left unset: sources give 180, 179 (usable) or 192 GB (physical).",
)

_BUILTINS: tuple[Accelerator, ...] = (H100_SXM, H200_SXM, A100_SXM, B200_HGX)

# normalised name or alias -> accelerator; per-process state
_REGISTRY: dict[str, Accelerator] = {}


def _insert(acc: Accelerator) -> None:
    for n in acc.names():
        _REGISTRY[_key(n)] = acc


for _acc in _BUILTINS:
    _insert(_acc)
del _acc


def accelerators() -> tuple[Accelerator, ...]:
    """Return every registered accelerator once, in registration order.

    Examples
    --------
    >>> [a.name for a in accelerators()][:4]
    ['H100-SXM', 'H200-SXM', 'A100-SXM', 'B200-HGX']
    """
    seen: dict[int, Accelerator] = {}
    for acc in _REGISTRY.values():
        seen.setdefault(id(acc), acc)
    return tuple(seen.values())


def _known_names() -> str:
    return ", ".join(f"{a.name} (aliases: {', '.join(a.aliases)})" if a.aliases else a.name for a in accelerators())


def get_accelerator(name: str) -> Accelerator:
    """Look up an accelerator by name or alias.

    Matching ignores case, spaces, hyphens, underscores and slashes.

    Parameters
    ----------
    name : str
        E.g. ``"H100"``, ``"h100-sxm"``, ``"B200"``.

    Returns
    -------
    Accelerator

    Raises
    ------
    ValueError
        If no registered accelerator has that name or alias; the message lists the known names.

    Examples
    --------
    >>> get_accelerator("h100_sxm").name
    'H100-SXM'
    """
    if not isinstance(name, str) or not name.strip():
        raise FlopcastValueError(f"accelerator name must be a non-empty string, got {name!r}")
    try:
        return _REGISTRY[_key(name)]
    except KeyError:
        raise FlopcastValueError(f"unknown accelerator {name!r}; known accelerators: {_known_names()}") from None


def register_accelerator(acc: Accelerator, *, replace: bool = False) -> Accelerator:
    """Add a user-defined accelerator to this process's registry.

    Parameters
    ----------
    acc : Accelerator
        The accelerator; it is stored as is (it is frozen) and never modified.
    replace : bool, default False
        If false, any clash of ``acc``'s name or aliases with a registered name or alias raises.
        If true, ``acc`` takes every name and alias it claims; a registered accelerator whose
        canonical name is claimed is removed entirely, one of whose aliases only is claimed
        loses just that alias.

    Returns
    -------
    Accelerator
        ``acc``, for chaining.

    Raises
    ------
    TypeError
        If ``acc`` is not an :class:`Accelerator`.
    ValueError
        On a name clash with ``replace=False``, or if ``acc``'s own names collide with each other.

    Examples
    --------
    >>> toy = Accelerator("Toy-9000", 1e15, None, None, "example", aliases=("toy",))
    >>> register_accelerator(toy).name
    'Toy-9000'
    >>> get_accelerator("TOY") is toy
    True
    >>> unregister_accelerator("toy-9000") is toy
    True
    """
    if not isinstance(acc, Accelerator):
        raise FlopcastTypeError(f"expected an Accelerator, got {type(acc).__name__}")
    keys = [_key(n) for n in acc.names()]
    if len(set(keys)) != len(keys):
        raise FlopcastValueError(f"accelerator {acc.name!r} has duplicate names/aliases: {acc.names()}")
    clashes = {k: _REGISTRY[k] for k in keys if k in _REGISTRY}
    if clashes and not replace:
        detail = ", ".join(f"{k!r} (taken by {a.name})" for k, a in clashes.items())
        raise FlopcastValueError(
            f"cannot register accelerator {acc.name!r}: name already registered: {detail}; "
            "pass replace=True to override"
        )
    for k, old in clashes.items():
        if k == _key(old.name):
            # The canonical name is being taken over: drop the old entry and all its aliases.
            for n in old.names():
                if _REGISTRY.get(_key(n)) is old:
                    del _REGISTRY[_key(n)]
    _insert(acc)
    return acc


def unregister_accelerator(name: str) -> Accelerator:
    """Remove an accelerator (found by name or alias) with all its aliases; return it.

    Raises
    ------
    ValueError
        If the name is unknown.
    """
    acc = get_accelerator(name)
    for k in [k for k, a in _REGISTRY.items() if a is acc]:
        del _REGISTRY[k]
    return acc
