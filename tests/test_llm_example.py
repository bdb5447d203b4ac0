"""The LLM example: a user model that is not about video, its report, and the summary shown in the docs."""

import re
import runpy
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    from flopcast.report import write_report

    build = runpy.run_path(str(ROOT / "examples" / "llm_training.py"))["build"]
    out = tmp_path_factory.mktemp("llm")
    return write_report(build(), out, n=50_000, seed=1, sensitivity_n=512, html=False)


def test_units_and_labels(report):
    model = report.result.model
    assert {n: model[n].unit for n in report.outputs} == {
        "train_flop": "FLOP", "gpu_days": "GPU*day", "cost": "USD", "days": "day"
    }  # fmt: skip
    assert model["cost"].label == "compute cost" and all(a.source for a in model.assumptions.values())
    point = model.point()
    # cost = GPU-days x 24 h x price; days = GPU-days / (cluster x goodput): exact on the point values
    assert point["cost"] == pytest.approx(point["gpu_days"] * 24 * point["price"], rel=1e-12)
    assert point["days"] == pytest.approx(point["gpu_days"] / (point["cluster"] * point["goodput"]), rel=1e-12)


def test_report_has_no_sora_section_and_places_the_reference(report):
    text = (report.path / "report.md").read_text()
    assert "Audit" not in text and "article" not in text
    percentile = 100 * np.mean(report.result["train_flop"] <= 3.8e25)
    assert f"3.8e25 lies at the {round(percentile)}" in text


def test_docs_page_shows_this_run(report):
    """The summary paragraphs quoted in docs/llm-example.md are this run's, word for word."""
    page = (ROOT / "docs" / "llm-example.md").read_text()
    text = (report.path / "report.md").read_text()
    quoted = [line for line in page.splitlines() if line.startswith("**") and "a median of" in line]
    assert [re.search(r"\(`(\w+)`\)", line).group(1) for line in quoted] == list(report.outputs)
    for line in quoted:
        assert line in text, line
