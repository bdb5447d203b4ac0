"""Sora compute models: the 2024 article as written, with distributions, and refined.

Three modes share the output names of :data:`OUTPUTS`, so they can be run on one seed and read side
by side:

``article(case)``
    The Factorial Funds article's point values and formulas (:mod:`.sora_article`); reproduces every
    number
    it states (:data:`ARTICLE_VALUES`), including its arithmetic slips (audited in
    :mod:`flopcast.analysis.audit`).
``uncertain()``
    The article's formulas with every assumption a distribution from published facts, and DiT's MACs
    counted as 2 FLOP (:mod:`.sora_uncertain`).
``refined()``
    Token counts from resolution, clip length and VAE compression, the attention term, an
    image/video
    training mix and classifier-free guidance (:mod:`.sora_refined`).

Examples
--------
>>> sorted(models())
['article-high', 'article-low', 'refined', 'uncertain']
>>> get_model("article-low").name
'sora-article-low'
>>> ARTICLE_VALUES["train_gpu_months"]
(4211.0, 10528.0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from flopcast.catalog.sora_article import article
from flopcast.catalog.sora_refined import refined
from flopcast.catalog.sora_uncertain import uncertain
from flopcast.errors import FlopcastValueError
from flopcast.model import Model

if TYPE_CHECKING:
    from flopcast.analysis.audit import Audit

__all__ = [
    "ARTICLE_VALUES",
    "OUTPUTS",
    "article",
    "article_value",
    "audit",
    "get_model",
    "models",
    "refined",
    "uncertain",
]

OUTPUTS: tuple[str, ...] = (
    "sora_train_flop",
    "train_gpu_months",
    "sora_video_flop",
    "video_minutes_per_gpu_hour",
    "breakeven_minutes",
    "ai_minutes_per_day",
    "steady_fleet_gpus",
    "peak_fleet_gpus",
)
"""Outputs every mode has, with the same names and units."""

ARTICLE_VALUES: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        # name: (low case, high case), as the article states them (its rounding)
        "dit_train_flop": (1e21, 1e21),
        "dit_train_gpu_months": (0.4, 0.4),
        "dit_train_gpu_days": (12.0, 12.0),
        "sora_params": (20e9, 20e9),
        "video_frames": (1440.0, 1440.0),
        "latent_frames": (180.0, 180.0),
        "sora_train_flop": (1.1e25, 2.7e25),
        "train_gpu_months": (4211.0, 10528.0),
        "dit_step_flop": (524e9, 524e9),
        "dit_image_flop": (131e12, 131e12),
        "breakeven_images": (7.6e6, 7.6e6),
        "sora_step_flop": (2.8e15, 2.8e15),
        "sora_video_flop": (708e15, 708e15),
        "breakeven_minutes": (15.3e6, 38.1e6),
        "video_minutes_per_gpu_hour": (5.0, 5.0),
        "video_minutes_per_gpu_day": (120.0, 120.0),
        "tiktok_ai_minutes_per_day": (8.5e6, 8.5e6),
        "youtube_ai_minutes_per_day": (6.5e6, 6.5e6),
        "ai_minutes_per_day": (10.7e6, 10.7e6),
        "steady_fleet_gpus": (89_000.0, 89_000.0),
        "peak_fleet_gpus": (720_000.0, 720_000.0),
        "llama2_document_flop": (1.4e14, 1.4e14),
        "gpt4_document_flop": (8.8e14, 8.8e14),
    }
)
"""What the article states for each quantity, ``(low case, high case)``; equal where the case does
not matter.
"""

_MODELS: dict[str, tuple[Callable[[], Model], str]] = {
    "article-low": (
        lambda: article("low"),
        "the article as written, 4x dataset multiplier (1.1e25 FLOP)",
    ),
    "article-high": (
        lambda: article("high"),
        "the article as written, 10x dataset multiplier (2.7e25 FLOP)",
    ),
    "uncertain": (
        uncertain,
        "the article's formulas, each assumption a sourced distribution, MACs x2",
    ),
    "refined": (
        refined,
        "token counts, attention, CFG and an image/video mix; calibrated utilization",
    ),
}


def models() -> dict[str, str]:
    """List the built-in Sora models, name -> one-line description.

    Examples
    --------
    >>> models()["uncertain"][:30]
    "the article's formulas, each a"
    """
    return {name: desc for name, (_, desc) in _MODELS.items()}


def get_model(name: str) -> Model:
    """Build a built-in Sora model by its name in :func:`models`.

    Examples
    --------
    >>> get_model("refined").name
    'sora-refined'
    """
    try:
        factory, _ = _MODELS[name]
    except KeyError:
        raise FlopcastValueError(f"unknown Sora model {name!r}; choose one of {', '.join(_MODELS)}") from None
    return factory()


def article_value(name: str, case: str = "low") -> float:
    """Return the article's stated value of ``name`` for ``case`` (``"low"`` or ``"high"``).

    Examples
    --------
    >>> article_value("breakeven_minutes", "high")
    38100000.0
    """
    if case not in ("low", "high"):
        raise FlopcastValueError(f"case must be 'low' or 'high', got {case!r}")
    try:
        low, high = ARTICLE_VALUES[name]
    except KeyError:
        raise FlopcastValueError(f"the article states no value for {name!r}") from None
    return low if case == "low" else high


def audit() -> Audit:
    """Recompute every number the article states from its own inputs and list each difference.

    The same as :func:`flopcast.analysis.audit.audit`, next to the models it audits.

    Examples
    --------
    >>> from flopcast.catalog import sora
    >>> findings = sora.audit()
    >>> len(findings.to_rows()) > 20
    True
    """
    from flopcast.analysis.audit import audit as audit_article

    return audit_article()
