"""Results: summaries against analytic values, the ArviZ DataTree, netCDF export and comparisons."""

import warnings

import numpy as np
import pytest
import xarray as xr
from scipy import optimize, stats

import flopcast as fc
from flopcast.errors import ModelWarning, NonFiniteWarning
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
    table = lognormal_result.summary(prob=0.9, full=True)
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


def test_paired_ratio_is_narrower_than_independent_runs_by_the_analytic_amount():
    # y = a * b with a ~ LN(0, sa), b ~ LN(0, sb); the scenario changes b to LN(mu, sb2). On common random
    # numbers b and b' come from the same normal score z, so log(y'/y) = mu + (sb2 - sb) z: sd |sb2 - sb|.
    # Two independent runs give log(y'/y) = mu + sb2 z' - sb z + sa (u' - u): sd sqrt(2 sa^2 + sb^2 + sb2^2).
    sa, sb, sb2, mu, n = 0.5, 0.4, 0.6, -0.3, 200_000
    m = fc.Model("pair")
    m.assume("a", fc.LogNormal(0.0, sa))
    m.assume("b", fc.LogNormal(0.0, sb))

    @m.derive
    def y(a, b):
        return a * b

    scenario = m.replace(b=fc.LogNormal(mu, sb2))
    cmp = fc.compare({"base": m, "wider": scenario}, n=n, seed=5)
    row = cmp.summary().loc[("y", "wider")]
    z = stats.norm.ppf(0.95)
    paired_sd = abs(sb2 - sb)
    assert np.log(row["ratio_median"]) == pytest.approx(mu, abs=0.01)
    assert np.log(row["ratio_lower"]) == pytest.approx(mu - z * paired_sd, abs=0.01)
    assert np.log(row["ratio_upper"]) == pytest.approx(mu + z * paired_sd, abs=0.01)
    assert row["p_lower"] == pytest.approx(stats.norm.cdf(-mu / paired_sd), abs=4 * np.sqrt(0.25 / n))

    independent = np.log(scenario.simulate(n, seed=6)["y"] / m.simulate(n, seed=5)["y"])
    lo, hi = np.quantile(independent, [0.05, 0.95])
    independent_sd = np.sqrt(2 * sa**2 + sb**2 + sb2**2)
    assert (hi - lo) / 2 == pytest.approx(z * independent_sd, rel=0.02)
    paired_width = np.log(row["ratio_upper"]) - np.log(row["ratio_lower"])
    # Pairing narrows the log interval by the analytic factor |sb2 - sb| / sqrt(2 sa^2 + sb^2 + sb2^2) (0.196).
    assert paired_width / (hi - lo) == pytest.approx(paired_sd / independent_sd, rel=0.03)
    assert "wider: y x" in str(cmp) and "a x" not in str(cmp)
    np.testing.assert_array_equal(cmp.paired().loc[("y", "wider")], row[list(fc.result.PAIRED_COLUMNS)])


def test_prob_of_events_with_their_monte_carlo_error():
    m = fc.Model("events")
    m.assume("a", fc.normal(mean=0, sd=1))
    m.assume("b", fc.normal(mean=0.5, sd=1))
    n = 200_000
    res = m.simulate(n, seed=8)
    # P(a > 1) and P(a < b) (a - b ~ N(-0.5, sqrt 2)), within 4 Monte Carlo standard errors.
    for event, exact in [
        ("a > 1", stats.norm.sf(1)),
        ("a < b", stats.norm.cdf(0.5 / np.sqrt(2))),
        ("-1 < a <= 1 and not b > 2", (stats.norm.cdf(1) - stats.norm.cdf(-1)) * stats.norm.cdf(1.5)),
        ("exp(a) > 2 * abs(b) or a == 0", None),
    ]:
        p = res.prob(event)
        assert p.n == n and p.mcse == pytest.approx(np.sqrt(p.value * (1 - p.value) / n))
        if exact is not None:
            assert abs(p.value - exact) < 4 * p.mcse, event
    a, b = res["a"], res["b"]
    assert res.prob("exp(a) > 2 * abs(b) or a == 0").value == np.mean((np.exp(a) > 2 * np.abs(b)) | (a == 0))
    assert res.prob(fc.ref("a") < fc.ref("b")).value == res.prob("a < b").value == np.mean(a < b)
    assert res.prob(lambda r: r["a"] < r["b"]).value == np.mean(a < b)
    assert "P(a > 1) = 0.15" in repr(res.prob("a > 1"))
    for score in (-1.0, 0.0, 0.3, 2.5):
        assert res.percentile_of("a", score) == pytest.approx(stats.percentileofscore(a, score, kind="weak"))


@pytest.mark.parametrize(
    ("event", "match"),
    [
        ("__import__('os').system('true')", "not allowed"),
        ("a.real > 0", "Attribute expressions are not allowed"),
        ("a > 'x'", "constants such as 'x'"),
        ("a >", "not understood"),
        ("a + 1", "not true/false per draw"),
        ("c > 1", "'c' is not a quantity"),
        ("a in b", "'in' and 'is'"),
    ],
)
def test_prob_refuses_what_is_not_a_comparison(event, match):
    m = fc.Model("m")
    m.assume("a", fc.normal(mean=0, sd=1))
    m.assume("b", fc.normal(mean=0, sd=1))
    res = m.simulate(100, seed=1)
    with pytest.raises(fc.errors.FlopcastError, match=match):
        res.prob(event)
    with pytest.raises(fc.errors.FlopcastTypeError):
        res.prob(3)


def nan_model():
    m = fc.Model("m")
    m.assume("margin", fc.normal(mean=1, sd=3))  # 37% of its draws are negative: their root is NaN
    with pytest.warns(ModelWarning):

        @m.derive
        def root(margin):
            return fc.sqrt(margin)

    return m


def test_prob_leaves_out_draws_where_the_event_reads_nan_and_says_so():
    m = nan_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = m.simulate(100_000, seed=1)
    x = res["root"]
    finite = x[np.isfinite(x)]
    with pytest.warns(NonFiniteWarning, match="root"):
        above = res.prob("root > 1")
    with pytest.warns(NonFiniteWarning):
        below = res.prob("root <= 1")
    with pytest.warns(NonFiniteWarning):
        negated = res.prob("not root > 1")
    assert above.n == below.n == finite.size
    assert float(above) == np.count_nonzero(finite > 1) / finite.size
    assert float(above) + float(below) == pytest.approx(1.0, abs=1e-12)
    assert float(negated) == float(below)
    with pytest.warns(NonFiniteWarning):
        assert res.percentile_of("root", 1.0) == pytest.approx(100 * float(below), abs=1e-9)


def test_summary_of_a_single_draw_gives_the_value_without_interval():
    m = fc.Model("m")
    m.assume("x", fc.lognormal(1, 10))
    m.assume("c", 3.0)
    m.derive(lambda x, c: x * c, name="y")
    m.derive(lambda c: 2 * c, name="z")
    res = m.simulate(1, seed=1)
    value = float(res["x"][0])
    with pytest.warns(fc.errors.SmallSampleWarning, match="'x', 'y' have a single finite draw.*no interval"):
        table = res.summary()
    assert list(table.index) == ["x", "y"]  # the quantities that vary, as for any n; constants left out
    assert table.loc["x", "median"] == table.loc["x", "mean"] == value
    assert table.loc["y", "median"] == pytest.approx(3 * value, rel=1e-15)
    assert table[["eti_lower", "eti_upper"]].isna().all().all()
    with pytest.warns(fc.errors.SmallSampleWarning):
        full = res.summary(full=True)
    assert full.loc[["x", "y"], ["sd", "hdi_lower", "hdi_upper", "mcse_median"]].isna().all().all()
    assert full.loc["z", ["sd", "eti_lower", "eti_upper"]].tolist() == [0.0, 6.0, 6.0]  # a constant keeps its value
    with pytest.warns(fc.errors.SmallSampleWarning, match="'x', 'y'"):
        streamed = m.simulate(1, seed=1, stream=True).summary()
    assert streamed.loc["x", "median"] == value and np.isnan(streamed.loc["x", "eti_lower"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        two = m.simulate(2, seed=1).summary()  # two draws give an interval, quietly
    x = m.simulate(2, seed=1)["x"]
    assert two.loc["x", "eti_lower"] == pytest.approx(np.quantile(x, 0.05), rel=1e-12)


def test_summary_gives_nan_for_a_mean_or_sd_that_does_not_exist():
    m = fc.Model("heavy")
    m.assume("x", stats.cauchy(loc=2, scale=1))
    m.assume("t", stats.t(df=2))
    m.assume("n", fc.normal(mean=0, sd=1))
    m.derive(lambda x, n: x + n, name="y")
    m.derive(lambda t, n: t + n, name="z")
    m.derive(lambda n: 2 * n, name="w")
    res = m.simulate(20_000, seed=1)
    message = (
        r"'x' \(scipy cauchy\) has no mean and sd; 't' \(scipy t\) has no sd; 'y' has no mean and sd: it depends on "
        r"'x'; 'z' has no sd: it depends on 't'\. They are NaN"
    )
    with pytest.warns(fc.errors.UndefinedMomentWarning, match=message):
        table = res.summary(full=True)
    assert table.loc[["x", "y"], ["mean", "sd"]].isna().all().all()
    assert np.isnan(table.loc["t", "sd"]) and np.isnan(table.loc["z", "sd"])
    assert table.loc["t", "mean"] == pytest.approx(np.mean(res["t"]), rel=1e-12)  # t(2) has a mean (0)
    assert table.loc["w", ["mean", "sd"]].tolist() == pytest.approx([np.mean(res["w"]), np.std(res["w"], ddof=1)])
    # Medians and intervals are still there, and right: scipy's quantiles of the Cauchy.
    assert table.loc["x", "median"] == pytest.approx(2.0, abs=0.05)
    assert table.loc["x", "eti_upper"] == pytest.approx(stats.cauchy(loc=2).ppf(0.95), rel=0.05)
    with pytest.warns(fc.errors.UndefinedMomentWarning, match="'x' \\(scipy cauchy\\) has no mean and sd"):
        streamed = m.simulate(20_000, seed=1, stream=True).summary()
    assert np.isnan(streamed.loc["x", "mean"]) and streamed.loc["w", "mean"] == pytest.approx(table.loc["w", "mean"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.replace(x=fc.truncated(stats.cauchy(), -5, 5), t=stats.t(df=3)).simulate(1000, seed=1).summary()
