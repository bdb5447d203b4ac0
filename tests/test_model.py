"""The model graph: building, validation errors, point values, what-if replacement, description."""

import numpy as np
import pytest

import flopcast as fc


def make_chain() -> fc.Model:
    m = fc.Model("chain")
    m.assume("flop", fc.lognormal(1e20, 1e22), unit="FLOP", source="guess")
    m.assume("rate", 4e14, unit="FLOP/s/GPU", source="measured")

    @m.derive(unit="GPU*s")
    def gpu_seconds(flop, rate):
        return flop / rate

    m.assume("seconds_per_day", 86400, unit="s/day", source="definition")  # a constant carries its unit

    @m.derive(unit="GPU*day")
    def gpu_days(gpu_seconds, seconds_per_day):
        return gpu_seconds / seconds_per_day

    return m


def test_point_values_use_point_or_median():
    m = make_chain()
    point = m.point()
    assert point["flop"] == pytest.approx(1e21, rel=1e-12)  # median of lognormal(1e20, 1e22) is the geometric mean
    assert point["rate"] == 4e14
    assert point["gpu_seconds"] == pytest.approx(1e21 / 4e14, rel=1e-12)
    assert point["gpu_days"] == pytest.approx(1e21 / 4e14 / 86400, rel=1e-12)


def test_nodes_in_topological_order_and_properties():
    m = make_chain()
    assert list(m.nodes) == ["flop", "rate", "gpu_seconds", "seconds_per_day", "gpu_days"]
    assert m.uncertain == ("flop",)
    assert list(m.derived) == ["gpu_seconds", "gpu_days"]
    assert m.derived["gpu_days"].inputs == ("gpu_seconds", "seconds_per_day")
    assert "flop" in m and "nope" not in m


def test_nodes_given_in_any_order_are_sorted():
    def b(a):
        return 2 * a

    def c(b, a):
        return b + a

    m = fc.Model("unordered", [fc.Derived("c", c), fc.Derived("b", b), fc.Assumption("a", 1.0)])
    assert list(m.nodes) == ["a", "b", "c"]
    assert m.point()["c"] == 3.0


def test_unknown_input_names_node_parameter_and_fix():
    m = fc.Model("m")
    m.assume("param_scale", 30)
    with pytest.raises(ValueError, match=r"derived 'train'.*input 'param_scal'.*Did you mean 'param_scale'"):

        @m.derive
        def train(param_scal):
            return param_scal


def test_duplicate_name():
    m = fc.Model("m")
    m.assume("a", 1)
    with pytest.raises(ValueError, match="duplicate name 'a'"):
        m.assume("a", 2)
    with pytest.raises(ValueError, match="duplicate name 'a'"):
        fc.Model("m2", [fc.Assumption("a", 1), fc.Assumption("a", 2)])


def test_cycle_is_refused_when_built():
    def a(c):
        return c

    def b(a):
        return a

    def c(b):
        return b

    with pytest.raises(ValueError, match=r"cycle.*a -> c -> b -> a|cycle.*->"):
        fc.Model("cyclic", [fc.Derived("a", a), fc.Derived("b", b), fc.Derived("c", c)])
    m = fc.Model("self")
    m.assume("x", 1)
    with pytest.raises(ValueError, match="cycle"):
        m.add(fc.Derived("y", lambda y: y))


@pytest.mark.parametrize("name", ["1abc", "with space", "class", "a-b", ""])
def test_invalid_identifier(name):
    with pytest.raises(ValueError, match="not a valid Python identifier"):
        fc.Model("m").assume(name, 1)


@pytest.mark.parametrize("name", ["chain", "draw", "stat"])
def test_reserved_names(name):
    with pytest.raises(ValueError, match="reserved"):
        fc.Model("m").assume(name, 1)


def test_non_string_name_and_bad_value_types():
    m = fc.Model("m")
    with pytest.raises(TypeError, match="name must be a string"):
        m.assume(3, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'a'"):
        m.assume("a", "ten")
    with pytest.raises(TypeError, match="'b'"):
        m.assume("b", None)


def test_derived_function_that_raises_on_scalar_test():
    m = fc.Model("m")
    m.assume("x", 2.0)
    with pytest.raises(ValueError, match=r"derived 'bad'.*raised KeyError.*scalar test"):

        @m.derive
        def bad(x):
            return {}["missing"]


def test_derived_nonfinite_at_point_values():
    m = fc.Model("m")
    m.assume("x", 0.0)
    with pytest.raises(ValueError, match=r"derived 'inv'.*gives inf"):

        @m.derive
        def inv(x):
            return 1 / np.asarray(x)


def test_derived_varargs_refused():
    m = fc.Model("m")
    with pytest.raises(TypeError, match=r"\*args"):
        m.add(fc.Derived("s", lambda *xs: sum(xs)))


def test_unit_mismatch_declared_vs_computed():
    m = fc.Model("m")
    m.assume("flop", 1e21, unit="FLOP")
    m.assume("rate", 1e15, unit="FLOP/s")
    with pytest.raises(ValueError, match=r"derived 'time'.*unit mismatch.*declared 'GPU'"):

        @m.derive(unit="GPU")
        def time(flop, rate):
            return flop / rate


def test_unit_mismatch_inside_formula():
    m = fc.Model("m")
    m.assume("flop", 1e21, unit="FLOP")
    m.assume("gpus", 10, unit="GPU")
    with pytest.raises(ValueError, match=r"derived 'nonsense'.*unit mismatch inside its formula"):

        @m.derive(unit="FLOP")
        def nonsense(flop, gpus):
            return flop + gpus


def test_mac_and_flop_are_different_dimensions():
    m = fc.Model("m")
    m.assume("macs", 5e11, unit="MAC")
    with pytest.raises(ValueError, match="unit mismatch"):

        @m.derive(unit="FLOP")
        def flop(macs):
            return macs

    m.assume("flop_per_mac", 2, unit="FLOP/MAC")

    @m.derive(unit="FLOP")
    def flop_ok(macs, flop_per_mac):
        return macs * flop_per_mac

    assert m.point()["flop_ok"] == 1e12


def test_unknown_unit():
    with pytest.raises(ValueError, match=r"assumption 'a'.*unit 'parsecz'"):
        fc.Model("m").assume("a", 1, unit="parsecz")


def test_replace_returns_new_model_and_leaves_original():
    m = make_chain()
    before = m.point()
    m2 = m.replace(rate=8e14, flop=fc.lognormal(1e21, 1e21 * 4))
    assert m.point() == before
    assert m2.point()["rate"] == 8e14
    assert m2["rate"].unit == "FLOP/s/GPU" and m2["rate"].source == "measured"
    assert m2.point()["gpu_seconds"] == pytest.approx(2e21 / 8e14, rel=1e-12)
    fixed = m.replace(gpu_seconds=100.0)
    assert fixed.point()["gpu_days"] == pytest.approx(100 / 86400)
    with pytest.raises(ValueError, match="'rat'.*did you mean 'rate'"):
        m.replace(rat=1)


def test_replace_with_function():
    m = make_chain()
    m2 = m.replace(gpu_days=lambda gpu_seconds, seconds_per_day: 2 * gpu_seconds / seconds_per_day)
    assert m2.point()["gpu_days"] == pytest.approx(2 * m.point()["gpu_days"])


def test_user_inputs_not_mutated():
    nodes = [fc.Assumption("a", 1.0), fc.Derived("b", lambda a: a + 1)]
    copy = list(nodes)
    fc.Model("m", nodes)
    assert nodes == copy
    m = make_chain()
    values = {"flop": np.array([1e21, 2e21])}
    m.evaluate(values)
    assert values["flop"].tolist() == [1e21, 2e21]


def test_evaluate_same_draw_used_twice_is_zero():
    m = fc.Model("m")
    m.assume("x", fc.normal(0, 1))

    @m.derive
    def zero(x):
        return x - x

    res = m.simulate(10_000, seed=0)
    assert np.all(res["zero"] == 0.0)


def test_describe_rows_and_table():
    m = make_chain()
    d = m.describe()
    row = d.assumptions[0]
    assert row["name"] == "flop" and row["unit"] == "FLOP" and row["source"] == "guess"
    assert row["interval_90"] == pytest.approx((1e20, 1e22), rel=1e-9)
    assert d.derived[1] == {
        "name": "gpu_days",
        "label": "gpu_days",
        "unit": "GPU*day",
        "inputs": ["gpu_seconds", "seconds_per_day"],
        "point": pytest.approx(1e21 / 4e14 / 86400),
        "note": "",
    }
    text = str(d)
    assert "Assumptions" in text and "gpu_days" in text and "FLOP/s/GPU" in text
    assert row["summary"] == "lognormal, 90% in 1e20 – 1e22" and row["summary"] in text


def test_math_helpers_work_in_derived_functions():
    m = fc.Model("m")
    m.assume("x", fc.uniform(1, 3))
    m.assume("y", 2.0)

    @m.derive
    def z(x, y):
        return fc.where(x > y, fc.minimum(x, y), fc.maximum(x, y)) + fc.log(fc.exp(x)) + fc.sqrt(x * x)

    res = m.simulate(1000, seed=1)
    x = res["x"]
    expected = np.where(x > 2, np.minimum(x, 2), np.maximum(x, 2)) + 2 * x
    np.testing.assert_allclose(res["z"], expected, rtol=1e-12)


def test_correlate_validation():
    m = fc.Model("m")
    m.assume("a", fc.normal(0, 1))
    m.assume("b", fc.normal(0, 1))
    m.assume("c", fc.normal(0, 1))
    m.assume("p", 3.0)
    with pytest.raises(ValueError, match="not positive semi-definite"):
        m.correlate(["a", "b", "c"], [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    with pytest.raises(ValueError, match="symmetric"):
        m.correlate(["a", "b"], [[1, 0.5], [0.4, 1]])
    with pytest.raises(ValueError, match="diagonal"):
        m.correlate(["a", "b"], [[2, 0.5], [0.5, 2]])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        m.correlate(["a", "b"], 1.5)
    with pytest.raises(ValueError, match="'zz' is not an assumption"):
        m.correlate(["a", "zz"], 0.5)
    with pytest.raises(ValueError, match="point value"):
        m.correlate(["a", "p"], 0.5)
    m.correlate(["a", "b"], 0.5)
    with pytest.raises(ValueError, match="already in a correlated group"):
        m.correlate(["b", "c"], 0.5)


def test_with_joint_draws_keeps_rows_together_and_weights():
    m = fc.Model("m")
    m.assume("a", fc.uniform(0, 1), unit="s", source="prior")
    m.assume("b", fc.uniform(0, 1), unit="s")
    m.assume("c", fc.normal(mean=0, sd=1))

    @m.derive(unit="s")
    def diff(a, b):
        return a - b

    rng = np.random.default_rng(0)
    a = rng.random(500)
    w = np.where(a > 0.5, 3.0, 1.0)
    share = w[a > 0.5].sum() / w.sum()
    post = m.with_joint_draws({"a": a, "b": a + 1.0}, weights=w, source="posterior")
    assert m["a"].source == "prior" and post["a"].source == "posterior" and post["a"].unit == "s"
    assert post.dependent_groups == (("a", "b"),)
    for design in ("random", "lhs", "sobol"):
        res = post.simulate(40_000, seed=1, design=design)
        np.testing.assert_allclose(res["diff"], -1.0)
        # Rows are picked with their weights: binomial error of the share at 4 standard errors.
        assert np.mean(res["a"] > 0.5) == pytest.approx(share, abs=4 * np.sqrt(share * (1 - share) / 40_000))
    base = m.simulate(1000, seed=1)
    np.testing.assert_array_equal(post.simulate(1000, seed=1)["c"], base["c"])
    with pytest.raises(ValueError, match="'zz' is not an assumption"):
        m.with_joint_draws({"zz": [1.0]})
    with pytest.raises(ValueError, match="same non-zero length"):
        m.with_joint_draws({"a": [1.0, 2.0], "b": [1.0]})
    with pytest.raises(ValueError, match="NaN"):
        m.with_joint_draws({"a": [np.nan]})
    with pytest.raises(ValueError, match="already in a correlated group"):
        post.correlate(["a", "c"], 0.3)
