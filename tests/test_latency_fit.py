"""The shipped hierarchical fit of the video-latency model, its predictions, the Sora link and `flopcast latency`."""

import json

import numpy as np
import pytest

from flopcast.catalog.latency_fit import (
    data_sha256,
    new_model_utilization,
    predict_latency,
    stored_fit,
    stored_latency_model,
)
from flopcast.catalog.sora_refined import refined
from flopcast.cli import main
from flopcast.errors import FlopcastKeyError

WAN = {"params": 14e9, "width": 5120, "layers": 40, "resolution": "1280x720", "frames": 81, "steps": 50,
       "cfg_passes": 2, "vae": "4x8x8", "patch_size": 2}  # fmt: skip


def test_stored_fit_matches_the_shipped_data_and_is_converged():
    fit = stored_fit()
    # Regenerate with `python examples/calibrate_video_latency.py --write-fit ...` when the observations change.
    assert fit["data_sha256"] == data_sha256()
    assert fit["observations"] == 18 and len(fit["models"]) == 9
    s = fit["sampler"]
    assert s["divergences"] == 0 and s["max_r_hat"] < 1.05 and s["min_ess"] >= 100
    draws = fit["draws"]
    assert len({len(v) for v in draws.values()}) == 1 and len(draws["utilization"]) == 1000
    assert fit["population"]["scale"][0] > 0 and "regenerate" in fit


def test_stored_leave_one_model_out_covers_and_matches_the_data():
    """The tables `examples/calibrate_video_latency.py --loo --write-fit` stores (a NUTS refit per held-out model)."""
    from flopcast.catalog.video_latency import latency_observations

    loo = stored_fit()["leave_one_model_out"]
    observed = [(o.subject, o.value) for o in latency_observations()]
    for name in ("pooled", "hierarchy"):
        rows = loo[name]["rows"]
        assert [(r["model"], r["measured_s"]) for r in rows] == observed
        assert all(r["inside"] == (r["lower_s"] <= r["measured_s"] <= r["upper_s"]) for r in rows)
        assert loo[name]["coverage"] == pytest.approx(np.mean([r["inside"] for r in rows]))
    assert loo["hierarchy"]["coverage"] >= 0.8 > loo["pooled"]["coverage"]
    assert loo["hierarchy"]["mean_abs_log_error"] <= loo["pooled"]["mean_abs_log_error"] + 0.05


def test_new_model_utilization_is_the_stored_population_prediction():
    dist, source = new_model_utilization()
    u = np.asarray(stored_fit()["draws"]["utilization"])
    lo, hi = dist.interval(0.9)
    assert lo == pytest.approx(np.quantile(u, 0.05), rel=0.02) and hi == pytest.approx(np.quantile(u, 0.95), rel=0.02)
    assert "new model" in source
    sora = refined().assumptions["inference_utilization"]
    assert sora.source == source and sora.distribution.interval(0.9) == pytest.approx((lo, hi))


def test_predict_latency_for_a_configuration():
    p = predict_latency(WAN, seed=1)
    assert p.lower < 1837.9 < p.upper  # Wan2.1-14B's measured latency (in the data) lies inside
    assert p.upper / p.lower > 2  # a new model carries the spread between models
    assert predict_latency(WAN, seed=1) == p
    moe = predict_latency({**WAN, "total_params": 27e9}, seed=1)
    assert moe.median == p.median  # only active parameters cost compute
    distilled = predict_latency({**WAN, "cfg_passes": 1}, seed=1)
    assert distilled.median == pytest.approx(p.median / 2, rel=0.02)
    res = stored_latency_model(WAN).simulate(2000, seed=1)
    assert np.median(res["utilization"]) == pytest.approx(np.median(stored_fit()["draws"]["utilization"]), rel=0.1)
    with pytest.raises(FlopcastKeyError, match="missing steps"):
        predict_latency({k: v for k, v in WAN.items() if k != "steps"})


def test_command_prints_median_and_interval(capsys, tmp_path):
    args = ["latency", "--params", "14e9", "--width", "5120", "--layers", "40", "--resolution", "1280x720",
            "--frames", "81", "--steps", "50", "--cfg", "2", "--vae", "4x8x8", "--patch-size", "2",
            "--seed", "1"]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    p = predict_latency(WAN, seed=1)
    assert "s per clip (median), 90% interval" in out and f"{p.median:,.0f}" in out
    config = tmp_path / "wan.toml"
    config.write_text('params = 14e9\nwidth = 5120\nlayers = 40\nresolution = "1280x720"\nframes = 81\nsteps = 50\n'
                      'cfg_passes = 2\nvae = "4x8x8"\npatch_size = 2\n')  # fmt: skip
    assert main(["latency", "--config", str(config), "--seed", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["median_s"] == pytest.approx(p.median) and data["settings"]["frames"] == 81.0
    assert main(["latency", "--config", str(config), "--frames", "121", "--seed", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["median_s"] > p.median
    assert main(["latency", "--params", "14e9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("flopcast: error: latency_settings(): missing width") and err.count("\n") == 1
    assert main(["latency"]) == 2
    assert "--config FILE or --params" in capsys.readouterr().err
