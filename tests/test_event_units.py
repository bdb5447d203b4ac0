"""Events on a result compare quantities in one unit: the draws are plain numbers, each in its declared unit."""

import numpy as np
import pytest

import flopcast as fc
from flopcast.errors import FlopcastValueError


@pytest.fixture(scope="module")
def res() -> fc.Result:
    m = fc.Model("w")
    m.assume("train_h", fc.lognormal(5, 500), unit="hour")
    m.assume("eval_min", fc.lognormal(1, 100), unit="minute")
    m.assume("other_h", fc.lognormal(1, 100), unit="hour")
    m.assume("gpus", fc.lognormal(1e3, 1e5), unit="GPU")
    m.assume("flop", fc.lognormal(1e20, 1e22), unit="FLOP")
    m.assume("flop_rate", fc.lognormal(1e15, 1e16), unit="FLOP/s")
    m.assume("share", fc.uniform(0, 1))
    m.assume("share_percent", fc.uniform(0, 100), unit="percent")
    return m.simulate(20_000, seed=1)


@pytest.mark.parametrize(
    "event",
    ["eval_min > train_h", "train_h < eval_min", "eval_min - train_h > 0", "train_h + eval_min > 100",
     "2 * eval_min > train_h", "eval_min / 60 > train_h"],
)  # fmt: skip
def test_quantities_in_minutes_and_hours_are_not_compared_as_plain_numbers(res, event):
    """0.2 of the draws had a minute count above an hour count: numbers that mean different things."""
    with pytest.raises(FlopcastValueError) as e:
        res.prob(event)
    message = str(e.value)
    assert message.startswith(f"event {event!r}: ")
    assert "[minute]" in message and "[hour]" in message
    assert "units of different scale (1 minute = 1/60 hour)" in message or "(1 hour = 60 minute)" in message


def test_the_message_shows_a_conversion_that_works(res):
    with pytest.raises(FlopcastValueError) as e:
        res.prob("eval_min > train_h")
    message = str(e.value)
    assert "compares eval_min [minute] with train_h [hour]" in message
    assert "lambda r: r['eval_min'] / 60 > r['train_h']" in message
    p = res.prob(lambda r: r["eval_min"] / 60 > r["train_h"])  # the conversion, in a function of the result
    expected = np.mean(res["eval_min"] / 60 > res["train_h"])
    assert float(p) == pytest.approx(expected) and float(p) < 0.01


def test_different_dimensions_are_refused(res):
    with pytest.raises(FlopcastValueError, match=r"compares flop \[FLOP\] with gpus \[GPU\], units of different dim"):
        res.prob("flop > gpus")
    with pytest.raises(FlopcastValueError, match=r"adds flop \[FLOP\] and gpus \[GPU\]"):
        res.prob(fc.ref("flop") + fc.ref("gpus") > 1)
    with pytest.raises(FlopcastValueError, match=r"compares share_percent \[percent\] with share \[1\]"):
        res.prob("share_percent > share")


def test_same_units_numbers_and_combined_units_still_work(res):
    assert float(res.prob("train_h > other_h")) == pytest.approx(np.mean(res["train_h"] > res["other_h"]))
    assert float(res.prob("gpus > 1e4")) == pytest.approx(np.mean(res["gpus"] > 1e4))
    assert float(res.prob("share < 0.3 and share_percent > 50")) == pytest.approx(
        np.mean((res["share"] < 0.3) & (res["share_percent"] > 50))
    )
    # FLOP / (FLOP/s) is seconds: compared with a number of seconds, and a ratio of one unit is a plain number
    assert float(res.prob("flop / flop_rate > 1e6")) == pytest.approx(np.mean(res["flop"] / res["flop_rate"] > 1e6))
    assert float(res.prob("train_h / other_h > 2")) == pytest.approx(np.mean(res["train_h"] / res["other_h"] > 2))
    assert float(res.prob("log(flop) > 50 and sqrt(train_h * other_h) > 10")) >= 0
    assert float(res.prob(fc.ref("train_h") > 2 * fc.ref("other_h"))) == pytest.approx(
        np.mean(res["train_h"] > 2 * res["other_h"])
    )


def test_a_choice_between_quantities_needs_one_unit_but_not_its_condition(res):
    choice = fc.where(fc.ref("share") > 0.5, fc.ref("train_h"), fc.ref("other_h"))
    assert 0 < float(res.prob(choice > 50)) < 1
    with pytest.raises(FlopcastValueError, match=r"chooses between train_h \[hour\] and eval_min \[minute\]"):
        res.prob(fc.where(fc.ref("share") > 0.5, fc.ref("train_h"), fc.ref("eval_min")) > 50)
    with pytest.raises(FlopcastValueError, match=r"takes the maximum of train_h \[hour\] and eval_min \[minute\]"):
        res.prob(fc.maximum(fc.ref("train_h"), fc.ref("eval_min")) > 50)


@pytest.mark.parametrize(
    "event",
    ["log(eval_min) > log(train_h)", "exp(eval_min / 1000) > exp(train_h / 10)", "log(eval_min) - log(train_h) > 0",
     "log(eval_min) > train_h"],
)  # fmt: skip
def test_log_and_exp_of_quantities_in_different_units_are_not_compared(event):
    m = fc.Model("w")
    m.assume("train_h", fc.lognormal(5, 500), unit="hour")
    m.assume("eval_min", fc.lognormal(1, 100), unit="minute")
    r = m.simulate(500, seed=1)
    with pytest.raises(FlopcastValueError, match=r"depends on the unit it is written in"):
        r.prob(event)
    assert 0 < r.prob("log(eval_min) > 0").value < 1  # a log against a bare number: in the quantity's own unit


def test_log_of_a_ratio_in_one_unit_is_a_plain_number():
    m = fc.Model("w")
    m.assume("a", fc.uniform(1, 2), unit="hour")
    m.assume("b", fc.uniform(1, 2), unit="hour")
    r = m.simulate(2000, seed=1)
    assert r.prob("log(a / b) > 0").value == pytest.approx(np.mean(np.log(r["a"] / r["b"]) > 0))
