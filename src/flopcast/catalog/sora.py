"""Sora compute models: the 2024 article as written, with distributions, and refined.

Three modes share the output names of :data:`OUTPUTS`, so they can be run on one seed and read side
by side:

``article(case)``
    The Factorial Funds article's point values and formulas (:mod:`.sora_article`); reproduces every
    number
    it states (:data:`ARTICLE_VALUES`), including its arithmetic slips (audited by :func:`audit`,
    :mod:`flopcast.catalog.sora_audit`).
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
>>> audit().get("R", "train_gpu_months (low)").matches
True

Every model built here declares its presentation with :func:`present` (the public ``Model.present``): the
outputs above as its headline, the article's values as references and the audit as a report section.
"""

from __future__ import annotations

from collections.abc import Callable

from flopcast.catalog import sora_article, sora_refined, sora_uncertain
from flopcast.catalog.sora_article import ARTICLE_VALUES
from flopcast.catalog.sora_audit import AUDIT_SECTION, Audit, Finding, audit
from flopcast.errors import FlopcastValueError
from flopcast.model import Model

__all__ = [
    "ARTICLE_VALUES",
    "OUTPUTS",
    "Audit",
    "Finding",
    "article",
    "article_value",
    "audit",
    "get_model",
    "models",
    "present",
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


def present(model: Model) -> Model:
    """Declare a Sora model's presentation, through the same public call a user has (``Model.present``).

    The headline is :data:`OUTPUTS`; each output's references are the article's stated values (its low and
    high cases, or one value where the case does not matter); the report gains the audit of the article.

    Examples
    --------
    >>> m = present(sora_article.article("low"))
    >>> m.headline == OUTPUTS, dict(m.presentation.references["train_gpu_months"])
    (True, {'the article (low case)': 4211.0, 'the article (high case)': 10528.0})
    >>> [s.title for s in m.presentation.sections]
    ['Audit of the article']
    """
    references = {}
    for name in OUTPUTS:
        low, high = ARTICLE_VALUES[name]
        references[name] = (
            {"the article": low} if low == high else {"the article (low case)": low, "the article (high case)": high}
        )
    model.present(headline=OUTPUTS, references=references, sections=[AUDIT_SECTION])
    return model


def article(case: str = "low") -> Model:
    """The article's model as written (see :func:`flopcast.catalog.sora_article.article`), presented.

    Examples
    --------
    >>> round(article("high").point()["train_gpu_months"])
    10528
    """
    return present(sora_article.article(case))


def uncertain() -> Model:
    """The article's formulas with sourced distributions (:func:`flopcast.catalog.sora_uncertain.uncertain`).

    Examples
    --------
    >>> uncertain().headline[0]
    'sora_train_flop'
    """
    return present(sora_uncertain.uncertain())


def refined() -> Model:
    """Token counts, attention, CFG and an image/video mix (:func:`flopcast.catalog.sora_refined.refined`).

    Examples
    --------
    >>> refined().name
    'sora-refined'
    """
    return present(sora_refined.refined())


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
