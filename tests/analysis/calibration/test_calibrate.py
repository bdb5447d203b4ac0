"""calibrate(): PSIS and NUTS on analytic cases, reproducibility, bad arguments, a light import."""

import math
import subprocess
import sys

import numpy as np
import pytest

import flopcast as fc
from flopcast.analysis.calibration import calibrate
from flopcast.analysis.observations import observe
from tests.analysis.calibration.models import (
    NUTS,
    conjugate_model,
    conjugate_posterior,
    latency_model,
    latency_observations,
)


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


def test_import_stays_light():
    code = (
        "import sys, flopcast.analysis.calibration, flopcast.analysis.observations, flopcast.catalog.video_latency;"
        "print(','.join(m for m in ('pymc', 'pytensor', 'arviz', 'arviz_stats', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
