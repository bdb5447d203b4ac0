"""Validators for user input, in one place.

Each validator takes the value, the parameter ``name`` and an optional ``owner`` (the family,
function or class the parameter belongs to), returns the value converted to its canonical
type, and raises :class:`TypeError` (wrong type) or :class:`ValueError` (wrong value) with a
message naming the owner, the parameter, the allowed range and the value received::

    LogNormal: sigma must be > 0, got -1.0

Validators with the signature ``(value, name, owner=None)`` can be used as constraints in the
declarative ``arg_constraints`` of the distribution families. Depends on numpy only.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from flopcast.errors import FlopcastTypeError, FlopcastValueError

__all__ = [
    "ParameterTypeError",
    "Constraint",
    "check_extended_real",
    "check_finite_array",
    "check_in_interval",
    "check_int",
    "check_nonnegative",
    "check_ordered",
    "check_positive",
    "check_probability",
    "check_probability_array",
    "check_real",
    "check_real_tuple",
    "check_rng",
    "check_unit_interval",
    "check_weights",
    "describe_value",
    "is_real_number",
]

#: Tolerance on the sum of weights and probabilities.
WEIGHT_SUM_TOL = 1e-9


class ParameterTypeError(FlopcastTypeError, ValueError):
    """A parameter of the wrong type: a TypeError by Python's convention, and a ValueError (a bad parameter).

    Catch it as either; flopcast raises it for every argument that is not of the type a distribution, a
    constructor or a validator expects.

    Examples
    --------
    >>> issubclass(ParameterTypeError, TypeError) and issubclass(ParameterTypeError, ValueError)
    True
    """


class Constraint(Protocol):
    """A validator usable in a family's ``arg_constraints`` declaration."""

    def __call__(self, value: Any, name: str, owner: str | None = None, /) -> Any:
        """Return ``value`` converted, or raise naming ``owner`` and ``name``."""
        ...


def _label(name: str, owner: str | None) -> str:
    return f"{owner}: {name}" if owner else name


def describe_value(value: object) -> str:
    """Return a short readable rendering of ``value`` for error messages.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    str
        Real numbers as plain floats (``-1.0``, ``nan``), other objects with their type name.

    Examples
    --------
    >>> describe_value(-1)
    '-1.0'
    >>> describe_value("3")
    "str '3'"
    """
    if is_real_number(value):
        return repr(float(value))  # type: ignore[arg-type]
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    if value is None:
        return "None"
    return f"{type(value).__name__} {text}"


def is_real_number(value: object) -> bool:
    """Return True for real numbers (ints, floats, numpy scalars, 0-d arrays), not bools.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_real_number(2.5), is_real_number(True), is_real_number("2")
    (True, False, False)
    """
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, numbers.Real | np.integer | np.floating):
        return True
    return (
        isinstance(value, np.ndarray)
        and value.ndim == 0
        and (np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating))
    )


def check_extended_real(value: Any, name: str, owner: str | None = None) -> float:
    """Return ``value`` as a float that is a real number or +/-inf (NaN rejected).

    Parameters
    ----------
    value : Any
        Value to check.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``value`` is not a real number (bools, strings, None, sequences are rejected).
    ValueError
        If ``value`` is NaN.

    Examples
    --------
    >>> check_extended_real(float("inf"), "upper")
    inf
    """
    if not is_real_number(value):
        raise ParameterTypeError(f"{_label(name, owner)} must be a real number, got {describe_value(value)}")
    out = float(value)
    if math.isnan(out):
        raise FlopcastValueError(f"{_label(name, owner)} must be a real number, got nan")
    return out


def check_real(value: Any, name: str, owner: str | None = None) -> float:
    """Return ``value`` as a finite float.

    Parameters
    ----------
    value : Any
        Value to check.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``value`` is not a real number (bools, strings, None, sequences are rejected).
    ValueError
        If ``value`` is NaN or infinite.

    Examples
    --------
    >>> check_real(3, "mu")
    3.0
    >>> check_real(float("nan"), "mu", "Normal")
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastValueError: Normal: mu must be a finite real number, got nan
    """
    if not is_real_number(value):
        raise ParameterTypeError(f"{_label(name, owner)} must be a real number, got {describe_value(value)}")
    out = float(value)
    if not math.isfinite(out):
        raise FlopcastValueError(f"{_label(name, owner)} must be a finite real number, got {out!r}")
    return out


def check_positive(value: Any, name: str, owner: str | None = None) -> float:
    """Return ``value`` as a finite float > 0.

    Parameters
    ----------
    value : Any
        Value to check.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.

    Returns
    -------
    float

    Examples
    --------
    >>> check_positive(-1, "sigma", "LogNormal")
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastValueError: LogNormal: sigma must be > 0, got -1.0
    """
    out = check_real(value, name, owner)
    if not out > 0.0:
        raise FlopcastValueError(f"{_label(name, owner)} must be > 0, got {out!r}")
    return out


def check_nonnegative(value: Any, name: str, owner: str | None = None) -> float:
    """Return ``value`` as a finite float >= 0.

    Parameters
    ----------
    value : Any
        Value to check.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.

    Returns
    -------
    float

    Examples
    --------
    >>> check_nonnegative(0, "weight")
    0.0
    """
    out = check_real(value, name, owner)
    if not out >= 0.0:
        raise FlopcastValueError(f"{_label(name, owner)} must be >= 0, got {out!r}")
    return out


def check_in_interval(
    value: Any,
    name: str,
    owner: str | None = None,
    *,
    lower: float,
    upper: float,
    closed: tuple[bool, bool] = (False, False),
) -> float:
    """Return ``value`` as a float in the interval from ``lower`` to ``upper``.

    Parameters
    ----------
    value : Any
        Value to check.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.
    lower, upper : float
        Interval bounds.
    closed : tuple of bool
        Whether the lower and upper bounds are included (default: open interval).

    Returns
    -------
    float

    Examples
    --------
    >>> check_in_interval(0.5, "q", lower=0.0, upper=1.0, closed=(True, True))
    0.5
    """
    out = check_real(value, name, owner)
    above = out >= lower if closed[0] else out > lower
    below = out <= upper if closed[1] else out < upper
    if not (above and below):
        left = "[" if closed[0] else "("
        right = "]" if closed[1] else ")"
        raise FlopcastValueError(f"{_label(name, owner)} must be in {left}{lower:g}, {upper:g}{right}, got {out!r}")
    return out


def check_probability(value: Any, name: str, owner: str | None = None) -> float:
    """Return ``value`` as a float in the open interval (0, 1).

    Parameters
    ----------
    value : Any
        Value to check.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.

    Returns
    -------
    float

    Examples
    --------
    >>> check_probability(1.5, "prob")
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastValueError: prob must be in (0, 1), got 1.5
    """
    return check_in_interval(value, name, owner, lower=0.0, upper=1.0)


def check_unit_interval(value: Any, name: str, owner: str | None = None) -> float:
    """Return ``value`` as a float in the closed interval [0, 1].

    Parameters
    ----------
    value : Any
        Value to check.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.

    Returns
    -------
    float

    Examples
    --------
    >>> check_unit_interval(1, "q")
    1.0
    """
    return check_in_interval(value, name, owner, lower=0.0, upper=1.0, closed=(True, True))


def check_int(
    value: Any,
    name: str,
    owner: str | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """Return ``value`` as an int within ``[minimum, maximum]``.

    Integral floats such as ``1e6`` are accepted; bools and non-integral numbers are not.

    Parameters
    ----------
    value : Any
        Value to check.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.
    minimum, maximum : int, optional
        Inclusive bounds.

    Returns
    -------
    int

    Examples
    --------
    >>> check_int(1e6, "size", minimum=0)
    1000000
    >>> check_int(-1, "size", minimum=0)
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastValueError: size must be an integer >= 0, got -1
    """
    label = _label(name, owner)
    if isinstance(value, numbers.Integral | np.integer) and not isinstance(value, bool | np.bool_):
        out = int(value)
    elif is_real_number(value) and float(value).is_integer():
        out = int(float(value))
    elif is_real_number(value):
        raise FlopcastValueError(f"{label} must be an integer, got {describe_value(value)}")
    else:
        raise ParameterTypeError(f"{label} must be an integer, got {describe_value(value)}")
    if minimum is not None and out < minimum:
        raise FlopcastValueError(f"{label} must be an integer >= {minimum}, got {out}")
    if maximum is not None and out > maximum:
        raise FlopcastValueError(f"{label} must be an integer <= {maximum}, got {out}")
    return out


def check_ordered(
    lower: float,
    upper: float,
    names: tuple[str, str] = ("lower", "upper"),
    owner: str | None = None,
    *,
    strict: bool = True,
) -> None:
    """Check ``lower < upper`` (or ``<=`` when ``strict`` is False) for already-checked floats.

    Parameters
    ----------
    lower, upper : float
        The two bounds.
    names : tuple of str
        Their parameter names.
    owner : str, optional
        Family, function or class the parameters belong to.
    strict : bool
        Require ``lower < upper`` (default) rather than ``lower <= upper``.

    Raises
    ------
    ValueError
        If the bounds are not ordered.

    Examples
    --------
    >>> check_ordered(5.0, 1.0, owner="Uniform")
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastValueError: Uniform: lower must be < upper, got lower=5.0, upper=1.0
    """
    ok = lower < upper if strict else lower <= upper
    if not ok:
        op = "<" if strict else "<="
        prefix = f"{owner}: " if owner else ""
        raise FlopcastValueError(
            f"{prefix}{names[0]} must be {op} {names[1]}, got {names[0]}={lower!r}, {names[1]}={upper!r}"
        )


def _as_sequence(values: Any, name: str, owner: str | None) -> Sequence[Any]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Sequence | np.ndarray | Iterable):
        raise ParameterTypeError(f"{_label(name, owner)} must be a sequence of numbers, got {describe_value(values)}")
    seq = list(values)
    if not seq:
        raise FlopcastValueError(f"{_label(name, owner)} must not be empty, got {values!r}")
    return seq


def check_real_tuple(values: Any, name: str, owner: str | None = None) -> tuple[float, ...]:
    """Return a non-empty sequence of finite real numbers as a tuple of floats.

    Parameters
    ----------
    values : Any
        Sequence to check (strings and mappings are rejected).
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> check_real_tuple([1, 2.5], "values")
    (1.0, 2.5)
    """
    seq = _as_sequence(values, name, owner)
    return tuple(check_real(v, f"{name}[{i}]", owner) for i, v in enumerate(seq))


def check_weights(
    values: Any, name: str, owner: str | None = None, *, tol: float = WEIGHT_SUM_TOL
) -> tuple[float, ...]:
    """Return non-negative weights summing to 1 (within ``tol``) as a tuple of floats.

    Parameters
    ----------
    values : Any
        Sequence of weights.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.
    tol : float
        Allowed deviation of the sum from 1.

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> check_weights([0.25, 0.75], "weights")
    (0.25, 0.75)
    >>> check_weights([0.5, 0.6], "weights", "Mixture")
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastValueError: Mixture: weights must sum to 1 (within 1e-09), got sum 1.1
    """
    seq = _as_sequence(values, name, owner)
    out = tuple(check_nonnegative(v, f"{name}[{i}]", owner) for i, v in enumerate(seq))
    total = math.fsum(out)
    if not abs(total - 1.0) <= tol:
        raise FlopcastValueError(f"{_label(name, owner)} must sum to 1 (within {tol:g}), got sum {total:.12g}")
    return out


def check_finite_array(values: Any, name: str, owner: str | None = None) -> NDArray[np.float64]:
    """Return ``values`` as a float64 array of finite real numbers.

    Parameters
    ----------
    values : Any
        Array-like of real numbers (bool, string, object and complex dtypes are rejected).
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> check_finite_array([1, 2], "x")
    array([1., 2.])
    """
    arr = np.asarray(values)
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise ParameterTypeError(f"{_label(name, owner)} must be an array of real numbers, got dtype {arr.dtype}")
    out = arr.astype(np.float64, copy=False)
    bad = ~np.isfinite(out)
    if bad.any():
        first = out[bad].flat[0]
        raise FlopcastValueError(
            f"{_label(name, owner)} must contain only finite numbers, got {int(bad.sum())} "
            f"non-finite value(s), e.g. {float(first)!r}"
        )
    return out


def check_probability_array(values: Any, name: str, owner: str | None = None) -> NDArray[np.float64]:
    """Return ``values`` as a float64 array of probabilities in the closed interval [0, 1].

    Parameters
    ----------
    values : Any
        Array-like of probabilities.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Family, function or class the parameter belongs to.

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> check_probability_array([0.0, 0.5, 1.0], "q")
    array([0. , 0.5, 1. ])
    """
    out = check_finite_array(values, name, owner)
    bad = (out < 0.0) | (out > 1.0)
    if bad.any():
        raise FlopcastValueError(f"{_label(name, owner)} must be in [0, 1], got {float(out[bad].flat[0])!r}")
    return out


def check_rng(rng: Any, name: str = "rng", owner: str | None = None) -> np.random.Generator:
    """Check that ``rng`` is a :class:`numpy.random.Generator`.

    Parameters
    ----------
    rng : Any
        Value to check.
    name : str
        Parameter name used in error messages.
    owner : str, optional
        Function or class the parameter belongs to.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> check_rng(3)
    Traceback (most recent call last):
    ...
    flopcast.validate.ParameterTypeError: rng must be a numpy.random.Generator ... got int 3
    """
    if not isinstance(rng, np.random.Generator):
        raise ParameterTypeError(
            f"{_label(name, owner)} must be a numpy.random.Generator "
            f"(e.g. numpy.random.default_rng(seed)), got {type(rng).__name__} {rng!r}"
        )
    return rng
