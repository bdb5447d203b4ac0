"""The names a sensitivity analysis is asked about: outputs (quantities) and inputs (uncertain assumptions)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flopcast.errors import FlopcastTypeError, FlopcastValueError

if TYPE_CHECKING:
    from flopcast.model import Model

__all__ = ["check_inputs", "check_outputs", "names_of"]


def names_of(value: str | Iterable[str], what: str) -> tuple[str, ...]:
    """Return a name or a list of names as a tuple of distinct strings.

    Examples
    --------
    >>> names_of("fleet", "output"), names_of(["a", "b"], "input")
    (('fleet',), ('a', 'b'))
    """
    if isinstance(value, str):
        return (value,)
    try:
        names = tuple(value)
    except TypeError:
        raise FlopcastTypeError(f"{what} must be a name or a list of names, got {type(value).__name__}") from None
    for name in names:
        if not isinstance(name, str):
            raise FlopcastTypeError(f"{what} names must be strings, got {type(name).__name__} {name!r}")
    if not names:
        raise FlopcastValueError(f"{what}: give at least one name")
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise FlopcastValueError(f"{what}: names must be distinct, got {', '.join(dupes)} more than once")
    return names


def check_outputs(model: Model, outputs: str | Iterable[str]) -> tuple[str, ...]:
    """Check that each output is a quantity of ``model`` (usually a derived one).

    Examples
    --------
    >>> from flopcast.catalog.benchmark import benchmark_model
    >>> check_outputs(benchmark_model(), "fleet")
    ('fleet',)
    """
    return model.check_names(names_of(outputs, "outputs"), "quantity (output)")


def check_inputs(model: Model, inputs: str | Iterable[str] | None) -> tuple[str, ...]:
    """The uncertain assumptions to analyse: all of them by default (point values are left out).

    Examples
    --------
    >>> from flopcast.catalog.benchmark import benchmark_model
    >>> m = benchmark_model()
    >>> len(check_inputs(m, None)), "duration_s" in check_inputs(m, None)
    (15, False)
    """
    uncertain = model.uncertain
    if not uncertain:
        raise FlopcastValueError(
            f"model {model.name!r} has no uncertain assumption (every assumption is a point value), so there is "
            "no sensitivity to analyse; give some assumptions a distribution"
        )
    if inputs is None:
        return uncertain
    names = names_of(inputs, "inputs")
    assumptions = model.assumptions
    for name in names:
        if name not in model:
            raise FlopcastValueError(model.unknown_message(name, "assumption (input)"))
        if name not in assumptions:
            raise FlopcastValueError(
                f"input {name!r} is a derived quantity of model {model.name!r}; sensitivity inputs are uncertain "
                f"assumptions ({', '.join(uncertain)})"
            )
        if name not in uncertain:
            raise FlopcastValueError(
                f"input {name!r} is a point value ({assumptions[name].distribution.point_value():g}) in model "
                f"{model.name!r}: it does not vary, so it has no sensitivity; give it a distribution with "
                "model.replace() or leave it out"
            )
    return names
