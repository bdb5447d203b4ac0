"""Scenario sweeps on common random numbers."""

import pytest

import flopcast as fc


def sweep_model() -> fc.Model:
    m = fc.Model("sweep")
    m.assume("steps", 50, unit="step")
    m.assume("gpu", fc.choice({"H100": 989e12, "B200": 2250e12}), unit="FLOP/s")
    m.assume("flop_per_step", fc.lognormal(1e15, 4e15), unit="FLOP/step")
    m.assume("mfu", fc.beta(4, 6))

    @m.derive(unit="s")
    def latency(steps, flop_per_step, gpu, mfu):
        return steps * flop_per_step / (gpu * mfu)

    return m


def test_sweep_grid_with_common_random_numbers():
    m = sweep_model()
    ds = fc.sweep(m, {"steps": [20, 50, 250], "gpu": ["H100", "B200"]}, n=20_000, seed=3)
    assert ds["latency"].dims == ("steps", "gpu", "stat")
    assert ds["latency"].attrs["unit"] == "s"
    assert list(ds["gpu"].values) == ["H100", "B200"]
    med = ds["latency"].sel(stat="median")
    # Common random numbers: latency is proportional to steps / gpu draw by draw, so medians are exactly so.
    assert float(med.sel(steps=250, gpu="H100") / med.sel(steps=20, gpu="H100")) == pytest.approx(12.5, rel=1e-12)
    assert float(med.sel(steps=50, gpu="H100") / med.sel(steps=50, gpu="B200")) == pytest.approx(2250 / 989, rel=1e-12)
    single = m.replace(steps=20.0, gpu=989e12).simulate(20_000, seed=3, keep="latency").summary()
    assert float(ds["latency"].sel(steps=20, gpu="H100", stat="eti_upper")) == single.loc["latency", "eti_upper"]
    effects = fc.sweep_effects(ds, "latency")
    assert list(effects["input"].values) == ["steps", "gpu"]
    assert float(effects["main_effect_share"].sum()) == pytest.approx(1.0, abs=1e-9)  # no interaction on logs


@pytest.mark.parametrize(
    ("grid", "error", "match"),
    [
        ({"steps": []}, ValueError, "axis 'steps' is empty"),
        ({"latency": [1]}, ValueError, "'latency' is not an assumption"),
        ({"nope": [1]}, ValueError, "'nope' is not an assumption"),
        ({"gpu": ["A100"]}, ValueError, "labels"),
        ({}, ValueError, "non-empty mapping"),
        ({"steps": 5}, TypeError, "must be a list"),
    ],
)
def test_sweep_bad_input(grid, error, match):
    with pytest.raises(error, match=match):
        fc.sweep(sweep_model(), grid, n=100)
