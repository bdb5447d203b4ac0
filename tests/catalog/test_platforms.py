"""Tests for flopcast.catalog.platforms."""

import dataclasses

import pytest

from flopcast.catalog.platforms import PlatformVolume, get_platform_volume, platform_volumes


def test_article_values() -> None:
    tiktok = get_platform_volume("TikTok")
    assert tiktok.estimate == "article"
    assert tiktok.minutes_per_day == pytest.approx(34e6 * 30 / 60) == 17e6
    assert tiktok.uploads_per_day == 34e6 and tiktok.mean_video_seconds == 30
    youtube = get_platform_volume("youtube", estimate="article")
    assert youtube.minutes_per_day == 43e6
    for vol in (tiktok, youtube):
        assert "Factorial Funds" in vol.source and "2024" in vol.date


def test_measured_values() -> None:
    tiktok = get_platform_volume("tiktok", "measured")
    assert tiktok.minutes_per_day == pytest.approx(117e6 * 20.5 / 60)
    assert tiktok.minutes_per_day == pytest.approx(40e6, rel=0.01)
    assert "2504.13279" in tiktok.source
    assert tiktok.date == "2024-04-10"
    assert "269M" in tiktok.note
    youtube = get_platform_volume("YouTube", "measured")
    assert youtube.minutes_per_day == pytest.approx(500 * 60 * 1440) == 43.2e6
    assert youtube.confidence == "low"


def test_article_sum_check() -> None:
    # The article's AI shares (50% TikTok, 15% YouTube) give 15.0M, not its "10.7M".
    ai = 0.5 * get_platform_volume("TikTok").minutes_per_day + 0.15 * get_platform_volume("YouTube").minutes_per_day
    assert ai == pytest.approx(14.95e6)


def test_platform_volumes() -> None:
    vols = platform_volumes()
    assert isinstance(vols, tuple)
    assert {(v.name, v.estimate) for v in vols} == {
        ("TikTok", "article"),
        ("TikTok", "measured"),
        ("YouTube", "article"),
        ("YouTube", "measured"),
    }
    assert all(v.source for v in vols)


def test_errors() -> None:
    with pytest.raises(ValueError, match="unknown platform 'Vine'.*TikTok, YouTube"):
        get_platform_volume("Vine")
    with pytest.raises(ValueError, match="unknown estimate 'guess'"):
        get_platform_volume("TikTok", estimate="guess")


def test_frozen_and_validated() -> None:
    vol = get_platform_volume("TikTok")
    with pytest.raises(dataclasses.FrozenInstanceError):
        vol.minutes_per_day = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="minutes_per_day must be positive"):
        PlatformVolume("X", -1.0, "s", "2024", "", "article", "low")
    with pytest.raises(ValueError, match="source must be a non-empty"):
        PlatformVolume("X", 1.0, "", "2024", "", "article", "low")
    with pytest.raises(ValueError, match="estimate must be one of"):
        PlatformVolume("X", 1.0, "s", "2024", "", "guess", "low")  # type: ignore[arg-type]
