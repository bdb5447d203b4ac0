"""The model: building, ordering, point values, what-if replacement, evaluation."""

import warnings

import numpy as np
import pytest
from scipy import stats

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


def test_replace_and_assume_take_an_interval_from_fc_to():
    m = make_chain()
    interval = fc.to(4e14, 8e14, unit="FLOP/s/GPU")
    m2 = m.replace(rate=interval)
    ref = stats.lognorm(s=np.log(2) / (2 * stats.norm.ppf(0.95)), scale=np.sqrt(4e14 * 8e14))
    assert m2["rate"].distribution.ppf(0.05) == pytest.approx(ref.ppf(0.05), rel=1e-9)
    assert m2["rate"].distribution.ppf(0.95) == pytest.approx(8e14, rel=1e-9)
    assert m2["rate"].unit == "FLOP/s/GPU" and m2["rate"].source == "measured"
    assert m2.point()["gpu_seconds"] == pytest.approx(1e21 / ref.median(), rel=1e-9)
    assert m["rate"].distribution == fc.point(4e14) and interval.unit == "FLOP/s/GPU"  # nothing mutated
    m.assume("mfu", fc.to(0.3, 0.5))
    assert m["mfu"].distribution.ppf(0.95) == pytest.approx(0.5, rel=1e-9)
    # the same checks as assume: a different unit, an expression of several quantities
    with pytest.raises(fc.errors.FlopcastValueError, match="assumption 'rate'.*carries unit 'GPU'.*'FLOP/s/GPU'"):
        m.replace(rate=fc.to(1, 2, unit="GPU"))
    with pytest.raises(fc.errors.FlopcastTypeError, match=r"assumption .rate.*to\(1, 2\) \* 2.*not one"):
        m.replace(rate=fc.to(1, 2) * 2)
    with pytest.raises(fc.errors.FlopcastTypeError, match="assumption 'y'.*not one distribution"):
        m.assume("y", fc.to(1, 2) + fc.to(1, 2))


def test_replace_warns_on_a_value_outside_the_range_it_replaces():
    m = fc.Model("m")
    m.assume("mfu", fc.beta(mean=0.4, sd=0.08), source="large runs")
    m.assume("flop", fc.lognormal(1e24, 1e25), unit="FLOP")
    lo, hi = stats.beta(*_beta_shapes(0.4, 0.08)).ppf([0.05, 0.95])
    message = r"replace\(mfu=...\): assumption 'mfu' becomes 60, far outside the range 0 – 1 .*"
    message += rf"beta, 90% in {lo:.3f} – {hi:.3f}"
    with pytest.warns(fc.errors.ModelWarning, match=message):
        m2 = m.replace(mfu=60)
    assert m2.point()["mfu"] == 60.0  # used as given
    with pytest.warns(fc.errors.ModelWarning, match="'mfu' becomes lognormal, 90% in 30 – 60, far outside the range"):
        m.replace(mfu=fc.to(30, 60))
    with pytest.warns(fc.errors.ModelWarning, match="'flop' becomes -1, far outside the range 0 – inf"):
        m.replace(flop=-1)
    m.assume("share", fc.uniform(0.3, 0.5))
    with pytest.warns(fc.errors.ModelWarning, match="'share' becomes 6, far outside the range 0.3 – 0.5"):
        m.replace(share=6)  # more than 10 times the largest value it replaces
    with pytest.warns(fc.errors.ModelWarning, match="'share' becomes 0.02, far outside the range 0.3 – 0.5"):
        m.replace(share=0.02)  # less than a tenth of the smallest
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.replace(mfu=0.6, flop=fc.to(1e23, 1e26))  # inside the ranges: quiet
        m.replace(share=0.6).replace(share=0)  # a few times beyond the range, or 0: what what-ifs are for
        m.replace(share=4.9, flop=fc.to(1e20, 1e27))
        m.replace(mfu=0.6).replace(mfu=60)  # a fixed value has no range to leave


def _beta_shapes(mean: float, sd: float) -> tuple[float, float]:
    common = mean * (1 - mean) / sd**2 - 1
    return mean * common, (1 - mean) * common


def test_replace_with_function():
    m = make_chain()
    m2 = m.replace(gpu_days=lambda gpu_seconds, seconds_per_day: 2 * gpu_seconds / seconds_per_day)
    assert m2.point()["gpu_days"] == pytest.approx(2 * m.point()["gpu_days"])


def test_replace_checks_again_only_what_the_replacement_changes():
    calls = {"b": 0, "c": 0}

    def b(a):
        calls["b"] += 1
        return np.log(a)

    def c(x):
        calls["c"] += 1
        return 2 * x

    m = fc.Model("m")
    m.assume("a", fc.uniform(1, 2))
    m.assume("x", 3.0)
    m.derive(b)
    m.derive(c)
    before = dict(calls)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m2 = m.replace(a=fc.uniform(-1, 2))  # b now sees negative inputs: checked again, and warned about
    assert calls["c"] == before["c"]  # c does not depend on a: its checks stand
    assert calls["b"] > before["b"]
    assert any("derived 'b'" in str(w.message) for w in caught), [str(w.message) for w in caught]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh = fc.Model("m", [m2["a"], m2["x"], m2["b"], m2["c"]])
    assert m2.point() == pytest.approx(fresh.point())
    r2, rf = m2.simulate(2000, seed=4, keep=["a", "c"]), fresh.simulate(2000, seed=4, keep=["a", "c"])
    np.testing.assert_array_equal(r2["c"], rf["c"])


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
