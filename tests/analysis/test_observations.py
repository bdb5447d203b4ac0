"""Observations: stating them, their likelihoods, and the model's prediction under given conditions."""

import math

import numpy as np
import pytest

from flopcast.analysis.observations import log_likelihood, observe, predict
from tests.analysis.calibration.models import (
    latency_model,
)


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


def test_bounds_have_a_keyword_shorthand():
    assert observe("u", at_most=0.6) == observe("u", 0.6, kind="at_most")
    assert observe("u", at_least=0.2, sigma=0.1) == observe("u", 0.2, kind="at_least", sigma=0.1)
    with pytest.raises(ValueError, match="either a value"):
        observe("u", 0.3, at_most=0.6)
    with pytest.raises(ValueError, match="either a value"):
        observe("u", at_most=0.6, at_least=0.1)
    with pytest.raises(ValueError, match="value is missing"):
        observe("u")
