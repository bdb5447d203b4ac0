"""A refined Sora model: token counts, attention, an image/video training mix, CFG.

:func:`refined` replaces the article's "DiT x 30 x 180" scaling by the structure of current video
DiTs:

* **tokens** from resolution, clip length, VAE compression (spatial, temporal) and patch size
  (:func:`flopcast.catalog.flops.video_tokens` / :func:`~flopcast.catalog.flops.image_tokens`);
* **width and depth** from the parameter count: ``params = 12 x width**2 x layers`` (the per-token
weights of a
  DiT block, :func:`~flopcast.catalog.flops.dit_linear_macs`), so the attention term
  ``2 x tokens**2 x width x layers`` MACs (:func:`~flopcast.catalog.flops.attention_macs`) can be
  added;
* **training** ``6 x params x tokens x samples``
(:func:`~flopcast.catalog.flops.transformer_train_flop`) plus
  three times the forward attention FLOP, over a number of samples split into video clips and still
  images;
* **inference** per clip ``dit_forward_macs x 2 FLOP/MAC x steps x CFG passes`` plus VAE decoding,
per minute of
  generated video; throughput at a model-FLOP utilization that is the population's prediction for a new model
  of the hierarchical calibration on measured latencies of open video models
  (:func:`flopcast.catalog.latency_fit.new_model_utilization`).

Assumptions shared with :func:`~flopcast.catalog.sora_uncertain.uncertain` keep the same names (and,
where
the distribution is the same, the same draws on a common seed); the outputs have the same names.

Examples
--------
>>> p = refined().point()
>>> 0.3 < p["attention_share"] < 0.99
True
"""

from __future__ import annotations

from flopcast.catalog.flops import (
    attention_flop,
    attention_macs,
    dit_forward_macs,
    image_tokens,
    transformer_train_flop,
)
from flopcast.catalog.flops import video_tokens as _video_tokens
from flopcast.catalog.latency_fit import new_model_utilization
from flopcast.catalog.sora_article import (
    DIT,
    LABELS,
    Q,
    Spec,
    _add_training_gpus,
    add_outputs,
    constant_specs,
    labelled,
)
from flopcast.catalog.sora_uncertain import OPEN_MODELS, uncertain_specs
from flopcast.constructors import choice, lognormal, pert
from flopcast.model import Model

__all__ = ["refined", "refined_specs"]

_SHARED = (
    "flop_per_mac",
    "dit_params",
    "param_scale",
    "dataset_multiplier",
    "fps",
    "temporal_compression",
    "image_fraction",
    "cfg_passes",
    "gpu_peak_flop_per_s",
    "train_utilization",
    "inference_utilization",
    "tiktok_minutes_per_day",
    "youtube_minutes_per_day",
    "tiktok_ai_share",
    "youtube_ai_share",
    "fleet_utilization",
    "peak_to_average",
    "candidates_per_upload",
)


def refined_specs() -> dict[str, Spec]:
    """Return the assumptions of :func:`refined`: uncertain mode's shared ones plus its own."""
    u = uncertain_specs()
    specs = {**constant_specs(), **{k: u[k] for k in _SHARED}}
    utilization, utilization_source = new_model_utilization()
    specs["inference_utilization"] = Spec(
        utilization,
        "1",
        utilization_source,
        "Sora is not among the measured models: its utilization is a new draw from the population of per-model "
        "utilizations (lognormal through the fit's 5% and 95%), so the spread between models is kept; utilization "
        "counts linear layers and attention against the dense BF16 peak, as this model does",
    )
    specs.update(
        {
            "layers": Spec(
                pert(28.0, 40.0, 60.0),
                "1",
                "DiT blocks: DiT-XL 28, Wan2.1-14B 40, MovieGen/Step-Video 48, HunyuanVideo 60 (20 + 40)",
            ),
            "spatial_compression": Spec(
                8.0,
                "1",
                f"VAE 8x per side: {OPEN_MODELS}",
                "Step-Video's 16x VAE with patch 1 gives the same 16 px per token",
            ),
            "patch_size": Spec(2.0, "1", "2x2 latent patches in DiT, Wan, HunyuanVideo, Mochi, CogVideoX"),
            "aspect_ratio": Spec(16 / 9, "1", "16:9 frames (1280x720, 1920x1080)"),
            "dit_train_samples": Spec(768e6, "sample", f"{DIT}: 3M steps x batch 256 = 768M images at 512 px"),
            "train_clip_seconds": Spec(
                lognormal(3.0, 20.0),
                "video_second",
                "training clips: Wan 5 s, HunyuanVideo 5.4 s, CogVideoX 6 s, MovieGen up to 16 s, Sora up to 60 s",
                "mean over the training run; progressive training spends most samples on short clips",
            ),
            "train_height_px": Spec(
                lognormal(256.0, 720.0),
                "1",
                "progressive-resolution training of open video models (256 px -> 480/720 px stages)",
                "sample-weighted mean frame height in pixels; width = aspect_ratio x height",
            ),
            "train_image_px": Spec(
                lognormal(256.0, 1024.0),
                "1",
                "text-to-image stages at 256-1024 px",
                "side of the square training images, pixels",
            ),
            "gen_height_px": Spec(
                choice({"480p": 480.0, "720p": 720.0, "1080p": 1080.0}, probs=(0.3, 0.55, 0.15)),
                "1",
                "Sora 2 API serves 720p (sora-2) and 1024x1792 (sora-2-pro); Sora (2024) up to 1080p",
                "resolution the DiT denoises at (upscaled output would count as 480p/720p here)",
            ),
            "gen_clip_seconds": Spec(
                lognormal(5.0, 25.0),
                "video_second",
                "generated clip length: open models 5 s, Sora 2 10-25 s, Sora (2024) up to 60 s",
                "attention grows with the square of the clip's tokens, so cost per minute grows with length",
            ),
            "diffusion_steps": Spec(
                lognormal(20.0, 64.0),
                "step",
                "Wan/HunyuanVideo/CogVideoX 50, Mochi 64, LTX-Video 20 sampling steps",
                "current practice; DiT's 250 DDPM steps are not used by video models",
            ),
            "vae_decode_flop_per_pixel": Spec(
                lognormal(1e6, 3e7),
                "FLOP/frame",
                "convolutional VAE decoders: order 1e6-1e7 FLOP per pixel",
                "per output pixel of each frame; under 1% of the DiT's cost, kept for completeness (item 4)",
            ),
        }
    )
    return specs


def refined() -> Model:
    """Build a structural model of Sora's compute with tokens and attention: ``"sora-refined"``.

    Returns
    -------
    Model

    Examples
    --------
    >>> m = refined()
    >>> m.name, "attention_share" in m
    ('sora-refined', True)
    """
    m = Model(
        "sora-refined",
        description="Sora compute from token counts, attention, CFG and an image/video mix",
    )
    for key, spec in refined_specs().items():
        m.assume(key, spec.value, unit=spec.unit, source=spec.source, note=spec.note, label=LABELS.get(key, ""))

    @labelled(m, unit="parameter")
    def sora_params(param_scale: Q, dit_params: Q) -> Q:
        return param_scale * dit_params

    @labelled(
        m,
        unit="1",
        note="hidden size with params = 12 x width^2 x layers (Wan2.1-14B: 5,400 vs 5,120)",
    )
    def dit_width(sora_params: Q, layers: Q) -> Q:
        return (sora_params / (12 * layers)) ** 0.5

    # ---------------------------------------------------------------- training
    @labelled(m, unit="frame")
    def train_video_frames(fps: Q, train_clip_seconds: Q) -> Q:
        return fps * train_clip_seconds

    @labelled(m, unit="token", note="per training clip")
    def train_video_tokens(
        aspect_ratio: Q,
        train_height_px: Q,
        train_video_frames: Q,
        spatial_compression: Q,
        temporal_compression: Q,
        patch_size: Q,
    ) -> Q:
        return _video_tokens(
            aspect_ratio * train_height_px,
            train_height_px,
            train_video_frames,
            spatial_compression,
            temporal_compression,
            patch_size,
        )

    @labelled(m, unit="token", note="per training image")
    def train_image_tokens(train_image_px: Q, spatial_compression: Q, patch_size: Q) -> Q:
        return image_tokens(train_image_px, spatial_compression, patch_size)

    @labelled(m, unit="sample")
    def train_video_samples(dit_train_samples: Q, dataset_multiplier: Q, image_fraction: Q) -> Q:
        return dit_train_samples * dataset_multiplier * (1 - image_fraction)

    @labelled(m, unit="sample")
    def train_image_samples(dit_train_samples: Q, dataset_multiplier: Q, image_fraction: Q) -> Q:
        return dit_train_samples * dataset_multiplier * image_fraction

    @labelled(m, unit="FLOP", note="6 x params x tokens x samples + 3 x forward attention, videos and images")
    def sora_train_flop(
        sora_params: Q,
        dit_width: Q,
        layers: Q,
        train_video_tokens: Q,
        train_image_tokens: Q,
        train_video_samples: Q,
        train_image_samples: Q,
        flop_unit: Q,
    ) -> Q:
        linear = transformer_train_flop(
            sora_params,
            train_video_tokens * train_video_samples + train_image_tokens * train_image_samples,
        )
        attention = 3 * (
            attention_flop(train_video_tokens, dit_width, layers) * train_video_samples
            + attention_flop(train_image_tokens, dit_width, layers) * train_image_samples
        )
        return (linear + attention) * flop_unit

    _add_training_gpus(m)

    # ---------------------------------------------------------------- inference
    @labelled(m, unit="frame")
    def gen_frames(fps: Q, gen_clip_seconds: Q) -> Q:
        return fps * gen_clip_seconds

    @labelled(m, unit="token", note="per generated clip")
    def gen_tokens(
        aspect_ratio: Q,
        gen_height_px: Q,
        gen_frames: Q,
        spatial_compression: Q,
        temporal_compression: Q,
        patch_size: Q,
    ) -> Q:
        return _video_tokens(
            aspect_ratio * gen_height_px,
            gen_height_px,
            gen_frames,
            spatial_compression,
            temporal_compression,
            patch_size,
        )

    @labelled(m, unit="video_minute")
    def clip_minutes(gen_clip_seconds: Q, video_seconds_per_minute: Q) -> Q:
        return gen_clip_seconds / video_seconds_per_minute

    @labelled(m, unit="FLOP/step", note="one forward pass over one clip: linear layers + attention")
    def sora_step_flop(gen_tokens: Q, dit_width: Q, layers: Q, mac_unit: Q, flop_per_mac: Q) -> Q:
        return dit_forward_macs(gen_tokens, dit_width, layers) * mac_unit * flop_per_mac

    @labelled(m, unit="1", note="attention's share of a forward pass")
    def attention_share(gen_tokens: Q, dit_width: Q, layers: Q) -> Q:
        return attention_macs(gen_tokens, dit_width, layers) / dit_forward_macs(gen_tokens, dit_width, layers)

    @labelled(m, unit="FLOP", note="VAE decoding of one clip")
    def vae_decode_flop(aspect_ratio: Q, gen_height_px: Q, gen_frames: Q, vae_decode_flop_per_pixel: Q) -> Q:
        return aspect_ratio * gen_height_px * gen_height_px * gen_frames * vae_decode_flop_per_pixel

    @labelled(
        m,
        unit="FLOP/video_minute",
        note="(forward x steps x CFG passes + VAE decode) per minute of video",
    )
    def sora_video_flop(sora_step_flop: Q, diffusion_steps: Q, cfg_passes: Q, vae_decode_flop: Q, clip_minutes: Q) -> Q:
        return (sora_step_flop * diffusion_steps * cfg_passes + vae_decode_flop) / clip_minutes

    add_outputs(m, ai_minutes_from_shares=True)
    return m
