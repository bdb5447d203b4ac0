"""Build-time trials on arrays: a function that is not vectorized is refused when added, NaN on part of the
support warns, naming the quantity and the inputs."""

import math
import warnings

import numpy as np
import pytest
import scipy.special

import flopcast as fc
from flopcast.errors import FlopcastTypeError, FlopcastValueError, ModelWarning
from flopcast.model.checks import TRIAL_DRAWS


@pytest.fixture
def m() -> fc.Model:
    model = fc.Model("m")
    model.assume("a", fc.Normal(1.0, 1.0), unit="1")  # 16% of the support below zero
    model.assume("b", fc.uniform(2, 3))
    return model


def test_math_log_is_refused_when_added_with_the_fix(m: fc.Model):
    with pytest.raises(FlopcastTypeError, match=r"derived 'log_b': its function fails on an array of 64 draws") as e:

        @m.derive
        def log_b(b):
            return math.log(b)  # works on the point value, not on draws

    assert "use fc.log / np.log (not math.log)" in str(e.value)
    assert "log_b" not in m


def test_python_if_on_an_input_is_refused_with_fc_where(m: fc.Model):
    with pytest.raises(FlopcastTypeError, match=r"derived 'clipped'.*truth value.*fc\.where\(condition, a, b\)"):

        @m.derive
        def clipped(a):
            if a > 0:
                return a
            return 0.0 * a

    @m.derive
    def clipped_ok(a):
        return fc.where(a > 0, a, 0.0 * a)

    assert m.evaluate({"a": np.array([-1.0, 2.0])})["clipped_ok"].tolist() == [0.0, 2.0]


def test_wrong_shape_is_refused(m: fc.Model):
    with pytest.raises(FlopcastValueError, match=rf"derived 'total': returned shape \(\) for a chunk of {TRIAL_DRAWS}"):

        @m.derive
        def total(b):
            return np.sum(b)  # the sum of the draws, not one value per draw


def test_non_number_is_refused(m: fc.Model):
    with pytest.raises(FlopcastTypeError, match=r"derived 'label_of_b'.*could not convert string to float"):

        @m.derive
        def label_of_b(b):
            return np.where(np.asarray(b) > 2.5, "high", "low") if np.ndim(b) else b


def test_nan_on_part_of_the_support_warns_naming_quantity_and_inputs(m: fc.Model):
    with pytest.warns(ModelWarning, match=r"derived 'log_a' gives nan on (\d+) of 64 trial draws of its inputs") as w:

        @m.derive
        def log_a(a):
            return fc.log(a)

    message = str(w[0].message)
    assert w[0].filename == __file__  # points at the line that added the quantity
    value = float(message.split("for example a=")[1].split(")")[0])
    assert value < 0  # the input that produced it
    count = int(message.split(" of 64")[0].rsplit(" ", 1)[1])
    # P(a < 0) = Phi(-1) = 0.159: 64 draws give ~10 (binomial sd 2.9); seeded, so exactly reproducible.
    assert 2 <= count <= 20
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a quantity fed by a NaN does not warn again

        @m.derive
        def twice(log_a):
            return 2 * log_a

    assert m.point()["log_a"] == 0.0  # the point value itself is fine


def test_division_by_zero_inf_warns():
    m = fc.Model("m")
    m.assume("k", fc.Choice((0.0, 1.0), (0.3, 0.7)))  # point value (median) 1, a third of draws 0
    m.assume("x", 1.0)
    with pytest.warns(ModelWarning, match=r"derived 'ratio' gives inf on \d+ of 64.*k=0"):

        @m.derive
        def ratio(x, k):
            return x / k


def test_every_catalog_model_builds_without_a_warning():
    from flopcast.catalog import benchmark, sora, video_latency

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for build in (sora.uncertain, sora.refined, video_latency.video_latency, benchmark.benchmark_model):
            build()
        sora.article("low")
        sora.article("high")


def test_array_only_numpy_methods_pass_on_uncertain_and_fixed_inputs(m: fc.Model):
    """Point values are numpy float64 scalars in the trials and the engine, so array methods work on them."""
    m.assume("k", 7.0)
    m.derive(lambda b: b.clip(0, 2.5), name="clipped")
    m.derive(lambda b: b.astype(float) * 2, name="as_float")
    m.derive(lambda k: k.clip(0, 5), name="k_clipped")  # fixed input: a scalar at run time too
    m.derive(lambda k: k.astype(float) + 1, name="k_float")
    assert m.point()["clipped"] == 2.5 and m.point()["as_float"] == pytest.approx(2 * m.point()["b"])
    assert (m.point()["k_clipped"], m.point()["k_float"]) == (5.0, 8.0)
    res = m.simulate(1000, seed=1)
    np.testing.assert_array_equal(res["clipped"], np.minimum(res["b"], 2.5))
    np.testing.assert_array_equal(res["as_float"], 2 * res["b"])
    assert float(np.max(res["k_clipped"])) == 5.0 and float(np.min(res["k_float"])) == 8.0
    assert type(m.evaluate({"b": 2.0, "a": 1.0})["k_float"]) is float  # numbers come back as Python floats
    with pytest.raises(FlopcastTypeError, match="not math.log"):
        m.derive(lambda k, b: math.log(k * b), name="still_refused")


@pytest.mark.parametrize(
    ("function", "error", "match"),
    [
        (lambda b: b * np.random.rand(), FlopcastValueError, r"not deterministic: on the same inputs"),  # noqa: NPY002
        (lambda b: b.__imul__(2), FlopcastValueError, r"changes its input in place .*return a new value"),
        (lambda b: np.stack([b, b]), FlopcastTypeError, r"returned an array of shape \(2,\) and dtype float64"),
        (lambda b: np.array([1, 2]), FlopcastTypeError, r"returned an array of shape \(2,\) and dtype int64"),
        (lambda b: None, FlopcastTypeError, r"returned None \(a missing return statement\?\)"),
        (lambda b: "b", FlopcastTypeError, r"returned str 'b'"),
    ],
)
def test_build_errors_say_what_the_function_did(m: fc.Model, function, error, match):
    with pytest.raises(error, match=match) as e:
        m.derive(function, name="y")
    assert "compatible units of different scale" not in str(e.value) and "nan" not in str(e.value)
    assert "y" not in m


def test_in_place_change_of_array_draws_is_refused_and_undone(m: fc.Model):
    before = m.simulate(100, seed=1)["b"]

    def doubled(b):
        b *= 2  # on draws: changes b's array for every quantity that shares it
        return b

    with pytest.raises(FlopcastValueError, match=r"changes its input in place .*\(it changed b\)"):
        m.derive(doubled)
    m.derive(lambda b: b * 1.0, name="copy")  # the trial draws of b were restored
    np.testing.assert_array_equal(m.simulate(100, seed=1)["copy"], before)


def test_numpy_functions_and_float_of_an_expression_point_to_the_lazy_spelling():
    x = fc.to(1, 10)
    with pytest.raises(FlopcastTypeError, match=r"numpy's log\(\) cannot run on to\(1, 10\); use fc.log"):
        np.log(x)
    with pytest.raises(FlopcastTypeError, match=r"numpy's exp\(\) cannot run on LogNormal\(.*\); use fc.exp"):
        np.exp(fc.lognormal(1, 10))
    with pytest.raises(FlopcastTypeError, match=r"float\(to\(1, 10\) \* 2\): .*\.sample\(n, seed=\.\.\.\)"):
        float(x * 2)
    assert str(np.float64(2) * x) == "2 * to(1, 10)"  # numpy's operators still build expressions
    with pytest.raises(FlopcastValueError, match=r"derived 'y': gives inf at the point values"):
        fc.model_of(y=x / 0)


def _train_and_eval() -> fc.Model:
    """Hours and minutes whose point values take the same branch of a maximum, and 20% of draws the other."""
    m = fc.Model("w")
    m.assume("train_h", fc.lognormal(5, 500), unit="hour")
    m.assume("eval_min", fc.lognormal(1, 100), unit="minute")
    return m


@pytest.mark.parametrize(
    "function",
    [
        lambda train_h, eval_min: fc.maximum(train_h, eval_min),
        lambda train_h, eval_min: np.maximum(train_h, eval_min),
        lambda train_h, eval_min: -fc.minimum(-train_h, -eval_min),
        lambda train_h, eval_min: fc.where(train_h > eval_min, train_h, eval_min),
    ],
    ids=["fc.maximum", "np.maximum", "fc.minimum", "fc.where"],
)
def test_hours_and_minutes_mixed_on_some_draws_only_are_refused(function):
    """At the point values plain and pint results agree; on part of the draws the branch differs."""
    m = _train_and_eval()
    with pytest.raises(FlopcastValueError) as e:
        m.derive(function, name="longest", unit="hour")
    message = str(e.value)
    assert message.startswith("derived 'longest': its formula converts ")
    assert "train_h [hour], eval_min [minute]" in message and "minutes_per_hour" in message
    assert "longest" not in m


def test_a_unit_mix_taken_on_very_few_draws_is_refused_whatever_the_values():
    """The branch that mixes the scales is taken on about 0.1% of the draws: the 64 trial draws would miss it, the
    conversion pint makes between the operands does not."""
    m = fc.Model("rare")
    m.assume("train_h", fc.lognormal(40, 100), unit="hour")
    m.assume("eval_min", fc.lognormal(10, 30), unit="minute")
    with pytest.raises(FlopcastValueError, match=r"derived 'wall': its formula converts"):
        m.derive(lambda train_h, eval_min: fc.maximum(train_h, eval_min), name="wall", unit="hour")
    m.assume("minutes_per_hour", 60.0, unit="minute/hour")
    m.derive(lambda train_h, eval_min, minutes_per_hour: fc.maximum(train_h, eval_min / minutes_per_hour),
             name="wall", unit="hour")  # fmt: skip
    r = m.simulate(20_000, seed=1)
    np.testing.assert_array_equal(r["wall"], np.maximum(r["train_h"], r["eval_min"] / 60.0))


def test_a_formula_that_is_not_vectorized_gets_the_array_message_before_the_unit_message():
    """math.log and a Python `if` on a quantity with a unit fail on pint too: the array advice is the useful one."""
    m = fc.Model("m")
    m.assume("flop", fc.lognormal(1e20, 1e22), unit="FLOP")
    with pytest.raises(FlopcastTypeError, match=r"derived 'log_flop': its function fails on an array.*not math\.log"):
        m.derive(lambda flop: math.log(flop), name="log_flop")

    def big(flop):
        if flop > 1e21:
            return flop
        return 2 * flop

    with pytest.raises(FlopcastTypeError, match=r"derived 'big'.*truth value.*fc\.where\(condition, a, b\)"):
        m.derive(big, unit="FLOP")


def test_unit_conversions_on_draws_pass():
    m = _train_and_eval()
    m.assume("minutes_per_hour", 60, unit="minute/hour")
    m.derive(lambda train_h, eval_min, minutes_per_hour: fc.maximum(train_h, eval_min / minutes_per_hour),
             name="longest", unit="hour")  # fmt: skip
    m.assume("threshold", 50, unit="hour")
    m.derive(lambda train_h, threshold: fc.where(train_h > threshold, train_h, 0 * train_h), name="long_only",
             unit="hour")  # fmt: skip
    res = m.simulate(2000, seed=1)
    np.testing.assert_array_equal(res["longest"], np.maximum(res["train_h"], res["eval_min"] / 60))


def test_a_function_that_mixes_draws_is_refused():
    m = fc.Model("m")
    m.assume("x", fc.lognormal(1e20, 1e22), unit="FLOP")
    for function in (
        lambda x: 2 * x - np.mean(x),  # equals x at the point value
        lambda x: x / np.sum(x) * np.size(x),
        lambda x: np.sort(np.atleast_1d(x)).reshape(np.shape(x)),
        lambda x: (np.cumsum(x) / np.arange(1, np.size(x) + 1)).reshape(np.shape(x)),
        lambda x: np.cumsum(np.atleast_1d(x)[::-1])[::-1].reshape(np.shape(x)),  # the draws after it
        lambda x: x * np.linspace(0.5, 1.5, np.size(x)) if np.ndim(x) else x,
    ):
        with pytest.raises(FlopcastValueError) as e:
            m.derive(function, name="centered", unit="FLOP")
        message = str(e.value)
        assert message.startswith("derived 'centered': its result for one draw depends on the other draws")
        assert "each draw must be computed from its own inputs" in message
        assert "centered" not in m


def test_elementwise_functions_pass_the_draw_independence_check():
    m = fc.Model("m")
    m.assume("x", fc.lognormal(1, 100))
    m.assume("y", fc.uniform(-1, 1))
    m.assume("k", 3.0)
    m.derive(lambda x, k: np.log(x) * k + 1, name="a")
    m.derive(lambda x, y: fc.where(y > 0, x, -x), name="b")
    m.derive(lambda x: np.clip(x, 2, 50), name="c")
    m.derive(lambda x, y: fc.maximum(x, y) ** 2 / fc.sqrt(x), name="d")
    m.derive(lambda y: np.abs(y).astype(float), name="e")
    m.derive(lambda k: k * 2, name="f")  # fixed inputs only: a number, nothing to split
    m.derive(lambda x, y: np.hypot(x, y), name="g")
    res = m.simulate(5000, seed=1)
    np.testing.assert_allclose(res["d"], np.maximum(res["x"], res["y"]) ** 2 / np.sqrt(res["x"]), rtol=1e-15)


@pytest.mark.parametrize(
    "function",
    [lambda g: scipy.special.expit(g), lambda g: scipy.special.erf(g), lambda g: np.heaviside(g, 0.5),
     lambda g: np.select([g < 0, g >= 0], [-g, g])],
    ids=["expit", "erf", "heaviside", "select"],
)  # fmt: skip
def test_functions_pint_does_not_wrap_work_on_plain_inputs(function):
    m = fc.Model("m")
    m.assume("g", fc.normal(-2, 2))
    m.assume("hours", fc.uniform(1, 3), unit="hour")
    m.derive(function, name="y")
    m.derive(lambda hours, y: hours * (1 + y), name="z", unit="hour")
    r = m.simulate(1000, seed=1)
    np.testing.assert_array_equal(r["y"], function(r["g"]))
    with pytest.raises(FlopcastValueError, match=r"derived 'bad': unit mismatch inside its formula.*hours \[hour\]"):
        m.derive(lambda hours, g: hours + g, name="bad", unit="hour")


def test_a_bare_bound_on_a_quantity_with_a_unit_gets_the_fix():
    m = fc.Model("m")
    m.assume("hours", fc.uniform(0, 10), unit="hour")
    with pytest.raises(FlopcastValueError, match=r"derived 'capped'.*make it an assumption with its unit"):
        m.derive(lambda hours: hours.clip(0, 5), name="capped", unit="hour")
    m.assume("max_hours", 5.0, unit="hour")
    m.derive(lambda hours, max_hours: fc.minimum(hours, max_hours), name="capped", unit="hour")
