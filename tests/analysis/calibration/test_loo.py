"""Leave-one-out: held-out subjects are predicted."""

import numpy as np

from flopcast.analysis.calibration import leave_one_out
from flopcast.analysis.observations import observe
from tests.analysis.calibration.models import (
    latency_model,
    latency_observations,
)


def test_predictive_and_leave_one_out(latency_psis):
    held = observe("time", 3.0, sigma=0.15, given={"work": 5.0})
    draws = latency_psis.predictive(held, seed=0)
    lo, hi = np.quantile(draws, [0.05, 0.95])
    assert lo < 3.0 < hi
    table = leave_one_out(latency_model(), latency_observations(), n=50_000, seed=0)
    assert list(table["subject"]) == ["a", "b", "c"]
    assert table.attrs["coverage"] == table["covered"].mean()
    assert table.attrs["coverage"] >= 2 / 3
