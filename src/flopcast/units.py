"""Units: one pint registry with the quantities of compute forecasting, and the dimension check of a model.

Units are checked, not carried: a model is evaluated once on pint quantities when it is built, to prove that
every derived quantity has the dimension it declares; the Monte Carlo itself runs on plain float arrays.
pint is imported only here, inside functions, so that ``import flopcast`` stays light.

The registry adds to pint's defaults:

- ``FLOP`` (floating-point operations) and ``MAC`` (multiply-accumulates) as two *different* dimensions, so a
  formula cannot mix them up silently: converting takes an explicit factor in FLOP/MAC;
- ``GPU`` (a count of accelerators), ``USD`` (money) and ``video_second``/``video_minute``/``video_hour``
  (duration of generated video, distinct from wall-clock time);
- counting units that are dimensionless: ``parameter``, ``token``, ``step``, ``frame``, ``image``, ``sample``,
  ``document``, ``post``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastTypeError, FlopcastValueError

if TYPE_CHECKING:
    import pint

_DEFINITIONS = """
FLOP = [compute] = flop
MAC = [multiply_accumulate] = multiply_accumulate
GPU = [accelerator] = gpu
USD = [currency] = usd = dollar
video_second = [video] = video_s
video_minute = 60 * video_second = video_min
video_hour = 3600 * video_second = video_h
parameter = [] = param
token = []
step = []
frame = []
image = []
sample = []
document = []
post = []
"""


@functools.cache
def registry() -> pint.UnitRegistry:
    """Return flopcast's unit registry (created once, on first use).

    Examples
    --------
    >>> from flopcast.units import registry
    >>> ureg = registry()
    >>> float(ureg.Quantity(2, "FLOP/s").to("FLOP/hour").magnitude)
    7200.0
    """
    import pint

    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


def parse_unit(unit: str, owner: str) -> pint.Unit:
    """Parse a unit string, raising an error that names the node that declared it.

    Parameters
    ----------
    unit : str
        A unit expression such as ``"FLOP/s"``, ``"GPU"`` or ``"1"`` (dimensionless).
    owner : str
        What declared it, for the error message (for example ``"assumption 'fps'"``).

    Returns
    -------
    pint.Unit

    Examples
    --------
    >>> from flopcast.units import parse_unit
    >>> str(parse_unit("FLOP/GPU/s", "assumption 'peak'"))
    'FLOP / GPU / second'
    """
    import pint

    if not isinstance(unit, str):
        raise FlopcastTypeError(f"{owner}: unit must be a string such as 'FLOP' or '1', got {type(unit).__name__}")
    text = unit.strip() or "1"
    try:
        return registry().Unit(text)
    except (
        pint.errors.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        ValueError,
        TypeError,
    ) as exc:
        raise FlopcastValueError(
            f"{owner}: unit {unit!r} is not understood ({exc}); use pint syntax with units such as "
            "FLOP, MAC, GPU, USD, video_minute, s, hour, day, token, step, frame or '1' for dimensionless"
        ) from exc


def quantity(value: Any, unit: str) -> pint.Quantity:
    """Return ``value`` as a pint quantity in ``unit`` of flopcast's registry."""
    return registry().Quantity(value, unit)


def check_dimension(result: Any, declared: str, owner: str) -> None:
    """Check that ``result`` (a pint quantity or a plain number) has the dimension of ``declared``.

    Raises
    ------
    ValueError
        When the dimensions differ, naming the node, both units and a fix.
    """
    ureg = registry()
    expected = ureg.Unit(declared.strip() or "1")
    got = result.units if isinstance(result, ureg.Quantity) else ureg.dimensionless
    if got.dimensionality != expected.dimensionality:
        raise FlopcastValueError(
            f"{owner}: unit mismatch: declared {str(expected)!r} {dict(expected.dimensionality) or '(dimensionless)'}"
            f" but its inputs give {str(got)!r} {dict(got.dimensionality) or '(dimensionless)'}; "
            "fix the declared unit, the units of its inputs, or the formula"
        )
