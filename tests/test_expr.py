"""Quick estimates: fc.to, lazy arithmetic on distributions, and expressions run as models by the engine."""

import cloudpickle
import numpy as np
import pytest
from scipy import stats

import flopcast as fc
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.stats import quantile_mcse


def test_to_is_lognormal_for_positive_bounds_and_normal_otherwise():
    ln = fc.to(10, 1000).distribution
    assert isinstance(ln, fc.LogNormal)
    assert ln.interval(0.9) == pytest.approx((10, 1000))
    nm = fc.to(-2, 4, prob=0.5).distribution
    assert isinstance(nm, fc.Normal)
    assert nm.interval(0.5) == pytest.approx((-2, 4))
    assert isinstance(fc.to(0, 4).distribution, fc.Normal)
    with pytest.raises(FlopcastValueError, match="lo must be below hi"):
        fc.to(5, 1)
    with pytest.raises(FlopcastValueError, match="prob"):
        fc.to(1, 5, prob=1.5)


def test_lognormal_product_matches_the_closed_form():
    # X ~ LN(mu1, s1), Y ~ LN(mu2, s2) independent: X * Y / 3 ~ LN(mu1 + mu2 - log 3, sqrt(s1^2 + s2^2)).
    x, y = fc.LogNormal(1.0, 0.5), fc.LogNormal(-0.5, 0.3)
    n = 200_000
    draws = (x * y / 3).sample(n, seed=7)
    exact = stats.lognorm(s=np.hypot(0.5, 0.3), scale=np.exp(0.5 - np.log(3)))
    levels = np.array([0.05, 0.5, 0.95])
    got = np.quantile(draws, levels)
    tolerance = 4 * quantile_mcse(draws, levels)  # 4 Monte Carlo standard errors of each quantile
    assert np.all(np.abs(got - exact.ppf(levels)) < tolerance)


def test_the_same_object_is_one_draw_wherever_it_appears():
    x = fc.to(1, 10)
    assert np.all((x - x).sample(10_000, seed=1) == 0.0)
    assert np.all((x / x).sample(10_000, seed=1) == 1.0)
    d = fc.lognormal(1, 10)
    assert np.all((d - d).sample(1000, seed=2) == 0.0)
    # Two equal distributions built separately are independent draws (and still compare equal as values).
    a, b = fc.lognormal(1, 10), fc.lognormal(1, 10)
    assert a == b and hash(a) == hash(b)
    diff = (a - b).sample(10_000, seed=3)
    assert np.count_nonzero(diff) == diff.size


def test_same_numbers_as_the_equivalent_model_for_the_same_seed():
    # Draws are keyed by assumption name: named inputs give the numbers of a model with those names.
    train = fc.to(1e24, 1e25, unit="FLOP", name="train")
    mfu = fc.quantity(fc.beta(mean=0.4, sd=0.08), name="mfu")
    expr = train / (989e12 * mfu) / 86400
    em = fc.model_of(gpu_days=expr, units={"gpu_days": "FLOP"})

    m = fc.Model("by hand")
    m.assume("train", fc.lognormal(1e24, 1e25), unit="FLOP")
    m.assume("mfu", fc.beta(mean=0.4, sd=0.08))

    @m.derive(unit="FLOP")
    def gpu_days(train, mfu):
        return train / (989e12 * mfu) / 86400

    for design in ("random", "lhs", "sobol"):
        got = em.simulate(4096, seed=11, design=design)
        want = m.simulate(4096, seed=11, design=design)
        for name in ("train", "mfu", "gpu_days"):
            np.testing.assert_array_equal(got[name], want[name])
    # The quick-estimate methods run the same engine: same seed, same numbers.
    np.testing.assert_array_equal(expr.sample(4096, seed=11), em.simulate(4096, seed=11)["gpu_days"])


def test_summary_quantile_and_interval_of_an_expression():
    x = fc.LogNormal(0.0, 0.5)
    e = 2 * x
    row = e.summary(50_000, seed=1).loc["value"]
    assert list(row.index) == ["unit", "median", "eti_lower", "eti_upper", "mean"]
    draws = e.sample(50_000, seed=1)
    assert row["median"] == np.median(draws)
    assert e.interval(0.9, 50_000, seed=1) == pytest.approx(tuple(np.quantile(draws, [0.05, 0.95])))
    assert e.quantile([0.25], 50_000, seed=1)[0] == pytest.approx(np.quantile(draws, 0.25))
    assert e.mean(50_000, seed=1) == pytest.approx(np.mean(draws))


def test_math_helpers_and_comparisons_build_expressions():
    x = fc.uniform(0, 2)
    e = fc.where(x > 1, fc.log(fc.exp(x)), -x) + fc.minimum(x, 0.5) - fc.maximum(x, 1.5) + fc.sqrt(x * x)
    res = fc.model_of(x=x, e=e).simulate(5000, seed=4)
    xs = res["x"]
    want = np.where(xs > 1, xs, -xs) + np.minimum(xs, 0.5) - np.maximum(xs, 1.5) + np.abs(xs)
    np.testing.assert_allclose(res["e"], want, rtol=1e-12, atol=1e-12)
    assert str(abs(-x) ** 2) == "abs(-Uniform(lower=0, upper=2)) ** 2"
    assert str(fc.to(1, 2) - (fc.to(3, 4) - 1)) == "to(1, 2) - (to(3, 4) - 1)"


def test_named_parts_become_derived_quantities_and_units_are_inferred_or_checked():
    train = fc.to(1e24, 1e25, unit="FLOP", source="a guess")
    rate = fc.quantity(4e14, unit="FLOP/s/GPU")
    gpu_s = train / rate
    per_day = fc.quantity(86400, unit="s/day")
    m = fc.model_of(gpu_s=gpu_s, gpu_days=gpu_s / per_day, units={"gpu_days": "GPU*day"}, rate=rate, train=train)
    assert m["gpu_s"].unit == "GPU * second"
    assert m["gpu_days"].inputs == ("gpu_s", "quantity_1")
    assert m["train"].source == "a guess"
    assert m.point()["gpu_days"] == pytest.approx(m.point()["train"] / 4e14 / 86400)
    with pytest.raises(FlopcastValueError, match="unit mismatch"):
        fc.model_of(bad=train + rate)
    with pytest.raises(FlopcastValueError, match="declared 'FLOP'"):
        fc.model_of(bad=gpu_s, units={"bad": "FLOP"})
    with pytest.raises(FlopcastValueError, match="units names 'nope'"):
        fc.model_of(ok=gpu_s, units={"nope": "s"})


def test_mixing_expressions_and_models():
    m = fc.Model("base")
    m.assume("a", fc.lognormal(1, 10), unit="s")
    m.assume("b", fc.uniform(1, 2))

    @m.derive(unit="s")
    def c(a, b):
        return a * b

    extra = fc.to(2, 3)
    bigger = fc.model_of(d=fc.ref("c") * extra + fc.ref("a"), base=m)
    assert set(m.nodes) == {"a", "b", "c"}  # the base model is left untouched
    res = bigger.simulate(10_000, seed=5)
    np.testing.assert_allclose(res["d"], res["c"] * res["lognormal_1"] + res["a"], rtol=1e-14)
    assert bigger["d"].unit == "second"
    base = m.simulate(10_000, seed=5)
    np.testing.assert_array_equal(res["c"], base["c"])  # common random numbers with the base model
    # Sensitivity runs on the model of an expression.
    st = fc.sobol(bigger, "d", n=2**10, seed=1)
    assert st is not None
    with pytest.raises(FlopcastValueError, match="fc.ref\\('zz'\\) is not a quantity of model 'base'"):
        fc.model_of(e=fc.ref("zz") * 2, base=m)
    with pytest.raises(FlopcastValueError, match="no base model"):
        fc.model_of(e=fc.ref("a") * 2)


@pytest.mark.parametrize("bad", ["3", [1, 2], np.array([1.0, 2.0]), None, True, fc.Model("m")])
def test_bad_operands_raise_a_clear_type_error(bad):
    x = fc.to(1, 10)
    with pytest.raises(FlopcastTypeError, match="cannot use .* as an operand of '\\*'"):
        x * bad
    with pytest.raises(FlopcastTypeError, match="operand of '\\+'"):
        bad + fc.lognormal(1, 10)


def test_expressions_have_no_truth_value_and_names_are_checked():
    x = fc.to(1, 10)
    with pytest.raises(FlopcastTypeError, match="no truth value"):
        bool(x > 2)
    with pytest.raises(FlopcastValueError, match="name the same expression"):
        fc.model_of(a=x, b=x)
    with pytest.raises(FlopcastValueError, match="at least one"):
        fc.model_of()
    with pytest.raises(FlopcastValueError, match="not a valid Python identifier"):
        fc.model_of(**{"a b": x})
    with pytest.raises(FlopcastValueError, match="two quantities are named 'k'"):
        fc.model_of(s=fc.to(1, 2, name="k") + fc.to(2, 3, name="k"))
    with pytest.raises(FlopcastValueError, match="NaN"):
        x + float("nan")


def test_models_of_expressions_pickle_and_run_on_worker_processes():
    x = fc.to(1, 10)
    m = fc.model_of(y=fc.log(x) * x - x)
    m2 = cloudpickle.loads(cloudpickle.dumps(m))  # how the engine ships models to workers
    np.testing.assert_array_equal(m2.simulate(2000, seed=1)["y"], m.simulate(2000, seed=1)["y"])
    pooled = m.simulate(40_000, seed=3, chunk_size=10_000, workers=2)
    np.testing.assert_array_equal(pooled["y"], m.simulate(40_000, seed=3)["y"])


def test_distribution_arithmetic_keeps_scipy_parity():
    d = fc.lognormal(1, 10)
    frozen = stats.lognorm(s=d.sigma, scale=np.exp(d.mu))
    u = np.linspace(0.01, 0.99, 7)
    np.testing.assert_allclose(d.ppf(u), frozen.ppf(u), rtol=1e-12)
    assert (np.float64(2.0) * d).args[0] == 2.0  # numpy scalars defer to the distribution's operators


def test_equality_with_a_number_builds_a_per_draw_expression():
    c = fc.choice([1, 2, 3], [1 / 3] * 3)
    flag = fc.where(c == 2, 100, 0)
    assert isinstance(flag, fc.Expr)
    n = 100_000
    draws = flag.sample(n, seed=1)
    assert set(np.unique(draws).tolist()) == {0.0, 100.0}
    p = float(np.mean(draws == 100))
    # Monte Carlo tolerance: 5 standard errors of a proportion 1/3 on 100,000 draws (sqrt(2/9/n) = 0.0015).
    assert abs(p - 1 / 3) < 5 * np.sqrt((1 / 3) * (2 / 3) / n)
    m = fc.model_of(flag=flag)
    assert list(m.assumptions) == ["choice_1"] and list(m.derived) == ["flag"]
    other = (c != 2).sample(n, seed=1)
    np.testing.assert_array_equal(other, 1.0 - draws / 100)
    assert str(c != 2).endswith("!= 2")
    # Expressions compare per draw too, and stay hashable by identity (model_of keys them by id()).
    x, y = fc.to(1, 10), fc.to(1, 10)
    assert isinstance(x == y, fc.Expr) and isinstance(x != 3, fc.Expr)
    assert len({x, y}) == 2 and hash(x) == hash(x)
    assert float((x == x).sample(10, seed=1).min()) == 1.0
    assert float((x == y).sample(1000, seed=1).max()) == 0.0
    # numpy scalars and 0-d arrays on the left hand the comparison to the distribution.
    assert isinstance(np.float64(2) == c, fc.Expr)


def test_two_distributions_still_compare_by_parameters():
    a, b = fc.lognormal(1, 10), fc.lognormal(1, 10)
    assert (a == b) is True and (a != b) is False and hash(a) == hash(b)
    assert (a == fc.lognormal(1, 20)) is False and (a != fc.normal(0, 1)) is True
    assert len({a, b, fc.uniform(0, 1)}) == 2  # distributions stay usable as dict keys and in caches
    assert a != "lognormal" and a not in [None, "x", 3.5j]
    with pytest.raises(FlopcastTypeError, match="d1 - d2 == 0"):
        fc.model_of(flag=a == b)
    with pytest.raises(FlopcastTypeError, match="plain truth value"):
        fc.where(a == b, fc.to(1, 2), 0)
    with pytest.raises(FlopcastTypeError, match=r"flag=array\(100\) is a numpy array, such as fc.where"):
        fc.model_of(flag=fc.where(a == b, 100, 0))


def test_a_named_number_is_a_fixed_assumption():
    m = fc.model_of(a=3, b=np.float64(2.5), total=fc.to(1, 2) + 1)
    assert m["a"].distribution == fc.Model("x").assume("a", 3).distribution
    assert not m["a"].is_uncertain and m.point()["a"] == 3.0 and m.point()["b"] == 2.5
    assert list(m.assumptions)[:2] == ["a", "b"]


def test_a_bare_conversion_factor_next_to_a_quantity_with_units_is_refused():
    train = fc.to(1e24, 1e25, unit="FLOP")
    peak = fc.quantity(989e12, unit="FLOP/s/GPU")
    mfu = fc.to(0.3, 0.5)
    bare = train / (peak * mfu) / 86400  # GPU-seconds / 86400 would be inferred as GPU*second: 86,400x off
    for units in ({}, {"gpu_days": "GPU*day"}, {"gpu_days": "GPU*s"}):
        with pytest.raises(FlopcastValueError, match=r'bare number 86400 .*fc.quantity\(86400, unit="second/day"\)'):
            fc.model_of(gpu_days=bare, units=units)
    with pytest.raises(FlopcastValueError, match=r'fc.quantity\(3600, unit="second/hour"\)'):
        fc.model_of(gpu_s=3600 * fc.to(1, 2, unit="GPU*hour"))
    with pytest.raises(FlopcastValueError, match=r'fc.quantity\(1e\+15, unit="FLOP/petaFLOP"\)'):
        fc.model_of(pflop=train / 1e15)
    # The same estimate with the constant as a quantity infers GPU*day with the right value.
    m = fc.model_of(gpu_days=train / (peak * mfu) / fc.quantity(86400, unit="s/day"))
    assert m["gpu_days"].unit == "GPU * day"
    point = m.point()
    assert point["gpu_days"] == pytest.approx(point["lognormal_1"] / (989e12 * point["lognormal_2"]) / 86400)
    # Numbers that are not conversions, numbers next to unitless quantities and counts given as quantities pass.
    assert fc.model_of(y=6 * train)["y"].unit == "FLOP"
    assert fc.model_of(y=fc.to(1, 2) / 86400)["y"].unit == "1"
    assert fc.model_of(y=train / fc.quantity(1000))["y"].unit == "FLOP"
    assert fc.model_of(y=fc.to(1, 2, unit="GPU") * 24)["y"].unit == "GPU"  # no time dimension: a count


def test_a_ratio_of_two_units_of_time_keeps_its_unit_in_a_quick_estimate():
    m = fc.model_of(r=fc.to(30, 300, unit="minute") / fc.to(1, 10, unit="hour"))
    assert m["r"].unit == "minute / hour"
    assert m.point()["r"] == pytest.approx(30.0)  # minutes per hour, as the draws are
    assert fc.model_of(q=fc.to(30, 300, unit="minute") / fc.to(1, 10, unit="minute"))["q"].unit == "1"
