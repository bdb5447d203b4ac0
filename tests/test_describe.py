"""Describing a model: rows for assumptions and derived quantities, and an aligned table."""

import pytest

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
