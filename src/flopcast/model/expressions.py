"""Expressions into models: :func:`model_of` names the parts of quick estimates and builds a :class:`Model`.

The expressions themselves (:mod:`flopcast.expr`) belong to the distributions layer; turning them into a model
belongs here, with the model. :meth:`flopcast.expr.Expr.to_model` runs :func:`model_of`, handed over by
``import flopcast`` (the lower layer never imports this one).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import numpy as np

from flopcast import units as _units
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.expr import BOOL_HINT, Expr, Leaf, Op, Ref, operand, quantity, render
from flopcast.model.model import Assumption, Derived, Model
from flopcast.validate import describe_value, is_real_number

__all__ = ["Formula", "model_of"]


class Formula:
    """A derived function evaluating an expression on its inputs (numpy arrays, pint quantities or PyTensor).

    Its signature lists the inputs, as a derived function's parameters do. Leaves and named parts of the
    expression are replaced by :class:`Ref` nodes, so the formula pickles to worker processes unchanged.
    """

    def __init__(self, name: str, expr: Any, inputs: tuple[str, ...], text: str) -> None:
        self.__name__ = name
        self.expr = expr
        self.inputs = inputs
        self.text = text
        self.__signature__ = inspect.Signature(
            [inspect.Parameter(i, inspect.Parameter.POSITIONAL_OR_KEYWORD) for i in inputs]
        )

    def __call__(self, *args: Any) -> Any:
        """The expression's value on the inputs, given in the order of :attr:`inputs`."""
        return _evaluate(self.expr, dict(zip(self.inputs, args, strict=True)), {})

    def __repr__(self) -> str:
        return f"Formula({self.__name__} = {self.text})"


def _evaluate(e: Any, env: Mapping[str, Any], memo: dict[int, Any]) -> Any:
    """The value of ``e`` with its :class:`Ref` nodes taken from ``env``; ``memo`` receives every operation's."""
    if isinstance(e, float):
        return e
    if isinstance(e, Ref):
        return env[e.name]
    key = id(e)
    if key not in memo:  # a shared sub-expression is computed once per call
        memo[key] = e.fn(*(_evaluate(a, env, memo) for a in e.args))
    return memo[key]


def _check_bare_factors(formula: Formula, point: Mapping[str, Any]) -> None:
    """Refuse a bare number that converts units (``/ 86400``) next to a quantity with units.

    pint keeps the unit of the quantity while the plain value changes scale, so the inferred unit would be
    wrong by the factor; :func:`flopcast.model.checks.conversion_factor` tells the conversion factors.
    """
    from flopcast.model.checks import conversion_factor

    env = {i: point[i] for i in formula.inputs}
    memo: dict[int, Any] = {}
    try:
        with np.errstate(all="ignore"):
            _evaluate(formula.expr, env, memo)
    except Exception:  # noqa: S110 (a unit mismatch: _inferred_unit reports it with its context)
        pass
    for op in _walk_ops(formula.expr):
        if op.symbol not in ("*", "/") or len(op.args) != 2:
            continue
        for number, other in ((op.args[0], op.args[1]), (op.args[1], op.args[0])):
            if not isinstance(number, float) or isinstance(other, float):
                continue
            value = env[other.name] if isinstance(other, Ref) else memo.get(id(other))
            fix = conversion_factor(number, value)
            if fix is not None and value is not None:
                raise FlopcastValueError(
                    f"model_of(): {formula.__name__} = {formula.text}: the bare number {number:g} converts the "
                    f"units of {render(other, {})} [{_units._unit_text(value.units)}], but a bare number carries "
                    f"no unit: the value would change scale by {number:g} while the unit inferred stays the same "
                    f"(GPU-days labelled GPU*second); write it as a quantity with its unit, {fix}, so that the "
                    f"unit converts too (a count rather than a conversion: fc.quantity({number:g}))"
                )


def _walk_ops(e: Any) -> list[Op]:
    out: list[Any] = []
    _walk(e, set(), out)
    return [o for o in out if isinstance(o, Op)]


def _as_named_expr(value: Any, name: str) -> Any:
    if isinstance(value, Expr):
        return value
    if isinstance(value, bool | np.bool_):
        raise FlopcastTypeError(f"model_of(): {name}={value} is a plain truth value, not a quantity; {BOOL_HINT}")
    if isinstance(value, np.ndarray) and value.ndim == 0:  # what fc.where gives for a plain True/False condition
        raise FlopcastTypeError(
            f"model_of(): {name}={value!r} is a numpy array, such as fc.where(condition, a, b) returns when its "
            f"condition is a plain True/False rather than an expression; {BOOL_HINT}. For a fixed number give "
            f"{name}={value.item()!r}"
        )
    if is_real_number(value):  # a fixed assumption, as m.assume(name, value) makes
        return quantity(value)
    try:
        return operand(value, f"model_of({name}=...)")
    except FlopcastTypeError:
        raise FlopcastTypeError(
            f"model_of(): {name} must be an expression, a distribution or a number, got {describe_value(value)}"
        ) from None


def _walk(e: Any, seen: set[int], out: list[Any]) -> None:
    """Every Leaf, Ref and Op node reachable from ``e``, in first-appearance (depth-first) order."""
    if isinstance(e, float) or id(e) in seen:
        return
    seen.add(id(e))
    if isinstance(e, Op):
        for a in e.args:
            _walk(a, seen, out)
    out.append(e)


def model_of(
    quantities: Mapping[str, Any] | None = None,
    /,
    *,
    name: str = "estimate",
    units: Mapping[str, str] | None = None,
    base: Model | None = None,
    **named: Any,
) -> Model:
    """A :class:`~flopcast.Model` from expressions: each keyword names an input or a derived quantity.

    Parameters
    ----------
    quantities : mapping of str to expression, optional
        Named expressions (the same as keywords; use it for names such as ``name`` or ``units``).
    name : str, default "estimate"
        The model's name (a ``base`` model keeps its own).
    units : mapping of str to str, optional
        Units of named quantities. An input's unit may also come from :func:`to` or :func:`quantity`; a derived
        quantity's unit defaults to what pint infers from its inputs, and a declared one is checked.
    base : Model, optional
        Extend this model (left untouched): :func:`ref` names its quantities.
    **named
        Expressions, distributions or numbers by name. A named distribution (or :func:`to` leaf) is an
        assumption, a named number a fixed assumption (as ``m.assume(name, 3)``); a named expression is a
        derived quantity; parts left unnamed are inlined into the derived
        quantities that use them, and their inputs get generated names.

    Returns
    -------
    Model

    Examples
    --------
    >>> import flopcast as fc
    >>> x = fc.to(1, 10)
    >>> m = fc.model_of(x=x, d=x - x)
    >>> bool((m.simulate(1000, seed=1)["d"] == 0).all())
    True
    """
    given = {**dict(quantities or {}), **named}
    if not given:
        raise FlopcastValueError("model_of(): name at least one expression, e.g. fc.model_of(total=a + b)")
    unit_of = dict(units or {})
    for unit_name in unit_of:
        if unit_name not in given:
            raise FlopcastValueError(
                f"model_of(): units names {unit_name!r}, which is not one of the named quantities ({', '.join(given)})"
            )
    exprs = {n: _as_named_expr(v, n) for n, v in given.items()}

    # Names of leaves and named operations, keyed by identity: id() of a leaf's key or of an operation (two equal
    # distributions built separately are two draws, so their dataclass equality must not merge them).
    names: dict[int, str] = {}
    for n, e in exprs.items():
        key = id(e.key) if isinstance(e, Leaf) else id(e)
        if isinstance(e, Ref):
            raise FlopcastValueError(f"model_of(): {n}=fc.ref({e.name!r}) only repeats a quantity of the base model")
        if key in names:
            raise FlopcastValueError(f"model_of(): {names[key]!r} and {n!r} name the same expression; keep one")
        if isinstance(e, Leaf) and e.name is not None and e.name != n:
            raise FlopcastValueError(f"model_of(): the input named {e.name!r} is given as {n!r}; use one name")
        names[key] = n

    nodes: list[Any] = []
    seen: set[int] = set()
    for e in exprs.values():
        _walk(e, seen, nodes)
    taken = set(given) | (set(base.nodes) if base is not None else set())
    counters: dict[str, int] = {}
    leaves: dict[int, Leaf] = {}
    for node in nodes:
        if isinstance(node, Ref):
            if base is None or node.name not in base:
                where = f"model {base.name!r}" if base is not None else "no base model (pass base=model)"
                raise FlopcastValueError(f"model_of(): fc.ref({node.name!r}) is not a quantity of {where}")
        elif isinstance(node, Leaf) and id(node.key) not in leaves:
            key = id(node.key)
            leaves[key] = node
            if key in names:
                continue
            if node.name is not None:
                if node.name in taken:
                    raise FlopcastValueError(f"model_of(): two quantities are named {node.name!r}")
                names[key] = node.name
            else:
                family = "quantity" if node.label and node.label.startswith("quantity(") else (
                    type(node.distribution).__name__.lower())  # fmt: skip
                while True:
                    counters[family] = counters.get(family, 0) + 1
                    generated = f"{family}_{counters[family]}"
                    if generated not in taken:
                        break
                names[key] = generated
            taken.add(names[key])

    model = base.replace() if base is not None else Model(name)
    point: dict[str, Any] = {}  # pint values at the point values, to infer units
    if base is not None:
        base_point = base.point()
        point.update({n: _units.quantity(np.float64(v), base[n].unit) for n, v in base_point.items()})
    for key, leaf in leaves.items():
        n = names[key]
        unit = unit_of.get(n, leaf.unit)
        if leaf.unit is not None and n in unit_of and unit_of[n] != leaf.unit:
            raise FlopcastValueError(
                f"model_of(): {n!r} has unit {leaf.unit!r} from its definition and {unit_of[n]!r} from units=; give one"
            )
        model.add(Assumption(n, leaf.distribution, unit=unit or "1", source=leaf.source, note=leaf.note))
        # numpy scalars, as in the engine: x / 0 is inf there (refused by the model's check), not ZeroDivisionError
        point[n] = _units.quantity(np.float64(model.point()[n]), unit or "1")
    for node in nodes:  # named operations, inputs first
        if not isinstance(node, Op) or id(node) not in names:
            continue
        n = names[id(node)]
        formula_expr = _substitute(node, names, {}, root=True)
        inputs = tuple(dict.fromkeys(r.name for r in _refs(formula_expr)))
        text = render(node, {k: v for k, v in names.items() if k != id(node)})
        formula = Formula(n, formula_expr, inputs, text)
        _check_bare_factors(formula, point)
        unit = unit_of.get(n)
        if unit is None:
            unit = _inferred_unit(formula, point, n)
        model.add(Derived(n, formula, unit=unit, source=f"expression: {text}"))
        with np.errstate(all="ignore"):
            point[n] = formula(*(point[i] for i in inputs))
    return model


def _substitute(e: Any, names: Mapping[int, str], memo: dict[int, Any], root: bool = False) -> Any:
    """``e`` with every leaf and named part replaced by a :class:`Ref` to its name (sharing preserved)."""
    if isinstance(e, float | Ref):
        return e
    if isinstance(e, Leaf):
        return Ref(names[id(e.key)])
    if not root and id(e) in names:
        return Ref(names[id(e)])
    if id(e) not in memo:
        memo[id(e)] = Op(e.fn, e.symbol, tuple(_substitute(a, names, memo) for a in e.args))
    return memo[id(e)]


def _refs(e: Any) -> list[Ref]:
    out: list[Any] = []
    _walk(e, set(), out)
    return [r for r in out if isinstance(r, Ref)]


def _inferred_unit(formula: Formula, point: Mapping[str, Any], name: str) -> str:
    """The unit pint gives the formula on its inputs' point values (numbers in the formula are plain factors)."""
    try:
        with np.errstate(all="ignore"):
            result = formula(*(point[i] for i in formula.inputs))
    except Exception as exc:  # pint raises DimensionalityError and friends on inconsistent arithmetic
        from flopcast.model.checks import unit_mismatch

        raise unit_mismatch(
            f"model_of(): {name} = {formula.text}: unit mismatch",
            exc,
            {i: point[i].units for i in formula.inputs},
            "expression",
        ) from exc
    if not isinstance(result, _units.registry().Quantity) or _units.is_plain(result.units):
        return "1"  # a plain number; a ratio such as minute/hour keeps its unit (its value is in minutes per hour)
    return str(result.units)
