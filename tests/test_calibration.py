"""Calibration: observations, PSIS and NUTS on analytic cases, diagnostics, bad input, the posterior model."""

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from scipy.special import ndtri

import flopcast as fc
from flopcast.analysis.calibration import Calibration, CalibrationWarning, calibrate, leave_one_out
from flopcast.analysis.observations import log_likelihood, observe, predict

Z90 = float(ndtri(0.95))
NUTS = {"n": 2000, "chains": 2, "tune": 700, "cores": 1}


# ------------------------------------------------------------------------------------------ fixtures
def conjugate_model(mu0: float = 0.5, s0: float = 0.8, factor: float = 4.0) -> fc.Model:
    m = fc.Model("conjugate")
    m.assume("x", fc.LogNormal(mu0, s0))
    m.assume("factor", factor)

    @m.derive
    def y(x, factor):
        return factor * x

    return m


def conjugate_posterior(y_obs, sigma, mu0=0.5, s0=0.8, factor=4.0):
    """Median and 90% interval of x given log(y_obs) ~ N(log(factor x), sigma): a normal-normal update in log x."""
    prec = 1 / s0**2 + 1 / sigma**2
    mean = (mu0 / s0**2 + (math.log(y_obs) - math.log(factor)) / sigma**2) / prec
    sd = prec**-0.5
    return math.exp(mean), math.exp(mean - Z90 * sd), math.exp(mean + Z90 * sd), sd


def latency_model() -> fc.Model:
    """A small two-unknown calibration problem: time = work / rate + overhead, measured for several works."""
    m = fc.Model("latency")
    m.assume("work", 1.0, unit="FLOP")
    m.assume("rate", fc.lognormal(0.5, 5.0), unit="FLOP/s")
    m.assume("overhead", fc.lognormal(0.05, 2.0), unit="s")

    @m.derive(unit="s")
    def time(work, rate, overhead):
        return work / rate + overhead

    return m


def latency_observations():
    return [
        observe("time", 1.2, sigma=0.15, given={"work": 1.0}, subject="a"),
        observe("time", 5.5, sigma=0.15, given={"work": 10.0}, subject="b"),
        observe("time", 10.5, sigma=0.15, given={"work": 20.0}, subject="c"),
    ]


@pytest.fixture(scope="module")
def latency_psis() -> Calibration:
    return calibrate(latency_model(), latency_observations(), n=200_000, seed=11)


@pytest.fixture(scope="module")
def latency_nuts() -> Calibration:
    return calibrate(latency_model(), latency_observations(), method="nuts", seed=12, **NUTS)


# ------------------------------------------------------------------------------------------ observe
def test_observe_defaults_and_aliases():
    obs = observe("latency_s", 1838, sigma=0.2)
    assert (obs.kind, obs.sigma, obs.value, dict(obs.given)) == ("relative", 0.2, 1838.0, {})
    assert observe("x", 1.0).sigma == 0.1
    assert observe("x", -1.0, sigma=2.0, kind="normal").kind == "absolute"
    assert observe("x", 1.0, kind="lognormal").kind == "relative"
    assert observe("x", 1.0, kind="at_least").sigma == 0.05
    assert "given" in str(observe("x", 1.0, given={"a": 2}))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"value": 0.0}, "must be > 0"),
        ({"value": -3.0}, "must be > 0"),
        ({"value": -3.0, "kind": "at_most"}, "must be > 0"),
        ({"value": math.inf}, "finite"),
        ({"value": math.nan}, "finite"),
        ({"value": 1.0, "sigma": 0.0}, "sigma"),
        ({"value": 1.0, "sigma": -0.2}, "sigma"),
        ({"value": 1.0, "sigma": math.nan}, "sigma"),
        ({"value": 1.0, "kind": "absolute"}, "needs sigma"),
        ({"value": 1.0, "kind": "roughly"}, "kind"),
        ({"value": 1.0, "given": {"x": math.inf}}, "finite"),
        ({"value": 1.0, "given": {"y": 2.0}}, "observed quantity itself"),
    ],
)
def test_observe_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        observe("y", **kwargs)


def test_observe_rejects_wrong_types():
    with pytest.raises(TypeError):
        observe("y", "3")
    with pytest.raises(TypeError):
        observe("y", True)
    with pytest.raises(TypeError):
        observe("y", 1.0, given=[("a", 1.0)])


def test_log_likelihood_kinds():
    pred = np.array([0.5, 1.0, 2.0, -1.0])
    rel = log_likelihood(observe("y", 1.0, sigma=0.5), pred)
    np.testing.assert_allclose(rel[:3], -0.5 * (np.log(pred[:3]) / 0.5) ** 2)
    assert rel[3] == -np.inf
    ab = log_likelihood(observe("y", 1.0, sigma=0.5, kind="absolute"), pred)
    np.testing.assert_allclose(ab, -0.5 * ((1.0 - pred) / 0.5) ** 2)
    at_most = log_likelihood(observe("y", 1.0, sigma=0.1, kind="at_most"), pred)
    assert at_most[0] > -1e-3 and at_most[2] < -20 and at_most[3] == 0.0
    at_least = log_likelihood(observe("y", 1.0, sigma=0.1, kind="at_least"), pred)
    assert at_least[2] > -1e-3 and at_least[0] < -20 and at_least[3] == -np.inf


def test_predict_with_given_recomputes_only_downstream():
    m = latency_model()
    draws = m.simulate(100, seed=0).draws
    pred = predict(m, observe("time", 1.0, given={"work": 3.0}), draws)
    np.testing.assert_allclose(pred, 3.0 / draws["rate"] + draws["overhead"])


# ------------------------------------------------------------------------------------------ bad input
def test_calibrate_rejects_unknown_quantity_and_given():
    m = conjugate_model()
    with pytest.raises(ValueError, match="not a quantity"):
        calibrate(m, [observe("z", 1.0)], n=100, seed=0)
    with pytest.raises(ValueError, match="given value for 'facto' is not a quantity.*did you mean 'factor'"):
        calibrate(m, [observe("y", 1.0, given={"facto": 2.0})], n=100, seed=0)
    with pytest.raises(ValueError, match="not a quantity"):
        calibrate(m, [observe("z", 1.0)], method="nuts", n=100, seed=0)


def test_calibrate_rejects_bad_arguments():
    m = conjugate_model()
    obs = [observe("y", 1.0)]
    with pytest.raises(ValueError, match="method"):
        calibrate(m, obs, method="mcmc")
    with pytest.raises(ValueError, match="no observations"):
        calibrate(m, [])
    with pytest.raises(TypeError, match="fc.observe"):
        calibrate(m, [("y", 1.0)])
    with pytest.raises(TypeError, match="Model"):
        calibrate("m", obs)
    with pytest.raises(ValueError, match="nothing to calibrate"):
        calibrate(m, [observe("factor", 3.0)], n=100, seed=0)


def test_nuts_marginalizes_discrete_choices_and_matches_psis():
    m = fc.Model("choice")
    m.assume("k", fc.choice({"low": 1.0, "high": 3.0}))
    m.assume("x", fc.LogNormal(0.0, 0.5))

    @m.derive
    def y(k, x):
        return k * x

    obs = [observe("y", 2.5, sigma=0.3)]
    nuts = calibrate(m, obs, method="nuts", n=2000, seed=0, chains=2, cores=1)
    psis = calibrate(m, obs, n=200_000, seed=0)
    # Exact posterior probability of k = 3: p(y | k) is LogNormal(log k, sqrt(0.5^2 + 0.3^2)) in each branch.
    s = np.hypot(0.5, 0.3)
    like = {k: np.exp(-0.5 * ((np.log(2.5) - np.log(k)) / s) ** 2) for k in (1.0, 3.0)}
    p_high = like[3.0] / (like[1.0] + like[3.0])
    for cal, draws in ((nuts, 2000), (psis, psis.diagnostics["ess"])):
        share = float(np.mean(cal.to_datatree()["posterior"]["k"].values == 3.0))
        assert share == pytest.approx(p_high, abs=4 * np.sqrt(p_high * (1 - p_high) / draws) + 0.01)
    assert nuts.diagnostics["divergences"] == 0
    # Only discrete unknowns: nothing for NUTS to sample, said clearly.
    only = fc.Model("only-choice")
    only.assume("k", fc.choice({"low": 1.0, "high": 3.0}))

    @only.derive
    def z(k):
        return 2 * k

    with pytest.raises(ValueError, match=r"only on discrete choices.*method='psis'"):
        calibrate(only, [observe("z", 2.0)], method="nuts", n=100, seed=0)


def test_nuts_refuses_scipy_distributions():
    import scipy.stats

    m = fc.Model("scipy")
    m.assume("x", scipy.stats.gamma(2.0))
    with pytest.raises(ValueError, match="scipy.*psis"):
        calibrate(m, [observe("x", 2.0)], method="nuts", n=100, seed=0)


def test_unexplainable_observation_warns_with_high_pareto_k():
    m = fc.Model("far")
    m.assume("x", fc.LogNormal(0.0, 0.3))
    with pytest.warns(CalibrationWarning, match="nuts") as record:
        cal = calibrate(m, [observe("x", 50.0, sigma=0.05)], n=20_000, seed=0)
    assert cal.diagnostics["pareto_k"] > 0.7
    assert "Pareto k" in str(record[0].message)
    # Flagged where people read the result, not only in diagnostics.
    assert str(cal).splitlines()[1].startswith(f"UNRELIABLE: Pareto k = {cal.diagnostics['pareto_k']:.2f} > 0.7")
    table = cal.summary()
    assert not table["reliable"].any() and table.attrs["flag"] == cal.flag()


def test_well_explained_observation_is_not_flagged():
    m = fc.Model("near")
    m.assume("x", fc.LogNormal(0.0, 1.0))
    cal = calibrate(m, [observe("x", 2.0, sigma=0.5)], n=20_000, seed=1)
    assert cal.diagnostics["pareto_k"] <= 0.7 and cal.flag() is None
    assert "UNRELIABLE" not in str(cal) and cal.summary()["reliable"].all()


def test_impossible_observation_is_an_error():
    m = fc.Model("m")
    m.assume("x", fc.uniform(-2.0, -1.0))
    with pytest.raises(ValueError, match="no prior draw is compatible"):
        calibrate(m, [observe("x", 3.0, kind="at_least")], n=1000, seed=0)
    m2 = fc.Model("m2")
    m2.assume("x", fc.uniform(1.0, 2.0))
    with pytest.warns(CalibrationWarning, match="nuts"):
        calibrate(m2, [observe("x", 3.0, sigma=1e-3, kind="at_least")], n=1000, seed=0)


# ------------------------------------------------------------------------------------------ correctness
@pytest.mark.parametrize("method", ["psis", "nuts"])
def test_conjugate_lognormal_matches_analytic_posterior(method):
    m = conjugate_model()
    median, lo, hi, sd = conjugate_posterior(10.0, 0.3)
    kwargs = {"n": 200_000} if method == "psis" else NUTS
    cal = calibrate(m, [observe("y", 10.0, sigma=0.3)], method=method, seed=3, **kwargs)
    row = cal.summary(prob=0.9).loc["x"]
    # Monte Carlo error of a quantile of log x: sd * sqrt(q (1 - q)) / pdf / sqrt(ess); allow 4 of them.
    ess = cal.diagnostics["ess"] if method == "psis" else cal.diagnostics["min_ess"]
    tol_median = 4 * sd * 1.2533 / math.sqrt(ess)
    tol_tail = 4 * sd * math.sqrt(0.05 * 0.95) / 0.1031 / math.sqrt(ess)
    assert abs(math.log(row["posterior_median"] / median)) < tol_median
    assert abs(math.log(row["posterior_lower"] / lo)) < tol_tail
    assert abs(math.log(row["posterior_upper"] / hi)) < tol_tail
    # the observed quantity is updated too: y = 4 x
    assert cal.summary().loc["y", "posterior_median"] == pytest.approx(4 * row["posterior_median"], rel=1e-9)


def test_absolute_error_normal_prior_is_conjugate():
    m = fc.Model("normal")
    m.assume("x", fc.Normal(0.0, 1.0))
    cal = calibrate(m, [observe("x", 1.0, sigma=1.0, kind="absolute")], n=200_000, seed=0)
    post = cal.posterior("x")
    assert np.mean(post) == pytest.approx(0.5, abs=0.01)
    assert np.std(post) == pytest.approx(math.sqrt(0.5), abs=0.01)


def test_soft_bounds_cut_the_prior():
    m = fc.Model("bounded")
    m.assume("x", fc.uniform(0.1, 1.0))
    at_most = calibrate(m, [observe("x", 0.5, sigma=0.01, kind="at_most")], n=50_000, seed=0)
    assert at_most.summary().loc["x", "posterior_upper"] < 0.51
    at_least = calibrate(m, [observe("x", 0.5, sigma=0.01, kind="at_least")], n=50_000, seed=0)
    assert at_least.summary().loc["x", "posterior_lower"] > 0.49


def test_psis_and_nuts_agree(latency_psis, latency_nuts):
    a, b = latency_psis.summary(), latency_nuts.summary()
    for name in ("rate", "overhead"):
        assert a.loc[name, "posterior_median"] == pytest.approx(b.loc[name, "posterior_median"], rel=0.05)
        assert a.loc[name, "posterior_lower"] < b.loc[name, "posterior_upper"]
        assert b.loc[name, "posterior_lower"] < a.loc[name, "posterior_upper"]
        assert a.loc[name, "width_ratio"] < 0.5  # the observations inform both unknowns
    assert latency_psis.diagnostics["pareto_k"] < 0.7
    assert latency_nuts.diagnostics["divergences"] == 0
    assert latency_nuts.diagnostics["max_r_hat"] < 1.05
    assert latency_nuts.diagnostics["min_ess"] > 200


def test_calibration_is_reproducible():
    m, obs = latency_model(), latency_observations()
    a = calibrate(m, obs, n=5000, seed=4)
    b = calibrate(m, obs, n=5000, seed=4)
    np.testing.assert_array_equal(a.posterior("rate"), b.posterior("rate"))


def test_psis_reuses_given_prior_draws():
    m, obs = latency_model(), latency_observations()
    prior = m.simulate(50_000, seed=5)
    cal = calibrate(m, obs, prior=prior, seed=6)
    assert cal.diagnostics["n_prior"] == 50_000
    assert cal.prior_draws["rate"] is not None and np.shares_memory(cal.prior_draws["rate"], prior["rate"])
    with pytest.raises(ValueError, match="keep every quantity"):
        calibrate(m, obs, prior=m.simulate(100, seed=0, keep="time"))


# ------------------------------------------------------------------------------------------ outputs
def test_data_tree_groups(latency_psis, latency_nuts):
    for cal in (latency_psis, latency_nuts):
        tree = cal.to_datatree()
        for group in ("prior", "posterior", "observed_data", "prior_predictive", "posterior_predictive"):
            assert group in tree.children, group
        assert tree["posterior"]["rate"].dims == ("chain", "draw")
        assert tree["prior"]["time"].attrs["unit"] == "s"
        assert float(tree["observed_data"]["b: time"]) == 5.5
        assert tree["observed_data"]["b: time"].attrs["given"] == "{'work': 10.0}"
    assert latency_nuts.to_datatree()["posterior"].sizes["chain"] == 2
    assert "importance_weights" in latency_psis.to_datatree().children
    assert "weighted resample" in latency_psis.to_datatree()["posterior"].attrs["note"]
    weights = np.exp(latency_psis.to_datatree()["importance_weights"]["log_weight"].values)
    assert weights.sum() == pytest.approx(1.0)


def test_summary_and_str(latency_psis):
    table = latency_psis.summary(prob=0.8)
    assert list(table.columns) == [
        "unit", "prior_median", "prior_lower", "prior_upper",
        "posterior_median", "posterior_lower", "posterior_upper", "width_ratio", "reliable",
    ]  # fmt: skip
    assert table.attrs["prob"] == 0.8
    assert "work" not in table.index  # a point value is not a calibrated quantity
    text = str(latency_psis)
    assert "psis" in text and "pareto_k" in text and "rate" in text and "b: time 5.5" in text


def test_posterior_model_keeps_draws_jointly(latency_psis, latency_nuts):
    for cal in (latency_psis, latency_nuts):
        post = cal.model
        res = post.simulate(50_000, seed=7)
        assert np.median(res["rate"]) == pytest.approx(np.median(cal.posterior("rate")), rel=0.03)
        r_cal = np.corrcoef(np.log(cal.posterior("rate")), np.log(cal.posterior("overhead")))[0, 1]
        r_sim = np.corrcoef(np.log(res["rate"]), np.log(res["overhead"]))[0, 1]
        assert abs(r_cal) > 0.2 and r_sim == pytest.approx(r_cal, abs=0.05)
        assert cal.prior_model["rate"].distribution == latency_model()["rate"].distribution  # the prior is untouched


def test_predictive_and_leave_one_out(latency_psis):
    held = observe("time", 3.0, sigma=0.15, given={"work": 5.0})
    draws = latency_psis.predictive(held, seed=0)
    lo, hi = np.quantile(draws, [0.05, 0.95])
    assert lo < 3.0 < hi
    table = leave_one_out(latency_model(), latency_observations(), n=50_000, seed=0)
    assert list(table["subject"]) == ["a", "b", "c"]
    assert table.attrs["coverage"] == table["covered"].mean()
    assert table.attrs["coverage"] >= 2 / 3


def test_nuts_samples_only_what_observations_depend_on():
    m = fc.Model("partly")
    m.assume("scenario", fc.choice({"a": 1.0, "b": 2.0}))  # discrete, but no observation depends on it
    m.assume("x", fc.LogNormal(0.0, 1.0))

    @m.derive
    def y(x, scenario):
        return x * scenario

    cal = calibrate(m, [observe("y", 2.0, sigma=0.3, given={"scenario": 1.0})], method="nuts", seed=0, **NUTS)
    assert set(np.unique(cal.posterior("scenario"))) == {1.0, 2.0}
    assert cal.summary().loc["x", "posterior_median"] == pytest.approx(conjugate_posterior(2, 0.3, 0, 1, 1)[0], rel=0.1)


def test_pymc_mapping_of_every_continuous_family():
    import pymc as pm

    from flopcast.analysis.calibration.families import to_pymc

    dists = {
        "ln": fc.LogNormal(1.0, 0.5),
        "nm": fc.Normal(-2.0, 3.0),
        "un": fc.Uniform(1.0, 4.0),
        "lu": fc.LogUniform(1.0, 1e4),
        "be": fc.Beta(2.0, 5.0),
        "bs": fc.Beta(2.0, 5.0, 10.0, 20.0),
        "tr": fc.Triangular(0.0, 1.0, 4.0),
        "pe": fc.PERT(1.0, 2.0, 10.0),
        "tl": fc.truncated(fc.LogNormal(0.0, 1.0), 0.5, 3.0),
        "tu": fc.truncated(fc.LogUniform(1.0, 100.0), None, 10.0),
        "mx": fc.mixture([fc.Normal(0.0, 1.0), fc.LogNormal(2.0, 0.3)], [0.3, 0.7]),
    }
    with pm.Model():
        rvs = [to_pymc(d, name) for name, d in dists.items()]
        assert to_pymc(fc.point(3.0), "pt") == 3.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        draws = pm.draw(rvs, draws=6000, random_seed=0)
    for (name, dist), x in zip(dists.items(), draws, strict=True):
        for q in (0.1, 0.5, 0.9):
            assert float(dist.cdf(np.quantile(x, q))) == pytest.approx(q, abs=0.03), (name, q)


def test_nuts_refuses_correlated_assumptions():
    m = latency_model()
    m.correlate(["rate", "overhead"], 0.5)
    with pytest.raises(ValueError, match="correlated.*psis"):
        calibrate(m, latency_observations(), method="nuts", n=100, seed=0)


def test_import_stays_light():
    code = (
        "import sys, flopcast.analysis.calibration, flopcast.analysis.observations, flopcast.catalog.video_latency;"
        "print(','.join(m for m in ('pymc', 'pytensor', 'arviz', 'arviz_stats', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_bounds_have_a_keyword_shorthand():
    assert observe("u", at_most=0.6) == observe("u", 0.6, kind="at_most")
    assert observe("u", at_least=0.2, sigma=0.1) == observe("u", 0.2, kind="at_least", sigma=0.1)
    with pytest.raises(ValueError, match="either a value"):
        observe("u", 0.3, at_most=0.6)
    with pytest.raises(ValueError, match="either a value"):
        observe("u", at_most=0.6, at_least=0.1)
    with pytest.raises(ValueError, match="value is missing"):
        observe("u")
