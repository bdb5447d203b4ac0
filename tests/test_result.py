"""Results: summaries against analytic values, the ArviZ DataTree, netCDF export and comparisons."""

import numpy as np
import pytest
import xarray as xr
from scipy import optimize, stats

import flopcast as fc
from flopcast.stats import quantile_mcse


@pytest.fixture(scope="module")
def lognormal_result():
    m = fc.Model("ln")
    m.assume("x", fc.LogNormal(0.0, 0.5), unit="FLOP", source="analytic")

    @m.derive(unit="FLOP")
    def double(x):
        return 2 * x

    return m.simulate(400_000, seed=21)


def test_summary_matches_analytic_lognormal(lognormal_result):
    table = lognormal_result.summary(prob=0.9)
    exact = stats.lognorm(s=0.5)
    row = table.loc["x"]
    assert row["unit"] == "FLOP" and row["point"] == pytest.approx(1.0)
    for col, q in [("median", 0.5), ("eti_lower", 0.05), ("eti_upper", 0.95)]:
        assert abs(row[col] - exact.ppf(q)) < 4 * row["mcse_" + ("median" if col == "median" else col)]
    assert row["mean"] == pytest.approx(exact.mean(), rel=4 * exact.std() / exact.mean() / np.sqrt(400_000))
    assert row["sd"] == pytest.approx(exact.std(), rel=0.01)

    # Analytic HDI: the interval [a, b] with F(b) - F(a) = 0.9 and equal densities at both ends.
    def gap(a):
        b = exact.ppf(exact.cdf(a) + 0.9)
        return exact.pdf(a) - exact.pdf(b)

    a = optimize.brentq(gap, 1e-6, exact.ppf(0.0999))
    b = exact.ppf(exact.cdf(a) + 0.9)
    assert abs(row["hdi_lower"] - a) < 5 * row["mcse_hdi_lower"]
    assert abs(row["hdi_upper"] - b) < 5 * row["mcse_hdi_upper"]
    assert row["hdi_upper"] - row["hdi_lower"] < row["eti_upper"] - row["eti_lower"]


def test_mcse_matches_asymptotic_formula(lognormal_result):
    x = lognormal_result["x"]
    exact = stats.lognorm(s=0.5)
    for q in (0.05, 0.5, 0.95):
        asymptotic = np.sqrt(q * (1 - q) / x.size) / exact.pdf(exact.ppf(q))
        # The estimate is a difference of order statistics 2 z sqrt(n q (1-q)) ranks apart (z = 2): its relative
        # error is about one over the square root of that span; allow 4 of those.
        span = 4 * np.sqrt(x.size * q * (1 - q))
        assert quantile_mcse(x, q)[0] == pytest.approx(asymptotic, rel=4 / np.sqrt(span))


def test_summary_other_prob_and_selection(lognormal_result):
    table = lognormal_result.summary(prob=0.5, quantities=["double"])
    assert list(table.index) == ["double"]
    assert table.attrs["prob"] == 0.5
    assert table.loc["double", "eti_lower"] == pytest.approx(2 * stats.lognorm(s=0.5).ppf(0.25), rel=0.01)


@pytest.mark.parametrize("prob", [0, 1, 1.5, -0.1, float("nan")])
def test_summary_bad_prob(lognormal_result, prob):
    with pytest.raises(ValueError, match="prob"):
        lognormal_result.summary(prob=prob)


def test_datatree_layout(lognormal_result):
    tree = lognormal_result.data
    assert isinstance(tree, xr.DataTree)
    prior = tree["prior"]
    assert prior["x"].dims == ("chain", "draw")
    assert prior["x"].shape == (1, 400_000)
    assert prior["x"].attrs["unit"] == "FLOP" and prior["x"].attrs["source"] == "analytic"
    assert prior["double"].attrs["kind"] == "derived"
    assert prior["double"].attrs["source"] == "computed by double(x)"
    assert tree.attrs["model"] == "ln" and tree.attrs["n"] == 400_000
    np.testing.assert_array_equal(prior["double"].values[0], lognormal_result["double"])


def test_to_netcdf_round_trip(tmp_path, lognormal_result):
    path = tmp_path / "draws.nc"
    lognormal_result.to_netcdf(path)
    back = xr.open_datatree(path, engine="h5netcdf")
    np.testing.assert_array_equal(back["prior"]["x"].values[0], lognormal_result["x"])
    assert back["prior"]["x"].attrs["unit"] == "FLOP"
    back.close()


def test_draws_are_read_only(lognormal_result):
    with pytest.raises(ValueError):
        lognormal_result["x"][0] = 1.0


def test_compare_uses_common_random_numbers():
    m = fc.Model("m")
    m.assume("steps", fc.lognormal(30, 250), unit="step")
    m.assume("cost", fc.lognormal(1, 2), unit="s/step")

    @m.derive(unit="s")
    def latency(steps, cost):
        return steps * cost

    cmp = fc.compare({"base": m, "half": m.replace(cost=fc.lognormal(0.5, 1))}, n=5000, seed=3)
    base, half = cmp.results["base"], cmp.results["half"]
    np.testing.assert_array_equal(base["steps"], half["steps"])
    # Same uniforms through a halved lognormal: every draw is exactly halved.
    np.testing.assert_allclose(half["latency"], base["latency"] / 2, rtol=1e-9)
    table = cmp.summary(quantities=["latency"])
    assert table.index.names == ["quantity", "scenario"]
    assert table.loc[("latency", "half"), "median"] == pytest.approx(table.loc[("latency", "base"), "median"] / 2)


def test_compare_bad_input():
    with pytest.raises(ValueError, match="non-empty mapping"):
        fc.compare({}, n=10)
    with pytest.raises(TypeError, match="'x' must be a Model"):
        fc.compare({"x": 3}, n=10)  # type: ignore[dict-item]
