"""PSIS: the Pareto k warning, impossible observations, reusing prior draws."""

import numpy as np
import pytest

import flopcast as fc
from flopcast.analysis.calibration import CalibrationWarning, calibrate
from flopcast.analysis.observations import observe
from tests.analysis.calibration.models import (
    latency_model,
    latency_observations,
)


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


def test_psis_reuses_given_prior_draws():
    m, obs = latency_model(), latency_observations()
    prior = m.simulate(50_000, seed=5)
    cal = calibrate(m, obs, prior=prior, seed=6)
    assert cal.diagnostics["n_prior"] == 50_000
    assert cal.prior_draws["rate"] is not None and np.shares_memory(cal.prior_draws["rate"], prior["rate"])
    with pytest.raises(ValueError, match="keep every quantity"):
        calibrate(m, obs, prior=m.simulate(100, seed=0, keep="time"))


def test_printed_calibration_uses_labels_units_and_the_house_number_style():
    m = fc.Model("serving")
    m.assume("gpu_hours", fc.lognormal(1e5, 1e7), unit="GPU*hour", label="GPU-hours per day")
    m.assume("price", fc.uniform(1.5, 4.0), unit="USD/GPU/hour")
    m.derive(lambda gpu_hours, price: gpu_hours * price, name="cost", unit="USD", label="daily cost")
    cal = calibrate(m, [observe("cost", 3.2e6, sigma=0.3), observe("price", 2.5, sigma=0.2, kind="absolute")],
                    n=20_000, seed=2)  # fmt: skip
    lines = str(cal).splitlines()
    assert "  daily cost (cost) = $3.2M (relative, sigma(log) 0.3)" in lines
    assert "  price = $2.5 per GPU/hour (absolute, +/- $0.2)" in lines
    rows = [line for line in lines if line.startswith(("GPU-hours per day (gpu_hours)", "daily cost (cost)"))]
    assert len(rows) == 2 and all("$" in line for line in rows if line.startswith("daily"))
    assert max(len(line) for line in lines) <= 120
