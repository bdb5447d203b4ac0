"""The video-latency catalog model, its configuration mapping and its shipped observations."""

import numpy as np
import pytest

from flopcast.analysis.observations import predict
from flopcast.catalog.flops import video_tokens
from flopcast.catalog.video_latency import (
    CONFIG_KEYS,
    latency_observations,
    latency_settings,
    load_observations,
    run_settings,
    subject_configs,
    video_latency,
)
from flopcast.errors import FlopcastError, FlopcastKeyError, FlopcastTypeError, FlopcastValueError

WAN = {"params": 14e9, "width": 5120, "layers": 40, "resolution": "1280x720", "frames": 81, "steps": 50,
       "cfg_passes": 2, "vae": "4x8x8", "patch_size": 2}  # fmt: skip


def test_model_structure_and_wan_count():
    m = video_latency()
    assert set(m.uncertain) == {"utilization", "attention_efficiency", "vae_decode_flop_per_pixel",
                                "vae_utilization", "overhead_s"}  # fmt: skip
    p = m.point()
    assert p["tokens"] == video_tokens(1280, 720, 81, 8, 4, 2, causal=True) == 75600
    linear, attention = 2 * 14e9 * 75600, 4 * 75600**2 * 5120 * 40
    assert p["forward_flop"] == pytest.approx(linear + attention)
    dit = (linear + attention / p["attention_efficiency"]) * 50 * 2 / (989.4e12 * p["utilization"])
    vae = 1280 * 720 * 81 * p["vae_decode_flop_per_pixel"] / (989.4e12 * p["vae_utilization"])
    text = 2 * 4.6e9 * 512 * 2 / (989.4e12 * p["vae_utilization"])
    assert p["latency_s"] == pytest.approx(dit + vae + text + p["overhead_s"])


def test_architecture_terms_scale_as_stated():
    m = video_latency()
    base = m.point()
    # two latent frames per token halve the tokens; attention (quadratic) falls by four
    half = m.replace(temporal_patch_size=2.0).point()
    assert half["tokens"] == pytest.approx(base["tokens"] / 2)
    assert half["attention_flop"] == pytest.approx(base["attention_flop"] / 4)
    # sparse attention computes a share of the pairs; a distilled model runs one pass per step
    sparse = m.replace(attention_density=0.1).point()
    assert sparse["attention_flop"] == pytest.approx(0.1 * base["attention_flop"])
    assert sparse["linear_flop"] == base["linear_flop"]
    one = m.replace(cfg_passes=1.0).point()
    assert one["clip_flop"] == pytest.approx(base["clip_flop"] / 2)


def test_settings_from_a_published_configuration():
    s = latency_settings(WAN)
    assert s == latency_settings({**WAN, "width_px": 1280, "gpu": "H100-SXM"})
    assert video_latency().replace(**s).point()["latency_s"] == pytest.approx(video_latency().point()["latency_s"])
    moe = latency_settings({**WAN, "total_params": 27e9})
    assert moe["params"] == 14e9  # compute counts the active expert
    a100 = latency_settings({**WAN, "gpu": "A100", "temporal_patch_size": 2, "attention_density": 0.2})
    assert a100["peak_flop_per_s"] == 312e12 and a100["temporal_patch_size"] == 2.0
    assert set(CONFIG_KEYS) >= {"params", "temporal_patch_size", "attention_density", "total_params", "gpu"}
    original = dict(WAN)
    latency_settings(WAN)
    assert original == WAN


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"width": None}, FlopcastKeyError, "missing width"),
        ({"heads": 40}, FlopcastKeyError, "unknown key(s) 'heads'"),
        ({"width_px": 1920}, FlopcastValueError, "resolution='1280x720' gives width_px=1280"),
        ({"total_params": 7e9}, FlopcastValueError, "total_params 7e+09 is below params"),
        ({"attention_density": 1.5}, FlopcastValueError, "at most 1"),
        ({"params": 14}, FlopcastValueError, "not 14"),
        ({"frames": -1}, FlopcastValueError, "frames must be a positive"),
        ({"steps": "50"}, FlopcastTypeError, "steps must be a number"),
        ({"gpu": "TPU9"}, FlopcastValueError, "unknown accelerator 'TPU9'"),
        ({"vae": "4x8x16"}, FlopcastValueError, "equal height and width"),
        ({"resolution": "720p"}, FlopcastValueError, "should look like '1280x720'"),
    ],
)
def test_settings_errors_name_the_key(change, error, words):
    config = {k: v for k, v in {**WAN, **change}.items() if v is not None}
    with pytest.raises(error) as info:
        latency_settings(config)
    assert isinstance(info.value, FlopcastError)
    assert words in str(info.value)


def test_shipped_data_has_sources_conditions_and_confidence():
    rows = load_observations()
    assert {"subject", "quantity", "value", "unit", "conditions", "source", "confidence"} <= set(rows[0])
    assert all(r["source"] and r["confidence"] in ("high", "medium", "low") for r in rows)
    latencies = [r for r in rows if r["quantity"] == "latency"]
    assert len(latencies) >= 12 and len({r["subject"] for r in latencies}) >= 8
    assert all(r["conditions"] for r in latencies)
    configs = subject_configs(rows)
    assert configs["HunyuanVideo"]["cfg_passes"] == 1.0
    assert configs["CogVideoX1.5-5B"]["temporal_patch_size"] == 2.0
    assert configs["LTX-Video"]["vae"] == "8x32x32"
    assert run_settings("1280x720, 129 frames, 50 steps, 1 x 80GB GPU")["gpu"] == "H100"
    with pytest.raises(FlopcastValueError, match="should begin"):
        run_settings("720p, 5 s")


def test_latency_observations_fix_each_subject():
    obs = latency_observations(sigma=0.25)
    assert len(obs) == 18 and len({o.subject for o in obs}) == 9
    assert all(o.sigma == 0.25 and o.quantity == "latency_s" and o.kind == "relative" for o in obs)
    assert all(o.given["peak_flop_per_s"] == 989.4e12 for o in obs)  # H100 only by default
    assert len(latency_observations(gpus=None)) == 23  # with the five A100 rows
    wan = next(o for o in obs if o.subject == "Wan2.1-T2V-14B")
    m = video_latency()
    # Wan's conditions are the model's defaults: the prediction equals the model's own latency
    values = {name: m.assumptions[name].distribution.ppf(np.array([0.3, 0.6])) for name in m.uncertain}
    np.testing.assert_allclose(predict(m, wan, values), m.evaluate(values)["latency_s"])
    cog15 = next(o for o in obs if o.subject == "CogVideoX1.5-5B")
    assert cog15.given["temporal_patch_size"] == 2.0 and cog15.given["width_px"] == 1360.0
