"""Video-diffusion inference latency on one GPU, and the measured latencies of open video models.

:func:`video_latency` builds the time to generate one clip from the architecture that matters for cost:

* **tokens** from the frame size, the number of frames, the VAE's compression (a causal VAE: ``(frames - 1) /
  temporal_compression + 1`` latent frames), the spatial patch size and the **temporal patch size** (latent
  frames per token: 1 for Wan and HunyuanVideo, 2 for CogVideoX 1.5);
* **linear layers** ``2 x active params x tokens`` (a mixture of experts counts the parameters that run at each
  step, e.g. one 14B expert of Wan2.2-A14B's 27B);
* **attention** ``4 x tokens**2 x width x layers`` times the **attention density**, the share of query-key pairs
  computed (1 for dense attention, about 0.1-0.3 for sparse or windowed attention), at its own efficiency
  relative to the linear layers;
* **steps** and **classifier-free-guidance passes** per step (2 with CFG, 1 when guidance is distilled);
* the **VAE decoder**, a cost per output pixel at its own (low) utilization, the **text encoder**, and a fixed
  **overhead** (framework, scheduling).

Compute runs at the GPU's dense BF16 peak times a model-FLOP **utilization**: the share that real code reaches,
which differs from one model's implementation to another. :func:`latency_observations` turns the single-GPU
latencies shipped with flopcast (``catalog/data/observations.csv``, with their sources, conditions and confidence)
into observations for :func:`flopcast.calibrate`, each fixing its model's architecture and run settings.
:func:`latency_settings` is the public way to state a model that is not in the data: a mapping of its published
configuration (see :data:`CONFIG_KEYS`), checked key by key.

Examples
--------
>>> m = video_latency()
>>> round(m.point()["tokens"])  # Wan2.1 at 1280x720, 81 frames: 21 x 45 x 80
75600
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from flopcast.analysis.observations import Observation, observe
from flopcast.catalog.flops import attention_flop, latent_frames_causal, transformer_forward_flop
from flopcast.catalog.hardware import get_accelerator
from flopcast.constructors import lognormal, loguniform, pert
from flopcast.errors import FlopcastKeyError, FlopcastTypeError, FlopcastValueError
from flopcast.model import Model

__all__ = [
    "CONFIG_KEYS",
    "FIT_GPUS",
    "latency_observations",
    "latency_settings",
    "load_observations",
    "subject_configs",
    "video_latency",
]

Q = Any

_WAN = "github.com/Wan-Video/Wan2.1 README"
_DATA = "observations.csv"
_T5 = (
    "T5 v1.1 XXL encoder (CogVideoX, Mochi, LTX-Video; umT5-XXL for Wan): 24 layers x (4 x 4096^2 + "
    "3 x 4096 x 10240) = 4.6e9 parameters that run per token"
)

CONFIG_KEYS: dict[str, str] = {
    "params": "parameters that run at each step (for a mixture of experts, the active ones), e.g. 14e9",
    "width": "hidden size of the transformer, e.g. 5120",
    "layers": "transformer blocks, e.g. 40",
    "width_px": "frame width in pixels (or give resolution='1280x720')",
    "height_px": "frame height in pixels",
    "frames": "frames generated, e.g. 81",
    "steps": "sampling steps, e.g. 50",
    "cfg_passes": "forward passes per step: 2 with classifier-free guidance, 1 when guidance is distilled",
    "spatial_compression": "VAE downsampling per side, e.g. 8 (or give vae='4x8x8', temporal x height x width)",
    "temporal_compression": "VAE temporal downsampling, e.g. 4",
    "patch_size": "spatial patch side in latent pixels, e.g. 2",
    "temporal_patch_size": "latent frames per token (default 1)",
    "attention_density": "share of query-key pairs computed: 1 dense (default), e.g. 0.2 for sparse attention",
    "total_params": "all parameters, for a mixture of experts (default: params); must be >= params",
    "gpu": "accelerator name (default 'H100'), see flopcast.catalog.hardware",
}
"""The keys of a configuration for :func:`latency_settings`, with what each means."""

_REQUIRED = ("params", "width", "layers", "width_px", "height_px", "frames", "steps", "cfg_passes",
             "spatial_compression", "temporal_compression", "patch_size")  # fmt: skip
_DEFAULTS: dict[str, Any] = {"temporal_patch_size": 1.0, "attention_density": 1.0, "gpu": "H100"}
_ALIASES = {"resolution": ("width_px", "height_px"), "vae": ("temporal_compression", "spatial_compression")}

FIT_GPUS = ("H100-SXM",)
"""GPUs whose measurements the shipped fit uses. The A100 rows are kept in the data but left out: on the same
README tables the A100 reaches about 1.5x the H100's share of its peak (CogVideoX-2B 90 s vs 45 s for a 3.2x
lower peak), so utilization would need a GPU effect that two GPUs cannot estimate."""


def video_latency() -> Model:
    """Build the model of one clip's generation latency on one GPU: ``"video-latency"``.

    The architecture and run settings are point values (Wan2.1-T2V-14B at 1280x720, 81 frames, on an H100 by
    default; :func:`latency_settings` gives them for any model); the unknowns are ``utilization``,
    ``attention_efficiency``, ``vae_decode_flop_per_pixel``, ``vae_utilization`` and ``overhead_s``.

    Returns
    -------
    Model
        Derived ``latent_frames``, ``tokens``, ``linear_flop``, ``attention_flop``, ``forward_flop``,
        ``attention_share``, ``clip_flop``, ``dit_s``, ``vae_s``, ``text_s``, ``latency_s``.

    Examples
    --------
    >>> m = video_latency()
    >>> p = m.point()
    >>> round(p["attention_share"], 2), 1000 < p["latency_s"] < 3000
    (0.69, True)
    """
    h100 = get_accelerator("H100")
    m = Model("video-latency", description="time to generate one video clip with a diffusion transformer on one GPU")
    m.assume("params", 14e9, unit="parameter", source=f"{_WAN}: Wan2.1-T2V-14B",
             note="parameters that run at each step (a mixture of experts: the active ones)")  # fmt: skip
    m.assume("width", 5120.0, unit="1", source=f"{_WAN}: 5120 dim", note="hidden size")
    m.assume("layers", 40.0, unit="1", source=f"{_WAN}: 40 layers", note="transformer blocks")
    m.assume("width_px", 1280.0, unit="1", source=f"{_WAN}: 720p generation", note="frame width, pixels")
    m.assume("height_px", 720.0, unit="1", source=f"{_WAN}: 720p generation", note="frame height, pixels")
    m.assume("frames", 81.0, unit="frame", source=f"{_WAN}: 81 frames (5 s at 16 fps)")
    m.assume("spatial_compression", 8.0, unit="1", source="Wan2.1 technical report: 4x8x8 causal VAE")
    m.assume("temporal_compression", 4.0, unit="1", source="Wan2.1 technical report: 4x8x8 causal VAE")
    m.assume("patch_size", 2.0, unit="1", source="Wan2.1 technical report: 1x2x2 patches")
    m.assume("temporal_patch_size", 1.0, unit="1", source="Wan2.1 technical report: 1x2x2 patches",
             note="latent frames per token: CogVideoX 1.5 uses 2")  # fmt: skip
    m.assume("steps", 50.0, unit="step", source=f"{_WAN}: 50 sampling steps")
    m.assume("cfg_passes", 2.0, unit="1", source=f"{_WAN}: classifier-free guidance, two passes per step",
             note="1 for guidance-distilled models (HunyuanVideo)")  # fmt: skip
    m.assume("attention_density", 1.0, unit="1", source="dense full attention (Wan2.1: window_size (-1, -1))",
             note="share of query-key pairs computed; sparse or windowed attention computes fewer")  # fmt: skip
    m.assume("peak_flop_per_s", h100.peak_bf16_flop_per_s, unit="FLOP/s", source=h100.source)
    m.assume("text_encoder_params", 4.6e9, unit="parameter", source=_T5)
    m.assume("text_tokens", 512.0, unit="token", source="Wan2.1: text_len 512 (CogVideoX 226, Mochi 256)",
             note="prompt tokens encoded once per prompt and CFG pass")  # fmt: skip
    m.assume(
        "utilization",
        pert(0.05, 0.4, 0.9),
        unit="1",
        source="deliberately wide prior: model-FLOP utilization of transformer workloads on H100s is 0.3-0.6 when "
        "tuned, lower for small models and long attention",
        note="of the linear layers; varies by model (calibrate with a hierarchy, flopcast.varies)",
    )
    m.assume(
        "attention_efficiency",
        lognormal(0.5, 2.0),
        unit="1",
        source="FlashAttention-3 (arXiv 2407.08608) reaches up to 740 TFLOP/s (75% of an H100's BF16 peak), as "
        "fast as tuned matrix products; sparse kernels and short heads run slower",
        note="attention's utilization relative to the linear layers'",
    )
    m.assume(
        "vae_decode_flop_per_pixel",
        lognormal(3e6, 3e7),
        unit="FLOP",
        source="3D convolutional VAE decoders: 2 x 27 x C^2 FLOP per voxel per 3x3x3 convolution, C = 96-512 "
        "channels on levels of falling resolution (Wan2.1 VAE: base 96 channels): order 1e7 per output pixel",
        note="per output pixel of each frame",
    )
    m.assume(
        "vae_utilization",
        loguniform(0.01, 0.5),
        unit="1",
        source="VAE decoding is 1-3% of Wan's and 4-26% of HunyuanVideo's GPU energy per clip (Jegham et al. 2026, "
        "arXiv 2607.04553), far above its FLOP share: tiled 3D convolutions run at a few percent of peak",
    )
    m.assume(
        "overhead_s",
        lognormal(0.5, 60.0),
        unit="s",
        source="per-clip work outside the denoising loop besides VAE and text encoder: scheduling, framework, "
        "copies; under a second to about a minute",
    )
    m.assume("flop_unit", 1.0, unit="FLOP", source="unit carrier", note="gives the FLOP unit to catalog.flops counts")

    @m.derive(unit="frame", note="causal VAE: the first frame is encoded on its own")
    def latent_frames(frames: Q, temporal_compression: Q) -> Q:
        return latent_frames_causal(frames, temporal_compression)

    @m.derive(unit="token", note="per clip: latent frames / temporal patch x (latent rows x columns) / patch^2")
    def tokens(
        latent_frames: Q, width_px: Q, height_px: Q, spatial_compression: Q, patch_size: Q, temporal_patch_size: Q
    ) -> Q:
        return (
            latent_frames
            / temporal_patch_size
            * (width_px / spatial_compression / patch_size)
            * (height_px / spatial_compression / patch_size)
        )

    @m.derive(unit="FLOP", note="one forward pass of the linear layers: 2 x active params x tokens")
    def linear_flop(params: Q, tokens: Q, flop_unit: Q) -> Q:
        return transformer_forward_flop(params, tokens) * flop_unit

    @m.derive(name="attention_flop", unit="FLOP", note="one forward pass of attention: 4 tokens^2 width layers density")
    def _attention(tokens: Q, width: Q, layers: Q, attention_density: Q, flop_unit: Q) -> Q:
        return attention_flop(tokens, width, layers) * attention_density * flop_unit

    @m.derive(unit="FLOP", note="one forward pass")
    def forward_flop(linear_flop: Q, attention_flop: Q) -> Q:
        return linear_flop + attention_flop

    @m.derive(unit="1", note="attention's share of a forward pass")
    def attention_share(attention_flop: Q, forward_flop: Q) -> Q:
        return attention_flop / forward_flop

    @m.derive(unit="FLOP", note="forward passes: steps x CFG passes")
    def clip_flop(forward_flop: Q, steps: Q, cfg_passes: Q) -> Q:
        return forward_flop * steps * cfg_passes

    @m.derive(unit="s", note="denoising: linear layers at the utilization, attention at its own efficiency")
    def dit_s(
        linear_flop: Q,
        attention_flop: Q,
        steps: Q,
        cfg_passes: Q,
        peak_flop_per_s: Q,
        utilization: Q,
        attention_efficiency: Q,
    ) -> Q:
        per_pass = linear_flop + attention_flop / attention_efficiency
        return per_pass * steps * cfg_passes / (peak_flop_per_s * utilization)

    @m.derive(unit="s", note="VAE decoding of every output pixel")
    def vae_s(width_px: Q, height_px: Q, frames: Q, vae_decode_flop_per_pixel: Q, peak_flop_per_s: Q,
              vae_utilization: Q) -> Q:  # fmt: skip
        return width_px * height_px * frames * vae_decode_flop_per_pixel / (peak_flop_per_s * vae_utilization)

    @m.derive(unit="s", note="text encoding, one prompt per CFG pass, at the VAE's utilization (short sequences)")
    def text_s(text_encoder_params: Q, text_tokens: Q, cfg_passes: Q, peak_flop_per_s: Q, vae_utilization: Q,
               flop_unit: Q) -> Q:  # fmt: skip
        return (
            transformer_forward_flop(text_encoder_params, text_tokens)
            * cfg_passes
            * flop_unit
            / (peak_flop_per_s * vae_utilization)
        )

    @m.derive(unit="s", note="denoising, VAE decoding, text encoding and fixed overhead")
    def latency_s(dit_s: Q, vae_s: Q, text_s: Q, overhead_s: Q) -> Q:
        return dit_s + vae_s + text_s + overhead_s

    return m


# ------------------------------------------------------------------------------------------- configurations
def _pair(text: Any, key: str, names: tuple[str, str]) -> tuple[float, ...]:
    parts = re.fullmatch(r"\s*([0-9.eE+]+)\s*[xX*]\s*([0-9.eE+]+)\s*(?:[xX*]\s*([0-9.eE+]+)\s*)?", str(text))
    if parts is None:
        raise FlopcastValueError(
            f"latency_settings(): {key}={text!r} should look like '1280x720' ({' x '.join(names)})"
        )
    return tuple(float(p) for p in parts.groups() if p is not None)


def _number(config: Mapping[str, Any], key: str) -> float:
    value = config[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FlopcastTypeError(f"latency_settings(): {key} must be a number ({CONFIG_KEYS[key]}), got {value!r}")
    out = float(value)
    if not math.isfinite(out) or out <= 0.0:
        raise FlopcastValueError(f"latency_settings(): {key} must be a positive finite number, got {value!r}")
    return out


def latency_settings(config: Mapping[str, Any]) -> dict[str, float]:
    """The assumption values of :func:`video_latency` for a model's published configuration and a run's settings.

    Parameters
    ----------
    config : mapping
        The keys of :data:`CONFIG_KEYS`. Required: ``params``, ``width``, ``layers``, the frame size
        (``width_px`` and ``height_px``, or ``resolution="1280x720"``), ``frames``, ``steps``, ``cfg_passes``, the
        VAE (``spatial_compression`` and ``temporal_compression``, or ``vae="4x8x8"``, temporal x height x width)
        and ``patch_size``. Optional: ``temporal_patch_size`` (1), ``attention_density`` (1),
        ``total_params`` (params) and ``gpu`` ("H100"). The mapping is not modified.

    Returns
    -------
    dict of str to float
        Values for ``video_latency().replace(**settings)`` or an observation's ``given``.

    Raises
    ------
    FlopcastKeyError
        A required key is missing or a key is unknown (the message lists the keys).
    FlopcastValueError
        A value is not a positive number, two keys disagree (``resolution`` and ``width_px``), ``total_params`` is
        below ``params``, ``attention_density`` is above 1, the parameter count is far from ``12 x width^2 x
        layers`` (a unit slip, e.g. billions), or the GPU is unknown.

    Examples
    --------
    >>> s = latency_settings({"params": 14e9, "width": 5120, "layers": 40, "resolution": "1280x720", "frames": 81,
    ...                       "steps": 50, "cfg_passes": 2, "vae": "4x8x8", "patch_size": 2})
    >>> s["width_px"], s["temporal_compression"], s["peak_flop_per_s"]
    (1280.0, 4.0, 989400000000000.0)
    >>> latency_settings({"params": 14e9})
    Traceback (most recent call last):
    ...
    flopcast.errors.FlopcastKeyError: latency_settings(): missing width (hidden size of the transformer, e.g. 5120), ...
    """
    if not isinstance(config, Mapping):
        raise FlopcastTypeError(f"latency_settings(): config must be a mapping of keys to values, got {config!r}")
    known = set(CONFIG_KEYS) | set(_ALIASES)
    unknown = [k for k in config if k not in known]
    if unknown:
        raise FlopcastKeyError(
            f"latency_settings(): unknown key(s) {', '.join(map(repr, unknown))}; the keys are "
            f"{', '.join(sorted(known))}"
        )
    values: dict[str, Any] = {**_DEFAULTS, **{k: v for k, v in config.items() if k not in _ALIASES}}
    for alias, names in _ALIASES.items():
        if alias not in config:
            continue
        parts = _pair(config[alias], alias, names)
        if alias == "vae":
            if len(parts) != 3 or parts[1] != parts[2]:
                raise FlopcastValueError(
                    f"latency_settings(): vae={config[alias]!r} should be temporal x height x width with equal "
                    "height and width, e.g. '4x8x8'"
                )
            parts = parts[:2]
        elif len(parts) != 2:
            raise FlopcastValueError(f"latency_settings(): resolution={config[alias]!r} should look like '1280x720'")
        for name, value in zip(names, parts, strict=True):
            if name in config and float(config[name]) != value:
                raise FlopcastValueError(
                    f"latency_settings(): {alias}={config[alias]!r} gives {name}={value:g}, but {name}="
                    f"{config[name]!r} is also given"
                )
            values[name] = value
    missing = [k for k in _REQUIRED if k not in values]
    if missing:
        raise FlopcastKeyError("latency_settings(): missing " + ", ".join(f"{k} ({CONFIG_KEYS[k]})" for k in missing))
    out = {k: _number(values, k) for k in (*_REQUIRED, "temporal_patch_size", "attention_density")}
    total = _number(values, "total_params") if "total_params" in values else out["params"]
    if total < out["params"]:
        raise FlopcastValueError(
            f"latency_settings(): total_params {total:g} is below params {out['params']:g}; params counts the "
            "parameters that run at each step, total_params all of them"
        )
    if out["attention_density"] > 1.0:
        raise FlopcastValueError(
            f"latency_settings(): attention_density is a share of query-key pairs, at most 1, got "
            f"{out['attention_density']:g}"
        )
    ratio = out["params"] / (12.0 * out["width"] ** 2 * out["layers"])
    if not 0.25 <= ratio <= 4.0:
        raise FlopcastValueError(
            f"latency_settings(): params {out['params']:g} is {ratio:.3g} x 12 x width^2 x layers "
            f"({out['width']:g}, {out['layers']:g}); transformers have 0.25-4 (the parameters are a count, e.g. "
            "14e9, not 14)"
        )
    gpu = values["gpu"]
    if not isinstance(gpu, str):
        raise FlopcastTypeError(f"latency_settings(): gpu must be an accelerator name, got {gpu!r}")
    out["peak_flop_per_s"] = get_accelerator(gpu).peak_bf16_flop_per_s
    return out


# ------------------------------------------------------------------------------------------- shipped data
def load_observations() -> list[dict[str, str]]:
    """Read the observations shipped with flopcast: one dict per row (subject, quantity, value, unit, ...).

    Examples
    --------
    >>> rows = load_observations()
    >>> len({r["subject"] for r in rows if r["quantity"] == "latency"})
    9
    """
    text = resources.files("flopcast.catalog").joinpath("data", _DATA).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


_ARCHITECTURE = {"parameters": "params", "hidden_size": "width", "layers": "layers", "patch_size": "patch_size",
                 "temporal_patch_size": "temporal_patch_size", "cfg_passes": "cfg_passes",
                 "sampling_steps": "steps", "total_parameters": "total_params",
                 "attention_density": "attention_density", "vae_compression_t_h_w": "vae"}  # fmt: skip


def subject_configs(rows: list[dict[str, str]] | None = None) -> dict[str, dict[str, Any]]:
    """The published architecture of each open model in the data, as :data:`CONFIG_KEYS` (without run settings).

    Examples
    --------
    >>> c = subject_configs()["Wan2.2-T2V-A14B"]
    >>> c["params"], c["total_params"], c["vae"]
    (14000000000.0, 27000000000.0, '4x8x8')
    """
    rows = load_observations() if rows is None else rows
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = _ARCHITECTURE.get(row["quantity"])
        if key is not None:
            out.setdefault(row["subject"], {})[key] = row["value"] if key == "vae" else float(row["value"])
    return out


_CONDITIONS = re.compile(r"^(\d+)x(\d+), (\d+) frames[^,]*, (\d+) steps, (\d+) x ([^;]+)")


def run_settings(conditions: str) -> dict[str, Any]:
    """The run settings in a latency row's conditions: ``"<W>x<H>, <frames> frames, <steps> steps, <n> x <GPU>"``.

    Examples
    --------
    >>> run_settings("1280x720, 81 frames (16 fps), 50 steps, 1 x H100; note")
    {'width_px': 1280.0, 'height_px': 720.0, 'frames': 81.0, 'steps': 50.0, 'gpus': 1, 'gpu': 'H100'}
    """
    match = _CONDITIONS.match(conditions)
    if match is None:
        raise FlopcastValueError(
            f"run_settings(): conditions {conditions!r} should begin '<W>x<H>, <frames> frames, <steps> steps, "
            "<n> x <GPU>'"
        )
    w, h, frames, steps, gpus, gpu = match.groups()
    gpu = gpu.strip()
    gpu = "H100" if gpu in ("80GB GPU", "H100 SXM") else gpu  # H800 and H100 share the compute peak
    return {"width_px": float(w), "height_px": float(h), "frames": float(frames), "steps": float(steps),
            "gpus": int(gpus), "gpu": gpu}  # fmt: skip


def latency_observations(sigma: float = 0.2, gpus: tuple[str, ...] | None = FIT_GPUS) -> list[Observation]:
    """The single-GPU latencies shipped with flopcast, as observations of ``latency_s`` of :func:`video_latency`.

    Each fixes (``given``) its model's architecture and its run's settings (:func:`latency_settings`), leaving the
    unknowns to be learned; ``subject`` is the model's name, so a hierarchy can give each model its own
    utilization. A GPU named only "80GB GPU" is taken to be an H100 (the H800 and H100 share the same compute peak).

    Parameters
    ----------
    sigma : float, default 0.2
        Relative (log-scale) error of each latency: measurement spread plus what differs between setups of one
        model (framework, offloading).
    gpus : tuple of str or None, default :data:`FIT_GPUS`
        Keep the measurements on these accelerators (canonical names); None keeps all.

    Returns
    -------
    list of Observation

    Examples
    --------
    >>> obs = latency_observations()
    >>> len(obs), len({o.subject for o in obs}), obs[0].subject, obs[0].given["frames"]
    (18, 9, 'HunyuanVideo', 129.0)
    """
    rows = load_observations()
    configs = subject_configs(rows)
    out = []
    for row in rows:
        if row["quantity"] != "latency":
            continue
        run = run_settings(row["conditions"])
        if run.pop("gpus") != 1:
            continue
        if gpus is not None and get_accelerator(run["gpu"]).name not in gpus:
            continue
        given = latency_settings({**configs[row["subject"]], **run})
        source = f"{row['source']} ({row['conditions']}; confidence {row['confidence']})"
        out.append(observe("latency_s", float(row["value"]), sigma=sigma, given=given, subject=row["subject"],
                           source=source))  # fmt: skip
    return out
