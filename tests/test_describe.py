"""Describing a model: rows for assumptions and derived quantities, and an aligned table."""

import pytest

import flopcast as fc
from tests.model.test_model import make_chain


def test_describe_rows_and_table():
    m = make_chain()
    d = m.describe()
    row = d.assumptions[0]
    assert row["name"] == "flop" and row["unit"] == "FLOP" and row["source"] == "guess"
    assert row["interval_90"] == pytest.approx((1e20, 1e22), rel=1e-9)
    assert d.derived[1] == {
        "name": "gpu_days",
        "label": "gpu_days",
        "unit": "GPU*day",
        "inputs": ["gpu_seconds", "seconds_per_day"],
        "point": pytest.approx(1e21 / 4e14 / 86400),
        "note": "",
    }
    text = str(d)
    assert "Assumptions" in text and "gpu_days" in text and "FLOP/s/GPU" in text
    assert row["summary"] == "lognormal, 90% in 1e20 – 1e22" and row["summary"] in text


def test_json_gives_the_exact_parameters(capsys):
    """docs/cli.md: `distribution` holds the exact parameters, at full precision (repr rounds to 6 digits)."""
    import json
    import re

    from flopcast.cli import main
    from flopcast.cli_models import load_model
    from flopcast.describe import exact_repr

    m = fc.Model("exact")
    m.assume("params", fc.lognormal(7e10, 4e11))
    m.assume("mix", fc.mixture([fc.uniform(0.1, 1 / 3), fc.normal(mean=2 / 3, sd=0.1)], [0.3, 0.7]))
    rows = {r["name"]: r["distribution"] for r in m.describe().assumptions}
    mu, sigma = (float(x) for x in re.findall(r"=([0-9.e+-]+)", rows["params"]))
    assert (mu, sigma) == (m["params"].distribution.mu, m["params"].distribution.sigma)
    assert "0.3333333333333333" in rows["mix"] and "0.6666666666666666" in rows["mix"]
    assert main(["describe", "refined", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    model = load_model("refined")
    for row in data["assumptions"]:
        assert row["distribution"] == exact_repr(model[row["name"]].distribution)
