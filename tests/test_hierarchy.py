"""Hierarchical calibration: recovery of known population parameters, reduction to the pooled fit, shrinkage.

NUTS runs are small (2 chains, a few hundred tuning steps) to keep the suite light; each tolerance is stated from
the Monte Carlo error of the posterior means (sd / sqrt(ESS)).
"""

import numpy as np
import pytest

import flopcast as fc
from flopcast.analysis.calibration import CalibrationWarning
from flopcast.analysis.calibration.hierarchical import CalibrationError, HierarchicalCalibration
from flopcast.errors import FlopcastTypeError, FlopcastValueError

NUTS = {"method": "nuts", "n": 1200, "chains": 2, "tune": 500}


def direct_model() -> fc.Model:
    """theta observed directly (normal-normal case)."""
    m = fc.Model("direct")
    m.assume("theta", fc.Normal(0.0, 10.0))
    return m


def scaled_model() -> fc.Model:
    """y = theta x c with c fixed by each observation; p a group-level predictor that y does not use."""
    m = fc.Model("scaled")
    m.assume("theta", fc.lognormal(0.1, 2.0))
    m.assume("c", 1.0)
    m.assume("p", 1.0)

    @m.derive
    def y(theta, c, p):
        return theta * c + 0.0 * p

    return m


@pytest.fixture(scope="module")
def simulated():
    """12 groups, log theta_g = mu + slope (log p_g - mean) + tau z_g, three measurements each with 10% error."""
    rng = np.random.default_rng(20261202)
    mu, tau, slope = np.log(0.4), 0.3, 0.25
    p = np.exp(rng.uniform(0.0, 4.0, 12))
    x = np.log(p) - np.log(p).mean()
    theta = np.exp(mu + slope * x + tau * rng.standard_normal(12))
    obs = []
    for g in range(12):
        for c in (10.0, 100.0, 1000.0):
            value = theta[g] * c * np.exp(0.1 * rng.standard_normal())
            obs.append(fc.observe("y", value, sigma=0.1, given={"c": c, "p": p[g]}, subject=f"g{g}"))
    hierarchy = fc.varies("theta", location=fc.Normal(0.0, 1.0), scale=fc.truncated(fc.Normal(0.0, 1.0), lower=0),
                          link="log", predictor="p", slope=fc.Normal(0.0, 1.0))  # fmt: skip
    cal = fc.calibrate(scaled_model(), obs, hierarchy=hierarchy, seed=1, **NUTS)
    return cal, {"location": mu, "scale": tau, "slope": slope}, theta, p


def test_recovers_known_population(simulated):
    cal, truth, theta, _ = simulated
    assert isinstance(cal, HierarchicalCalibration)
    assert cal.diagnostics["divergences"] == 0 and cal.diagnostics["max_r_hat"] < 1.05
    pop = cal.population()
    for key, value in truth.items():
        lo, hi = np.quantile(pop[key], [0.05, 0.95])
        assert lo < value < hi, (key, lo, value, hi)
    inside = [np.quantile(cal.group(f"g{g}"), 0.05) < theta[g] < np.quantile(cal.group(f"g{g}"), 0.95)
              for g in range(12)]  # fmt: skip
    assert sum(inside) >= 10  # nominal 90% of 12 groups: 10.8 expected, P(<= 9) = 11%
    table = cal.summary()
    assert ("group", "theta g0") in table.index and table.loc[("group", "theta g0"), "observations"] == 3


def test_new_group_is_a_draw_from_the_population(simulated):
    cal, _, _, p = simulated
    draws = cal.new_group(predictor=float(p[0]), seed=3)
    pop = cal.population()
    x = np.log(p[0]) - cal.predictor_centre["theta"]
    # same draws of the population, a fresh standard normal: log theta = location + slope x + scale z
    z = (np.log(draws) - pop["location"] - pop["slope"] * x) / pop["scale"]
    assert abs(z.mean()) < 4 / np.sqrt(z.size) and abs(z.std() - 1) < 0.05
    # a new group is wider than a known group, and far wider than the population's centre
    known = cal.group("g0")
    assert np.subtract(*np.quantile(np.log(draws), [0.95, 0.05])) > 1.5 * np.subtract(
        *np.quantile(np.log(known), [0.95, 0.05])
    )
    with pytest.raises(FlopcastValueError, match="give predictor="):
        cal.new_group()
    held = fc.observe("y", 1.0, sigma=0.1, given={"c": 100.0, "p": float(p[0])}, subject="unseen")
    pred = cal.predictive(held, seed=4)
    assert pred.shape == (cal.n,) and np.all(pred > 0)
    post = cal.model_for("g0").simulate(4000, seed=5)
    assert np.median(post["theta"]) == pytest.approx(np.median(known), rel=0.05)


def test_one_group_reduces_to_the_pooled_fit():
    """One group, known scale: the group's value has prior N(1, sqrt(0.5^2 + 0.3^2)), as the pooled fit's."""
    obs = [fc.observe("theta", v, kind="absolute", sigma=0.4, subject="only") for v in (1.8, 2.2, 1.6)]
    hier = fc.calibrate(direct_model(), obs, hierarchy=fc.varies("theta", location=fc.Normal(1.0, 0.5), scale=0.3),
                        seed=2, **NUTS)  # fmt: skip
    s0 = np.hypot(0.5, 0.3)
    pooled = fc.calibrate(direct_model().replace(theta=fc.Normal(1.0, s0)), obs, seed=3, **NUTS)
    precision = 1 / s0**2 + 3 / 0.4**2
    mean, sd = (1.0 / s0**2 + sum(o.value for o in obs) / 0.4**2) / precision, precision**-0.5
    for draws, ess in ((hier.group("only"), hier.diagnostics["min_ess"]), (pooled.posterior("theta"), 400.0)):
        assert draws.mean() == pytest.approx(mean, abs=4 * sd / np.sqrt(ess))
        assert draws.std() == pytest.approx(sd, rel=0.15)


def test_partial_pooling_shrinks_by_the_analytic_amount():
    """Known population N(0, 1), unit measurement error: E[theta_g | y] = n ybar / (n + 1), sd 1 / sqrt(n + 1)."""
    rng = np.random.default_rng(7)
    sizes = {"small": 1, "medium": 4, "large": 16}
    obs = [fc.observe("theta", 2.0 + rng.standard_normal(), kind="absolute", sigma=1.0, subject=g)
           for g, n in sizes.items() for _ in range(n)]  # fmt: skip
    cal = fc.calibrate(direct_model(), obs, hierarchy=fc.varies("theta", location=0.0, scale=1.0), seed=4, **NUTS)
    ess = cal.diagnostics["min_ess"]
    for g, n in sizes.items():
        ybar = np.mean([o.value for o in obs if o.subject == g])
        mean, sd = n * ybar / (n + 1), (n + 1) ** -0.5
        draws = cal.group(g)
        assert draws.mean() == pytest.approx(mean, abs=4 * sd / np.sqrt(ess)), g
        assert draws.std() == pytest.approx(sd, rel=0.15), g
    # the small group moves halfway to the centre, the large one by 1/17
    assert cal.group("small").mean() / np.mean([o.value for o in obs if o.subject == "small"]) == pytest.approx(
        0.5, abs=0.1
    )


def test_bad_diagnostics_warn_or_raise():
    obs = [fc.observe("theta", v, kind="absolute", sigma=1.0, subject=g) for g, v in (("a", 1.0), ("b", 2.0))]
    spec = fc.varies("theta", location=fc.Normal(0, 1), scale=fc.truncated(fc.Normal(0, 1), lower=0))
    with pytest.raises(CalibrationError, match="effective sample size"):
        fc.calibrate(direct_model(), obs, method="nuts", hierarchy=spec, n=20, chains=1, tune=5, seed=0,
                     on_bad="raise")  # fmt: skip
    with pytest.warns(CalibrationWarning, match="effective sample size"):
        fc.calibrate(direct_model(), obs, method="nuts", hierarchy=spec, n=20, chains=1, tune=5, seed=0)


def test_declaration_errors_name_the_problem():
    with pytest.raises(FlopcastValueError, match="link must be one of"):
        fc.varies("theta", location=0.0, scale=1.0, link="probit")
    with pytest.raises(FlopcastValueError, match="on \\[0, inf\\)"):
        fc.varies("theta", location=0.0, scale=fc.Normal(0, 1))
    with pytest.raises(FlopcastValueError, match="predictor= and slope= together"):
        fc.varies("theta", location=0.0, scale=1.0, predictor="p")
    with pytest.raises(FlopcastTypeError, match="name must be"):
        fc.varies("", location=0.0, scale=1.0)
    spec = fc.varies("theta", location=0.0, scale=1.0)
    obs = [fc.observe("theta", 1.0, kind="absolute", sigma=1.0)]
    with pytest.raises(FlopcastValueError, match="have no subject"):
        fc.calibrate(direct_model(), obs, method="nuts", hierarchy=spec)
    with pytest.raises(FlopcastValueError, match="method='nuts'"):
        fc.calibrate(direct_model(), obs, hierarchy=spec)
    with pytest.raises(FlopcastValueError, match="is not a quantity of model"):
        fc.calibrate(direct_model(), [fc.observe("theta", 1.0, sigma=1.0, kind="absolute", subject="a")],
                     method="nuts", hierarchy=fc.varies("phi", location=0.0, scale=1.0))  # fmt: skip
    slope = fc.varies("theta", location=0.0, scale=1.0, predictor="p", slope=fc.Normal(0, 1))
    mixed = [fc.observe("y", 1.0, given={"p": 1.0}, subject="a"), fc.observe("y", 1.0, given={"p": 2.0}, subject="a")]
    with pytest.raises(FlopcastValueError, match="group-level value"):
        fc.calibrate(scaled_model(), mixed, method="nuts", hierarchy=slope)


def test_leave_one_out_predicts_a_held_out_group_as_a_new_group():
    """Three groups; the held-out one is predicted from the population, wider than a group in the data."""
    obs = [fc.observe("theta", v, kind="absolute", sigma=0.2, subject=g)
           for g, v in (("a", 1.0), ("a", 1.1), ("b", 2.0), ("b", 2.1), ("c", 3.0), ("c", 2.9))]  # fmt: skip
    spec = fc.varies("theta", location=fc.Normal(2.0, 1.0), scale=fc.truncated(fc.Normal(0, 1.0), lower=0))
    table = fc.leave_one_out(
        direct_model(), obs, method="nuts", n=1200, chains=2, tune=500, seed=5, target_accept=0.98, hierarchy=spec
    )  # two groups per fold: a funnel, small steps
    assert list(table["subject"]) == ["a", "a", "b", "b", "c", "c"]
    assert table["covered"].all()
    known = fc.calibrate(direct_model(), obs, hierarchy=spec, seed=6, **NUTS)
    held = (table["predicted_upper"] - table["predicted_lower"]).min()
    inside = np.subtract(*np.quantile(known.predictive(obs[0], seed=1), [0.95, 0.05]))
    assert held > 2 * inside
