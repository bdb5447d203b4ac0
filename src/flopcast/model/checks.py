"""The checks a node passes when it is added to a model, so that errors surface at build time, not mid-run.

Each check is one function; :func:`check_node` runs them in order. A derived quantity is checked by trial
evaluations through :meth:`~flopcast.model.graph.Graph.evaluate` with its inputs at their point values: on numbers
(the function runs and gives a finite number, its point value) and on pint quantities (its unit is consistent
with its inputs'). To add a check, write a function here and call it from :func:`check_node`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.model.graph import Graph
from flopcast.model.nodes import Assumption, Derived, Node

__all__ = ["check_node", "check_real_result", "check_scale", "check_unit", "scalar_trial", "unit_trial"]


def check_node(graph: Graph, node: Node, point: Mapping[str, float]) -> float:
    """Run every build-time check on ``node`` (already in ``graph``) and return its point value.

    ``point`` holds the point values of the nodes before it.
    """
    check_unit(node)
    if isinstance(node, Assumption):
        return graph.point[node.name]
    value = scalar_trial(graph, node, point)
    with_units = unit_trial(graph, node, point)
    check_scale(node, with_units, value)
    return value


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
    """The function runs on its inputs' point values and returns one finite number, which is returned."""
    args = {i: point[i] for i in node.inputs}
    try:
        value = _trial(graph, node, args)
    except Exception as exc:
        raise FlopcastValueError(
            f"derived {node.name!r}: its function raised {type(exc).__name__}: {exc} on a scalar test with "
            f"its inputs at their point values {args}; derived functions "
            "must accept numbers and arrays and use flopcast's math helpers (fc.log, fc.exp, fc.minimum, "
            "fc.maximum, fc.where)"
        ) from exc
    check_real_result(node.name, value, f"at the point values of its inputs {args}")
    try:
        scalar = float(np.asarray(value, dtype=float))
    except (TypeError, ValueError) as exc:
        raise FlopcastTypeError(
            f"derived {node.name!r}: its function must return a number (an array for array inputs), "
            f"got {type(value).__name__}"
        ) from exc
    if not np.isfinite(scalar):
        raise FlopcastValueError(
            f"derived {node.name!r}: gives {scalar} at the point values of its inputs "
            f"{args}; check the formula and the inputs' ranges"
        )
    return scalar


def check_real_result(name: str, value: Any, where: str) -> None:
    """The function returns real numbers: complex ones are refused (numpy would drop their imaginary part).

    Checked on the trial at the point values, and on every chunk of a run (a function complex only on some
    inputs, such as ``numpy.emath.sqrt``, is caught there).

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("x", -4.0)
    >>> @m.derive
    ... def root(x):
    ...     return x**0.5  # a negative float to a fractional power is complex in Python
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastTypeError: derived 'root': its function returns complex numbers ((1.2...e-16+2j) ...
    """
    if np.iscomplexobj(value):
        shown = value if np.ndim(value) == 0 else np.asarray(value).ravel()[:3]
        raise FlopcastTypeError(
            f"derived {name!r}: its function returns complex numbers ({shown!r} {where}); quantities are "
            "real: check the formula (a negative number to a fractional power?) or take .real or abs() explicitly"
        )


def unit_trial(graph: Graph, node: Derived, point: Mapping[str, float]) -> Any:
    """The function's arithmetic on pint quantities is consistent and gives the declared dimension.

    Returns the result on pint quantities, for :func:`check_scale`.
    """
    from flopcast import units

    owner = f"derived {node.name!r}"
    nodes = graph.nodes
    args = {i: units.quantity(point[i], nodes[i].unit) for i in node.inputs}
    try:
        result = _trial(graph, node, args)
    except Exception as exc:  # pint raises DimensionalityError and friends on inconsistent arithmetic
        raise FlopcastValueError(
            f"{owner}: unit mismatch inside its formula: {exc} (inputs: "
            + ", ".join(f"{i} [{nodes[i].unit}]" for i in node.inputs)
            + "); fix the units of the inputs or the formula"
        ) from exc
    units.check_dimension(result, node.unit, owner)
    return result


def check_scale(node: Derived, with_units: Any, plain: float) -> None:
    """The plain-float result is the value in the declared unit: GPU*second is not GPU*hour, 1 is not percent.

    ``with_units`` is the result of :func:`unit_trial`, ``plain`` that of :func:`scalar_trial`.
    """
    from flopcast import units

    units.check_scale(with_units, plain, node.unit, f"derived {node.name!r}")
