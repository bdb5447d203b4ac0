"""Operators shared by distributions and expressions: ``+ - * / **``, unary minus, ``abs`` and comparisons.

Each operator builds a lazy :class:`flopcast.expr.Expr`; nothing is drawn until the expression is sampled.
``==`` and ``!=`` against a number, an array or an expression build expressions too (``fc.where(c == 2, a, b)``
is a choice per draw). Objects of the mixin hash by identity: an expression is one draw, keyed by ``id()``.
The distribution families override ``==``, ``!=`` and ``hash`` for one case: two *distributions* compare by their
parameters and give a bool (frozen dataclasses; caches, model equality and tests rely on it), see
:meth:`flopcast.distributions.Distribution.__eq__`. ``__array_ufunc__ = None`` makes numpy hand
``np.float64(2) * dist`` (and ``array == dist``) to the operator below instead of building an object array.
Other numpy functions (``np.log(x)``) and ``float(x)`` are refused with the spelling to use (``fc.log``,
``.sample()``), since an expression has no value before it is sampled.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["OPERATORS", "Arithmetic", "is_comparable", "set_apply"]

#: What the operators run: :func:`flopcast.expr.apply`, installed when :mod:`flopcast.expr` is imported (by
#: ``import flopcast``). Expressions are built on the distribution families, which use this mixin: the mixin
#: cannot import them without a cycle.
_APPLY: Callable[..., Any] | None = None


def set_apply(apply: Callable[..., Any]) -> None:
    """Install the function that builds a lazy expression ``fn(*args)`` (done once, by :mod:`flopcast.expr`)."""
    global _APPLY
    _APPLY = apply


def _lazy(fn: Callable[..., Any], symbol: str, *args: Any) -> Any:
    if _APPLY is None:  # only when the package was bypassed: ``import flopcast`` imports flopcast.expr
        raise RuntimeError("flopcast's expressions are not installed; import flopcast first")
    return _APPLY(fn, symbol, *args)


def is_comparable(other: object) -> bool:
    """Whether ``x == other`` builds an expression: for numbers, numpy arrays, distributions and expressions.

    Anything else (strings, None, bools, containers) gives ``NotImplemented``, so Python falls back to identity
    (``dist == "a"`` is False, ``dist in [None, "x"]`` works).
    """
    if isinstance(other, bool | np.bool_):
        return False
    return isinstance(other, Arithmetic | numbers.Real | np.number | np.ndarray)


#: The operators expressions are built with, by symbol (shared with the event grammar of :mod:`flopcast.events`).
OPERATORS: dict[str, Callable[..., Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
#: numpy's ufuncs for the operators, which numpy calls for ``np.float64(2) * x``: they build the same expressions.
_UFUNC_SYMBOLS = {np.add: "+", np.subtract: "-", np.multiply: "*", np.true_divide: "/", np.power: "**",
                  np.less: "<", np.less_equal: "<=", np.greater: ">", np.greater_equal: ">=", np.equal: "==",
                  np.not_equal: "!="}  # fmt: skip
#: flopcast's lazy helper for numpy functions that have one.
_HELPERS = {"log": "fc.log", "exp": "fc.exp", "sqrt": "fc.sqrt", "minimum": "fc.minimum", "fmin": "fc.minimum",
            "maximum": "fc.maximum", "fmax": "fc.maximum", "absolute": "abs()", "negative": "unary minus"}  # fmt: skip


def unsampled(what: str) -> str:
    """The hint for a numeric operation asked of a distribution or an expression before it is sampled."""
    return (
        f"{what}: a flopcast distribution or expression has no numbers before it is sampled; build on it with "
        "operators and flopcast's lazy helpers (fc.log, fc.exp, fc.sqrt, fc.minimum, fc.maximum, fc.where), or "
        "ask for numbers: .sample(n, seed=...), .mean(), and .summary() or .interval() of an expression"
    )


class Arithmetic:
    """Mixin: arithmetic and comparisons build lazy expressions (see :mod:`flopcast.expr`).

    Examples
    --------
    >>> import flopcast as fc
    >>> x = fc.uniform(0, 1)
    >>> float((x - x).sample(5, seed=1).max())
    0.0
    """

    __slots__ = ()

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """Operators of numpy build expressions (``np.float64(2) * x``); other numpy functions are refused."""
        from flopcast.errors import FlopcastTypeError

        if method == "__call__" and not kwargs and ufunc in _UFUNC_SYMBOLS:
            symbol = _UFUNC_SYMBOLS[ufunc]
            return _lazy(OPERATORS[symbol], symbol, *inputs)
        helper = _HELPERS.get(ufunc.__name__)
        use = f"; use {helper}" if helper else ""
        raise FlopcastTypeError(unsampled(f"numpy's {ufunc.__name__}() cannot run on {self!s:.80}{use}"))

    def __float__(self) -> float:
        from flopcast.errors import FlopcastTypeError

        raise FlopcastTypeError(unsampled(f"float({self!s:.80})"))

    def __add__(self, other: Any) -> Any:
        return _lazy(operator.add, "+", self, other)

    def __radd__(self, other: Any) -> Any:
        return _lazy(operator.add, "+", other, self)

    def __sub__(self, other: Any) -> Any:
        return _lazy(operator.sub, "-", self, other)

    def __rsub__(self, other: Any) -> Any:
        return _lazy(operator.sub, "-", other, self)

    def __mul__(self, other: Any) -> Any:
        return _lazy(operator.mul, "*", self, other)

    def __rmul__(self, other: Any) -> Any:
        return _lazy(operator.mul, "*", other, self)

    def __truediv__(self, other: Any) -> Any:
        return _lazy(operator.truediv, "/", self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return _lazy(operator.truediv, "/", other, self)

    def __pow__(self, other: Any) -> Any:
        return _lazy(operator.pow, "**", self, other)

    def __rpow__(self, other: Any) -> Any:
        return _lazy(operator.pow, "**", other, self)

    def __neg__(self) -> Any:
        return _lazy(operator.neg, "-", self)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return _lazy(operator.abs, "abs", self)

    def __lt__(self, other: Any) -> Any:
        return _lazy(operator.lt, "<", self, other)

    def __le__(self, other: Any) -> Any:
        return _lazy(operator.le, "<=", self, other)

    def __gt__(self, other: Any) -> Any:
        return _lazy(operator.gt, ">", self, other)

    def __ge__(self, other: Any) -> Any:
        return _lazy(operator.ge, ">=", self, other)

    def __eq__(self, other: object) -> Any:
        if not is_comparable(other):
            return NotImplemented
        return _lazy(operator.eq, "==", self, other)

    def __ne__(self, other: object) -> Any:
        if not is_comparable(other):
            return NotImplemented
        return _lazy(operator.ne, "!=", self, other)

    # Defining __eq__ would make instances unhashable: expressions are keyed by identity (one object, one draw).
    __hash__ = object.__hash__

    def _input(self, owner: str) -> tuple[Any, str | None]:
        """The one distribution this stands for as an input of a model, and the unit it carries (None: none).

        A distribution is itself, with no unit; an expression leaf (``fc.to``, ``fc.quantity``) gives its
        distribution and unit; any other expression is refused, naming ``owner``. Used by
        :func:`flopcast.distributions.as_distribution`, so ``m.assume`` and ``m.replace`` accept what it accepts.
        """
        return self, None
