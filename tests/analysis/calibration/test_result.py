"""The calibration result: its DataTree, summary, text and posterior model."""

import numpy as np
import pytest

from tests.analysis.calibration.models import (
    latency_model,
)


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
    assert "psis" in text and "pareto_k" in text and "rate" in text and "b: time = 5.5 s" in text


def test_posterior_model_keeps_draws_jointly(latency_psis, latency_nuts):
    for cal in (latency_psis, latency_nuts):
        post = cal.model
        res = post.simulate(50_000, seed=7)
        assert np.median(res["rate"]) == pytest.approx(np.median(cal.posterior("rate")), rel=0.03)
        r_cal = np.corrcoef(np.log(cal.posterior("rate")), np.log(cal.posterior("overhead")))[0, 1]
        r_sim = np.corrcoef(np.log(res["rate"]), np.log(res["overhead"]))[0, 1]
        assert abs(r_cal) > 0.2 and r_sim == pytest.approx(r_cal, abs=0.05)
        assert cal.prior_model["rate"].distribution == latency_model()["rate"].distribution  # the prior is untouched
