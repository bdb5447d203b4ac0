"""The video-latency catalog model, its shipped observations, and its calibration on measured latencies."""

import numpy as np
import pytest

from flopcast.analysis.calibration import calibrate, leave_one_out
from flopcast.analysis.observations import predict
from flopcast.catalog.flops import video_tokens
from flopcast.catalog.video_latency import latency_observations, load_observations, subject_settings, video_latency


def test_model_structure_and_wan_tokens():
    m = video_latency()
    for name in ("params", "width", "layers", "width_px", "height_px", "frames", "spatial_compression",
                 "temporal_compression", "patch_size", "steps", "cfg_passes", "peak_flop_per_s", "utilization",
                 "overhead_s", "tokens", "forward_flop", "latency_s"):  # fmt: skip
        assert name in m, name
    assert set(m.uncertain) == {"utilization", "overhead_s"}
    p = m.point()
    assert p["tokens"] == video_tokens(1280, 720, 81, 8, 4, 2, causal=True) == 75600
    assert p["forward_flop"] == pytest.approx(2 * 14e9 * 75600 + 4 * 75600**2 * 5120 * 40)
    expected = p["forward_flop"] * 50 * 2 / (989.4e12 * p["utilization"]) + p["overhead_s"]
    assert p["latency_s"] == pytest.approx(expected)


def test_shipped_observations_are_read_from_the_package():
    rows = load_observations()
    assert {"subject", "quantity", "value", "unit", "conditions", "source", "confidence"} <= set(rows[0])
    assert all(r["source"] for r in rows)
    settings = subject_settings(rows)
    assert settings["HunyuanVideo"]["cfg_passes"] == 1.0
    assert settings["LTX-Video"]["spatial_compression"] == 32.0


def test_latency_observations_fix_each_subject():
    obs = latency_observations(sigma=0.25)
    assert len(obs) == 7
    assert {o.subject for o in obs} == {"HunyuanVideo", "Wan2.1-T2V-14B", "Mochi-1", "CogVideoX-5B", "LTX-Video"}
    assert all(o.sigma == 0.25 and o.quantity == "latency_s" and o.kind == "relative" for o in obs)
    wan = next(o for o in obs if o.subject == "Wan2.1-T2V-14B")
    m = video_latency()
    # Wan's conditions are the model's defaults: the prediction equals the model's own latency
    values = {"utilization": np.array([0.3, 0.4]), "overhead_s": np.array([1.0, 2.0])}
    np.testing.assert_allclose(predict(m, wan, values), m.evaluate(values)["latency_s"])
    mochi = next(o for o in obs if o.subject == "Mochi-1")
    assert mochi.given["temporal_compression"] == 6.0 and mochi.given["steps"] == 64.0


@pytest.fixture(scope="module")
def calibration():
    return calibrate(video_latency(), latency_observations(), n=100_000, seed=0)


def test_calibration_learns_utilization(calibration):
    row = calibration.summary().loc["utilization"]
    assert 0.3 < row["posterior_lower"] < row["posterior_median"] < row["posterior_upper"] < 0.55
    assert row["width_ratio"] < 0.3
    assert calibration.diagnostics["pareto_k"] < 0.7
    res = calibration.model.simulate(10_000, seed=1)
    assert np.median(res["utilization"]) == pytest.approx(row["posterior_median"], rel=0.05)


def test_leave_one_out_coverage():
    table = leave_one_out(video_latency(), latency_observations(), n=50_000, seed=0)
    assert len(table) == 7
    assert table.attrs["coverage"] >= 5 / 7
    big = table[table["subject"].isin(["HunyuanVideo", "Wan2.1-T2V-14B", "Mochi-1", "CogVideoX-5B"])]
    assert big["covered"].all()
