"""Events on the draws of a run, and their probability with its Monte Carlo standard error.

An event is a condition on one or several quantities of the same draws: a string in a small comparison grammar
(``"peak_fleet_gpus > 1e6"``, ``"a > b and c <= 2 * d"``), a comparison expression of :func:`flopcast.ref`
(``fc.ref("a") > fc.ref("b")``) or a function of the result (``lambda r: r["a"] > r["b"]``).

A string is never evaluated as Python: it is parsed with :mod:`ast` and only these forms are accepted, then
turned into an :class:`~flopcast.expr.Expr`: quantity names, numbers, ``+ - * / **``, unary minus,
comparisons (chained too: ``1 < a < 2``), ``and``, ``or``, ``not`` and the functions ``log``, ``exp``,
``sqrt`` and ``abs``. Anything else (attributes, calls of other functions, subscripts, strings...) is refused.

The draws are plain numbers, each quantity in its declared unit, so an event that compares, adds or subtracts
two quantities in different units (minutes and hours, FLOP and GPU) is refused (:func:`check_units`) rather than
computed on numbers that do not mean the same thing. A bare number takes the unit of what it is compared with.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from flopcast import ops
from flopcast.arithmetic import OPERATORS
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.expr import Expr, Leaf, Op, Ref, apply

__all__ = ["Probability", "check_units", "evaluate", "parse_event", "probability"]

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_FUNCTIONS: dict[str, Callable[..., Any]] = {"log": ops.log, "exp": ops.exp, "sqrt": ops.sqrt, "abs": operator.abs}


@dataclass(frozen=True)
class Probability:
    """The probability of an event estimated from ``n`` draws, with its Monte Carlo standard error.

    ``float(p)`` is the estimate. The standard error ``sqrt(p (1 - p) / n)`` is that of independent draws
    (exact for the random design, an upper bound for Latin hypercube and Sobol').
    """

    value: float
    mcse: float
    n: int
    event: str

    def __float__(self) -> float:
        return self.value

    def __repr__(self) -> str:
        return f"P({self.event}) = {self.value:.4g} (Monte Carlo standard error {self.mcse:.2g}, n={self.n:,})"


def parse_event(text: str) -> Expr:
    """Parse an event string into an expression of :class:`~flopcast.expr.Ref` (never evaluated as Python).

    Examples
    --------
    >>> from flopcast.events import parse_event
    >>> str(parse_event("peak_fleet_gpus > 1e6"))
    'peak_fleet_gpus > 1e+06'
    >>> parse_event("__import__('os')")
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastValueError: event "__import__('os')": calls of '__import__' are not allowed...
    """
    if not isinstance(text, str):
        raise FlopcastTypeError(f"an event must be a string, an expression or a function, got {type(text).__name__}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FlopcastValueError(
            f"event {text!r} is not understood ({exc.msg}); write a comparison such as 'peak_fleet_gpus > 1e6'"
        ) from None
    return _build(tree.body, text)


def _refuse(text: str, what: str) -> FlopcastValueError:
    return FlopcastValueError(
        f"event {text!r}: {what} are not allowed; use quantity names, numbers, + - * / **, comparisons, "
        "and/or/not, and log, exp, sqrt, abs"
    )


def _build(node: ast.AST, text: str) -> Any:
    if isinstance(node, ast.Name):
        return Ref(node.id)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise _refuse(text, f"constants such as {node.value!r}")
        return float(node.value)
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, text)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.Not):
            return apply(np.logical_not, "not", operand)
        raise _refuse(text, "bitwise operators")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        symbol = _BINARY[type(node.op)]
        return apply(OPERATORS[symbol], symbol, _build(node.left, text), _build(node.right, text))
    if isinstance(node, ast.BoolOp):
        fn = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        symbol = "and" if isinstance(node.op, ast.And) else "or"
        joined = _build(node.values[0], text)
        for value in node.values[1:]:
            joined = apply(fn, symbol, joined, _build(value, text))
        return joined
    if isinstance(node, ast.Compare):
        left = _build(node.left, text)
        out: Any = None
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            if type(op_node) not in _COMPARE:
                raise _refuse(text, "'in' and 'is'")
            symbol = _COMPARE[type(op_node)]
            right = _build(right_node, text)
            step = apply(OPERATORS[symbol], symbol, left, right)
            out = step if out is None else apply(np.logical_and, "and", out, step)
            left = right
        return out
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
        if name not in _FUNCTIONS:
            raise _refuse(text, f"calls of {name!r}")
        if len(node.args) != 1 or node.keywords:
            raise FlopcastValueError(f"event {text!r}: {name}() takes one argument")
        return apply(_FUNCTIONS[name], name, _build(node.args[0], text))
    raise _refuse(text, type(node).__name__ + " expressions")


def evaluate(expr: Any, lookup: Callable[[str], Any]) -> Any:
    """Evaluate an expression of :class:`~flopcast.expr.Ref` on arrays given by ``lookup(name)``."""
    memo: dict[int, Any] = {}

    def value(e: Any) -> Any:
        if isinstance(e, float):
            return e
        if isinstance(e, Ref):
            return lookup(e.name)
        if isinstance(e, Leaf):
            raise FlopcastValueError(
                f"an event on a result names its quantities with fc.ref('name'); {e} is a new uncertain input, "
                "which the run did not draw"
            )
        assert isinstance(e, Op)
        if id(e) not in memo:
            memo[id(e)] = e.fn(*(value(a) for a in e.args))
        return memo[id(e)]

    return value(expr)


#: Operations whose operands must share a unit, and what the message says they do with them.
_SAME_UNIT = {"+": "adds", "-": "subtracts", "minimum": "takes the minimum of", "maximum": "takes the maximum of",
              "where": "chooses between"} | dict.fromkeys(_COMPARE.values(), "compares")  # fmt: skip


def check_units(expr: Any, unit_of: Callable[[str], str], text: str) -> None:
    """Refuse an event that compares, adds or subtracts quantities whose units differ in scale or dimension.

    The draws are plain numbers in each quantity's declared unit: ``eval_min > train_h`` would compare a count
    of minutes with a count of hours. Units follow the expression: products and quotients combine them, a bare
    number takes the unit of the quantity it meets (``gpus > 1e6`` is a million GPUs) and counts as a plain
    factor in a product (``2 * train_h`` is in hours); ``log`` and ``exp`` give plain numbers.

    Parameters
    ----------
    expr : Expr
        The event, its quantities as :class:`~flopcast.expr.Ref`.
    unit_of : callable
        The declared unit of a quantity, by name.
    text : str
        The event, for the message.

    Raises
    ------
    FlopcastValueError
        Naming both operands with their units, how they differ and how to compare them in one unit.

    Examples
    --------
    >>> from flopcast.events import check_units, parse_event
    >>> units = {"train_h": "hour", "eval_min": "minute", "gpus": "GPU"}.__getitem__
    >>> check_units(parse_event("train_h > 2 * train_h and gpus > 1e6"), units, "ok")  # passes
    >>> check_units(parse_event("eval_min > train_h"), units, "eval_min > train_h")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastValueError: event 'eval_min > train_h': compares eval_min [minute] with train_h [hour], \
units of different scale (1 minute = 1/60 hour); ...
    """
    from flopcast import units

    memo: dict[int, Any] = {}

    def unit(e: Any) -> Any:  # a pint unit; None for a bare number, a truth value or a log
        if isinstance(e, Ref):
            return units.parse_unit(unit_of(e.name), f"quantity {e.name!r}")
        if not isinstance(e, Op):
            return None
        if id(e) not in memo:
            memo[id(e)] = _unit_of_op(e, [unit(a) for a in e.args], text)
        return memo[id(e)]

    unit(expr)


def _unit_of_op(e: Op, args: list[Any], text: str) -> Any:
    """The unit of operation ``e`` given its operands' (None for a bare number), or the refusal of a mix."""
    from flopcast import units

    symbol = e.symbol
    if symbol in _SAME_UNIT and len(args) >= 2:
        operands = list(zip(e.args, args, strict=True))[1 if symbol == "where" else 0 :]  # not where's condition
        known = [(a, u) for a, u in operands if u is not None]
        for (a, ua), (b, ub) in zip(known, known[1:], strict=False):
            _check_same_unit(text, _SAME_UNIT[symbol], a, ua, b, ub)
        return None if symbol in _COMPARE.values() or not known else known[0][1]
    if symbol in ("-", "abs", "absolute") and len(args) == 1:
        return args[0]
    if symbol == "*" and len(args) == 2:
        a, b = args
        return b if a is None else a if b is None else a * b
    if symbol == "/" and len(args) == 2:
        a, b = args
        return a if b is None else (1 / b if a is None else a / b)
    if symbol == "**" and len(args) == 2 and args[0] is not None and isinstance(e.args[1], float):
        return args[0] ** e.args[1]
    if symbol == "sqrt" and args and args[0] is not None:
        return args[0] ** 0.5
    if symbol in ("log", "exp") and args and args[0] is not None and not units.is_plain(args[0]):
        return _Of(symbol, args[0])  # log(eval_min) is in no unit, but it is not log(train_h)'s kind of number
    return None  # log, exp, not, and, or: plain numbers and truth values


class _Of:
    """What ``log`` or ``exp`` of a quantity with a unit gives: a number whose meaning depends on that unit.

    It compares with a bare number (``log(flop) > 55``), with the same function of the same unit, and with
    nothing else: ``log(eval_min) > log(train_h)`` would compare logs of minutes and of hours, off by log(60).
    """

    def __init__(self, function: str, unit: Any) -> None:
        self.function, self.unit = function, unit

    def __eq__(self, other: object) -> bool:
        from flopcast import units

        return isinstance(other, _Of) and other.function == self.function and units.same_scale(self.unit, other.unit)

    def __hash__(self) -> int:
        return hash(self.function)

    def __str__(self) -> str:
        from flopcast import units

        return f"{self.function} of {units._unit_text(self.unit)}"


def _check_same_unit(text: str, does: str, a: Any, ua: Any, b: Any, ub: Any) -> None:
    from flopcast import units

    if ua == ub:
        return
    if isinstance(ua, _Of) or isinstance(ub, _Of):
        raise FlopcastValueError(
            f"event {text!r}: {does} {a} [{ua if isinstance(ua, _Of) else units._unit_text(ua)}] "
            f"{'with' if does == 'compares' else 'and'} {b} [{ub if isinstance(ub, _Of) else units._unit_text(ub)}]: "
            "a log or an exp of a quantity depends on the unit it is written in; take the log of a plain ratio of "
            "quantities in one unit (log(a / b) with a and b in the same unit), or compare the quantities themselves"
        )
    factor, offset = units.conversion(ua, ub)
    if not offset and math.isclose(factor, 1.0, rel_tol=1e-9):
        return  # two names of one unit (FLOP and flop, token and 1)
    ta, tb = units._unit_text(ua), units._unit_text(ub)
    between = "with" if does == "compares" else "and"
    head = f"event {text!r}: {does} {a} [{ta}] {between} {b} [{tb}], "
    if math.isnan(factor):
        raise FlopcastValueError(
            f"{head}units of different dimensions, which no factor converts; compare quantities of one kind, "
            "or derive in the model the quantity to compare, with its unit"
        )
    if offset:
        why, convert = "units that differ by an offset, not by a factor", " (lambda r: ...)"
    else:
        ratio, action = units._ratio_text(factor)
        why = f"units of different scale ({units._amount('1', ta)} = {units._amount(ratio, tb)})"
        if isinstance(a, Ref) and isinstance(b, Ref):
            by = action.replace("divide by ", "/ ").replace("multiply by ", "* ")
            convert = f", such as lambda r: r[{a.name!r}] {by} > r[{b.name!r}]"
        else:
            convert = f" ({action} to go from {ta} to {tb})"
    raise FlopcastValueError(
        f"{head}{why}; the draws are plain numbers, each in its quantity's declared unit, so the event would mix "
        f"them up: derive in the model the quantity in the other's unit (m.derive(..., unit={tb!r}) with a "
        f"conversion assumption), or write the event as a function of the result that converts{convert}"
    )


class _Recorder:
    """The result as an event sees it, noting which quantities the event reads (to leave out their NaN draws)."""

    def __init__(self, draws: Any) -> None:
        self._draws = draws
        self.read: list[str] = []

    def __getitem__(self, name: str) -> Any:
        self.read.append(name)
        return self._draws[name]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._draws, name)


def probability(event: Any, draws: Mapping[str, np.ndarray] | Any, n: int) -> Probability:
    """The probability of ``event`` on the draws (see :meth:`flopcast.Result.prob`).

    Draws where a quantity the event reads is NaN or infinite are left out (a comparison with NaN is neither true
    nor false), with a :class:`~flopcast.errors.NonFiniteWarning`: the estimate is over the other draws, as for
    the quantiles and :meth:`~flopcast.Result.percentile_of`. With no such draw left, the event is refused.
    """
    seen = _Recorder(draws)
    unit_of = getattr(draws, "unit", None)  # a Result knows its quantities' units; a plain mapping does not
    if isinstance(event, str):
        text, expr = event.strip(), parse_event(event)
        values = evaluate(expr, seen.__getitem__)
        if unit_of is not None:
            check_units(expr, unit_of, text)
    elif isinstance(event, Expr):
        text = str(event)
        values = evaluate(event, seen.__getitem__)
        if unit_of is not None:
            check_units(event, unit_of, text)
    elif callable(event):
        text = getattr(event, "__name__", "event")
        values = event(seen)
    else:
        raise FlopcastTypeError(
            "an event must be a string such as 'peak_fleet_gpus > 1e6', a comparison of fc.ref(...) or a "
            f"function of the result, got {type(event).__name__}"
        )
    mask = np.asarray(values)
    if mask.dtype != np.bool_:
        raise FlopcastValueError(
            f"event {text!r} gives {mask.dtype} values, not true/false per draw; compare quantities, e.g. 'a > 1e6'"
        )
    mask = np.broadcast_to(mask, (n,))
    finite = np.ones(n, dtype=bool)
    for name in dict.fromkeys(seen.read):
        x = np.asarray(draws[name])
        if x.ndim == 1 and x.shape == (n,):
            finite &= np.isfinite(x)
    kept = int(np.count_nonzero(finite))
    if kept < n:
        import warnings

        from flopcast.errors import NonFiniteWarning

        if kept == 0:
            raise FlopcastValueError(f"event {text!r}: every draw of the quantities it reads is NaN or infinite")
        warnings.warn(
            f"event {text!r}: {n - kept:,} of {n:,} draws ({(n - kept) / n:.1%}) have a NaN or infinite value of "
            f"{', '.join(dict.fromkeys(seen.read))}; the probability is over the {kept:,} others",
            NonFiniteWarning,
            stacklevel=3,
        )
        mask = mask[finite]
    p = float(np.count_nonzero(mask)) / kept
    return Probability(p, math.sqrt(p * (1.0 - p) / kept), kept, text)
