"""NUTS: discrete choices marginalized, only what the observations depend on sampled, correlations refused."""

import numpy as np
import pytest

import flopcast as fc
from flopcast.analysis.calibration import calibrate
from flopcast.analysis.observations import observe
from tests.analysis.calibration.models import (
    NUTS,
    conjugate_posterior,
    latency_model,
    latency_observations,
)


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


def test_nuts_refuses_correlated_assumptions():
    m = latency_model()
    m.correlate(["rate", "overhead"], 0.5)
    with pytest.raises(ValueError, match="correlated.*psis"):
        calibrate(m, latency_observations(), method="nuts", n=100, seed=0)
