"""Quick estimates: lazy arithmetic on distributions, run by the same engine as a :class:`~flopcast.Model`.

``fc.to(lo, hi)`` is a 90% interval (lognormal when both bounds are positive, normal otherwise), and arithmetic
on it or on any distribution (``+ - * / **``, unary minus, :func:`flopcast.log`, :func:`flopcast.exp`,
:func:`flopcast.minimum`, :func:`flopcast.maximum`, :func:`flopcast.where`) builds a lazy :class:`Expr`.
Nothing is drawn until it is asked for numbers; then the expression becomes a :class:`~flopcast.Model` (its
uncertain inputs are assumptions, named expressions are derived quantities) and the normal engine runs it, with
its seeds, designs, workers, unit check, sensitivity, calibration and report.

The same Python object is one draw wherever it appears, so ``x - x`` is exactly 0 and ``x / x`` exactly 1.
Two equal but separately built distributions are independent draws. Inputs get their names from keywords
(``fc.model_of(train=train, gpu_days=expr)``); anonymous ones get stable generated names, such as
``lognormal_1``, numbered in the order they first appear in the expression.

Examples
--------
>>> import flopcast as fc
>>> train = fc.to(1e24, 1e25, unit="FLOP")
>>> mfu = fc.to(0.3, 0.5)
>>> peak = fc.quantity(989e12, unit="FLOP/s/GPU")
>>> gpu_days = train / (peak * mfu) / fc.quantity(86400, unit="s/day")
>>> lo, hi = gpu_days.interval(0.9, n=20_000, seed=1)
>>> 2e4 < lo < hi < 4e5
True
>>> m = fc.model_of(train=train, mfu=mfu, peak=peak, gpu_days=gpu_days)
>>> sorted(m.assumptions), list(m.derived), m["gpu_days"].unit
(['mfu', 'peak', 'quantity_1', 'train'], ['gpu_days'], 'GPU * day')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast.arithmetic import Arithmetic, set_apply
from flopcast.distributions import Distribution, as_distribution
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.validate import check_probability, check_real, describe_value, is_real_number

if TYPE_CHECKING:
    import pandas as pd

    from flopcast.model import Model

__all__ = ["Expr", "apply", "quantity", "ref", "set_model_builder", "to"]

#: Draws used when a quick estimate is asked for numbers without ``n=``.
DEFAULT_N = 100_000
#: Name of an expression's own value when it is run without a name.
VALUE = "value"

# Binding strength of each operator, to print an expression with only the parentheses it needs.
_PRECEDENCE = {"==": 0, "!=": 0, "<": 0, "<=": 0, ">": 0, ">=": 0, "+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


class Expr(Arithmetic):
    """A lazy expression of uncertain quantities; see :mod:`flopcast.expr`.

    Build one with :func:`flopcast.to`, :func:`flopcast.quantity` or arithmetic on distributions. Asking for
    numbers (:meth:`sample`, :meth:`summary`, :meth:`quantile`, :meth:`interval`, :meth:`mean`,
    :meth:`simulate`) runs the model of the expression (:meth:`to_model`) with flopcast's engine.
    """

    def __bool__(self) -> bool:
        raise FlopcastTypeError(
            f"the expression {self} has no truth value before it is sampled; use fc.where(condition, a, b) for a "
            "choice per draw, or result.prob(...) for the probability of an event"
        )

    def __repr__(self) -> str:
        return f"<flopcast expression: {self}>"

    def __str__(self) -> str:
        return render(self, {})

    def _repr_html_(self) -> str:
        from flopcast.html import escape

        return f"<code>{escape(str(self))}</code> <small>(a lazy flopcast expression; .summary() runs it)</small>"

    def _input(self, owner: str) -> tuple[Any, str | None]:
        raise FlopcastTypeError(
            f"{owner}: the expression {self} combines quantities, so it is not one distribution; give a "
            "distribution, fc.to(lo, hi) or a number, or add the expression as a derived quantity "
            "(m.derive, or fc.model_of(..., base=m))"
        )

    # ------------------------------------------------------------------ to a model
    def to_model(
        self,
        name: str = VALUE,
        /,
        *,
        unit: str | None = None,
        units: Mapping[str, str] | None = None,
        title: str = "estimate",
        base: Model | None = None,
        **quantities: Any,
    ) -> Model:
        """The model of this expression: its value is the quantity ``name``, keywords name its parts.

        Parameters
        ----------
        name : str, default "value"
            Name of this expression's quantity.
        unit : str, optional
            Unit of this expression's quantity (default: inferred from the units of its inputs).
        units : mapping of str to str, optional
            Units of the other named quantities.
        title : str, default "estimate"
            The model's name.
        base : Model, optional
            A model to extend: :func:`ref` names its quantities.
        **quantities
            Parts of the expression (or further expressions) to name, e.g. ``train=train``.

        Examples
        --------
        >>> import flopcast as fc
        >>> x = fc.to(1, 10)
        >>> m = (x * 3).to_model("y", x=x)
        >>> list(m.assumptions), list(m.derived)
        (['x'], ['y'])
        """
        if name in quantities:
            raise FlopcastValueError(f"to_model(): {name!r} names this expression; give its parts other names")
        all_units = dict(units or {})
        if unit is not None:
            all_units[name] = unit
        if _MODEL_BUILDER is None:  # only when the package was bypassed: ``import flopcast`` installs it
            raise RuntimeError("flopcast's model builder is not installed; import flopcast first")
        return _MODEL_BUILDER({**quantities, name: self}, name=title, units=all_units, base=base)

    def simulate(self, n: int = DEFAULT_N, *, seed: Any = None, name: str = VALUE, **options: Any) -> Any:
        """Run the model of this expression; options are those of :meth:`flopcast.Model.simulate`.

        Examples
        --------
        >>> import flopcast as fc
        >>> res = (fc.to(1, 10) * 2).simulate(10_000, seed=1)
        >>> res.names
        ('lognormal_1', 'value')
        """
        return self.to_model(name).simulate(n, seed=seed, **options)

    def sample(self, n: int = DEFAULT_N, *, seed: Any = None, design: str = "random") -> np.ndarray:
        """``n`` draws of the expression (read-only), on the engine's seeds and designs.

        Examples
        --------
        >>> import flopcast as fc
        >>> x = fc.to(1, 10)
        >>> (x / x).sample(3, seed=1).tolist()
        [1.0, 1.0, 1.0]
        """
        return self.simulate(n, seed=seed, design=design, keep=[VALUE])[VALUE]

    def quantile(
        self, q: float | Iterable[float], n: int = DEFAULT_N, *, seed: Any = None, design: str = "random"
    ) -> np.ndarray:
        """Quantiles of the expression's draws at levels ``q``.

        Examples
        --------
        >>> import flopcast as fc
        >>> fc.to(1, 100).quantile([0.5], seed=1).round(1).tolist()
        [10.0]
        """
        return self.simulate(n, seed=seed, design=design, keep=[VALUE]).quantile(VALUE, q)

    def interval(
        self, prob: float = 0.9, n: int = DEFAULT_N, *, seed: Any = None, design: str = "random", kind: str = "eti"
    ) -> tuple[float, float]:
        """The equal-tailed (or ``kind="hdi"``) interval holding ``prob`` of the draws."""
        return self.simulate(n, seed=seed, design=design, keep=[VALUE]).interval(VALUE, prob, kind)

    def mean(self, n: int = DEFAULT_N, *, seed: Any = None, design: str = "random") -> float:
        """The mean of the expression's draws."""
        return float(np.mean(self.sample(n, seed=seed, design=design)))

    def summary(
        self, n: int = DEFAULT_N, *, seed: Any = None, prob: float = 0.9, design: str = "random", full: bool = False
    ) -> pd.DataFrame:
        """The summary row of the expression (see :meth:`flopcast.Result.summary`).

        Examples
        --------
        >>> import flopcast as fc
        >>> row = (fc.to(1, 10) * 2).summary(seed=1).loc["value"]
        >>> round(float(row["median"]), 1)
        6.3
        """
        res = self.simulate(n, seed=seed, design=design, keep=[VALUE])
        return res.summary(prob, [VALUE], full=full)


class Leaf(Expr):
    """An uncertain input of an expression: a distribution with an optional unit, name and source."""

    def __init__(
        self,
        distribution: Any,
        *,
        unit: str | None = None,
        name: str | None = None,
        source: str = "",
        note: str = "",
        label: str | None = None,
        key: object = None,
    ) -> None:
        self.distribution = as_distribution(distribution, name or "quantity")
        self.unit = unit
        self.name = name
        self.source = source
        self.note = note
        self.label = label
        # What makes two leaves one draw: a distribution used bare is keyed by that object, so the same object
        # is one draw wherever it appears; fc.to() and fc.quantity() leaves are keyed by themselves.
        self.key = self if key is None else key

    def _input(self, owner: str) -> tuple[Any, str | None]:
        return self.distribution, self.unit


class Ref(Expr):
    """A quantity of a model, by name: of the ``base`` model being extended, or of a result (``Result.prob``)."""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str):
            raise FlopcastTypeError(f"fc.ref(): the name must be a string, got {describe_value(name)}")
        self.name = name


class Op(Expr):
    """An operation on expressions and numbers: ``fn(*args)`` per draw."""

    def __init__(self, fn: Callable[..., Any], symbol: str, args: tuple[Any, ...]) -> None:
        self.fn = fn
        self.symbol = symbol
        self.args = args


def operand(x: Any, symbol: str) -> Any:
    if isinstance(x, Expr):
        return x
    if isinstance(x, bool | np.bool_):
        raise FlopcastTypeError(
            f"fc expression: cannot use {x} (a plain truth value) as an operand of {symbol!r}; {BOOL_HINT}"
        )
    if isinstance(x, Distribution):
        return Leaf(x, key=x)
    if is_real_number(x):
        value = float(x)
        if math.isnan(value):
            raise FlopcastValueError(f"fc expression: NaN is not an operand of {symbol!r}; give a number")
        return value
    if hasattr(x, "ppf") and hasattr(x, "dist"):  # a frozen scipy.stats distribution
        return Leaf(as_distribution(x), key=x)
    raise FlopcastTypeError(
        f"fc expression: cannot use {describe_value(x)} as an operand of {symbol!r}; operands are numbers, "
        "flopcast distributions, frozen scipy.stats distributions or expressions (fc.to, fc.quantity)"
    )


#: Why a condition or a quantity is a plain True/False where an expression was meant, and the spelling to use.
BOOL_HINT = (
    "a comparison of two distribution objects (d1 == d2) compares their parameters and gives a plain bool; for a "
    "comparison per draw compare a distribution with a number (c == 2) or write d1 - d2 == 0, and use "
    "fc.where(condition, a, b) for a choice per draw"
)


def apply(fn: Callable[..., Any], symbol: str, *args: Any) -> Op:
    """The lazy expression ``fn(*args)``: what operators and :mod:`flopcast.ops` build on distributions.

    Examples
    --------
    >>> import operator
    >>> import flopcast as fc
    >>> from flopcast.expr import apply
    >>> str(apply(operator.mul, "*", fc.to(1, 10), 3))
    'to(1, 10) * 3'
    """
    return Op(fn, symbol, tuple(operand(a, symbol) for a in args))


def _label_number(x: float) -> str:
    return f"{x:g}"


def to(
    lo: float,
    hi: float,
    prob: float = 0.9,
    *,
    unit: str | None = None,
    name: str | None = None,
    source: str = "",
    note: str = "",
) -> Leaf:
    """An uncertain quantity from an interval: ``prob`` of the mass in ``[lo, hi]`` (Squiggle's ``lo to hi``).

    Lognormal when both bounds are positive, normal otherwise.

    Parameters
    ----------
    lo, hi : float
        The bounds, ``lo < hi``.
    prob : float, default 0.9
        The mass between them.
    unit : str, optional
        Its unit (checked as in models when the expression runs).
    name : str, optional
        Its name in the model (default: a keyword of :func:`model_of`, or a generated name).
    source, note : str
        Where the interval comes from, and why.

    Examples
    --------
    >>> import flopcast as fc
    >>> fc.to(10, 1000).distribution.median()
    100.0
    >>> fc.to(-1, 1).distribution
    Normal(mu=0, sigma=0.607957)
    """
    from flopcast.constructors import lognormal, normal

    owner = "fc.to()"
    lo_f, hi_f = check_real(lo, "lo", owner), check_real(hi, "hi", owner)
    prob = check_probability(prob, "prob", owner)
    if not lo_f < hi_f:
        raise FlopcastValueError(f"{owner}: lo must be below hi, got lo={lo_f:g}, hi={hi_f:g}")
    dist = lognormal(lo_f, hi_f, prob=prob) if lo_f > 0 else normal(lo_f, hi_f, prob=prob)
    label = f"to({_label_number(lo_f)}, {_label_number(hi_f)}" + (f", prob={prob:g})" if prob != 0.9 else ")")
    return Leaf(dist, unit=unit, name=name, source=source, note=note, label=label)


def quantity(value: Any, *, unit: str | None = None, name: str | None = None, source: str = "", note: str = "") -> Leaf:
    """A number or distribution as an input of expressions, with a unit, a name or a source.

    Examples
    --------
    >>> import flopcast as fc
    >>> peak = fc.quantity(989e12, unit="FLOP/s/GPU", source="H100 datasheet")
    >>> str(peak * 2)
    'quantity(9.89e+14) * 2'
    """
    dist = as_distribution(value, name or "fc.quantity()")
    label = f"quantity({_label_number(float(value))})" if is_real_number(value) else None
    return Leaf(dist, unit=unit, name=name, source=source, note=note, label=label)


def ref(name: str) -> Ref:
    """A quantity of a model by name: of ``base`` in :func:`model_of`, or of a result in ``Result.prob``.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(1, 2))
    >>> m2 = fc.model_of(twice=2 * fc.ref("a"), base=m)
    >>> m2.point()["twice"]
    3.0
    """
    return Ref(name)


# ---------------------------------------------------------------------- printing
def render(e: Any, names: Mapping[int, str], parent: int = -1, right: bool = False) -> str:
    if isinstance(e, float):
        text = _label_number(e)
        return f"({text})" if e < 0 and parent >= 0 else text
    if isinstance(e, Ref):
        return e.name
    if isinstance(e, Leaf):
        return names.get(id(e.key)) or e.name or e.label or repr(e.distribution)
    assert isinstance(e, Op)
    if e.symbol not in _PRECEDENCE and e.symbol != "-":
        return f"{e.symbol}({', '.join(render(a, names) for a in e.args)})"
    if len(e.args) == 1:  # unary minus
        text = "-" + render(e.args[0], names, _PRECEDENCE["neg"])
        own = _PRECEDENCE["neg"]
    else:
        own = _PRECEDENCE[e.symbol]
        # ** binds right to left; the others left to right.
        left = render(e.args[0], names, own, right=e.symbol == "**")
        rght = render(e.args[1], names, own, right=e.symbol != "**")
        text = f"{left} {e.symbol} {rght}"
    if own < parent or (own == parent and right):
        return f"({text})"
    return text


#: What :meth:`Expr.to_model` runs: :func:`flopcast.model.expressions.model_of`, handed over by ``import flopcast``.
#: Expressions are built from distributions, below the model; the model layer depends on them, never the reverse.
_MODEL_BUILDER: Callable[..., Model] | None = None


def set_model_builder(builder: Callable[..., Model]) -> None:
    """Install the function :meth:`Expr.to_model` runs (done once, by ``import flopcast``)."""
    global _MODEL_BUILDER
    _MODEL_BUILDER = builder


# Distributions' operators build these expressions (the mixin sits below this module, so it is handed ``apply``).
set_apply(apply)
