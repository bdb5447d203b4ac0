"""The audit of the Sora article: every finding, with its values."""

import json

import pytest

from flopcast.catalog.sora_audit import Audit, Finding, audit, audit_article, matches_rounding


@pytest.fixture(scope="module")
def result() -> Audit:
    return audit()


def test_structure(result: Audit) -> None:
    assert audit_article().to_rows() == result.to_rows()
    assert {f.item for f in result} == {"R", "1", "2", "3", "4", "5", "6"}
    rows = result.to_rows()
    json.dumps(rows)
    assert set(rows[0]) >= {
        "item",
        "kind",
        "quantity",
        "unit",
        "stated",
        "implied",
        "rel_diff",
        "consequence",
    }
    text = str(result)
    assert "article says" in text and "its inputs imply" in text and "why / consequence" in text
    assert all(f.consequence for f in result)
    with pytest.raises(ValueError):
        Finding("R", "bogus", "x", "1", 1.0, 1.0, "")
    with pytest.raises(KeyError):
        result.get("1", "nothing")


def test_reproduction_rows(result: Audit) -> None:
    rows = result.items("R")
    assert len(rows) >= 25
    f = result.get("R", "sora_train_flop (low)")
    assert f.stated == 1.1e25 and f.implied == pytest.approx(1.08e25) and f.matches
    assert result.get("R", "train_gpu_months (high)").implied == pytest.approx(10528.3, abs=0.1)
    unmatched = {f.quantity for f in rows if not f.matches}
    assert unmatched == {
        "dit_step_flop",
        "breakeven_minutes (low)",
        "ai_minutes_per_day",
        "peak_fleet_gpus",
    }
    assert result.get("R", "peak_fleet_gpus").rel_diff == pytest.approx(-0.015, abs=0.001)


def test_item1_sum(result: Audit) -> None:
    f = result.get("1", "ai_minutes_per_day")
    assert f.stated == 10.7e6 and f.implied == pytest.approx(14.95e6)
    assert "10.7M" in f.consequence and "25%" in f.consequence
    steady = result.get("1", "steady_fleet_gpus")
    assert steady.stated == 89_000 and steady.implied == pytest.approx(124_000, rel=0.01)
    peak = result.get("1", "peak_fleet_gpus")
    assert peak.implied == pytest.approx(1.0e6, rel=0.02)


def test_item2_utilization(result: Audit) -> None:
    f = result.get("2", "train_gpu_months (low)")
    assert f.stated == 4211 and f.implied == pytest.approx(8422.6, abs=0.1)
    g = result.get("2", "video_minutes_per_gpu_hour")
    assert g.implied == pytest.approx(2.51, abs=0.01)


def test_item3_attention(result: Audit) -> None:
    f512 = result.get("3", "sora_step compute (512x512 frames)")
    assert f512.ratio == pytest.approx(5.11, abs=0.01)
    assert "184,320 tokens" in f512.consequence and "83%" in f512.consequence
    f1080 = result.get("3", "sora_step compute (1080p frames)")
    assert f1080.ratio == pytest.approx(272, rel=0.01)


def test_item4_cfg_steps(result: Audit) -> None:
    f = result.get("4", "sora_video_flop")
    assert f.stated == 708e15 and f.ratio == pytest.approx(0.4, rel=0.001)
    assert result.get("4", "breakeven_minutes (low)").implied == pytest.approx(38.1e6, rel=0.001)


def test_item5_clip_length(result: Audit) -> None:
    assert result.get("5", "sora_train_flop (low, 5 s clips)").implied == pytest.approx(9e23)
    assert result.get("5", "sora_train_flop (low, 16 s clips)").implied == pytest.approx(2.88e24)


def test_item6_macs(result: Audit) -> None:
    dit = result.get("6", "dit_step_flop")
    assert dit.implied == pytest.approx(1048.5e9, rel=1e-3)
    for q in (
        "sora_train_flop (low)",
        "sora_train_flop (high)",
        "train_gpu_months (low)",
        "train_gpu_months (high)",
        "sora_video_flop",
        "peak_fleet_gpus",
    ):
        assert result.get("6", q).ratio == pytest.approx(2.0), q
    assert result.get("6", "video_minutes_per_gpu_hour").ratio == pytest.approx(0.5)
    for q in ("breakeven_minutes (low)", "breakeven_minutes (high)", "breakeven_images"):
        assert result.get("6", q).ratio == pytest.approx(1.0), q
    llm = result.get("6", "dit_image_flop / llama2_document_flop")
    assert llm.implied == pytest.approx(1.87, abs=0.01)


def test_matches_rounding() -> None:
    assert matches_rounding(4211, 4210.9)
    assert not matches_rounding(4211, 4209.4)
    assert matches_rounding(6.5e6, 6.45e6)
    assert matches_rounding(0.4, 0.39)
    assert not matches_rounding(15.3e6, 15.249e6)


def test_stated_and_implied_share_one_number_style(result: Audit) -> None:
    """A row reads in one notation: '709,170 | 1.42e6' would look like different magnitudes."""
    cells = result.get("6", "peak_fleet_gpus").cells()
    assert cells[2:4] == ["7.09e5", "1.42e6"]
    cells = result.get("R", "peak_fleet_gpus").cells()
    assert cells[2:4] == ["720,000", "709,170"]  # both under a million: plain digits
