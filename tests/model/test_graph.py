"""The graph: topological order, ancestors with a cut, and the one evaluator."""

import pickle
import weakref

import numpy as np
import pytest

import flopcast as fc
from flopcast.errors import FlopcastValueError
from flopcast.model import Graph


def chain() -> Graph:
    """a -> b -> c, and d from a alone; given in reverse order to check the sort."""
    return Graph(
        [
            fc.Derived("d", lambda a: a + 100),
            fc.Derived("c", lambda b: b * 10),
            fc.Derived("b", lambda a: a + 1),
            fc.Assumption("a", fc.uniform(0, 2)),
        ],
        owner="model 'chain'",
    )


def test_order_puts_inputs_first():
    g = chain()
    assert g.order.index("a") < g.order.index("b") < g.order.index("c")
    assert g.order.index("a") < g.order.index("d")


def test_cycle_and_unknown_input_are_refused_with_names():
    with pytest.raises(
        FlopcastValueError, match=r"model 'm': cycle among derived quantities: (x -> y -> x|y -> x -> y)"
    ):
        Graph([fc.Derived("x", lambda y: y), fc.Derived("y", lambda x: x)], owner="model 'm'")
    with pytest.raises(FlopcastValueError, match=r"input 'aa' .* Did you mean 'a'\?"):
        Graph([fc.Assumption("a", 1.0), fc.Derived("b", lambda aa: aa)])
    with pytest.raises(FlopcastValueError, match="b -> b"):
        Graph([fc.Assumption("a", 1.0)]).with_node(fc.Derived("b", lambda b: b))


def test_ancestors_and_cut():
    g = chain()
    assert g.ancestors(["c"]) == ["a", "b", "c"]
    assert g.ancestors(["c"], given=["b"]) == ["b", "c"]
    assert g.ancestors(["d", "b"]) == [n for n in g.order if n in "abd"]
    assert g.descendants(["b"]) == {"b", "c"}


def test_evaluate_uses_point_values_and_computes_only_ancestors():
    calls = []

    def b(a):
        calls.append("b")
        return a + 1

    def c(a):
        calls.append("c")
        return a * 3

    g = Graph([fc.Assumption("a", fc.uniform(0, 2)), fc.Derived("b", b), fc.Derived("c", c)])
    assert g.evaluate({}, outputs=["b"]) == {"b": 2.0}  # the point value of uniform(0, 2) is its median, 1
    assert calls == ["b"]
    assert g.evaluate({"a": 4.0}, outputs=["c", "a"]) == {"c": 12.0, "a": 4.0}
    assert calls == ["b", "c"]


def test_given_cuts_the_graph_and_overrides_derived_values():
    g = chain()
    out = g.evaluate({"b": np.array([5.0, 6.0])}, outputs=["c"], given=["b"])
    np.testing.assert_array_equal(out["c"], [50.0, 60.0])
    # Without the cut, b is recomputed from a, whatever values hold for it.
    assert g.evaluate({"a": 1.0, "b": 99.0}, outputs=["c"]) == {"c": 20.0}


def test_elementwise_check_and_scalars_when_n_is_given():
    g = Graph(
        [
            fc.Assumption("a", fc.uniform(0, 1)),
            fc.Assumption("k", 2.0),
            fc.Derived("twice_k", lambda k: np.float32(2 * k)),
            fc.Derived("total", lambda a: a.sum()),
            fc.Derived("y", lambda a, k: a * k),
        ]
    )
    out = g.evaluate({"a": np.arange(3.0)}, outputs=["y", "twice_k"], n=3)
    assert type(out["twice_k"]) is float and out["twice_k"] == 4.0
    assert out["y"].dtype == np.float64 and out["y"].tolist() == [0.0, 2.0, 4.0]
    with pytest.raises(FlopcastValueError, match=r"derived 'total': returned shape \(\) for a chunk of 3 draws"):
        g.evaluate({"a": np.arange(3.0)}, outputs=["total"], n=3)
    assert g.evaluate({"a": np.arange(3.0)}, outputs=["total"]) == {"total": 3.0}  # no check without n


def test_intermediates_are_freed_once_nothing_needs_them():
    refs = {}

    def b(a):
        out = a + 1
        refs["b"] = weakref.ref(out)
        return out

    def d(c):
        refs["b_alive_at_d"] = refs["b"]() is not None
        return c + 1

    g = Graph([fc.Assumption("a", 1.0), fc.Derived("b", b), fc.Derived("c", lambda b: b * 2), fc.Derived("d", d)])
    out = g.evaluate({"a": np.ones(4)}, outputs=["d"], n=4)
    assert refs["b_alive_at_d"] is False
    assert out["d"].tolist() == [5.0] * 4
    out = g.evaluate({"a": np.ones(4)}, outputs=["d", "b"], n=4)  # a kept output is never dropped
    assert out["b"].tolist() == [2.0] * 4


def _double(a):
    return 2 * a


def test_graph_pickles_and_with_node_leaves_the_original_alone():
    g = Graph([fc.Assumption("a", 3.0)])
    g2 = g.with_node(fc.Derived("double", _double))
    assert "double" not in g and "double" in g2
    g3 = pickle.loads(pickle.dumps(g2))
    assert g3.order == ("a", "double") and g3.evaluate({}, outputs=["double"]) == {"double": 6.0}


def _too_big(a):
    if np.any(a > 2):
        raise ValueError("too big")
    return a


def test_an_error_of_a_derived_function_keeps_its_type_and_names_the_quantity():
    """The user's error is theirs (same type and message), with a note saying which quantity raised it."""
    g = Graph([fc.Assumption("a", 1.0), fc.Derived("y", _too_big)], owner="model 'rare'")
    with pytest.raises(ValueError, match="too big") as info:
        g.evaluate({"a": np.arange(4.0)}, outputs=["y"], n=4)
    assert str(info.value) == "too big"
    assert info.value.__notes__ == [
        "flopcast: raised by the function of derived quantity 'y' of model 'rare', on a piece of 4 draws"
    ]
