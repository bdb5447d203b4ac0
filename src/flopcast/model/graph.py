"""The model graph: its nodes in topological order and the one evaluator of derived quantities.

Every part of flopcast that computes derived quantities (the engine's chunks, ``Model.point`` and
``Model.evaluate``, the build-time checks, tornado, Sobol', calibration's predictions and the PyMC bridge) calls
:meth:`Graph.evaluate`; nothing else walks the graph. The values it is given may be numbers, numpy arrays, pint
quantities or PyTensor variables: derived functions are plain arithmetic on their inputs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

import numpy as np

from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.formatting import count
from flopcast.model.nodes import Assumption, Derived, Node

__all__ = ["DERIVED_NOTE", "Graph", "derived_note"]

#: One step of an evaluation plan: ``(name, function or None, inputs, names to drop after it)``. A ``None``
#: function marks a value read from the caller's values (an assumption or a quantity the graph is cut at).
_Step = tuple[str, Any, tuple[str, ...], tuple[str, ...]]

#: Plans are cached per (outputs, given); a bound keeps callers with ever-changing cuts from growing the cache.
_PLAN_CACHE_SIZE = 256


class Graph:
    """Nodes in topological order (every input before its user), with point values for the assumptions.

    A graph is immutable: :meth:`with_node` returns a new one.

    Parameters
    ----------
    nodes : iterable of Assumption or Derived
        In any order; they are sorted. Unknown inputs and cycles are refused.
    owner : str
        What the graph belongs to, for error messages (for example ``"model 'toy'"``).

    Examples
    --------
    >>> import flopcast as fc
    >>> from flopcast.model.graph import Graph
    >>> g = Graph([fc.Derived("b", lambda a: 2 * a), fc.Assumption("a", 3.0)])
    >>> g.order
    ('a', 'b')
    >>> g.evaluate({}, outputs=["b"])
    {'b': 6.0}
    """

    __slots__ = ("_plans", "nodes", "order", "owner", "point")

    nodes: dict[str, Node]
    order: tuple[str, ...]
    point: dict[str, float]
    owner: str

    def __init__(self, nodes: Iterable[Node] = (), *, owner: str = "the model") -> None:
        by_name: dict[str, Node] = {}
        for node in nodes:
            by_name[node.name] = node
        self._set(by_name, _topological_order(by_name, owner), owner)

    def _set(
        self, nodes: dict[str, Node], order: Iterable[str], owner: str, point: dict[str, float] | None = None
    ) -> None:
        self.order = tuple(order)
        self.nodes = {n: nodes[n] for n in self.order}
        self.owner = owner
        if point is None:
            point = {n: _point_value(node) for n, node in self.nodes.items() if isinstance(node, Assumption)}
        self.point = point
        self._plans: dict[tuple[tuple[str, ...], frozenset[str]], list[_Step]] = {}

    def with_node(self, node: Node) -> Graph:
        """A new graph with ``node`` appended; its inputs must already be in the graph."""
        if isinstance(node, Derived):
            if node.name in node.inputs:
                raise FlopcastValueError(
                    f"{self.owner}: cycle among derived quantities: {node.name} -> {node.name}; "
                    "a quantity cannot depend on itself"
                )
            for inp in node.inputs:
                if inp not in self.nodes:
                    raise unknown_input(node, inp, self.nodes, self.owner)
        graph = Graph.__new__(Graph)
        point = dict(self.point)
        if isinstance(node, Assumption):
            point[node.name] = _point_value(node)
        graph._set({**self.nodes, node.name: node}, (*self.order, node.name), self.owner, point)
        return graph

    def __getstate__(self) -> tuple[dict[str, Node], tuple[str, ...], str]:
        return self.nodes, self.order, self.owner  # plans are rebuilt where the graph is used

    def __setstate__(self, state: tuple[dict[str, Node], tuple[str, ...], str]) -> None:
        self._set(*state)

    def __contains__(self, name: object) -> bool:
        return name in self.nodes

    def __len__(self) -> int:
        return len(self.order)

    # ------------------------------------------------------------------ structure
    def ancestors(self, outputs: Iterable[str], *, given: Collection[str] = ()) -> list[str]:
        """The quantities (in topological order) that must be known to obtain ``outputs``, themselves included.

        The graph is cut at ``given``: a given quantity is listed, but not what it depends on.

        Examples
        --------
        >>> import flopcast as fc
        >>> from flopcast.model.graph import Graph
        >>> g = Graph([fc.Assumption("a", 1.0), fc.Derived("b", lambda a: a), fc.Derived("c", lambda b: b)])
        >>> g.ancestors(["c"]), g.ancestors(["c"], given=["b"])
        (['a', 'b', 'c'], ['b', 'c'])
        """
        nodes = self.nodes
        wanted: set[str] = set()
        stack = list(outputs)
        while stack:
            name = stack.pop()
            if name in wanted:
                continue
            wanted.add(name)
            node = nodes[name]
            if name not in given and isinstance(node, Derived):
                stack.extend(node.inputs)
        return [n for n in self.order if n in wanted]

    def descendants(self, names: Iterable[str]) -> set[str]:
        """The quantities that depend on any of ``names`` (directly or through others), ``names`` included."""
        out = set(names)
        for n in self.order:
            node = self.nodes[n]
            if isinstance(node, Derived) and any(i in out for i in node.inputs):
                out.add(n)
        return out

    def _plan(self, outputs: tuple[str, ...], given: frozenset[str]) -> list[_Step]:
        key = (outputs, given)
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        order = self.ancestors(outputs, given=given)
        last_use: dict[str, int] = {}
        for i, name in enumerate(order):
            node = self.nodes[name]
            if isinstance(node, Derived) and name not in given:
                for inp in node.inputs:
                    last_use[inp] = i
        kept = set(outputs)
        drops: dict[int, list[str]] = {}
        for name, i in last_use.items():
            if name not in kept:
                drops.setdefault(i, []).append(name)
        plan = []
        for i, name in enumerate(order):
            node = self.nodes[name]
            if isinstance(node, Derived) and name not in given:
                plan.append((name, node.function, node.inputs, tuple(drops.get(i, ()))))
            else:
                plan.append((name, None, (), ()))
        if len(self._plans) >= _PLAN_CACHE_SIZE:
            self._plans.clear()
        self._plans[key] = plan
        return plan

    # ------------------------------------------------------------------ evaluation
    def evaluate(
        self,
        values: Mapping[str, Any],
        *,
        outputs: Iterable[str],
        given: Collection[str] = (),
        n: int | None = None,
    ) -> dict[str, Any]:
        """Evaluate ``outputs`` from assumption values, computing only what they depend on.

        Parameters
        ----------
        values : mapping
            Values of assumptions (numbers, arrays, pint quantities, PyTensor variables...); an assumption
            missing from it takes its point value. Also the values of the ``given`` quantities.
        outputs : iterable of str
            The quantities to return, in this order.
        given : collection of str
            Quantities taken from ``values`` as they are: the graph is cut there (what they depend on is not
            evaluated, and a given derived quantity is not recomputed).
        n : int, optional
            The number of draws the values stand for. When given, every derived quantity must come back with
            shape ``(n,)`` (as float64), or as a number when all its inputs are numbers (then a float); anything
            else means its function is not elementwise, and is refused.

        Returns
        -------
        dict
            ``outputs`` by name. Intermediate values are dropped as soon as nothing left needs them.

        Examples
        --------
        >>> import numpy as np
        >>> import flopcast as fc
        >>> from flopcast.model.graph import Graph
        >>> g = Graph([fc.Assumption("a", 1.0), fc.Derived("b", lambda a: a.sum())])
        >>> g.evaluate({"a": np.ones(3)}, outputs=["b"], n=3)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        flopcast.errors.FlopcastValueError: derived 'b': returned shape () for a chunk of 3 draws; ...
        """
        outputs = tuple(outputs)
        plan = self._plan(outputs, frozenset(given))
        point = self.point
        env: dict[str, Any] = {}
        for name, function, inputs, drop in plan:
            if function is None:
                # A number is a numpy scalar, as draws are numpy arrays: array methods (x.clip, x.astype)
                # work on it, and arithmetic follows numpy (-4.0 ** 0.5 is nan, as on draws, not complex).
                value = values[name] if name in values else point[name]
                env[name] = np.float64(value) if type(value) in (float, int) else value
                continue
            args = [env[i] for i in inputs]
            try:
                value = function(*args)
            except Exception as exc:
                # The user's function raised: keep its type and message (callers catch them), and say which
                # quantity it was. A note travels with the error through pickling (worker processes).
                exc.add_note(derived_note(name, self.owner, args))
                raise
            if n is not None:
                value = _elementwise(name, value, args, n)
            env[name] = value
            for d in drop:
                del env[d]
        # Numbers come back as Python floats (point values went in as numpy scalars).
        return {name: float(v) if type(v) is np.float64 else v for name, v in ((o, env[o]) for o in outputs)}


#: How the note that :meth:`Graph.evaluate` adds to an error of a derived function starts (the command reads it).
DERIVED_NOTE = "flopcast: raised by the function of derived quantity "


def derived_note(name: str, owner: str, args: list[Any]) -> str:
    """The note added to an error raised by the function of derived quantity ``name``.

    Examples
    --------
    >>> derived_note("y", "model 'rare'", [np.ones(3)])
    "flopcast: raised by the function of derived quantity 'y' of model 'rare', on a piece of 3 draws"
    """
    try:
        sizes = [int(np.size(a)) for a in args if isinstance(a, np.ndarray) and a.ndim]
    except Exception:  # pragma: no cover - only numpy arrays are measured
        sizes = []
    on = f", on a piece of {count(max(sizes), 'draw')}" if sizes else ""
    return f"{DERIVED_NOTE}{name!r} of {owner}{on}"


def _point_value(node: Assumption) -> float:
    return float(node.distribution.point_value())


def _elementwise(name: str, value: Any, args: list[Any], n: int) -> Any:
    """A derived quantity's value on ``n`` draws: a float when it and its inputs are scalars, else ``(n,)``."""
    if np.ndim(value) == 0 and not any(np.ndim(a) for a in args):
        return float(value)
    if np.shape(value) == (n,):
        if np.iscomplexobj(value):
            check_real_result(name, value, f"on a chunk of {count(n, 'draw')}")
        return np.asarray(value, dtype=float)
    raise FlopcastValueError(
        f"derived {name!r}: returned shape {np.shape(value)} for a chunk of {count(n, 'draw')}; "
        "derived functions must work elementwise (use fc.minimum/fc.where, not min()/sum())"
    )


def _topological_order(nodes: Mapping[str, Node], owner: str) -> list[str]:
    """Order nodes so that every input comes before its user; refuse unknown inputs and cycles."""
    for node in nodes.values():
        if isinstance(node, Derived):
            for inp in node.inputs:
                if inp not in nodes:
                    raise unknown_input(node, inp, nodes, owner)
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = path[path.index(name) :] + [name]
            raise FlopcastValueError(
                f"{owner}: cycle among derived quantities: {' -> '.join(cycle)}; "
                "a quantity cannot depend on itself, directly or through others"
            )
        state[name] = 1
        node = nodes[name]
        if isinstance(node, Derived):
            for inp in node.inputs:
                visit(inp, [*path, name])
        state[name] = 2
        order.append(name)

    for name in nodes:
        visit(name, [])
    return order


def unknown_input(node: Derived, inp: str, nodes: Mapping[str, Node], owner: str) -> FlopcastValueError:
    """The error for a derived quantity whose input is not in the graph, with the closest name as a hint."""
    import difflib

    close = difflib.get_close_matches(inp, list(nodes), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return FlopcastValueError(
        f"derived {node.name!r}: input {inp!r} (a parameter of {getattr(node.function, '__name__', 'its function')})"
        f" is not a quantity of {owner}.{hint} Declare it first with "
        f"model.assume({inp!r}, ...) or rename the parameter to an existing quantity."
    )


def check_real_result(name: str, value: Any, where: str) -> None:
    """The function returns real numbers: complex ones are refused (numpy would drop their imaginary part).

    Checked on the trial at the point values, and on every chunk of a run (a function complex only on some
    inputs, such as ``numpy.emath.sqrt``, is caught there).

    Examples
    --------
    >>> import numpy as np
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("x", -4.0)
    >>> @m.derive
    ... def root(x):
    ...     return np.emath.sqrt(x)  # complex for a negative number
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastTypeError: derived 'root': its function returns complex numbers (np.complex128(2j) ...
    """
    if np.iscomplexobj(value):
        shown = value if np.ndim(value) == 0 else np.asarray(value).ravel()[:3]
        raise FlopcastTypeError(
            f"derived {name!r}: its function returns complex numbers ({shown!r} {where}); quantities are "
            "real: check the formula (a negative number to a fractional power?) or take .real or abs() explicitly"
        )
