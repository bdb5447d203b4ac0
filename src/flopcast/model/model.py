"""Assumptions, derived quantities and the model graph that joins them.

A :class:`Model` is a graph of named quantities. An :class:`Assumption` is an input with a distribution, a unit
and a source; a :class:`Derived` quantity is a plain function whose parameter names are its inputs (as in
Apache Hamilton). Every node is validated when it is added: its name, its inputs, its unit (by evaluating the
graph once on pint quantities) and a scalar test evaluation at the point values. Unlike Hamilton, a graph given
all at once (``Model(name, nodes=[...])``) is sorted topologically and cycles are refused at that moment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np

from flopcast.distributions import Distribution
from flopcast.errors import FlopcastKeyError, FlopcastTypeError, FlopcastValueError
from flopcast.model import checks
from flopcast.model.graph import Graph
from flopcast.model.nodes import Assumption, Derived, Node, _check_text
from flopcast.presentation import Presentation, ReportSection, default_headline, make_presentation

if TYPE_CHECKING:
    from flopcast.correlation import Correlation
    from flopcast.describe import Description
    from flopcast.engine import Engine
    from flopcast.joint import JointDraws
    from flopcast.result import Result, StreamedResult

__all__ = ["Assumption", "Derived", "Model", "set_simulator"]


class Model:
    """A graph of assumptions and derived quantities.

    Parameters
    ----------
    name : str
        The model's name (used in reports and results).
    nodes : iterable of Assumption or Derived, optional
        Nodes given all at once, in any order; they are sorted and validated together.
    description : str, optional
        A sentence on what the model estimates.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("toy")
    >>> _ = m.assume("flop", fc.lognormal(1e20, 1e22), unit="FLOP", source="a guess")
    >>> _ = m.assume("throughput", 4e14, unit="FLOP/s/GPU", source="a measured rate")
    >>> _ = m.assume("seconds_per_day", 86400, unit="s/day", source="definition")
    >>> @m.derive(unit="GPU*day")
    ... def gpu_days(flop, throughput, seconds_per_day):
    ...     return flop / throughput / seconds_per_day
    >>> round(m.point()["gpu_days"])
    29
    """

    def __init__(self, name: str, nodes: Iterable[Node] = (), *, description: str = "") -> None:
        self.name = _check_text(name, "model name")
        self.description = _check_text(description, "model description")
        self._graph = Graph(owner=f"model {self.name!r}")
        self._point: dict[str, float] = {}
        self._trial: dict[str, Any] = {}  # values on the build-time trial draws (model/checks.py)
        self._correlations: tuple[Correlation, ...] = ()
        self._joint: tuple[JointDraws, ...] = ()
        self._presentation = Presentation()
        self._build(nodes)

    def _build(self, nodes: Iterable[Node], checked: Mapping[str, tuple[float, Any]] | None = None) -> None:
        """Check ``nodes`` and make them this model's graph.

        ``checked`` holds, for nodes that passed their checks in another model on the same inputs, their point
        value and trial values, which are taken instead of checking them again (see :meth:`replace`).
        """
        given: dict[str, Node] = {}
        for node in nodes:
            if not isinstance(node, Assumption | Derived):
                raise FlopcastTypeError(
                    f"model {self.name!r}: nodes must be Assumption or Derived, got {type(node).__name__}"
                )
            if node.name in given:
                raise FlopcastValueError(
                    f"model {self.name!r}: duplicate name {node.name!r}; every quantity needs its own name"
                )
            given[node.name] = node
        graph = Graph(given.values(), owner=self._graph.owner)
        for node_name in graph.order:
            if checked is not None and node_name in checked:
                self._point[node_name], self._trial[node_name] = checked[node_name]
            else:
                self._point[node_name] = checks.check_node(graph, graph.nodes[node_name], self._point, self._trial)
        self._graph = graph

    # ------------------------------------------------------------------ building
    def assume(
        self,
        name: str,
        distribution: Any,
        *,
        unit: str = "1",
        source: str = "",
        note: str = "",
        label: str = "",
    ) -> Assumption:
        """Add an assumption: a distribution (or a plain number for a fixed value) with a unit and a source.

        Parameters
        ----------
        name : str
            A Python identifier, unique in the model.
        distribution : Distribution, scipy.stats frozen distribution, or number
            A plain number is a point value.
        unit : str, default "1"
            A unit of flopcast's registry (``"FLOP"``, ``"GPU"``, ``"video_minute/day"``...).
        source : str
            Where the value comes from.
        note : str
            Why this distribution, caveats.
        label : str, optional
            A readable name for tables, figures and the command (default: ``name``, which stays the key).

        Returns
        -------
        Assumption
            The node added.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> m.assume("steps", fc.lognormal(30, 250), unit="step", source="current video samplers").unit
        'step'
        """
        node = Assumption(name, distribution, unit=unit, source=source, note=note, label=label)
        self._add(node)
        return node

    @overload
    def derive(self, function: Callable[..., Any], /) -> Callable[..., Any]: ...

    @overload
    def derive(
        self,
        function: None = None,
        /,
        *,
        name: str | None = None,
        unit: str = "1",
        note: str = "",
        source: str = "",
        label: str = "",
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]: ...

    def derive(
        self,
        function: Callable[..., Any] | None = None,
        /,
        *,
        name: str | None = None,
        unit: str = "1",
        note: str = "",
        source: str = "",
        label: str = "",
    ) -> Any:
        """Add a derived quantity; use as a decorator, ``@model.derive(unit="FLOP")``.

        The function's name is the quantity's name (or ``name=``), its parameter names are its inputs.
        The function is returned unchanged. ``source`` cites where the formula comes from (default: the
        formula itself, recorded as the function's inputs); ``label`` is a readable name for tables, figures and
        the command (default: the name).

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", 2.0)
        >>> @m.derive
        ... def b(a):
        ...     return 3 * a
        >>> m.point()["b"]
        6.0
        """

        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            node_name = name if name is not None else getattr(fn, "__name__", None)
            if node_name is None:
                raise FlopcastTypeError(f"derived function {fn!r} has no __name__; pass name=")
            self._add(Derived(node_name, fn, unit=unit, note=note, source=source, label=label))
            return fn

        if function is not None:
            return register(function)
        return register

    def add(self, node: Node) -> Node:
        """Add a ready-made :class:`Assumption` or :class:`Derived` node."""
        if not isinstance(node, Assumption | Derived):
            raise FlopcastTypeError(
                f"model {self.name!r}: add() takes an Assumption or a Derived, got {type(node).__name__}"
            )
        self._add(node)
        return node

    def correlate(self, names: Sequence[str], matrix: Any) -> None:
        """Induce a rank correlation between uncertain assumptions (Gaussian copula; marginals unchanged).

        Parameters
        ----------
        names : sequence of str
            Uncertain assumptions of this model, each in at most one correlated group.
        matrix : float or array_like
            The target Spearman rank correlations: a ``len(names)`` square correlation matrix, or, for two
            names, a single number.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.normal(0, 1))
        >>> _ = m.assume("b", fc.lognormal(1, 10))
        >>> m.correlate(["a", "b"], 0.6)
        >>> m.correlations[0].names
        ('a', 'b')
        """
        from flopcast.correlation import Correlation

        corr = Correlation.from_spearman(names, matrix)
        for n in corr.names:
            node = self._graph.nodes.get(n)
            if not isinstance(node, Assumption):
                raise FlopcastValueError(
                    f"model {self.name!r}: correlate(): {n!r} is not an assumption of the model"
                    f" (assumptions: {', '.join(self.assumptions) or 'none'})"
                )
            if not node.is_uncertain:
                raise FlopcastValueError(
                    f"model {self.name!r}: correlate(): {n!r} is a point value; it cannot correlate"
                )
            if node.distribution.is_discrete:
                raise FlopcastValueError(
                    f"model {self.name!r}: correlate(): {n!r} is discrete; rank correlation through a Gaussian "
                    "copula is defined here for continuous assumptions only"
                )
            for group in self.dependent_groups:
                if n in group:
                    raise FlopcastValueError(
                        f"model {self.name!r}: correlate(): {n!r} is already in a correlated group "
                        f"{group}; give one matrix for the whole group"
                    )
        self._correlations = (*self._correlations, corr)

    def _add(self, node: Node) -> None:
        if node.name in self._graph:
            kind = "an assumption" if isinstance(self._graph.nodes[node.name], Assumption) else "a derived quantity"
            raise FlopcastValueError(
                f"model {self.name!r}: duplicate name {node.name!r} (already {kind}); "
                "use model.replace() for a what-if, or choose another name"
            )
        graph = self._graph.with_node(node)
        self._point[node.name] = checks.check_node(graph, node, self._point, self._trial)
        self._graph = graph

    # ------------------------------------------------------------------ presentation
    def present(
        self,
        headline: Iterable[str] | str | None = None,
        references: Mapping[str, Mapping[str, float]] | None = None,
        sections: Iterable[ReportSection] | None = None,
    ) -> Presentation:
        """Declare how the model is shown: headline outputs, reference values and extra report sections.

        Each argument left as None keeps what was declared before. The presentation survives :meth:`replace`.

        Parameters
        ----------
        headline : str or iterable of str, optional
            The outputs a report, its figures and the command lead with (default: :attr:`headline`'s leaves).
        references : mapping, optional
            quantity -> {label: value}: values to compare the distribution with, e.g. a published estimate.
        sections : iterable of ReportSection, optional
            Extra report sections, each ``ReportSection(title, render)`` with ``render(model, result)``
            returning Markdown.

        Returns
        -------
        Presentation

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.uniform(1, 2))
        >>> @m.derive
        ... def b(a):
        ...     return 2 * a
        >>> m.present(headline=["a", "b"], references={"b": {"low case": 2.5, "high case": 3.5}}).headline
        ('a', 'b')
        >>> m.replace(a=1.5).headline
        ('a', 'b')
        """
        self._presentation = make_presentation(self, self._presentation, headline, references, sections)
        return self._presentation

    @property
    def presentation(self) -> Presentation:
        """What :meth:`present` declared (an empty :class:`~flopcast.presentation.Presentation` by default)."""
        return self._presentation

    @property
    def headline(self) -> tuple[str, ...]:
        """The outputs to lead with: the declared headline, else the derived quantities nothing else uses.

        A model without derived quantities leads with its uncertain assumptions (or all its assumptions).
        """
        return self._presentation.headline or default_headline(self)

    # ------------------------------------------------------------------ inspection
    @property
    def graph(self) -> Graph:
        """The model's graph: its nodes in topological order and the evaluator of derived quantities."""
        return self._graph

    @property
    def nodes(self) -> dict[str, Node]:
        """Every node by name, in topological order (a copy)."""
        return dict(self._graph.nodes)

    @property
    def assumptions(self) -> dict[str, Assumption]:
        """The assumptions by name, in declaration order."""
        return {n: a for n, a in self.nodes.items() if isinstance(a, Assumption)}

    @property
    def derived(self) -> dict[str, Derived]:
        """The derived quantities by name, in evaluation order."""
        return {n: d for n, d in self.nodes.items() if isinstance(d, Derived)}

    @property
    def uncertain(self) -> tuple[str, ...]:
        """Names of the assumptions that have a distribution (not a point value)."""
        return tuple(n for n, a in self.assumptions.items() if a.is_uncertain)

    @property
    def correlations(self) -> tuple[Correlation, ...]:
        """The correlated groups of assumptions."""
        return self._correlations

    @property
    def joint_groups(self) -> tuple[JointDraws, ...]:
        """Groups of assumptions drawn jointly from a table of draws (see :meth:`with_joint_draws`)."""
        return self._joint

    @property
    def dependent_groups(self) -> tuple[tuple[str, ...], ...]:
        """Names of the assumptions that are not independent: correlated groups and joint-draw groups."""
        return tuple(c.names for c in self._correlations) + tuple(j.names for j in self._joint)

    def with_joint_draws(
        self, draws: Mapping[str, Any], weights: Any = None, *, source: str = "joint draws", note: str = ""
    ) -> Model:
        """Return a new model whose named assumptions are drawn jointly, row by row, from the given draws.

        This is how a calibrated (posterior) model keeps the dependence between its assumptions: every run
        picks whole rows of the table (with probability proportional to ``weights``), and each assumption's
        marginal becomes an :class:`~flopcast.joint.Empirical` distribution. This model is left untouched.

        Parameters
        ----------
        draws : mapping of str to array_like
            Equally long arrays of draws, one per assumption.
        weights : array_like, optional
            Non-negative weight of each row (for example importance weights).
        source, note : str
            Recorded on each replaced assumption.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.uniform(0, 1))
        >>> _ = m.assume("b", fc.uniform(0, 1))
        >>> post = m.with_joint_draws({"a": [0.1, 0.9], "b": [0.2, 0.8]})
        >>> res = post.simulate(1000, seed=0)
        >>> sorted(set(zip(res["a"].tolist(), res["b"].tolist())))
        [(0.1, 0.2), (0.9, 0.8)]
        """
        from flopcast.joint import Empirical, JointDraws

        joint = JointDraws.from_mapping(draws, weights)
        for name in joint.names:
            if not isinstance(self._graph.nodes.get(name), Assumption):
                raise FlopcastValueError(
                    f"with_joint_draws(): {name!r} is not an assumption of model {self.name!r} "
                    f"(assumptions: {', '.join(self.assumptions)})"
                )
        w = joint.weights()
        changes = {}
        for j, name in enumerate(joint.names):
            old = self._graph.nodes[name]
            changes[name] = Assumption(
                name, Empirical(joint.table[:, j], w), unit=old.unit, source=source, note=note or old.note,
                label=old.label,
            )  # fmt: skip
        model = self.replace(**changes)
        model._correlations = tuple(c for c in model._correlations if not set(c.names) & set(joint.names))
        model._joint = tuple(g for g in model._joint if not set(g.names) & set(joint.names)) + (joint,)
        return model

    def __contains__(self, name: object) -> bool:
        return name in self._graph

    def __getitem__(self, name: str) -> Node:
        try:
            return self._graph.nodes[name]
        except KeyError:
            raise self.unknown(name) from None

    def unknown_message(self, name: object, what: str = "quantity") -> str:
        """The message for a name that is not in the model, with the closest match and the known names."""
        import difflib

        close = difflib.get_close_matches(str(name), list(self._graph.order), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{name!r} is not a {what} of model {self.name!r}{hint} (quantities: {', '.join(self._graph.order)})"

    def unknown(self, name: object, what: str = "quantity") -> FlopcastKeyError:
        """The KeyError for a name that is not in the model."""
        return FlopcastKeyError(self.unknown_message(name, what))

    def check_names(self, names: Iterable[str], what: str = "quantity") -> tuple[str, ...]:
        """Return ``names`` as a tuple after checking that each is a quantity of the model."""
        if isinstance(names, str):
            names = (names,)
        out = tuple(names)
        for n in out:
            if not isinstance(n, str):
                raise FlopcastTypeError(f"{what} names must be strings, got {type(n).__name__}")
            if n not in self._graph:
                raise FlopcastValueError(self.unknown_message(n, what))
        return out

    def __repr__(self) -> str:
        return (
            f"Model({self.name!r}: {len(self.assumptions)} assumptions ({len(self.uncertain)} uncertain), "
            f"{len(self.derived)} derived)"
        )

    def _repr_html_(self) -> str:
        from flopcast.html import model_html

        return model_html(self)

    def describe(self) -> Description:
        """Describe the assumptions (distribution, 90% interval, unit, source) and derived quantities.

        Returns
        -------
        Description
            Rows for the assumptions and the derived quantities; ``str()`` gives an aligned table.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.uniform(1, 3), unit="s", source="a guess")
        >>> m.describe().assumptions[0]["interval_90"]
        (1.1, 2.9)
        """
        from flopcast.describe import describe_model

        return describe_model(self)

    # ------------------------------------------------------------------ evaluation
    def point(self) -> dict[str, float]:
        """Deterministic values: each assumption at its point value (or median), derived quantities from them.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.lognormal(1, 100))
        >>> @m.derive
        ... def b(a):
        ...     return 2 * a
        >>> {k: round(v, 6) for k, v in m.point().items()}
        {'a': 10.0, 'b': 20.0}
        """
        return {n: self._point[n] for n in self._graph.order}

    def evaluate(self, values: Mapping[str, Any], keep: Iterable[str] | None = None) -> dict[str, Any]:
        """Evaluate the derived quantities on given assumption values (numbers, arrays or symbolic variables).

        Parameters
        ----------
        values : mapping
            A value (or array of draws) for every assumption; missing point assumptions take their value.
        keep : iterable of str, optional
            The quantities to return (default: all).

        Examples
        --------
        >>> import numpy as np
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.uniform(0, 1))
        >>> @m.derive
        ... def b(a):
        ...     return a - a
        >>> m.evaluate({"a": np.array([0.25, 0.5])})["b"].tolist()
        [0.0, 0.0]
        """
        graph = self._graph
        for key in values:
            if key not in graph:
                raise FlopcastValueError(self.unknown_message(key, "assumption"))
        names = graph.order if keep is None else self.check_names(keep)
        # A derived quantity given a value is fixed from outside (a what-if or a condition): the graph is cut there.
        fixed = [k for k in values if isinstance(graph.nodes[k], Derived)]
        return graph.evaluate(values, outputs=names, given=fixed)

    def replace(self, **changes: Any) -> Model:
        """Return a new model with some nodes replaced; this model is left untouched.

        Each keyword names a quantity. For an assumption, give what :meth:`assume` takes (a distribution, a
        number, ``fc.to(lo, hi)``; unit, source and note are kept; the note records the what-if) or a whole
        :class:`Assumption`. For a derived quantity, give a
        function (same unit) or a number, which fixes it at that value as an assumption.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("steps", 250, unit="step")
        >>> m2 = m.replace(steps=fc.lognormal(20, 60))
        >>> m.point()["steps"], round(m2.point()["steps"], 3)
        (250.0, 34.641)
        """
        for key in changes:
            if key not in self._graph:
                raise FlopcastValueError(self.unknown_message(key))
        nodes: list[Node] = []
        for n in self._graph.order:
            node = self._graph.nodes[n]
            if n not in changes:
                nodes.append(node)
                continue
            new = changes[n]
            if isinstance(new, Assumption | Derived):
                if new.name != n:
                    raise FlopcastValueError(f"replace({n}=...): the new node is named {new.name!r}, expected {n!r}")
                nodes.append(new)
            elif callable(new) and not isinstance(new, Distribution) and not hasattr(new, "ppf"):
                unit = node.unit
                nodes.append(Derived(n, new, unit=unit, note="what-if: replaced function", label=node.label))
            else:  # anything assume() takes, checked as there (fc.to(lo, hi) included)
                source = node.source if isinstance(node, Assumption) else f"what-if: fixed derived quantity {n!r}"
                note = (node.note + "; " if isinstance(node, Assumption) and node.note else "") + "what-if value"
                nodes.append(Assumption(n, new, unit=node.unit, source=source, note=note, label=node.label))
        for node in nodes:
            if node.name in changes:
                checks.check_replacement(self._graph.nodes[node.name], node)
        # A node whose inputs are all unchanged passed its checks on the same values here: only the replaced
        # nodes and what depends on them are checked again (a what-if on one input of a large model stays cheap).
        changed = set(changes)
        checked: dict[str, tuple[float, Any]] = {}
        for node in nodes:
            if node.name in changed or (isinstance(node, Derived) and changed.intersection(node.inputs)):
                changed.add(node.name)
            elif node.name in self._trial:
                checked[node.name] = (self._point[node.name], self._trial[node.name])
        # Derived quantities now fixed may leave inputs unused; keep them: they still describe the model.
        model = Model(self.name, description=self.description)
        model._build(nodes, checked)
        model._presentation = self._presentation
        for corr in self._correlations:
            if all(x in model.uncertain for x in corr.names):
                model._correlations = (*model._correlations, corr)
        for group in self._joint:
            # A joint group survives only while every member still has the marginal it was given.
            if all(model._graph.nodes[x] is self._graph.nodes[x] for x in group.names):
                model._joint = (*model._joint, group)
        return model

    def replace_from(self, path: Any) -> Model:
        """Return a new model with the assumptions of a TOML file (see :mod:`flopcast.assumption_files`).

        Assumptions the file does not name are kept; this model is left untouched.
        """
        from flopcast.assumption_files import replace_from

        return replace_from(self, path)

    def write_assumptions(self, path: Any) -> Any:
        """Write this model's assumptions to a TOML file; read it back with :meth:`replace_from`.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("steps", fc.lognormal(30, 250), unit="step", source="video samplers")
        >>> with tempfile.TemporaryDirectory() as d:
        ...     path = m.write_assumptions(pathlib.Path(d) / "assumptions.toml")
        ...     back = m.replace(steps=50).replace_from(path)
        >>> back["steps"].distribution == m["steps"].distribution
        True
        """
        from flopcast.assumption_files import write_assumptions

        return write_assumptions(self, path)

    @overload
    def simulate(
        self, n: int, *, seed: int | np.random.SeedSequence | None = ..., design: str = ...,
        keep: Iterable[str] | None = ..., stream: Literal[False] = ..., prob: float = ...,
        levels: Iterable[float] = ..., chunk_size: int | None = ..., engine: str | Engine | None = ...,
        workers: int | None = ..., progress: bool | None = ...,
    ) -> Result: ...  # fmt: skip

    @overload
    def simulate(
        self, n: int, *, seed: int | np.random.SeedSequence | None = ..., design: str = ...,
        keep: Iterable[str] | None = ..., stream: Literal[True], prob: float = ...,
        levels: Iterable[float] = ..., chunk_size: int | None = ..., engine: str | Engine | None = ...,
        workers: int | None = ..., progress: bool | None = ...,
    ) -> StreamedResult: ...  # fmt: skip

    @overload
    def simulate(
        self, n: int, *, seed: int | np.random.SeedSequence | None = ..., design: str = ...,
        keep: Iterable[str] | None = ..., stream: bool = ..., prob: float = ...,
        levels: Iterable[float] = ..., chunk_size: int | None = ..., engine: str | Engine | None = ...,
        workers: int | None = ..., progress: bool | None = ...,
    ) -> Result | StreamedResult: ...  # fmt: skip

    def simulate(
        self,
        n: int,
        *,
        seed: int | np.random.SeedSequence | None = None,
        design: str = "random",
        keep: Iterable[str] | None = None,
        stream: bool = False,
        prob: float = 0.9,
        levels: Iterable[float] = (),
        chunk_size: int | None = None,
        engine: str | Engine | None = None,
        workers: int | None = None,
        progress: bool | None = None,
    ) -> Result | StreamedResult:
        """Draw ``n`` joint samples of the assumptions and evaluate every derived quantity.

        Parameters
        ----------
        n : int
            Number of draws.
        seed : int or numpy.random.SeedSequence, optional
            The same seed gives bit-identical draws whatever the chunk size, engine or number of workers.
            ``None`` draws fresh entropy, recorded in the result so the run can be repeated.
        design : {"random", "lhs", "sobol"}
            Plain Monte Carlo (native samplers), Latin hypercube, or scrambled Sobol' (through inverse CDFs).
        keep : str or iterable of str, optional
            Quantities whose draws are kept, or summarized with ``stream=True`` (default: all).
        stream : bool, default False
            Keep no draws: stream exact summaries of the ``keep`` quantities (any ``n``, memory bounded by the
            chunk size) and return a :class:`~flopcast.result.StreamedResult`. ``keep="summary"`` is a
            deprecated spelling of ``stream=True``.
        prob : float, default 0.9
            For streamed runs: the mass of the intervals to compute.
        levels : iterable of float
            For streamed runs: further quantile levels to compute exactly.
        chunk_size : int, optional
            Draws evaluated at once; memory is bounded by it (default 2**16).
        engine : str or engine object, optional
            ``"local"`` (default), ``"dask"`` (the current ``dask.distributed`` client), ``LocalEngine(workers=k)``
            for a pool of processes, or ``DaskEngine(client)``.
        workers : int, optional
            Shorthand for ``engine=LocalEngine(workers=workers)``: a pool of worker processes.
        progress : bool, optional
            Show a progress bar (default: on a terminal, when the run takes more than a second).

        Returns
        -------
        Result or StreamedResult
            A :class:`~flopcast.result.Result` of the kept draws, or with ``stream=True`` a
            :class:`~flopcast.result.StreamedResult`.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.lognormal(1, 100))
        >>> res = m.simulate(10_000, seed=1)
        >>> round(float(res.quantile("a", 0.5)[0]))  # the median of lognormal(1, 100) is 10
        10
        """
        if _SIMULATOR is None:  # only when the package was bypassed: ``import flopcast`` installs it
            raise RuntimeError("flopcast's simulator is not installed; import flopcast first")
        return _SIMULATOR(self, n, seed=seed, design=design, keep=keep, stream=stream, prob=prob, levels=levels,
                          chunk_size=chunk_size, engine=engine, workers=workers, progress=progress)  # fmt: skip


#: What :meth:`Model.simulate` runs: :func:`flopcast.simulation.simulate`, handed over by ``import flopcast``.
#: The model layer never imports the engine or the results; they depend on it.
_SIMULATOR: Callable[..., Any] | None = None


def set_simulator(simulator: Callable[..., Any]) -> None:
    """Install the function :meth:`Model.simulate` runs (done once, by ``import flopcast``)."""
    global _SIMULATOR
    _SIMULATOR = simulator
