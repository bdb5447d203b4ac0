"""The checks a node passes when it is added to a model, so that errors surface at build time, not mid-run.

Each check is one function; :func:`check_node` runs them in order. A derived quantity is checked by trial
evaluations through :meth:`~flopcast.model.graph.Graph.evaluate`: on numbers, its inputs at their point values
(the function runs and gives a finite number, its point value); on a few seeded draws of every assumption (it
works on arrays, and each draw's result depends on that draw's inputs only); on pint quantities, the point
values followed by those draws (its unit is consistent with its inputs' and its plain result is its value in the
declared unit on every draw, not only where a maximum or a where takes the point's branch). A NaN or an infinity
on part of the draws is a warning, given once the quantity has passed every check. To add a check, write a
function here and call it from :func:`check_node`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from flopcast.errors import FlopcastError, FlopcastTypeError, FlopcastValueError
from flopcast.model.graph import Graph, check_real_result
from flopcast.model.nodes import Assumption, Derived, Node

__all__ = [
    "TRIAL_DRAWS",
    "array_trial",
    "check_node",
    "check_replacement",
    "check_real_result",
    "check_scale",
    "check_unit",
    "conversion_factor",
    "nonfinite_warning",
    "scalar_trial",
    "unit_mismatch",
    "unit_trial",
]

#: Draws of each uncertain assumption in the array trial: enough to see a NaN on a sixth of the support with
#: probability 1 - (5/6)**64 > 0.9999, few enough to cost nothing when a model is built.
TRIAL_DRAWS = 64


def check_node(graph: Graph, node: Node, point: Mapping[str, float], trial: dict[str, Any] | None = None) -> float:
    """Run every build-time check on ``node`` (already in ``graph``) and return its point value.

    ``point`` holds the point values of the nodes before it; ``trial``, when given, their values on the trial
    draws, and receives this node's.
    """
    check_unit(node)
    if isinstance(node, Assumption):
        if trial is not None:
            trial[node.name] = trial_draws(node)
        return graph.point[node.name]
    value = scalar_trial(graph, node, point)
    # On arrays before pint: a function that is not vectorized (math.log, an `if` on an input) fails on pint
    # quantities too, and the array advice is the one that fixes it.
    draws = array_trial(graph, node, trial) if trial is not None else None
    with_units = unit_trial(graph, node, point, trial)
    plain = value if draws is None else _with_point(value, draws)
    check_scale(node, with_units, plain, _trial_inputs(node, point, trial))
    if trial is not None:
        nonfinite_warning(node, {i: trial[i] for i in node.inputs}, draws)
        trial[node.name] = draws
    return value


def _with_point(point: float, draws: Any) -> Any:
    """The point value followed by the values on the trial draws (element 0 the point), or the point alone."""
    return np.concatenate(([point], draws)) if np.ndim(draws) else np.float64(point)


def _trial_inputs(node: Derived, point: Mapping[str, float], trial: Mapping[str, Any] | None) -> dict[str, Any]:
    """Each input's plain values in the unit trial: its point value, followed by its trial draws when it has any."""
    if trial is None:
        return {i: np.float64(point[i]) for i in node.inputs}
    return {i: _with_point(point[i], trial[i]) for i in node.inputs}


#: The spellings of a plain number's unit.
_PLAIN_UNITS = frozenset({"1", "", "dimensionless"})


def _trial(graph: Graph, node: Derived, values: Mapping[str, Any]) -> Any:
    """Evaluate ``node`` alone on the given values of its inputs."""
    with np.errstate(all="ignore"):
        return graph.evaluate(values, outputs=[node.name], given=node.inputs)[node.name]


def check_unit(node: Node) -> None:
    """The node's unit is a unit of flopcast's registry."""
    from flopcast import units

    kind = "assumption" if isinstance(node, Assumption) else "derived"
    units.parse_unit(node.unit, f"{kind} {node.name!r}")


def scalar_trial(graph: Graph, node: Derived, point: Mapping[str, float]) -> float:
    """The function runs on its inputs' point values and returns one finite number, which is returned.

    The values are numpy float64 scalars, as in the Monte Carlo (where they are arrays): array methods such as
    ``x.clip(0, 5)`` and ``x.astype(float)`` work on them, as Python's scalar math does (``math.log``, refused
    by :func:`array_trial`).
    """
    shown = {i: float(point[i]) for i in node.inputs}  # for messages
    args = {i: np.float64(v) for i, v in shown.items()}
    owner = f"derived {node.name!r}"
    try:
        value = _trial(graph, node, args)
    except AttributeError as exc:
        if _in_place(exc):
            raise FlopcastValueError(f"{owner}: its function {_MUTATES} ({exc.name})") from exc
        raise _raised(owner, exc, shown) from exc
    except Exception as exc:
        raise _raised(owner, exc, shown) from exc
    if value is None:
        raise FlopcastTypeError(f"{owner}: its function returned None (a missing return statement?); it must "
                                "return the quantity's value")  # fmt: skip
    check_real_result(node.name, value, f"at the point values of its inputs {shown}")
    array: np.ndarray | None = np.asarray(value)
    if array is not None and array.dtype.kind == "O":  # a number of another type (a Fraction) converts
        try:
            array = np.asarray(float(value))
        except (TypeError, ValueError):
            array = None
    if array is None or array.dtype.kind not in "biuf" or array.ndim:
        what = (
            f"{type(value).__name__} {value!r:.60}" if array is None or array.dtype.kind not in "biuf"
            else f"an array of shape {array.shape} and dtype {array.dtype}"
        )  # fmt: skip
        raise FlopcastTypeError(
            f"{owner}: on numbers (its inputs at their point values {shown}) its function returned {what}; it must "
            "return one number per draw: a number for number inputs, an array of the same shape for arrays of "
            "draws (np.stack, np.array([...]), sums and reductions change the shape)"
        )
    scalar = float(array)
    again = _trial(graph, node, args)
    if not np.array_equal(np.asarray(again, dtype=float), array.astype(float), equal_nan=True):
        raise FlopcastValueError(
            f"{owner}: its function is not deterministic: on the same inputs {shown} it gave {scalar:.6g}, then "
            f"{float(again):.6g}; random numbers inside a formula (np.random...) escape the seeds, designs and "
            "sensitivity analyses: make the random part an assumption (m.assume('noise', fc.uniform(0, 1)))"
        )
    if not np.isfinite(scalar):
        raise FlopcastValueError(
            f"{owner}: gives {scalar} at the point values of its inputs "
            f"{shown}; check the formula and the inputs' ranges"
        )
    return scalar


#: What an in-place operation on an input does, and the fix.
_MUTATES = (
    "changes its input in place (x *= 2, x += y, x.__imul__(2), np.multiply(x, 2, out=x)): the input's draws are "
    "shared with every other quantity that uses them; return a new value instead (x * 2)"
)


def _in_place(exc: AttributeError) -> bool:
    """Whether an AttributeError is a scalar lacking an in-place operator (``__imul__``): the code mutates."""
    name = getattr(exc, "name", None) or ""
    return name.startswith("__i") and name.endswith("__")


def _raised(owner: str, exc: Exception, shown: Mapping[str, float]) -> FlopcastValueError:
    return FlopcastValueError(
        f"{owner}: its function raised {type(exc).__name__}: {exc} on a scalar test with its inputs at their "
        f"point values {shown}; derived functions must accept numbers and arrays and use flopcast's math helpers "
        "(fc.log, fc.exp, fc.minimum, fc.maximum, fc.where)"
    )


def unit_trial(graph: Graph, node: Derived, point: Mapping[str, float], trial: Mapping[str, Any] | None = None) -> Any:
    """The function's arithmetic on pint quantities is consistent and gives the declared dimension.

    The inputs are their point values followed, when ``trial`` is given, by their values on the trial draws
    (element 0 is the point; an input without draws stays a number): a maximum or a where of hours and minutes
    agrees with plain numbers where it takes the point's branch, and only the draws show the other one. pint
    costs about as much on 65 elements as on one. Returns the result on pint quantities, for :func:`check_scale`.
    """
    from flopcast import units

    owner = f"derived {node.name!r}"
    nodes = graph.nodes
    # An input in unit 1 is a plain number to pint as well: passed as one, so that functions pint does not wrap
    # (scipy.special.expit, erf, np.heaviside, np.select) take it as the simulation does.
    args = {
        i: v if nodes[i].unit.strip() in _PLAIN_UNITS else units.quantity(v, nodes[i].unit)
        for i, v in _trial_inputs(node, point, trial).items()
    }
    try:
        with units.no_implicit_conversions():
            result = _trial(graph, node, args)
    except units.ImplicitConversion as exc:
        try:  # pint converts on its way to some of its errors: a sum of hours and a number is a unit mismatch
            _trial(graph, node, args)
        except Exception as mismatch:
            raise unit_mismatch(
                f"{owner}: unit mismatch inside its formula",
                mismatch,
                {i: nodes[i].unit for i in node.inputs},
                "formula",
            ) from mismatch
        raise FlopcastValueError(
            f"{owner}: its formula converts {exc.source} to {exc.target} (x{exc.factor:.6g}) between two of its "
            "operands (a comparison, a sum or difference, fc.maximum/fc.minimum/fc.where, or a log or exp of a ratio "
            "of units): the simulation computes on plain numbers, each in its input's unit, so it would mix the two "
            f"scales on some or all draws (inputs: {', '.join(f'{i} [{nodes[i].unit}]' for i in node.inputs)}); "
            "bring the operands to one unit with a constant that carries its unit, such as "
            "m.assume('minutes_per_hour', 60, unit='minute/hour'), or declare the inputs in one unit"
        ) from exc
    except Exception as exc:  # pint raises DimensionalityError and friends on inconsistent arithmetic
        raise unit_mismatch(
            f"{owner}: unit mismatch inside its formula", exc, {i: nodes[i].unit for i in node.inputs}, "formula"
        ) from exc
    units.check_dimension(result, node.unit, owner)
    return result


def unit_mismatch(what: str, exc: Exception, inputs: Mapping[str, Any], fix: str) -> FlopcastValueError:
    """The error of a formula whose pint arithmetic failed: pint's words, and each input with its unit."""
    shown = ", ".join(f"{name} [{unit}]" for name, unit in inputs.items())
    text = str(exc)
    # pint's words when a bare number meets a quantity with a unit (a bound, a threshold, a fallback value).
    bare = "from 'dimensionless'" in text or "Cannot compare" in text
    hint = (
        "; a bare number in the formula (a bound, a threshold) is a plain number to the check: make it an assumption "
        "with its unit, such as m.assume('max_hours', 5, unit='hour')"
        if bare
        else ""
    )
    return FlopcastValueError(f"{what}: {exc} (inputs: {shown}); fix the units of the inputs or the {fix}{hint}")


def check_scale(node: Derived, with_units: Any, plain: Any, inputs: Mapping[str, Any] | None = None) -> None:
    """The plain-float result is the value in the declared unit: GPU*second is not GPU*hour, 1 is not percent.

    ``with_units`` is the result of :func:`unit_trial`; ``plain`` the plain result on the same inputs (the point
    value of :func:`scalar_trial`, followed by the values of :func:`array_trial` when the trial had draws);
    ``inputs`` the plain inputs, element by element, to show one where they differ.
    """
    from flopcast import units

    units.check_scale(with_units, plain, node.unit, f"derived {node.name!r}", inputs)


#: Units of time whose ratios (60, 3600, 86400, 24, 7, 365.25...) are conversion factors, not counts.
_TIME_UNITS = ("second", "minute", "hour", "day", "week", "year")
#: SI prefixes by power of 1000: a bare 1e12 next to a quantity with units converts it to (or from) tera-units.
_PREFIXES = {3: "kilo", 6: "mega", 9: "giga", 12: "tera", 15: "peta", 18: "exa", 21: "zetta", 24: "yotta"}


def conversion_factor(number: float, operand: Any) -> str | None:
    """The conversion a bare ``number`` makes when it multiplies or divides ``operand``, or None.

    A bare number carries no unit, so the engine's plain floats and pint disagree on what ``operand / 86400``
    is: pint keeps the unit (GPU*second) while the value is in another (GPU*day), 86,400 times off, the error
    :func:`check_scale` catches in models when the declared unit differs. This names the conversion for a
    quick estimate, whose unit is inferred: a ratio of two units of time when ``operand`` (a pint quantity at
    its point value) has a time dimension, or a power of 1000 (an SI prefix) when it has any unit. Returns the
    quantity to write instead, such as ``fc.quantity(86400, unit="second/day")``.

    Examples
    --------
    >>> from flopcast.units import quantity
    >>> conversion_factor(86400.0, quantity(5.0, "GPU*s"))
    'fc.quantity(86400, unit="second/day")'
    >>> conversion_factor(1e15, quantity(5.0, "FLOP")), conversion_factor(6.0, quantity(5.0, "FLOP/s"))
    ('fc.quantity(1e+15, unit="FLOP/petaFLOP")', None)
    """
    from flopcast import units

    ureg = units.registry()
    if not isinstance(operand, ureg.Quantity) or operand.dimensionless or not number > 0:
        return None
    big = max(number, 1 / number)
    shown = f"{big:.15g}"
    if "[time]" in operand.dimensionality:
        for i, small in enumerate(_TIME_UNITS):
            for large in _TIME_UNITS[i + 1 :]:
                if math.isclose(big, float(ureg.Quantity(1.0, large).to(small).magnitude), rel_tol=1e-9):
                    return f'fc.quantity({shown}, unit="{small}/{large}")'
    power = round(math.log10(big))
    if power in _PREFIXES and math.isclose(big, 10.0**power, rel_tol=1e-12):
        unit = next(iter(operand.unit_items()))[0]  # the operand's first unit: FLOP in FLOP/s
        return f'fc.quantity({big:g}, unit="{unit}/{_PREFIXES[power]}{unit}")'
    return None


def trial_draws(node: Assumption) -> Any:
    """The assumption's values in the array trial: :data:`TRIAL_DRAWS` draws seeded by its name, or its value."""
    import zlib

    if not node.is_uncertain:
        return np.float64(node.distribution.point_value())  # a numpy scalar, as the engine passes
    return node.distribution.sample(TRIAL_DRAWS, seed=zlib.crc32(node.name.encode()))


#: Errors of numpy and of Python's scalar functions given an array: math.log(array), float(array), `if array:`.
_ARRAY_FIXES = (
    "derived functions run on arrays of draws: use fc.log / np.log (not math.log), fc.exp, fc.sqrt, "
    "fc.minimum / fc.maximum (not min / max), and fc.where(condition, a, b) instead of a Python `if` on an input"
)


def array_trial(graph: Graph, node: Derived, trial: Mapping[str, Any]) -> Any:
    """The function works on arrays of draws: elementwise, numbers out, each draw from its own inputs.

    Its inputs take their values on the trial draws (:func:`trial_draws` for assumptions). Returns its values;
    :func:`nonfinite_warning` tells of NaN or infinity among them.
    """
    args = {i: trial[i] for i in node.inputs}
    before = {i: np.copy(v) for i, v in args.items() if isinstance(v, np.ndarray)}
    try:
        with np.errstate(all="ignore"):
            value = graph.evaluate(args, outputs=[node.name], given=node.inputs, n=TRIAL_DRAWS)[node.name]
    except FlopcastValueError as exc:  # the wrong shape: the graph names the quantity
        raise FlopcastValueError(f"{exc}; {_ARRAY_FIXES}") from exc
    except FlopcastError:  # refused on draws for a reason the graph states (complex numbers)
        raise
    except Exception as exc:
        raise FlopcastTypeError(
            f"derived {node.name!r}: its function fails on an array of {TRIAL_DRAWS} draws of its inputs "
            f"({type(exc).__name__}: {exc}); {_ARRAY_FIXES}"
        ) from exc
    changed = [i for i, v in before.items() if not np.array_equal(v, args[i], equal_nan=True)]
    if changed:
        for i in changed:  # later trials see the draws as they were
            args[i][...] = before[i]
        raise FlopcastValueError(f"derived {node.name!r}: its function {_MUTATES} (it changed {', '.join(changed)})")
    if np.ndim(value):
        _check_draws_independent(graph, node, args, value)
    return value


#: Why a draw's value must not depend on the others, and where an aggregate over draws belongs instead.
_OWN_INPUTS = (
    "(np.mean, np.sum, np.sort, np.cumsum, normalising by a total...): each draw must be computed from its own "
    "inputs, since the Monte Carlo evaluates the draws in chunks of any size; an aggregate over draws belongs "
    "after the simulation (the Result's methods: res.summary(), res.prob(...)) or, for a fixed number, in an "
    "assumption"
)


def _check_draws_independent(graph: Graph, node: Derived, args: Mapping[str, Any], value: np.ndarray) -> None:
    """The function's values on every other trial draw are its values on all of them, there.

    ``2 * x - np.mean(x)`` is ``x`` at the point value but changes with the chunk the engine passes: its result
    for one draw depends on the others. Every other draw, rather than the first half, changes the draws both
    before and after each one (a cumulative sum agrees on a leading part). Compared to rounding (1e-12: a
    vectorized loop may round its tail differently), NaN equal to NaN.
    """
    part = {i: np.array(v[::2]) if np.ndim(v) else v for i, v in args.items()}  # copies: the draws stay intact
    size = (TRIAL_DRAWS + 1) // 2
    owner = f"derived {node.name!r}"
    try:
        with np.errstate(all="ignore"):
            subset = graph.evaluate(part, outputs=[node.name], given=node.inputs, n=size)[node.name]
    except Exception as exc:
        raise FlopcastValueError(
            f"{owner}: its result for one draw depends on the other draws: it runs on {TRIAL_DRAWS} trial draws of "
            f"its inputs but fails on {size} of them ({type(exc).__name__}: {exc}) {_OWN_INPUTS}"
        ) from exc
    whole = value[::2]
    with np.errstate(all="ignore"):  # np.isclose's test, written out (it costs more than the evaluation)
        differ = ~(np.abs(subset - whole) <= 1e-12 * np.abs(whole)) & ~(subset == whole)  # equal infinities
    differ &= ~(np.isnan(subset) & np.isnan(whole))
    if differ.any():
        k = int(np.flatnonzero(differ)[0])
        at = ", ".join(f"{i}={_at(args[i], 2 * k):.4g}" for i in node.inputs)
        raise FlopcastValueError(
            f"{owner}: its result for one draw depends on the other draws: for the trial draw {at} it gives "
            f"{float(value[2 * k]):.6g} among {TRIAL_DRAWS} draws but {float(subset[k]):.6g} among {size} of them "
            f"{_OWN_INPUTS}"
        )


def nonfinite_warning(node: Derived, args: Mapping[str, Any], value: Any) -> None:
    """Warn when the values on the trial draws (``args``, the inputs' values) hold NaN or infinity.

    Only draws whose inputs were finite count: the quantities downstream of a NaN stay quiet.
    """
    import warnings

    from flopcast.errors import ModelWarning

    bad = ~np.isfinite(value)
    if np.ndim(value) and bad.any():
        inputs_ok = np.all([np.isfinite(np.broadcast_to(args[i], bad.shape)) for i in node.inputs], axis=0)
        bad &= inputs_ok
    if bad.any():
        first = int(np.flatnonzero(np.atleast_1d(bad))[0])
        at = ", ".join(f"{i}={_at(args[i], first):.4g}" for i in node.inputs)
        example = float(np.atleast_1d(value)[first])
        warnings.warn(
            f"derived {node.name!r} gives {example} on {int(np.sum(bad))} of {TRIAL_DRAWS} trial draws of its "
            f"inputs (for example {at}): draws there will be {example}; check the formula on the whole support "
            "of its inputs (a log or a square root of a quantity that can be negative, a division by one that can "
            "be zero) or narrow the inputs' distributions",
            ModelWarning,
            skip_file_prefixes=(_PACKAGE,),  # point at the user's line that added the quantity
        )


_PACKAGE = str(Path(__file__).resolve().parents[1])


def _far_beyond(value: float, bound: float) -> bool:
    """A value beyond a finite bound is far from it: across zero, or more than 10 times larger or smaller."""
    if value == 0 or not math.isfinite(bound):
        return False
    if bound == 0 or (value > 0) != (bound > 0):
        return True
    return max(abs(value / bound), abs(bound / value)) > 10


def check_replacement(old: Node, new: Node) -> None:
    """A what-if value for an uncertain assumption is not far outside the range it replaces, or it warns.

    ``m.replace(mfu=60)`` for a utilization drawn from a beta on 0 – 1 is most likely a percent given for a
    fraction. The central 90% of the new distribution (the value itself for a number) reaching beyond a bound of
    the old distribution's support by more than a factor of 10, or across zero (a negative value for a lognormal),
    gives a :class:`~flopcast.errors.ModelWarning` naming the assumption, the new value and the range it replaces.
    A what-if a few times beyond the range (0.6 for a uniform on 0.3 – 0.5, twice the largest throughput), or
    0 (a part switched off), is what what-ifs are for and stays quiet. Nothing is refused: an assumption declares
    no bounds of its own, only a distribution. Fixed values and derived quantities have no range to compare with.
    """
    import warnings

    from flopcast import formatting
    from flopcast.errors import ModelWarning

    if not (isinstance(old, Assumption) and isinstance(new, Assumption) and old.is_uncertain):
        return
    lo, hi = (float(v) for v in old.distribution.support)
    new_lo, new_hi = (float(v) for v in new.distribution.interval(0.9))
    if not ((new_lo < lo and _far_beyond(new_lo, lo)) or (new_hi > hi and _far_beyond(new_hi, hi))):
        return
    given = formatting.distribution(new.distribution, new.unit).removeprefix("fixed at ")
    warnings.warn(
        f"replace({new.name}=...): assumption {new.name!r} becomes {given}, far outside the range "
        f"{formatting.interval(lo, hi, new.unit)} of the distribution it replaces "
        f"({formatting.distribution(old.distribution, old.unit)}); check the value's scale (a percent for a "
        "fraction, another unit); the new value is used as given",
        ModelWarning,
        skip_file_prefixes=(_PACKAGE,),  # point at the user's call to replace
    )


def _at(value: Any, index: int) -> float:
    return float(value) if np.ndim(value) == 0 else float(value[index])
