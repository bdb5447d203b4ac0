"""The PyMC model of a calibration: priors, predictions and likelihoods from the graph; choices marginalized."""

import math

import numpy as np
import pytest

import flopcast as fc
from flopcast.analysis.calibration.pymc_model import build_pymc_model, choice_grid, choice_posterior, variable_name
from flopcast.analysis.observations import log_likelihood, observe

pm = pytest.importorskip("pymc")


def model_with_choice() -> fc.Model:
    m = fc.Model("m")
    m.assume("x", fc.LogNormal(0.0, 1.0))
    m.assume("k", fc.choice([1.0, 4.0], [0.25, 0.75]))

    @m.derive
    def y(x, k):
        return x * k

    return m


def test_the_log_density_is_prior_plus_likelihood():
    """At a point, the PyMC model's log-density is the lognormal prior of x plus the observation's likelihood."""
    m = model_with_choice().replace(k=2.0)
    obs = observe("y", 3.0, sigma=0.5)
    pm_model = build_pymc_model(m, [obs], ["x"])
    assert f"pred_{variable_name(obs, 0)}" in pm_model.named_vars
    logp = pm_model.compile_logp(jacobian=False)
    x = 1.3
    got = float(logp({"x_log__": math.log(x)}))
    prior = -math.log(x) - 0.5 * math.log(2 * math.pi) - 0.5 * math.log(x) ** 2
    z = (math.log(3.0) - math.log(2 * x)) / 0.5
    likelihood = -math.log(3.0) - math.log(0.5) - 0.5 * math.log(2 * math.pi) - 0.5 * z**2
    assert got == pytest.approx(prior + likelihood, rel=1e-8)  # PyMC evaluates its constants in its own order


def test_choice_grid_holds_values_and_log_prior():
    grid, log_prior = choice_grid(model_with_choice(), ["k"])
    assert grid["k"].ravel().tolist() == [1.0, 4.0]
    np.testing.assert_allclose(np.exp(log_prior), [0.25, 0.75])


def test_choice_posterior_draws_in_proportion_to_prior_times_likelihood():
    """For a fixed x, P(k = v | y) is p_v L(x v) / sum (0.034 here): its standard error at 40,000 draws is 0.0009."""
    m = model_with_choice()
    obs = observe("y", 3.0, sigma=0.5)
    x = np.full(40_000, 1.0)
    drawn = choice_posterior(m, [obs], ["k"], {"x": x}, np.random.default_rng(0))["k"]
    weights = np.array([0.25, 0.75]) * np.exp(log_likelihood(obs, np.array([1.0, 4.0])))
    assert float(np.mean(drawn == 1.0)) == pytest.approx(weights[0] / weights.sum(), abs=0.003)
