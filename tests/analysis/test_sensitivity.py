"""examples/sora_sensitivity.py runs and ranks the drivers of each output."""

import importlib.util
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sora_sensitivity.py"


def test_sora_sensitivity_example_runs(capsys):
    spec = importlib.util.spec_from_file_location("sora_sensitivity", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["512"])
    out = capsys.readouterr().out
    for label in ("training FLOP", "breakeven minutes", "peak fleet"):
        assert f"Drivers of {label}" in out
    assert "by group:" in out
    # breakeven minutes = training FLOP / FLOP per video minute: the model size cancels out of it.
    breakeven = out.split("Drivers of breakeven minutes")[1].split("Drivers of")[0]
    assert "param_scale" not in breakeven.split("by group:")[0]
