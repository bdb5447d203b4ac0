"""Daily upload volume of video platforms, in minutes of video per day, each with its source.

Two estimates per platform:

``"article"``
    The values the 2024 Factorial Funds Sora analysis uses (TikTok 17M min/day = 34M videos
    x 30 s; YouTube 43M min/day, i.e. ~500 hours uploaded per minute).
``"measured"``
    Newer published figures (see ``data/observations.csv``): TikTok 117M posts/day x 20.5 s
    mean length (arXiv 2504.13279, measured 10 Apr 2024) ~ 40M min/day, and the widely cited
    but unverified YouTube 500 h/min = 43.2M min/day.

Examples
--------
>>> get_platform_volume("TikTok").minutes_per_day
17000000.0
>>> round(get_platform_volume("tiktok", estimate="measured").minutes_per_day / 1e6, 2)
39.98
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from flopcast.errors import FlopcastValueError

__all__ = [
    "Estimate",
    "PlatformVolume",
    "get_platform_volume",
    "platform_volumes",
]

Estimate = Literal["article", "measured"]
_ESTIMATES: tuple[str, ...] = ("article", "measured")


@dataclass(frozen=True, slots=True)
class PlatformVolume:
    """One estimate of a platform's daily video upload volume.

    Parameters
    ----------
    name : str
        Platform, e.g. ``"TikTok"``.
    minutes_per_day : float
        Minutes of video uploaded per day, min/day.
    source : str
        Where the figure (or its inputs) comes from.
    date : str
        When the figure applies: an ISO date (``"2024-04-10"``) or a year (``"2024"``).
    note : str
        How it was derived and its caveats.
    estimate : {"article", "measured"}
        Which family of estimates this belongs to.
    confidence : str
        ``"high"``, ``"medium"`` or ``"low"``.
    uploads_per_day : float or None
        Number of videos per day, if the figure is built as count x mean length.
    mean_video_seconds : float or None
        Mean video length in seconds, if the figure is built as count x mean length.

    Raises
    ------
    ValueError
        On an empty name or source, or a non-positive or non-finite volume.
    """

    name: str
    minutes_per_day: float
    source: str
    date: str
    note: str
    estimate: Estimate
    confidence: str
    uploads_per_day: float | None = None
    mean_video_seconds: float | None = None

    def __post_init__(self) -> None:
        for what, text in (("name", self.name), ("source", self.source), ("date", self.date)):
            if not isinstance(text, str) or not text.strip():
                raise FlopcastValueError(f"PlatformVolume {what} must be a non-empty string, got {text!r}")
        if self.estimate not in _ESTIMATES:
            raise FlopcastValueError(f"estimate must be one of {_ESTIMATES}, got {self.estimate!r}")
        for what, value in (
            ("minutes_per_day", self.minutes_per_day),
            ("uploads_per_day", self.uploads_per_day),
            ("mean_video_seconds", self.mean_video_seconds),
        ):
            if value is None and what != "minutes_per_day":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise FlopcastValueError(f"{self.name}: {what} must be positive and finite, got {value!r}")
            object.__setattr__(self, what, float(value))


_VOLUMES: tuple[PlatformVolume, ...] = (
    PlatformVolume(
        name="TikTok",
        minutes_per_day=34e6 * 30 / 60,
        source="Factorial Funds (2024), 'Under the hood: how OpenAI's Sora model works'",
        date="2024",
        note="34M videos per day x 30 s each = 17M min/day, as used by the article.",
        estimate="article",
        confidence="low",
        uploads_per_day=34e6,
        mean_video_seconds=30.0,
    ),
    PlatformVolume(
        name="YouTube",
        minutes_per_day=43e6,
        source="Factorial Funds (2024), 'Under the hood: how OpenAI's Sora model works'",
        date="2024",
        note="43M min/day, i.e. ~500 hours uploaded per minute (500 x 60 x 1440 = 43.2M).",
        estimate="article",
        confidence="low",
    ),
    PlatformVolume(
        name="TikTok",
        minutes_per_day=117e6 * 20.5 / 60,
        source="arXiv 2504.13279 (posts/day measured 10 Apr 2024; mean length via press summary)",
        date="2024-04-10",
        note=(
            "117M posts/day x 20.5 s mean length = 39.98M min/day. A later version of the same "
            "paper reports 269M posts/day, which at 20.5 s would be ~91.9M min/day."
        ),
        estimate="measured",
        confidence="medium",
        uploads_per_day=117e6,
        mean_video_seconds=20.5,
    ),
    PlatformVolume(
        name="YouTube",
        minutes_per_day=500 * 60 * 60 * 24,
        source="widely cited '500 hours of video uploaded per minute'; no primary source verified",
        date="2024",
        note="500 h/min x 60 min/h x 1440 min/day = 43.2M min/day; low confidence.",
        estimate="measured",
        confidence="low",
    ),
)


def platform_volumes() -> tuple[PlatformVolume, ...]:
    """Return every catalogued platform volume estimate.

    Examples
    --------
    >>> sorted({(v.name, v.estimate) for v in platform_volumes()})[:2]
    [('TikTok', 'article'), ('TikTok', 'measured')]
    """
    return _VOLUMES


def get_platform_volume(platform: str, estimate: str = "article") -> PlatformVolume:
    """Return one platform's daily upload volume estimate.

    Parameters
    ----------
    platform : str
        Platform name, case-insensitive (``"TikTok"``, ``"youtube"``).
    estimate : {"article", "measured"}, default "article"
        ``"article"`` reproduces the Factorial Funds Sora analysis; ``"measured"`` uses newer
        published figures.

    Returns
    -------
    PlatformVolume

    Raises
    ------
    ValueError
        For an unknown platform or estimate; the message lists what is available.

    Examples
    --------
    >>> get_platform_volume("youtube").minutes_per_day
    43000000.0
    """
    est = estimate.strip().lower() if isinstance(estimate, str) else estimate
    if est not in _ESTIMATES:
        raise FlopcastValueError(f"unknown estimate {estimate!r}; choose one of {_ESTIMATES}")
    key = platform.strip().lower() if isinstance(platform, str) else platform
    for vol in _VOLUMES:
        if vol.name.lower() == key and vol.estimate == est:
            return vol
    known = sorted({v.name for v in _VOLUMES})
    raise FlopcastValueError(f"unknown platform {platform!r}; known platforms: {', '.join(known)}")
