"""Audit of the 2024 Sora compute article: every number it states against what its own inputs imply.

:func:`audit` (also ``flopcast.catalog.sora.audit``) recomputes each stated number with the article model
(:func:`flopcast.catalog.sora.article`) and then runs it with one change at a time (``model.replace``) to
quantify the inconsistencies and simplifications of the reference (``sora-article-model.md``):

1. the AI minutes per day: 8.5M + 6.5M is 15.0M, not the 10.7M the GPU counts use;
2. utilization 100% in training and in "5 minutes per H100-hour", 50% in the fleet;
3. compute linear in frames: no attention term, no resolution;
4. no classifier-free guidance, no VAE decoding, 250 steps;
5. every training video a full minute;
6. DiT's "Gflops" are multiply-accumulates: every FLOP and GPU count ~2x too low, breakevens
unaffected.

No value is typed in as "implied": each comes from the model or from :mod:`flopcast.catalog.flops`.
The only
numbers given here are the what-if inputs of items 3-5 (current practice: CFG with 2 passes, 50
steps, 5-16 s
training clips, 1080p frames), each named in its finding.

Examples
--------
>>> a = audit()
>>> f = a.get("1", "ai_minutes_per_day")
>>> f.stated, round(f.implied / 1e6, 2)
(10700000.0, 14.95)
>>> round(a.get("6", "breakeven_minutes (low)").ratio, 6)
1.0
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from flopcast.catalog import flops
from flopcast.catalog.sora_article import ARTICLE_VALUES, LABELS, article
from flopcast.errors import FlopcastKeyError, FlopcastValueError
from flopcast.formatting import eng, row, table
from flopcast.model import Model
from flopcast.presentation import ReportSection

if TYPE_CHECKING:
    from flopcast.result import Result

__all__ = ["AUDIT_SECTION", "Audit", "Finding", "audit", "audit_article", "audit_markdown", "matches_rounding"]

_KINDS = ("reproduction", "inconsistency", "simplification")


@dataclass(frozen=True)
class Finding:
    """One audited number: what the article says, what its inputs imply, and why they differ.

    Parameters
    ----------
    item : str
        ``"R"`` for the reproduction of a stated number, ``"1"``-``"6"`` for the reference's list.
    kind : {"reproduction", "inconsistency", "simplification"}
        What sort of finding.
    quantity : str
        The model quantity (with ``(low)``/``(high)`` when the case matters) or a short label.
    unit : str
        Unit of ``stated`` and ``implied``.
    stated : float or None
        The value the article states.
    implied : float or None
        What the article's own inputs give (reproduction), or the value after the change of the
        finding.
    consequence : str
        Why they differ and what follows.
    matches : bool
        Whether ``implied`` rounds to ``stated`` at the article's precision.
    """

    item: str
    kind: str
    quantity: str
    unit: str
    stated: float | None
    implied: float | None
    consequence: str
    matches: bool = False

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise FlopcastValueError(f"Finding: kind must be one of {_KINDS}, got {self.kind!r}")

    @property
    def ratio(self) -> float | None:
        """``implied / stated`` (None when either is missing)."""
        if self.stated is None or self.implied is None or self.stated == 0:
            return None
        return self.implied / self.stated

    @property
    def rel_diff(self) -> float | None:
        """``implied / stated - 1`` (None when either is missing)."""
        r = self.ratio
        return None if r is None else r - 1.0

    def to_row(self) -> dict[str, Any]:
        """Return the finding as a JSON-ready dict (with ``rel_diff``)."""
        return {**asdict(self), "rel_diff": self.rel_diff}

    def cells(self) -> list[str]:
        """Return the finding as the cells of a text table row: item, quantity, stated, implied, diff, unit, why.

        The difference is relative for a reproduction (``+1.2%``) and a ratio otherwise (``x2``).
        """
        diff = "" if self.rel_diff is None else f"{self.rel_diff:+.1%}"
        if self.kind != "reproduction" and self.ratio is not None:
            diff = f"x{self.ratio:.3g}"
        # One number style for the row: '709,170' beside '1.42e6' would read as different magnitudes.
        given = [v for v in (self.stated, self.implied) if v is not None]
        styled = iter(row(given, self.unit))
        stated, implied = ("" if v is None else next(styled) for v in (self.stated, self.implied))
        return [self.item, self.quantity, stated, implied, diff, self.unit, self.consequence]


@dataclass(frozen=True)
class Audit:
    """The findings of :func:`audit`; ``str()`` is an aligned table, :meth:`to_rows` JSON rows."""

    findings: tuple[Finding, ...]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def to_rows(self) -> list[dict[str, Any]]:
        """Return one JSON-ready dict per finding (with ``rel_diff``)."""
        return [f.to_row() for f in self.findings]

    def get(self, item: str, quantity: str) -> Finding:
        """Return the finding of ``item`` about ``quantity``."""
        for f in self.findings:
            if f.item == item and f.quantity == quantity:
                return f
        known = ", ".join(f"{f.item}:{f.quantity}" for f in self.findings if f.item == item)
        raise FlopcastKeyError(f"no finding {quantity!r} in item {item!r} (item {item!r} has: {known or 'nothing'})")

    def items(self, item: str) -> list[Finding]:
        """Every finding of one item."""
        return [f for f in self.findings if f.item == item]

    def __repr__(self) -> str:
        return f"Audit({len(self.findings)} findings)"

    def _repr_html_(self) -> str:
        from flopcast.html import escape, table_html

        rows = [[escape(c) for c in f.cells()] for f in self.findings]
        headers = ["#", "quantity", "article says", "its inputs imply", "diff", "unit", "why / consequence"]
        return table_html(headers, rows, caption="Audit of the article", numeric="llrrrll")

    def __str__(self) -> str:
        rows = [f.cells() for f in self.findings]
        return table(
            [
                "#",
                "quantity",
                "article says",
                "its inputs imply",
                "diff",
                "unit",
                "why / consequence",
            ],
            rows,
            "llrrrll",
        )


def matches_rounding(stated: float, implied: float) -> bool:
    """Tell whether ``implied`` rounds to ``stated`` at the digits ``stated`` is written with.

    Trailing zeros of whole numbers are not significant (89,000 has two digits).

    Examples
    --------
    >>> matches_rounding(1.1e25, 1.08e25), matches_rounding(89_000, 88_646)
    (True, True)
    >>> matches_rounding(720_000, 709_170)
    False
    """
    if stated == 0:
        return implied == 0
    mantissa = f"{abs(stated):.12e}".split("e")[0].replace(".", "").rstrip("0")
    digits = max(len(mantissa), 1)
    exponent = math.floor(math.log10(abs(stated)))
    half_unit = 0.5 * 10.0 ** (exponent - digits + 1)
    return abs(implied - stated) <= half_unit * (1 + 1e-9)


def audit_article() -> Audit:
    """Alias of :func:`audit`."""
    return audit()


def audit() -> Audit:
    """Audit the article: its stated numbers, then the six inconsistencies and simplifications.

    Returns
    -------
    Audit

    Examples
    --------
    >>> a = audit()
    >>> f = a.get("R", "train_gpu_months (low)")
    >>> f.stated, round(f.implied), f.matches
    (4211.0, 4211, True)
    >>> round(a.get("1", "peak_fleet_gpus").implied, -4)
    1000000.0
    """
    # What the article's inputs imply: its breakeven and fleet without the roundings (708e15 FLOP, 120 minutes per
    # H100-day) it divides by, so that they follow every change the items below make to the inputs. Item 1 keeps
    # the article's own arithmetic and corrects only its sum.
    stated = {case: article(case) for case in ("low", "high")}  # the audit only reads them: built once
    low, high = (
        stated[case].replace(breakeven_minutes=_unrounded_breakeven, steady_fleet_gpus=_unrounded_steady_fleet)
        for case in ("low", "high")
    )
    findings = _reproduction(low, high, stated["low"].point(), stated["high"].point())
    findings += _item1(stated["low"])
    findings += _item2(low)
    findings += _item3(low)
    findings += _item4(low)
    findings += _item5(low)
    findings += _item6(low, high)
    return Audit(tuple(findings))


# ---------------------------------------------------------------------------------- reproduction


def _unrounded_breakeven(sora_train_flop: float, sora_video_flop: float) -> float:
    return sora_train_flop / sora_video_flop


def _unrounded_steady_fleet(ai_minutes_per_day: float, video_minutes_per_gpu_day: float) -> float:
    return ai_minutes_per_day / video_minutes_per_gpu_day


def _reproduction(low: Model, high: Model, mode_low: dict[str, float], mode_high: dict[str, float]) -> list[Finding]:
    pl, ph = low.point(), high.point()
    mode = {id(pl): mode_low, id(ph): mode_high}
    explain = {
        "dit_step_flop": "the article truncates the paper's 524.6e9 (used here: it gives the stated 708e15/video)",
        "ai_minutes_per_day": "its shares give 8.5M + 6.45M = 14.95M; 10.7M = 17M x 25% + 43M x 15% (item 1)",
        "peak_fleet_gpus": (
            f"the article rounds 89,000 x 8 = 712,000 up; the unrounded {eng(pl['steady_fleet_gpus'])} x 8 gives this"
        ),
        "breakeven_minutes": (
            f"the article divides by its rounded 708e15: {eng(pl['sora_train_flop'] / 708e15, 4)} min, then rounds up"
        ),
    }
    implied_from = {"ai_minutes_per_day": "ai_minutes_per_day_from_shares"}
    out = []
    for name, (s_low, s_high) in ARTICLE_VALUES.items():
        node = implied_from.get(name, name)
        cases = (
            [("", pl, s_low)]
            if s_low == s_high and pl[node] == ph[node]
            else [(" (low)", pl, s_low), (" (high)", ph, s_high)]
        )
        for suffix, p, stated in cases:
            implied = p[node]
            ok = matches_rounding(stated, implied)
            text = "matches at the article's rounding" if ok else explain.get(name, "differs")
            as_written = mode[id(p)][node]
            if not math.isclose(as_written, implied, rel_tol=1e-9):
                # Article mode and this column both appear in the Sora reports: say why they differ.
                text += (
                    f"; article mode gives {eng(as_written)}, dividing by the article's rounded figures as the "
                    "article does"
                )
            out.append(Finding("R", "reproduction", name + suffix, low[node].unit, stated, implied, text, ok))
    return out


# ---------------------------------------------------------------------------------- items 1-6


def _item1(m: Model) -> list[Finding]:
    p = m.point()
    shares = p["ai_minutes_per_day_from_shares"]
    fixed = m.replace(ai_minutes_per_day=shares).point()
    quarter = m.replace(tiktok_ai_share=p["tiktok_ai_share"] / 2).point()["ai_minutes_per_day_from_shares"]
    unit = m["ai_minutes_per_day"].unit
    return [
        Finding(
            "1",
            "inconsistency",
            "ai_minutes_per_day",
            unit,
            p["ai_minutes_per_day"],
            shares,
            f"8.5M + 6.45M is {eng(shares, 4, style='si')}, not 10.7M; 10.7M is what a "
            f"{p['tiktok_ai_share'] / 2:.0%} TikTok share gives ({eng(quarter, style='si')})",
        ),
        Finding(
            "1",
            "inconsistency",
            "steady_fleet_gpus",
            "GPU",
            ARTICLE_VALUES["steady_fleet_gpus"][0],
            fixed["steady_fleet_gpus"],
            "with the article's own shares (and its 120 minutes per H100-day) the steady fleet is ~40% larger",
        ),
        Finding(
            "1",
            "inconsistency",
            "peak_fleet_gpus",
            "GPU",
            ARTICLE_VALUES["peak_fleet_gpus"][0],
            fixed["peak_fleet_gpus"],
            "and the peak fleet about 1.0M H100, not ~720,000",
        ),
    ]


def _item2(m: Model) -> list[Finding]:
    p = m.point()
    u = p["fleet_utilization"]
    at_u = m.replace(train_utilization=u, inference_utilization=u).point()
    return [
        Finding(
            "2",
            "inconsistency",
            "train_gpu_months (low)",
            "GPU*month",
            ARTICLE_VALUES["train_gpu_months"][0],
            at_u["train_gpu_months"],
            f"training assumes {p['train_utilization']:.0%} of peak; at the fleet's own {u:.0%} it needs 2x GPUs",
        ),
        Finding(
            "2",
            "inconsistency",
            "video_minutes_per_gpu_hour",
            "video_minute/GPU/hour",
            ARTICLE_VALUES["video_minutes_per_gpu_hour"][0],
            at_u["video_minutes_per_gpu_hour"],
            f"'5 min per H100-hour' is at {p['inference_utilization']:.0%}; the fleet's x2 for "
            f"{u:.0%} corrects it there only",
        ),
    ]


def _item3(m: Model) -> list[Finding]:
    """Attention and resolution, with the article's own token count and a 30x-DiT transformer."""
    p = m.point()
    dit = flops.DIT_XL_2
    # A transformer with param_scale x DiT-XL/2's per-token weights at DiT-XL/2's depth: width x
    # sqrt(scale).
    width = dit.width * p["param_scale"] ** 0.5
    frames = p["latent_frames"]
    tokens_512 = frames * dit.tokens(512)
    tokens_1080 = flops.video_tokens(
        1920,
        1080,
        p["video_frames"],
        dit.spatial_compression,
        p["temporal_compression"],
        dit.patch_size,
    )
    per_frame = p["dit_step_compute"] * p["param_scale"] * frames  # the article's count, in MAC
    unit = "MAC/step"
    out = []
    for label, tokens in (("512x512 frames", tokens_512), ("1080p frames", tokens_1080)):
        macs = flops.dit_forward_macs(tokens, width, dit.depth)
        share = flops.attention_macs(tokens, width, dit.depth) / macs
        out.append(
            Finding(
                "3",
                "simplification",
                f"sora_step compute ({label})",
                unit,
                per_frame,
                macs,
                f"{eng(tokens)} tokens: attention (~tokens^2) is {share:.0%} of a forward pass; "
                "the article scales linearly in frames"
                + (" at DiT's 512x512 per frame" if label.startswith("1080") else ""),
            )
        )
    return out


def _item4(m: Model) -> list[Finding]:
    p = m.point()
    cfg, steps = (
        2.0,
        50.0,
    )  # current practice: CFG with 2 passes; 50 steps (Wan, HunyuanVideo, CogVideoX)
    now = m.replace(cfg_passes=cfg, diffusion_steps=steps).point()
    return [
        Finding(
            "4",
            "simplification",
            "sora_video_flop",
            "FLOP/video_minute",
            ARTICLE_VALUES["sora_video_flop"][0],
            now["sora_video_flop"],
            f"no CFG (x{cfg:g}) and {p['diffusion_steps']:g} steps where video models use "
            f"{steps:g} (x"
            f"{steps / p['diffusion_steps']:.2g}); VAE decoding (<1%, refined mode) omitted",
        ),
        Finding(
            "4",
            "simplification",
            "breakeven_minutes (low)",
            "video_minute",
            ARTICLE_VALUES["breakeven_minutes"][0],
            now["breakeven_minutes"],
            "cheaper inference pushes the breakeven out by the inverse factor",
        ),
    ]


def _item5(m: Model) -> list[Finding]:
    p = m.point()
    out = []
    for seconds, who in ((5.0, "Wan/HunyuanVideo-like 5 s"), (16.0, "MovieGen's 16 s")):
        fraction = seconds / p["clip_seconds"]
        v = m.replace(train_clip_fraction=fraction).point()
        out.append(
            Finding(
                "5",
                "simplification",
                f"sora_train_flop (low, {seconds:g} s clips)",
                "FLOP",
                ARTICLE_VALUES["sora_train_flop"][0],
                v["sora_train_flop"],
                f"every training video counts as a full minute at 24 fps; {who} training clips "
                f"cost {fraction:.2g}x (ignoring attention, which favours short clips further)",
            )
        )
    return out


def _item6(low: Model, high: Model) -> list[Finding]:
    out = []
    dit = flops.DIT_XL_2
    counted = dit.forward_macs(512)
    reported = dict(dit.reported_forward_macs)[512]
    out.append(
        Finding(
            "6",
            "inconsistency",
            "dit_step_flop",
            low["dit_step_flop"].unit,  # the unit of the R row's same number (FLOP/step/frame)
            low.point()["dit_step_flop"],
            flops.macs_to_flop(counted),
            f"DiT's 524.6 'Gflops' are MACs: 12 w^2 T L + 2 T^2 w L = {eng(counted / 1e9, 4)}e9 "
            f"MAC ({counted / reported - 1:+.2%} of the paper); in FLOP twice that",
        )
    )
    for name, m in (("low", low), ("high", high)):
        base = m.point()
        fixed = m.replace(flop_per_mac=2.0).point()
        for q, why in (
            ("sora_train_flop", "every FLOP count doubles"),
            ("train_gpu_months", "and every GPU count"),
            ("breakeven_minutes", "a ratio of two FLOP counts: unaffected"),
        ):
            out.append(Finding("6", "inconsistency", f"{q} ({name})", m[q].unit, base[q], fixed[q], why))
    p, fixed = low.point(), low.replace(flop_per_mac=2.0).point()
    for q, why in (
        ("sora_video_flop", "per minute of video: x2"),
        ("video_minutes_per_gpu_hour", "'5 min per H100-hour' is ~2.5 even at 100% utilization"),
        ("peak_fleet_gpus", "the fleet doubles"),
        ("breakeven_images", "DiT's breakeven is a ratio too: unaffected"),
    ):
        out.append(Finding("6", "inconsistency", q, low[q].unit, p[q], fixed[q], why))
    llama = p["llama2_document_flop"]
    out.append(
        Finding(
            "6",
            "inconsistency",
            "dit_image_flop / llama2_document_flop",
            "1",
            p["dit_image_flop"] / llama,
            fixed["dit_image_flop"] / llama,
            "'DiT-XL ~ Llama 2 70B' compares MACs with FLOP; in FLOP a DiT image costs ~1.9x a Llama document",
        )
    )
    return out


def audit_markdown(model: Model | None = None, result: Result | None = None) -> str:
    """The audit as a report section in Markdown: what it checks, then one table row per finding.

    The audit concerns the article, not a run: ``model`` and ``result`` (the report's) are not needed.

    Examples
    --------
    >>> text = audit_markdown()
    >>> "its inputs imply" in text and "ai_minutes_per_day" in text
    True
    """
    from flopcast.report_html import Paragraph, Table, to_markdown

    findings = audit()
    matches = sum(f.matches for f in findings if f.kind == "reproduction")
    total = sum(f.kind == "reproduction" for f in findings)
    return to_markdown(
        [
            Paragraph(
                f"Each number the article states, recomputed from its own inputs (item R: {matches} of {total} "
                "match at the article's rounding), then the reference's six inconsistencies and simplifications "
                "(items 1-6), each the article's model with one change."
            ),
            Table(
                ["#", "quantity", "article says", "its inputs imply", "difference", "unit", "why / consequence"],
                [[f.item, _labelled(f.quantity), *f.cells()[2:]] for f in findings],
                "llrrrll",
            ),
        ]
    )


def _labelled(quantity: str) -> str:
    """A finding's quantity as the report's tables show it: ``label (name)``, the case after it (``(low)``).

    Examples
    --------
    >>> _labelled("train_gpu_months (low)"), _labelled("a short label")
    ('training H100-months (train_gpu_months) (low)', 'a short label')
    """
    name, space, case = quantity.partition(" ")
    label = LABELS.get(name)
    return f"{label} ({name}){space}{case}" if label else quantity


AUDIT_SECTION = ReportSection("Audit of the article", audit_markdown)
"""The audit as a section of the Sora models' reports (declared with ``Model.present``)."""
