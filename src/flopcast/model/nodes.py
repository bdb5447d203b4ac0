"""The nodes of a model graph: assumptions (inputs with a distribution) and derived quantities (functions)."""

from __future__ import annotations

import inspect
import keyword
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flopcast.arithmetic import Arithmetic
from flopcast.distributions import Distribution, as_distribution
from flopcast.errors import FlopcastTypeError, FlopcastValueError

__all__ = ["Assumption", "Derived", "Node", "titled"]

#: Names that would collide with the dimensions of draws (chain, draw) and of sweeps (stat).
_RESERVED = frozenset({"chain", "draw", "stat"})


def _check_name(name: object, what: str) -> str:
    if not isinstance(name, str):
        raise FlopcastTypeError(f"{what} name must be a string, got {type(name).__name__}")
    if not name.isidentifier() or keyword.iskeyword(name):
        raise FlopcastValueError(
            f"{what} name {name!r} is not a valid Python identifier; use letters, digits and underscores "
            "(for example 'param_scale'), since derived functions name their inputs by parameter name"
        )
    normalized = unicodedata.normalize("NFKC", name)
    if normalized != name:  # Python reads identifiers in NFKC: def g(ﬁ) has a parameter named 'fi'
        raise FlopcastValueError(
            f"{what} name {name!r} is not in Unicode normal form NFKC, which Python applies to the parameter names "
            f"of derived functions (they would read it as {normalized!r}); use {normalized!r}"
        )
    if name in _RESERVED:
        raise FlopcastValueError(
            f"{what} name {name!r} is reserved (it names a dimension of the draws); choose another"
        )
    return name


def _check_text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise FlopcastTypeError(f"{what} must be a string, got {type(value).__name__}")
    # Text goes into files (netCDF attributes, CSV, Markdown): NUL ends a C string, a lone surrogate is no UTF-8.
    if "\0" in value:
        raise FlopcastValueError(f"{what} must not contain a NUL character, got {value!r}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise FlopcastValueError(f"{what} must be valid Unicode text (no lone surrogates), got {value!r}") from None
    return value


@dataclass(frozen=True)
class Assumption:
    """An uncertain (or fixed) input of a model.

    Parameters
    ----------
    name : str
        A Python identifier; derived functions refer to it by parameter name.
    distribution : Distribution
        Its distribution (a :class:`~flopcast.distributions.Point` for a fixed value); anything
        :func:`~flopcast.distributions.as_distribution` converts, such as a number or ``fc.to(lo, hi)``, whose
        unit, when it has one, must be ``unit``.
    unit : str
        A unit of flopcast's registry, ``"1"`` for dimensionless.
    source : str
        Where the value or the distribution comes from.
    note : str
        Why this distribution was chosen, caveats.
    label : str
        A readable name for tables, figures and the command (default: the name, which stays the key).

    Examples
    --------
    >>> import flopcast as fc
    >>> a = fc.Assumption("fps", fc.uniform(16, 30), unit="frame/s", source="common video frame rates")
    >>> a.is_uncertain
    True
    """

    name: str
    distribution: Distribution
    unit: str = "1"
    source: str = ""
    note: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        _check_name(self.name, "assumption")
        owner = f"assumption {self.name!r}"
        given = self.distribution
        object.__setattr__(self, "distribution", as_distribution(given, owner))
        _check_text(self.unit, f"{owner}: unit")
        if isinstance(given, Arithmetic) and not isinstance(given, Distribution):
            _check_given_unit(given._input(owner)[1], self.unit, owner)
        _check_text(self.source, f"assumption {self.name!r}: source")
        _check_text(self.note, f"assumption {self.name!r}: note")
        _set_label(self)

    @property
    def is_uncertain(self) -> bool:
        """Whether the assumption has a distribution rather than a single value."""
        return not self.distribution.is_point


@dataclass(frozen=True)
class Derived:
    """A quantity computed from other quantities by a plain function.

    The function's parameter names are its inputs. It must use arithmetic and flopcast's math helpers
    (:func:`flopcast.log`, :func:`flopcast.exp`, :func:`flopcast.minimum`, :func:`flopcast.maximum`,
    :func:`flopcast.where`) so that it runs on numpy arrays, pint quantities and PyTensor variables alike.
    ``label`` is a readable name for tables, figures and the command (default: the name, which stays the key).

    Examples
    --------
    >>> import flopcast as fc
    >>> def latent_frames(fps, clip_seconds, temporal_compression):
    ...     return fps * clip_seconds / temporal_compression
    >>> fc.Derived("latent_frames", latent_frames, unit="frame").inputs
    ('fps', 'clip_seconds', 'temporal_compression')
    """

    name: str
    function: Callable[..., Any]
    unit: str = "1"
    note: str = ""
    source: str = ""
    label: str = ""
    inputs: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        _check_name(self.name, "derived quantity")
        if not callable(self.function):
            raise FlopcastTypeError(
                f"derived {self.name!r}: function must be callable, got {type(self.function).__name__}"
            )
        _check_text(self.unit, f"derived {self.name!r}: unit")
        _check_text(self.note, f"derived {self.name!r}: note")
        _check_text(self.source, f"derived {self.name!r}: source")
        _set_label(self)
        object.__setattr__(self, "inputs", _inputs_of(self.function, self.name))

    def __call__(self, *args: Any) -> Any:
        """Evaluate the function on its inputs, given in the order of :attr:`inputs`."""
        return self.function(*args)


def _check_given_unit(given: str | None, unit: str, owner: str) -> None:
    """The unit an expression leaf carries (``fc.to(..., unit="FLOP")``), if any, is the assumption's unit."""
    from flopcast import units

    if given is not None and units.parse_unit(given, owner) != units.parse_unit(unit, owner):
        raise FlopcastValueError(
            f"{owner}: the value given carries unit {given!r} but the assumption's unit is {unit!r}; give the "
            f"value in {unit!r}, or declare unit={given!r}"
        )


def _set_label(node: Assumption | Derived) -> None:
    label = _check_text(node.label, f"{node.name!r}: label").strip()
    object.__setattr__(node, "label", label or node.name)


def _inputs_of(function: Callable[..., Any], name: str) -> tuple[str, ...]:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError) as exc:
        raise FlopcastTypeError(f"derived {name!r}: cannot read the parameters of {function!r}") from exc
    inputs = []
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise FlopcastTypeError(
                f"derived {name!r}: parameter {param.name!r} is *args/**kwargs; name each input explicitly, "
                "because a derived function's parameter names are its inputs"
            )
        if param.kind is param.POSITIONAL_ONLY:
            raise FlopcastTypeError(f"derived {name!r}: parameter {param.name!r} is positional-only; remove the '/'")
        inputs.append(param.name)
    return tuple(inputs)


Node = Assumption | Derived


def titled(node: Node) -> str:
    """A quantity as a table row shows it: ``label (name)``, or the name alone when it has no label of its own.

    Examples
    --------
    >>> titled(Assumption("mfu", 0.4, label="model FLOPs utilization")), titled(Assumption("mfu", 0.4))
    ('model FLOPs utilization (mfu)', 'mfu')
    """
    return node.name if node.label == node.name else f"{node.label} ({node.name})"
