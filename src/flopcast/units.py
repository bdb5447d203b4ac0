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

import contextlib
import contextvars
import functools
import math
from collections.abc import Iterator, Mapping
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
    ureg = _new_registry()
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line)
    _guard_conversions(ureg)
    return ureg


#: Whether conversions between units of different scale are refused (inside :func:`no_implicit_conversions`).
_STRICT: contextvars.ContextVar[bool] = contextvars.ContextVar("flopcast_no_implicit_conversions", default=False)


class ImplicitConversion(Exception):  # noqa: N818  (a signal between pint and the build checks, not an error kind)
    """pint converted between two units of different scale inside a formula (see :func:`no_implicit_conversions`)."""

    def __init__(self, source: Any, target: Any, factor: float) -> None:
        super().__init__(f"{source} -> {target} (x{factor:g})")
        self.source, self.target, self.factor = source, target, factor


@contextlib.contextmanager
def no_implicit_conversions() -> Iterator[None]:
    """Within the block, pint refuses to convert between units of different scale (hour and minute, percent and 1).

    It raises :class:`ImplicitConversion` instead.

    The engine computes on plain numbers, each in its input's unit: wherever pint converts one operand to another's
    unit (a comparison, a sum, ``fc.maximum``, ``fc.where``, a log of ``minute/hour``), the plain computation mixes
    the two scales, on every draw or only on the draws that take one branch. Refusing the conversion itself catches
    it whatever the values.

    Examples
    --------
    >>> from flopcast import units
    >>> q = units.quantity(2.0, "hour")
    >>> with units.no_implicit_conversions():
    ...     q > units.quantity(30.0, "minute")
    Traceback (most recent call last):
    ...
    flopcast.units.ImplicitConversion: hour -> second (x3600)
    >>> with units.no_implicit_conversions():
    ...     bool(q > units.quantity(1.5, "hour"))
    True
    """
    token = _STRICT.set(True)
    try:
        yield
    finally:
        _STRICT.reset(token)


def _guard_conversions(ureg: pint.UnitRegistry) -> None:
    # Every conversion of a pint quantity (to(), m_as(), the operands of a sum, a comparison or a numpy function)
    # goes through the registry's convert(): the guard sits there, and does nothing outside no_implicit_conversions.
    convert = ureg.convert

    def guarded(value: Any, src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
        if _STRICT.get() and src != dst:
            factor = float(convert(1.0, src, dst))
            if not math.isclose(factor, 1.0, rel_tol=1e-12) or convert(0.0, src, dst) != 0.0:
                raise ImplicitConversion(ureg.Unit(src), ureg.Unit(dst), factor)
        return convert(value, src, dst, *args, **kwargs)

    ureg.convert = guarded  # type: ignore[method-assign]


def _new_registry() -> pint.UnitRegistry:
    """The default pint registry, its parsed definition files read from pint's disk cache when it can be used.

    Parsing pint's definition files is most of the cost of a registry (0.14 s of a report's CPU time; 0.02 s from
    the cache). The cache is pint's own (``cache_folder=":auto:"``): the user's cache folder (``~/.cache/pint`` on
    Linux), one file per definition file, named by the hash of its content and keyed by pint's and Python's
    versions, so it cannot go stale. Where that folder cannot be created or read (read-only home, a file another
    process is still writing), the registry is built without it: same units, same behaviour.
    """
    import pint

    try:
        return pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=":auto:")
    except Exception:  # any failure of the cache (permissions, a truncated file): parse the files instead
        return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


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
    if not isinstance(unit, str):
        raise FlopcastTypeError(f"{owner}: unit must be a string such as 'FLOP' or '1', got {type(unit).__name__}")
    text = unit.strip() or "1"
    try:
        parsed = registry().Unit(text)
    # pint's parser evaluates the expression and lets through whatever that raises ("1/0" a ZeroDivisionError,
    # "__import__('os')" an empty AssertionError, undefined names its own errors): for a user's string, every
    # failure means the same thing.
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise FlopcastValueError(
            f"{owner}: unit {unit!r} is not understood ({detail}); use pint syntax with units such as "
            "FLOP, MAC, GPU, USD, video_minute, s, hour, day, token, step, frame or '1' for dimensionless"
        ) from exc
    return parsed


def quantity(value: Any, unit: str) -> pint.Quantity:
    """Return ``value`` as a pint quantity in ``unit`` of flopcast's registry."""
    return registry().Quantity(value, unit)


def check_dimension(result: Any, declared: str, owner: str) -> None:
    """Check that ``result`` (a pint quantity or a plain number) has the dimension of ``declared``.

    Raises
    ------
    FlopcastValueError
        When the dimensions differ, naming the node, both units and a fix (for MAC given as FLOP, the FLOP/MAC
        assumption that converts them).

    Examples
    --------
    >>> from flopcast.units import check_dimension, quantity
    >>> check_dimension(quantity(5e11, "MAC") * quantity(2.0, "FLOP/MAC"), "FLOP", "derived 'flop'")  # passes
    >>> check_dimension(quantity(5e11, "MAC"), "FLOP", "derived 'flop'")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastValueError: derived 'flop': unit mismatch: declared 'FLOP' {'[compute]': 1} but its \
inputs give 'MAC' {'[multiply_accumulate]': 1}; multiply by a FLOP/MAC assumption, such as \
m.assume('flop_per_mac', 2, unit='FLOP/MAC') ...
    """
    ureg = registry()
    expected = ureg.Unit(declared.strip() or "1")
    got = result.units if isinstance(result, ureg.Quantity) else ureg.dimensionless
    if got.dimensionality != expected.dimensionality:
        missing = dict((expected / got).dimensionality)  # the dimension of the factor the formula lacks
        if missing == _FLOP_PER_MAC:
            fix = f"multiply by a FLOP/MAC assumption, such as {_FLOP_PER_MAC_ASSUMPTION}"
        elif missing == {k: -v for k, v in _FLOP_PER_MAC.items()}:
            fix = f"divide by a FLOP/MAC assumption, such as {_FLOP_PER_MAC_ASSUMPTION}"
        else:
            fix = "fix the declared unit, the units of its inputs, or the formula"
        raise FlopcastValueError(
            f"{owner}: unit mismatch: declared {str(expected)!r} {dict(expected.dimensionality) or '(dimensionless)'}"
            f" but its inputs give {str(got)!r} {dict(got.dimensionality) or '(dimensionless)'}; {fix}"
        )


#: The dimension of FLOP per MAC: what a formula in MAC lacks to be in FLOP (no factor converts them).
_FLOP_PER_MAC = {"[compute]": 1, "[multiply_accumulate]": -1}
_FLOP_PER_MAC_ASSUMPTION = (
    "m.assume('flop_per_mac', 2, unit='FLOP/MAC') (a multiply-accumulate is 2 FLOP: a multiply and an add); MAC "
    "and FLOP are different dimensions, so a count of one is never silently taken for the other"
)


def check_scale(result: Any, plain: Any, declared: str, owner: str, inputs: Mapping[str, Any] | None = None) -> None:
    """Check that a formula's plain-float result is its value in the declared unit, not a multiple of it.

    The engine computes on plain floats, each input in its declared unit, so a formula that gives GPU*second
    under a declared GPU*hour is 3,600 times too large although the dimensions agree. ``result`` is the formula
    evaluated on pint quantities, ``plain`` the same formula on the plain numbers: converting ``result`` to
    ``declared`` must give ``plain`` back (factor 1, to rounding), element by element where both are finite.

    Parameters
    ----------
    result : pint.Quantity or number
        The formula on pint quantities (a plain number is dimensionless, in unit 1); a number or an array.
    plain : float or numpy.ndarray
        The formula on the plain values of its inputs: the point values (element 0 of an array), then draws.
    declared : str
        The declared unit (its dimension already checked by :func:`check_dimension`).
    owner : str
        The node, for the message (``"derived 'gpu_hours'"``).
    inputs : mapping of str to number or array, optional
        The plain inputs, element by element as ``plain``: the message shows them where the results differ.

    Raises
    ------
    FlopcastValueError
        Naming the quantity, the unit the formula gives, the declared unit, the factor between them and a fix;
        or, for the same unit with other numbers (hours plus minutes, a maximum of the two), both numbers.

    Examples
    --------
    >>> from flopcast.units import check_scale, quantity
    >>> seconds = quantity(7200.0, "GPU*s")
    >>> check_scale(seconds / quantity(3600.0, "s/hour"), 2.0, "GPU*hour", "derived 'gpu_hours'")  # passes
    >>> check_scale(seconds, 7200.0, "GPU*hour", "derived 'gpu_hours'")
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastValueError: derived 'gpu_hours': the formula gives GPU*second, declared GPU*hour \
(1 GPU*second = 1/3600 GPU*hour): divide by 3600 through a constant that carries its unit, such as \
m.assume('second_per_hour', 3600, unit='second/hour') (a bare number carries none), or declare unit='GPU*second'
    """
    import math

    import numpy as np

    ureg = registry()
    target = ureg.Unit(declared.strip() or "1")
    got = result.units if isinstance(result, ureg.Quantity) else ureg.dimensionless
    converted = result.magnitude if isinstance(result, ureg.Quantity) else result
    if got != target:  # pint conversions are slow: the common case, the declared unit itself, skips them
        if _offset(got, target):
            raise FlopcastValueError(_offset_message(owner, got, target))
        factor = float(ureg.Quantity(1.0, got).to(target).magnitude)
        if not math.isclose(factor, 1.0, rel_tol=1e-9):
            raise FlopcastValueError(_scale_message(owner, got, target, factor))
        converted = result.to(target).magnitude if isinstance(result, ureg.Quantity) else result
    try:
        magnitude, expected = np.broadcast_arrays(np.asarray(converted, dtype=float), np.asarray(plain, dtype=float))
    except ValueError:  # pragma: no cover - both come from the same inputs: compare the point values
        magnitude, expected = np.asarray(converted, dtype=float).ravel()[:1], np.asarray(plain, dtype=float).ravel()[:1]
    magnitude, expected = np.atleast_1d(magnitude), np.atleast_1d(expected)
    with np.errstate(all="ignore"):  # np.isclose's tolerance, written out: np.isclose costs more than pint here
        differ = np.abs(magnitude - expected) > 1e-300 + 1e-9 * np.abs(expected)
    differ &= np.isfinite(magnitude) & np.isfinite(expected)
    if differ.any():
        # Same units at the end, different numbers: pint converted an operand on the way, which plain floats
        # cannot do (a sum of hours and seconds; a maximum of hours and minutes, on the draws where it picks
        # the minutes).
        k = int(np.flatnonzero(differ)[0])
        at = ""
        if k:  # element 0 is the point value, where the inputs are their point values
            shown = ", ".join(f"{n}={_element(v, k):.4g}" for n, v in (inputs or {}).items())
            at = f" on a trial draw of its inputs ({shown})" if shown else f" on trial draw {k}"
        ratio = expected[k] / magnitude[k] if magnitude[k] else math.inf
        by = f" (off by a factor of {ratio:.6g})" if math.isfinite(ratio) and ratio else ""
        raise FlopcastValueError(
            f"{owner}: on plain numbers the formula gives {expected[k]:.6g}{at}, but with units it gives "
            f"{magnitude[k]:.6g} {target:C}{by}: it mixes compatible units of different scale (such as hours and "
            "seconds, in a sum or a maximum), which plain numbers cannot convert; convert the inputs to one unit "
            "first (declare them in the same unit, or multiply by a conversion assumption such as "
            "m.assume('minute_per_hour', 60, unit='minute/hour'))"
        )


def _element(value: Any, k: int) -> float:
    """Element ``k`` of an input's values, or the value itself for an input without draws."""
    import numpy as np

    return float(value) if np.ndim(value) == 0 else float(value[k])


def conversion(source: Any, target: Any) -> tuple[float, bool]:
    """The factor from ``source`` to ``target`` and whether they also differ by an offset (degC and kelvin).

    ``(nan, False)`` when no factor converts them (different dimensions).

    Examples
    --------
    >>> conversion("minute", "hour"), conversion("FLOP", "GPU")
    ((0.016666666666666666, False), (nan, False))
    """
    try:
        return float(registry().Quantity(1.0, source).to(target).magnitude), _offset(source, target)
    except Exception:  # pint's DimensionalityError: no factor converts them
        return math.nan, False


def same_scale(source: Any, target: Any) -> bool:
    """Whether two units are one unit under two names (FLOP and flop, token and 1): factor 1, no offset.

    Examples
    --------
    >>> same_scale("FLOP", "flop"), same_scale("minute", "hour"), same_scale("percent", "1")
    (True, False, False)
    """
    factor, offset = conversion(source, target)
    return math.isclose(factor, 1.0, rel_tol=1e-9) and not offset


def is_plain(unit: Any) -> bool:
    """Whether a unit is a plain number: dimensionless and without a scale (not minute/hour, not percent).

    Examples
    --------
    >>> is_plain("1"), is_plain("token"), is_plain("minute/hour"), is_plain("percent")
    (True, True, False, False)
    """
    return same_scale(unit, "dimensionless")


def _offset(got: pint.Unit, target: pint.Unit) -> bool:
    """Whether the two units differ by an offset (degree Celsius and kelvin): zero of one is not zero of the other."""
    try:
        return float(registry().Quantity(0.0, got).to(target).magnitude) != 0.0
    except Exception:  # pragma: no cover - both units have the same dimension (checked before)
        return False


def _offset_message(owner: str, got: pint.Unit, target: pint.Unit) -> str:
    """The error of a formula in a unit with an offset from the declared one: no factor converts them."""
    got_text, target_text = _unit_text(got), _unit_text(target)
    zero = float(registry().Quantity(0.0, got).to(target).magnitude)
    return (
        f"{owner}: the formula gives {got_text}, declared {target_text}; these units differ by an offset "
        f"(0 {got_text} = {zero:.6g} {target_text}), not by a factor, and the engine's plain numbers cannot add "
        f"it: declare unit={got_text!r}, or give the inputs in {target_text}"
    )


def _ratio_text(factor: float) -> tuple[str, str]:
    """``(1/3600, "divide by 3600")`` or ``(100, "multiply by 100")`` for a conversion factor."""
    if factor < 1:
        inverse = 1 / factor
        shown = f"{round(inverse):d}" if abs(inverse - round(inverse)) < 1e-6 * inverse else f"{inverse:.6g}"
        return f"1/{shown}", f"divide by {shown}"
    shown = f"{round(factor):d}" if abs(factor - round(factor)) < 1e-6 * factor else f"{factor:.6g}"
    return shown, f"multiply by {shown}"


def _scale_message(owner: str, got: pint.Unit, target: pint.Unit, factor: float) -> str:
    ratio, action = _ratio_text(factor)
    got_text, target_text = _unit_text(got), _unit_text(target)
    # The constant that makes pint see the conversion: got / c = target, so c has unit got/target (or the
    # reverse when multiplying).
    if factor < 1:
        unit, value = got / target, ratio.removeprefix("1/")
    else:
        unit, value = target / got, ratio
    unit_text = _unit_text(unit)
    name = unit_text.replace("/", "_per_").replace("*", "_").replace("**", "")
    name = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in name).strip("_") or "factor"
    fix = (
        f"{action} through a constant that carries its unit, such as m.assume({name!r}, {value}, "
        f"unit={unit_text!r}) (a bare number carries none), or declare unit={got_text!r}"
    )
    if "percent" in got_text:
        fix += "; or give the percent input as a fraction in unit '1'"
    plain = " (a plain number)" if got_text == "1" else ""
    return (
        f"{owner}: the formula gives {got_text}{plain}, declared {target_text} "
        f"({_amount('1', got_text)} = {_amount(ratio, target_text)}): {fix}"
    )


def _unit_text(unit: pint.Unit) -> str:
    """``GPU*second``; ``1`` for dimensionless."""
    text = format(unit, "C")
    return "1" if text in ("", "dimensionless") else text


def _amount(number: str, unit: str) -> str:
    """``1 GPU*second``, but ``3600/hour`` rather than ``3600 1/hour`` and ``1`` rather than ``1 1``."""
    if unit == "1":
        return number
    if unit.startswith("1/"):
        return f"{number}{unit[1:]}" if "/" not in number else f"({number}){unit[1:]}"
    return f"{number} {unit}"
