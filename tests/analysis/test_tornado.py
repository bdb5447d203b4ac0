"""Tornado swings: analytic on a linear model, sorting, the Dataset's shape, bad input."""

import numpy as np
import pytest
from scipy import stats

import flopcast as fc
from flopcast.analysis.sensitivity import format_sensitivity, tornado


def linear() -> fc.Model:
    m = fc.Model("linear")
    m.assume("a", fc.uniform(0, 10))
    m.assume("b", fc.normal(mean=5, sd=2))
    m.assume("c", fc.lognormal(1, 100))
    m.assume("k", 4.0)

    @m.derive
    def y(a, b, c, k):
        return 3 * a - 2 * b + 0.1 * c + k

    return m


def test_linear_model_swings_are_analytic():
    m = linear()
    ds = tornado(m, "y", low=0.1, high=0.9)
    z = stats.norm.ppf(0.9)
    c_lo, c_hi = m["c"].distribution.ppf([0.1, 0.9])
    expected = {"a": 3 * 8.0, "b": 2 * 2 * 2 * z, "c": 0.1 * (c_hi - c_lo)}
    got = dict(zip(ds["input"].values.tolist(), ds["swing"].values, strict=True))
    assert set(got) == {"a", "b", "c"}  # the point value k is left out
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-12)
    assert ds["input"].values.tolist() == sorted(expected, key=lambda n: -expected[n])
    base = 3 * 5 - 2 * 5 + 0.1 * 10 + 4
    assert float(ds["base"]) == pytest.approx(base)
    b = ds.sel(input="b")
    assert float(b["low"]) == pytest.approx(5 - 2 * z) and float(b["high"]) == pytest.approx(5 + 2 * z)
    assert float(b["output_at_low"]) == pytest.approx(base + 2 * 2 * z)  # b enters with a minus sign
    assert float(b["output_at_high"]) == pytest.approx(base - 2 * 2 * z)
    assert ds.attrs["output"] == "y" and ds.attrs["quantile_low"] == 0.1


def test_default_quantiles_and_sorted(benchmark_model):
    ds = tornado(benchmark_model, "fleet")
    assert ds.attrs["quantile_low"] == 0.05 and ds.attrs["quantile_high"] == 0.95
    swing = ds["swing"].values
    assert np.all(np.diff(swing) <= 0)
    assert len(ds["input"]) == 15
    # inputs that do not reach fleet have zero swing
    assert float(ds["swing"].sel(input="dit_train_flop")) == 0.0
    text = format_sensitivity(ds)
    assert text.splitlines()[0].startswith("fleet: one-at-a-time swings from the 0.05 to the 0.95 quantile")


def test_inputs_subset():
    ds = tornado(linear(), "y", inputs=["c", "a"])
    assert sorted(ds["input"].values.tolist()) == ["a", "c"]


def test_bad_input():
    m = linear()
    with pytest.raises(ValueError, match="'yy' is not a quantity"):
        tornado(m, "yy")
    with pytest.raises(ValueError, match="'zz' is not a assumption"):
        tornado(m, "y", inputs=["zz"])
    with pytest.raises(ValueError, match="low must be < high"):
        tornado(m, "y", low=0.9, high=0.1)
    with pytest.raises(ValueError, match="low"):
        tornado(m, "y", low=0.0)
    with pytest.raises(TypeError, match="one quantity"):
        tornado(m, ["y"])
    fixed = fc.Model("fixed")
    fixed.assume("a", 1.0)

    @fixed.derive
    def y(a):
        return a

    with pytest.raises(ValueError, match="no uncertain assumption"):
        tornado(fixed, "y")
