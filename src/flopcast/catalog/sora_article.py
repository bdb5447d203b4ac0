"""The Sora compute estimate of the 2024 Factorial Funds article, as written ("article mode").

The article ("Under the hood: how OpenAI's Sora model works", Factorial Funds, 2024) scales the DiT
paper
(Peebles & Xie, arXiv 2212.09748) to a one-minute video model. :func:`article` rebuilds its
arithmetic node by
node with its point values, so every number it states can be recomputed and audited
(:mod:`flopcast.catalog.sora_audit`). The same graph, with distributions instead of point values, is
:func:`flopcast.catalog.sora_uncertain.uncertain`.

Units (checked with pint when a node is added)
----------------------------------------------
* DiT's reported counts are entered in **MAC** (the paper's "Gflops" are fvcore multiply-
accumulates) and turned
  into FLOP by ``flop_per_mac`` [FLOP/MAC]. The article reads them as FLOP, i.e. ``flop_per_mac =
  1``: that is
  its arithmetic, kept here; the audit and the other modes use 2.
* ``dit_step_flop`` is in FLOP/step/frame: one denoising forward pass over one latent frame at
512x512
  (64x64x4 latents, 1,024 tokens). A DiT image is one such frame, so the article's per-clip cost is
  ``dit_step_flop x param_scale x latent_frames`` in FLOP/step (per clip of ``clip_minutes`` of
  video), and
  ``sora_video_flop`` divides by the clip's duration to be per **video_minute** of generated video.
  ``frame``, ``step`` and ``image`` are dimensionless counting units: pint cannot tell them apart;
  they document.
* Time conversions are explicit assumptions (``seconds_per_hour`` [s/hour], ``seconds_per_day``
[s/day],
  ``days_per_month`` [day/month], ``video_seconds_per_minute``). The article's month is **30 days**;
  pint's
  ``month`` is a twelfth of a year (30.44 days), so ``GPU*month`` values here are 30-day GPU-months:
  ``1.08e25 / (989.4e12 x 30 x 86400) = 4,211`` as the article says.
* ``mac_unit`` [MAC] and ``flop_unit`` [FLOP] are 1: they give a unit to the plain counts that the
formulas of
  :mod:`flopcast.catalog.flops` return (e.g. ``llm_document_flop = 2 x params x tokens``).

Examples
--------
>>> m = article("low")
>>> p = m.point()
>>> round(p["train_gpu_months"]), f"{p['sora_video_flop']:.3g}", round(p["steady_fleet_gpus"], -3)
(4211, '7.08e+17', 89000.0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from flopcast.catalog.flops import llm_document_flop
from flopcast.catalog.hardware import H100_SXM
from flopcast.catalog.platforms import get_platform_volume
from flopcast.errors import FlopcastValueError
from flopcast.model import Model

__all__ = [
    "ARTICLE",
    "ARTICLE_VALUES",
    "DIT",
    "LABELS",
    "Spec",
    "add_outputs",
    "article",
    "article_specs",
    "build_scaled",
    "constant_specs",
    "labelled",
]

ARTICLE = "Factorial Funds (2024), 'Under the hood: how OpenAI's Sora model works'"
"""Citation of the article."""

DIT = "Peebles & Xie, 'Scalable Diffusion Models with Transformers', arXiv 2212.09748"
"""Citation of the DiT paper."""

DEFINITION = "definition (unit conversion)"

Q = Any
"""A value of a derived function: float, numpy array, pint quantity or PyTensor variable."""

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

LABELS: Mapping[str, str] = MappingProxyType(
    {
        # the outputs every mode shares
        "sora_train_flop": "training compute",
        "train_gpu_months": "training H100-months",
        "sora_video_flop": "FLOP per minute of video",
        "video_minutes_per_gpu_hour": "minutes of video per H100-hour",
        "breakeven_minutes": "breakeven (minutes of video)",
        "ai_minutes_per_day": "AI video minutes per day",
        "steady_fleet_gpus": "steady inference fleet (H100)",
        "peak_fleet_gpus": "peak inference fleet (H100)",
        # the assumptions that drive them most
        "param_scale": "Sora's size / DiT-XL/2's",
        "dataset_multiplier": "training data multiplier",
        "diffusion_steps": "diffusion steps",
        "cfg_passes": "passes per step (CFG)",
        "train_utilization": "training utilization",
        "inference_utilization": "inference utilization",
        "fleet_utilization": "fleet utilization",
        "peak_to_average": "peak-to-average demand",
        "candidates_per_upload": "candidates generated per upload",
        "tiktok_ai_share": "TikTok AI share",
        "youtube_ai_share": "YouTube AI share",
        "train_clip_fraction": "training clip length / 1 minute",
        # unit conversions and constants
        "seconds_per_hour": "seconds per hour",
        "seconds_per_day": "seconds per day",
        "days_per_month": "days per month",
        "video_seconds_per_minute": "seconds per minute of video",
        "mac_unit": "MAC unit",
        "flop_unit": "FLOP unit",
        "flop_per_mac": "FLOP per MAC",
        "gpu_peak_flop_per_s": "H100 peak FLOP/s",
        # DiT-XL/2, the reference model
        "dit_params": "DiT-XL/2 parameters",
        "dit_train_compute": "DiT-XL/2 training MACs",
        "dit_train_flop": "DiT-XL/2 training compute",
        "dit_train_samples": "DiT-XL/2 training samples",
        "dit_step_compute": "DiT-XL/2 MACs per step and frame",
        "dit_step_flop": "DiT-XL/2 FLOP per step and frame",
        "dit_train_gpu_days": "DiT-XL/2 training H100-days",
        "dit_train_gpu_months": "DiT-XL/2 training H100-months",
        "dit_image_flop": "FLOP per DiT-XL/2 image",
        "breakeven_images": "DiT-XL/2 breakeven (images)",
        "breakeven_days_of_instagram": "DiT-XL/2 breakeven (days of Instagram)",
        "instagram_images_per_day": "Instagram images per day",
        # Sora: size, clips and frames
        "sora_params": "Sora's parameters",
        "layers": "transformer layers",
        "dit_width": "transformer width",
        "fps": "frames per second",
        "clip_seconds": "clip length (seconds)",
        "clip_minutes": "clip length (minutes)",
        "video_frames": "frames per clip",
        "latent_frames": "latent frames per clip",
        "temporal_compression": "VAE temporal compression",
        "spatial_compression": "VAE spatial compression",
        "patch_size": "latent patch size",
        "aspect_ratio": "frame aspect ratio",
        # training
        "image_fraction": "image share of training",
        "train_clip_seconds": "training clip length (seconds)",
        "train_height_px": "training frame height (pixels)",
        "train_image_px": "training image side (pixels)",
        "train_video_frames": "frames per training clip",
        "train_video_tokens": "tokens per training clip",
        "train_image_tokens": "tokens per training image",
        "train_video_samples": "training video samples",
        "train_image_samples": "training image samples",
        # inference
        "gen_clip_seconds": "generated clip length (seconds)",
        "gen_height_px": "generated frame height (pixels)",
        "gen_frames": "frames per generated clip",
        "gen_tokens": "tokens per generated clip",
        "sora_step_flop": "FLOP per diffusion step",
        "attention_share": "attention share of compute",
        "vae_decode_flop_per_pixel": "VAE decode FLOP per pixel",
        "vae_decode_flop": "VAE decode FLOP per clip",
        "sora_video_flop_stated": "stated FLOP per minute of video",
        "breakeven_days_of_youtube": "breakeven (days of YouTube)",
        "video_minutes_per_gpu_day": "minutes of video per H100-day",
        "video_minutes_per_gpu_day_stated": "stated minutes of video per H100-day",
        # demand
        "tiktok_minutes_per_day": "TikTok minutes uploaded per day",
        "youtube_minutes_per_day": "YouTube minutes uploaded per day",
        "tiktok_ai_minutes_per_day": "TikTok AI minutes per day",
        "youtube_ai_minutes_per_day": "YouTube AI minutes per day",
        "ai_minutes_per_day_from_shares": "AI minutes per day from the shares",
        # the article's comparison with language models
        "llama2_params": "Llama 2 70B parameters",
        "gpt4_active_params": "GPT-4 active parameters",
        "tokens_per_document": "tokens per document",
        "llama2_document_flop": "FLOP per Llama 2 document",
        "gpt4_document_flop": "FLOP per GPT-4 document",
    }
)
"""Readable names (``label=``) of the Sora quantities, for tables, figures and the command."""


def labelled(m: Model, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``m.derive(**kwargs)`` with the quantity's label from :data:`LABELS`."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        name = kwargs.get("name") or fn.__name__
        return m.derive(label=LABELS.get(name, ""), **kwargs)(fn)

    return register


@dataclass(frozen=True)
class Spec:
    """One assumption of a Sora model before it is added: distribution, unit, source, note."""

    value: Any
    unit: str = "1"
    source: str = ""
    note: str = ""


def constant_specs() -> dict[str, Spec]:
    """Definitions every mode shares: unit conversions and unit carriers (all exact)."""
    return {
        "seconds_per_hour": Spec(3600.0, "s/hour", DEFINITION),
        "seconds_per_day": Spec(86400.0, "s/day", DEFINITION),
        "days_per_month": Spec(
            30.0,
            "day/month",
            f"{ARTICLE}: a month of 30 days (4,211 = 1.08e25 / (989.4e12 x 30 x 86400))",
            "pint's month is 30.44 days; GPU*month values in flopcast's Sora models are 30-day months",
        ),
        "video_seconds_per_minute": Spec(60.0, "video_second/video_minute", DEFINITION),
        "mac_unit": Spec(1.0, "MAC", "unit carrier", "gives the MAC unit to the counts of catalog.flops"),
        "flop_unit": Spec(1.0, "FLOP", "unit carrier", "gives the FLOP unit to the counts of catalog.flops"),
    }


def _article_specs(case: str) -> dict[str, Spec]:
    tiktok = get_platform_volume("TikTok", "article")
    youtube = get_platform_volume("YouTube", "article")
    return {
        "dit_train_compute": Spec(
            1e21,
            "MAC",
            f"{ARTICLE}: DiT-XL training compute 'about 10^21 FLOPS'",
            f"{DIT}: training compute = Gflops x batch x steps x 3 with fvcore 'Gflops', which "
            "are MACs (XL/2 at 512 px: 524.6e9 x 256 x 3e6 x 3 = 1.2e21)",
        ),
        "dit_step_compute": Spec(
            524.6e9,
            "MAC/step/frame",
            f"{DIT}: DiT-XL/2 at 512x512, 524.6 'Gflops' per forward pass",
            "the article writes 524e9; 524.6e9 reproduces its 708e15 per video (524e9 gives 707.4e15)",
        ),
        "flop_per_mac": Spec(
            1.0,
            "FLOP/MAC",
            f"{ARTICLE} (implicit): reads DiT's 'Gflops' as FLOP",
            "a fused multiply-add is 2 FLOP; DiT counted MACs with fvcore (DiT issues #14, #67): "
            "the article's per-step, per-video and training FLOP are 2x too low (audit item 6)",
        ),
        "dit_params": Spec(675e6, "parameter", f"{DIT}: DiT-XL/2 has 675M parameters"),
        "param_scale": Spec(30.0, "1", f"{ARTICLE}: Sora has at least 20B parameters, '30x DiT'"),
        "dataset_multiplier": Spec(
            4.0 if case == "low" else 10.0,
            "1",
            f"{ARTICLE}: '4-10x compute multiplier for a larger dataset' ({case} case)",
        ),
        "fps": Spec(24.0, "frame/video_second", f"{ARTICLE}: video encoded at 24 fps"),
        "clip_seconds": Spec(60.0, "video_second", f"{ARTICLE}: Sora generates 'up to one minute'"),
        "temporal_compression": Spec(
            8.0,
            "1",
            f"{ARTICLE}: same 8x as DiT's spatial compression (1,440 frames -> 180 latent frames)",
        ),
        "image_fraction": Spec(0.5, "1", f"{ARTICLE}: training data '50% images, 50% video' (x 180/2 = 90)"),
        "train_clip_fraction": Spec(
            1.0,
            "1",
            f"{ARTICLE} (implicit): every training video is a full minute at 24 fps (audit item 5)",
        ),
        "diffusion_steps": Spec(250.0, "step", f"{DIT}: 250 DDPM sampling steps; the article keeps them"),
        "cfg_passes": Spec(
            1.0,
            "1",
            f"{ARTICLE} (implicit): one forward pass per step, no classifier-free guidance (item 4)",
        ),
        "gpu_peak_flop_per_s": Spec(
            H100_SXM.peak_bf16_flop_per_s,
            "FLOP/s/GPU",
            H100_SXM.source,
            "H100 SXM dense BF16; implied by the article's 4,211 H100-months and '5 minutes per hour'",
        ),
        "train_utilization": Spec(1.0, "1", f"{ARTICLE} (implicit): 100% of peak in the training GPU count"),
        "inference_utilization": Spec(1.0, "1", f"{ARTICLE} (implicit): 100% of peak in '5 min per H100-hour'"),
        "tiktok_minutes_per_day": Spec(tiktok.minutes_per_day, "video_minute/day", tiktok.source, tiktok.note),
        "youtube_minutes_per_day": Spec(youtube.minutes_per_day, "video_minute/day", youtube.source, youtube.note),
        "tiktok_ai_share": Spec(0.5, "1", f"{ARTICLE}: 50% of TikTok video minutes AI-generated"),
        "youtube_ai_share": Spec(0.15, "1", f"{ARTICLE}: 15% of YouTube video minutes AI-generated"),
        "ai_minutes_per_day": Spec(
            10.7e6,
            "video_minute/day",
            f"{ARTICLE}: '8.5M + 6.5M = 10.7M' minutes a day, the sum its GPU counts use",
            "the article's own shares give 15.0M (8.5M + 6.45M); 10.7M = 17M x 25% + 43M x 15%. "
            "Kept as "
            "stated so that the article's 89,000 and ~720,000 H100 are reproduced (audit item 1)",
        ),
        "fleet_utilization": Spec(
            0.5,
            "1",
            f"{ARTICLE}: '50% utilization is more realistic' (x2 on the fleet)",
            "in the article this is FLOP utilization; the other modes put that in inference_utilization",
        ),
        "peak_to_average": Spec(2.0, "1", f"{ARTICLE}: peak demand doubles the GPUs needed"),
        "candidates_per_upload": Spec(2.0, "1", f"{ARTICLE}: creators generate 2 candidates per upload"),
        "instagram_images_per_day": Spec(95e6, "image/day", f"{ARTICLE}: ~95M images uploaded to Instagram"),
        "llama2_params": Spec(70e9, "parameter", f"{ARTICLE}: Llama 2 70B, dense"),
        "gpt4_active_params": Spec(
            2 * 220e9,
            "parameter",
            f"{ARTICLE}: GPT-4 assumed MoE, 2 experts of 220B active per forward pass",
            "unconfirmed by OpenAI, as the article says",
        ),
        "tokens_per_document": Spec(
            1000.0,
            "token",
            f"{ARTICLE}: 'a document of 1,000 tokens' (the caption's '21000' is a typo)",
        ),
    }


def build_scaled(name: str, description: str, specs: Mapping[str, Spec], *, ai_minutes_from_shares: bool) -> Model:
    """Build the article's graph (DiT scaled by factors) on the given assumptions.

    Parameters
    ----------
    name : str
        Model name.
    description : str
        One sentence on the model.
    specs : mapping of str to Spec
        Every assumption of :func:`article` (point values or distributions); the constants are added
        here.
    ai_minutes_from_shares : bool
        If true, ``ai_minutes_per_day`` is derived from the platforms' volumes and AI shares; if
        false it must
        be in ``specs`` (the article's stated 10.7M) and ``ai_minutes_per_day_from_shares`` is
        derived beside it.

    Returns
    -------
    Model

    Examples
    --------
    >>> m = build_scaled("x", "", _article_specs("high"), ai_minutes_from_shares=True)
    >>> round(m.point()["ai_minutes_per_day"] / 1e6, 2)
    14.95
    """
    m = Model(name, description=description)
    specs = dict(specs)
    if ai_minutes_from_shares:
        specs.pop("ai_minutes_per_day", None)
    for key, spec in {**constant_specs(), **specs}.items():
        m.assume(key, spec.value, unit=spec.unit, source=spec.source, note=spec.note, label=LABELS.get(key, ""))

    @labelled(m, unit="FLOP", note="DiT-XL/2 training compute in FLOP")
    def dit_train_flop(dit_train_compute: Q, flop_per_mac: Q) -> Q:
        return dit_train_compute * flop_per_mac

    @labelled(m, unit="FLOP/step/frame", note="one forward pass over one 512x512 latent frame")
    def dit_step_flop(dit_step_compute: Q, flop_per_mac: Q) -> Q:
        return dit_step_compute * flop_per_mac

    @labelled(m, unit="parameter")
    def sora_params(param_scale: Q, dit_params: Q) -> Q:
        return param_scale * dit_params

    @labelled(m, unit="frame")
    def video_frames(fps: Q, clip_seconds: Q) -> Q:
        return fps * clip_seconds

    @labelled(m, unit="frame", note="per clip; the article's 1,440 / 8 = 180")
    def latent_frames(video_frames: Q, temporal_compression: Q) -> Q:
        return video_frames / temporal_compression

    @labelled(m, unit="video_minute")
    def clip_minutes(clip_seconds: Q, video_seconds_per_minute: Q) -> Q:
        return clip_seconds / video_seconds_per_minute

    @labelled(
        m,
        unit="FLOP",
        note="DiT x param_scale x dataset_multiplier x latent frames per clip (a DiT sample is "
        "one frame) x the clip fraction x the video share; the article's 1e21 x 30 x 4 x 90",
    )
    def sora_train_flop(
        dit_train_flop: Q,
        param_scale: Q,
        dataset_multiplier: Q,
        latent_frames: Q,
        train_clip_fraction: Q,
        image_fraction: Q,
    ) -> Q:
        return (
            dit_train_flop
            * param_scale
            * dataset_multiplier
            * latent_frames
            * train_clip_fraction
            * (1 - image_fraction)
        )

    _add_training_gpus(m)

    @labelled(m, unit="GPU*day", note="one H100 for ~12 days")
    def dit_train_gpu_days(dit_train_flop: Q, gpu_peak_flop_per_s: Q, train_utilization: Q, seconds_per_day: Q) -> Q:
        return dit_train_flop / (gpu_peak_flop_per_s * train_utilization * seconds_per_day)

    @labelled(m, unit="GPU*month", note="~0.4 H100-months")
    def dit_train_gpu_months(dit_train_gpu_days: Q, days_per_month: Q) -> Q:
        return dit_train_gpu_days / days_per_month

    @labelled(m, unit="FLOP/image", note="a DiT image is one latent frame")
    def dit_image_flop(dit_step_flop: Q, diffusion_steps: Q, cfg_passes: Q) -> Q:
        return dit_step_flop * diffusion_steps * cfg_passes

    @labelled(m, unit="image", note="images after which DiT's inference compute equals its training compute")
    def breakeven_images(dit_train_flop: Q, dit_image_flop: Q) -> Q:
        return dit_train_flop / dit_image_flop

    @labelled(m, unit="day")
    def breakeven_days_of_instagram(breakeven_images: Q, instagram_images_per_day: Q) -> Q:
        return breakeven_images / instagram_images_per_day

    @labelled(
        m,
        unit="FLOP/step",
        note="one denoising step of one clip: linear in latent frames, no attention",
    )
    def sora_step_flop(dit_step_flop: Q, param_scale: Q, latent_frames: Q) -> Q:
        return dit_step_flop * param_scale * latent_frames

    @labelled(m, unit="FLOP/video_minute")
    def sora_video_flop(sora_step_flop: Q, diffusion_steps: Q, cfg_passes: Q, clip_minutes: Q) -> Q:
        return sora_step_flop * diffusion_steps * cfg_passes / clip_minutes

    add_outputs(m, ai_minutes_from_shares=ai_minutes_from_shares)

    @labelled(m, unit="day")
    def breakeven_days_of_youtube(breakeven_minutes: Q, youtube_minutes_per_day: Q) -> Q:
        return breakeven_minutes / youtube_minutes_per_day

    @labelled(m, unit="FLOP/document", note="2 x params x tokens (catalog.flops.llm_document_flop)")
    def llama2_document_flop(llama2_params: Q, tokens_per_document: Q, flop_unit: Q) -> Q:
        return llm_document_flop(llama2_params, tokens_per_document) * flop_unit

    @labelled(m, unit="FLOP/document", note="2 x active params x tokens")
    def gpt4_document_flop(gpt4_active_params: Q, tokens_per_document: Q, flop_unit: Q) -> Q:
        return llm_document_flop(gpt4_active_params, tokens_per_document) * flop_unit

    return m


def _add_training_gpus(m: Model) -> None:
    @labelled(m, unit="GPU*month", note="GPUs needed for one 30-day month (H100-months)")
    def train_gpu_months(
        sora_train_flop: Q,
        gpu_peak_flop_per_s: Q,
        train_utilization: Q,
        seconds_per_day: Q,
        days_per_month: Q,
    ) -> Q:
        return sora_train_flop / (gpu_peak_flop_per_s * train_utilization * seconds_per_day * days_per_month)


def add_outputs(m: Model, *, ai_minutes_from_shares: bool) -> None:
    """Add the outputs every Sora mode shares, from ``sora_train_flop`` and ``sora_video_flop``.

    Adds ``breakeven_minutes``, ``video_minutes_per_gpu_hour``/``_day``, the platforms' AI minutes,
    ``ai_minutes_per_day`` (derived when ``ai_minutes_from_shares``, else
    ``ai_minutes_per_day_from_shares``
    beside the stated assumption), ``steady_fleet_gpus`` and ``peak_fleet_gpus``.
    """

    @labelled(
        m,
        unit="video_minute",
        note="minutes of video whose inference compute equals the training compute",
    )
    def breakeven_minutes(sora_train_flop: Q, sora_video_flop: Q) -> Q:
        return sora_train_flop / sora_video_flop

    @labelled(m, unit="video_minute/GPU/hour")
    def video_minutes_per_gpu_hour(
        gpu_peak_flop_per_s: Q, inference_utilization: Q, seconds_per_hour: Q, sora_video_flop: Q
    ) -> Q:
        return gpu_peak_flop_per_s * inference_utilization * seconds_per_hour / sora_video_flop

    @labelled(m, unit="video_minute/GPU/day")
    def video_minutes_per_gpu_day(
        gpu_peak_flop_per_s: Q, inference_utilization: Q, seconds_per_day: Q, sora_video_flop: Q
    ) -> Q:
        return gpu_peak_flop_per_s * inference_utilization * seconds_per_day / sora_video_flop

    @labelled(m, unit="video_minute/day")
    def tiktok_ai_minutes_per_day(tiktok_minutes_per_day: Q, tiktok_ai_share: Q) -> Q:
        return tiktok_minutes_per_day * tiktok_ai_share

    @labelled(m, unit="video_minute/day")
    def youtube_ai_minutes_per_day(youtube_minutes_per_day: Q, youtube_ai_share: Q) -> Q:
        return youtube_minutes_per_day * youtube_ai_share

    def from_shares(tiktok_ai_minutes_per_day: Q, youtube_ai_minutes_per_day: Q) -> Q:
        return tiktok_ai_minutes_per_day + youtube_ai_minutes_per_day

    labelled(
        m,
        name="ai_minutes_per_day" if ai_minutes_from_shares else "ai_minutes_per_day_from_shares",
        unit="video_minute/day",
        note="TikTok x its AI share + YouTube x its AI share",
    )(from_shares)

    @labelled(m, unit="GPU", note="GPUs generating the AI minutes around the clock")
    def steady_fleet_gpus(ai_minutes_per_day: Q, video_minutes_per_gpu_day: Q) -> Q:
        return ai_minutes_per_day / video_minutes_per_gpu_day

    @labelled(m, unit="GPU", note="steady / fleet utilization x peak-to-average x candidates per upload")
    def peak_fleet_gpus(steady_fleet_gpus: Q, fleet_utilization: Q, peak_to_average: Q, candidates_per_upload: Q) -> Q:
        return steady_fleet_gpus / fleet_utilization * peak_to_average * candidates_per_upload


def article(case: str = "low") -> Model:
    """Build the article's model, its point values and formulas: ``"sora-article-low"``/``-high``.

    The two cases differ only in ``dataset_multiplier`` (4 or 10). The fleet uses the article's
    stated
    ``ai_minutes_per_day`` of 10.7M; ``ai_minutes_per_day_from_shares`` (15.0M) is what its shares
    give.

    Parameters
    ----------
    case : {"low", "high"}
        The article's low or high dataset multiplier.

    Returns
    -------
    Model

    Examples
    --------
    >>> p = article("high").point()
    >>> f"{p['sora_train_flop']:.2g}", round(p["train_gpu_months"])
    ('2.7e+25', 10528)
    >>> round(p["breakeven_minutes"] / 1e6, 1)
    38.1
    """
    if case not in ("low", "high"):
        raise FlopcastValueError(f"article(): case must be 'low' or 'high', got {case!r}")
    m = build_scaled(
        f"sora-article-{case}",
        f"Sora compute as the Factorial Funds article computes it ({case} dataset multiplier)",
        _article_specs(case),
        ai_minutes_from_shares=False,
    )
    # The article's breakeven divides by its rounded per-minute figure, not by the unrounded 7.0821e17:
    # 1.08e25 / 708e15 = 15.25M, which it states as 15.3M (the unrounded division gives 15.2497M -> 15.2M).
    # Article mode follows the article's arithmetic; the audit shows the unrounded value beside it.
    m.assume(
        "sora_video_flop_stated",
        708e15,
        unit="FLOP/video_minute",
        source=f"{ARTICLE}: '708e15 FLOP' per minute of video (7.0821e17 rounded)",
        note="the rounded figure the article divides by for its breakeven",
        label=LABELS["sora_video_flop_stated"],
    )
    # Likewise its fleet divides the AI minutes by its rounded "120 minutes per H100 per day" (120.7 unrounded).
    m.assume(
        "video_minutes_per_gpu_day_stated",
        120,
        unit="video_minute/GPU/day",
        source=f"{ARTICLE}: '120 minutes of video per day' per H100 (120.7 unrounded)",
        note="the rounded throughput the article divides by for its fleet: 10.7M / 120 = 89,000",
        label=LABELS["video_minutes_per_gpu_day_stated"],
    )
    return m.replace(
        breakeven_minutes=_breakeven_at_stated_video_flop, steady_fleet_gpus=_steady_fleet_at_stated_throughput
    )


def _breakeven_at_stated_video_flop(sora_train_flop: Q, sora_video_flop_stated: Q) -> Q:
    """The article's breakeven: its training compute over its rounded FLOP per minute of video."""
    return sora_train_flop / sora_video_flop_stated


def _steady_fleet_at_stated_throughput(ai_minutes_per_day: Q, video_minutes_per_gpu_day_stated: Q) -> Q:
    """The article's steady fleet: its AI minutes per day over its rounded 120 minutes per H100-day."""
    return ai_minutes_per_day / video_minutes_per_gpu_day_stated


def article_specs(case: str = "low") -> dict[str, Spec]:
    """Return the article's assumptions (point values) by name, for the other modes."""
    return _article_specs(case)
