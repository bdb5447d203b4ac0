"""Video-diffusion inference latency on one GPU, and the measured latencies of open video models.

:func:`video_latency` builds the time to generate one clip:

* **tokens** from the frame size, the number of frames, the VAE's compression (a causal VAE: ``(frames - 1) /
  temporal_compression + 1`` latent frames) and the patch size (:func:`~flopcast.catalog.flops.video_tokens`);
* **forward cost** ``2 x params x tokens`` (:func:`~flopcast.catalog.flops.transformer_forward_flop`) plus the
  attention term ``4 x tokens**2 x width x layers`` (:func:`~flopcast.catalog.flops.attention_flop`);
* **steps** and **classifier-free guidance passes** per step;
* the GPU's dense peak times a **utilization** (model-FLOP utilization), and a fixed **overhead** (text encoding,
  VAE decoding, framework).

The subject's architecture and the run's settings are point values (Wan2.1-T2V-14B at 1280x720, 81 frames, on an
H100 by default); utilization and overhead are the unknowns that measurements of several open models share.
:func:`latency_observations` turns the single-GPU latencies shipped with flopcast (``catalog/data/
observations.csv``, copied with their sources from the project's data) into observations that fix each model's
architecture and settings with ``given``, ready for :func:`flopcast.calibrate`.

Examples
--------
>>> m = video_latency()
>>> round(m.point()["tokens"])  # Wan2.1 at 1280x720, 81 frames: 21 x 45 x 80
75600
"""

from __future__ import annotations

import csv
import io
import re
from importlib import resources
from typing import Any

from flopcast.analysis.observations import Observation, observe
from flopcast.catalog.flops import attention_flop, latent_frames_causal, transformer_forward_flop
from flopcast.catalog.hardware import get_accelerator
from flopcast.constructors import lognormal, pert
from flopcast.errors import FlopcastValueError
from flopcast.model import Model

__all__ = ["latency_observations", "load_observations", "subject_settings", "video_latency"]

Q = Any

_WAN = "github.com/Wan-Video/Wan2.1 README"
_DATA = "observations.csv"


def video_latency() -> Model:
    """Build the model of one clip's generation latency on one GPU: ``"video-latency"``.

    Returns
    -------
    Model
        Assumptions ``params``, ``width``, ``layers``, ``width_px``, ``height_px``, ``frames``,
        ``spatial_compression``, ``temporal_compression``, ``patch_size``, ``steps``, ``cfg_passes``,
        ``peak_flop_per_s``, ``utilization``, ``overhead_s`` (and ``flop_unit``); derived ``latent_frames``,
        ``tokens``, ``forward_flop``, ``attention_share``, ``clip_flop``, ``compute_s``, ``latency_s``.

    Examples
    --------
    >>> m = video_latency()
    >>> p = m.point()
    >>> round(p["attention_share"], 2), 1000 < p["latency_s"] < 3000
    (0.69, True)
    """
    h100 = get_accelerator("H100")
    m = Model("video-latency", description="time to generate one video clip with a diffusion transformer on one GPU")
    m.assume("params", 14e9, unit="parameter", source=f"{_WAN}: Wan2.1-T2V-14B")
    m.assume("width", 5120.0, unit="1", source=f"{_WAN}: 5120 dim", note="hidden size")
    m.assume("layers", 40.0, unit="1", source=f"{_WAN}: 40 layers", note="transformer blocks")
    m.assume("width_px", 1280.0, unit="1", source=f"{_WAN}: 720p generation", note="frame width, pixels")
    m.assume("height_px", 720.0, unit="1", source=f"{_WAN}: 720p generation", note="frame height, pixels")
    m.assume("frames", 81.0, unit="frame", source=f"{_WAN}: 81 frames (5 s at 16 fps)")
    m.assume("spatial_compression", 8.0, unit="1", source="Wan2.1 technical report: 4x8x8 causal VAE")
    m.assume("temporal_compression", 4.0, unit="1", source="Wan2.1 technical report: 4x8x8 causal VAE")
    m.assume("patch_size", 2.0, unit="1", source="Wan2.1 technical report: 1x2x2 patches")
    m.assume("steps", 50.0, unit="step", source=f"{_WAN}: 50 sampling steps")
    m.assume("cfg_passes", 2.0, unit="1", source=f"{_WAN}: classifier-free guidance, two passes per step")
    m.assume("peak_flop_per_s", h100.peak_bf16_flop_per_s, unit="FLOP/s", source=h100.source)
    m.assume(
        "utilization",
        pert(0.05, 0.4, 0.9),
        unit="1",
        source="deliberately wide prior: model-FLOP utilization of transformer workloads on H100s is 0.3-0.6 when "
        "tuned, lower for small models and long attention",
        note="calibrate on measured latencies (examples/calibrate_video_latency.py)",
    )
    m.assume(
        "overhead_s",
        lognormal(0.5, 60.0),
        unit="s",
        source="per-clip work outside the denoising loop: text encoding, VAE decoding, framework; under a second to "
        "about a minute",
    )
    m.assume("flop_unit", 1.0, unit="FLOP", source="unit carrier", note="gives the FLOP unit to catalog.flops counts")

    @m.derive(unit="frame", note="causal VAE: the first frame is encoded on its own")
    def latent_frames(frames: Q, temporal_compression: Q) -> Q:
        return latent_frames_causal(frames, temporal_compression)

    @m.derive(unit="token", note="per clip")
    def tokens(latent_frames: Q, width_px: Q, height_px: Q, spatial_compression: Q, patch_size: Q) -> Q:
        return (
            latent_frames
            * (width_px / spatial_compression / patch_size)
            * (height_px / spatial_compression / patch_size)
        )

    @m.derive(unit="FLOP", note="one forward pass: 2 x params x tokens + attention 4 x tokens^2 x width x layers")
    def forward_flop(params: Q, tokens: Q, width: Q, layers: Q, flop_unit: Q) -> Q:
        return (transformer_forward_flop(params, tokens) + attention_flop(tokens, width, layers)) * flop_unit

    @m.derive(unit="1", note="attention's share of a forward pass")
    def attention_share(params: Q, tokens: Q, width: Q, layers: Q) -> Q:
        attention = attention_flop(tokens, width, layers)
        return attention / (transformer_forward_flop(params, tokens) + attention)

    @m.derive(unit="FLOP", note="forward passes: steps x CFG passes")
    def clip_flop(forward_flop: Q, steps: Q, cfg_passes: Q) -> Q:
        return forward_flop * steps * cfg_passes

    @m.derive(unit="s")
    def compute_s(clip_flop: Q, peak_flop_per_s: Q, utilization: Q) -> Q:
        return clip_flop / (peak_flop_per_s * utilization)

    @m.derive(unit="s", note="denoising compute plus fixed overhead")
    def latency_s(compute_s: Q, overhead_s: Q) -> Q:
        return compute_s + overhead_s

    return m


def load_observations() -> list[dict[str, str]]:
    """Read the observations shipped with flopcast: one dict per row (subject, quantity, value, unit, ...).

    Examples
    --------
    >>> rows = load_observations()
    >>> sorted({r["subject"] for r in rows if r["quantity"] == "latency"})
    ['CogVideoX-5B', 'HunyuanVideo', 'LTX-Video', 'Mochi-1', 'Wan2.1-T2V-14B']
    """
    text = resources.files("flopcast.catalog").joinpath("data", _DATA).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def subject_settings(rows: list[dict[str, str]] | None = None) -> dict[str, dict[str, float]]:
    """Architecture of each open model with a measured latency, as values of :func:`video_latency`'s assumptions.

    Examples
    --------
    >>> subject_settings()["Wan2.1-T2V-14B"]["width"]
    5120.0
    """
    rows = load_observations() if rows is None else rows
    names = {"parameters": "params", "hidden_size": "width", "layers": "layers", "patch_size": "patch_size",
             "cfg_passes": "cfg_passes", "sampling_steps": "steps"}  # fmt: skip
    out: dict[str, dict[str, float]] = {}
    for row in rows:
        settings = out.setdefault(row["subject"], {})
        if row["quantity"] in names:
            settings[names[row["quantity"]]] = float(row["value"])
        elif row["quantity"] == "vae_compression_t_h_w":
            t, h, _ = (float(v) for v in row["value"].split("x"))
            settings["temporal_compression"], settings["spatial_compression"] = t, h
    return out


_CONDITIONS = re.compile(r"(\d+)x(\d+), (\d+) frames.*?, (\d+) steps, 1 x (.+)$")


def latency_observations(sigma: float = 0.2) -> list[Observation]:
    """The single-GPU latencies shipped with flopcast, as observations of ``latency_s`` of :func:`video_latency`.

    Each fixes (``given``) the model's architecture and the run's settings (frame size, frames, steps, CFG passes,
    the GPU's peak), leaving utilization and overhead to be learned. A GPU named only "80GB GPU" is taken to be an
    H100 (the H800 and H100 share the same compute peak).

    Parameters
    ----------
    sigma : float, default 0.2
        Relative (log-scale) error of each latency: measurement spread plus what the model leaves out
        (implementation efficiency, text tokens, VAE).

    Returns
    -------
    list of Observation
        One per latency row, with ``subject`` the model's name.

    Examples
    --------
    >>> obs = latency_observations()
    >>> len(obs), obs[0].subject, obs[0].given["frames"]
    (7, 'HunyuanVideo', 129.0)
    """
    rows = load_observations()
    settings = subject_settings(rows)
    out = []
    for row in rows:
        if row["quantity"] != "latency":
            continue
        match = _CONDITIONS.search(row["conditions"])
        if match is None:
            raise FlopcastValueError(f"latency_observations(): cannot read the conditions {row['conditions']!r}")
        w, h, frames, steps, gpu = match.groups()
        gpu_name = gpu.split(";")[0].strip()
        peak = get_accelerator("H100" if "80GB" in gpu_name else gpu_name).peak_bf16_flop_per_s
        given = {**settings[row["subject"]], "width_px": float(w), "height_px": float(h), "frames": float(frames),
                 "steps": float(steps), "peak_flop_per_s": peak}  # fmt: skip
        source = f"{row['source']} ({row['conditions']})"
        out.append(observe("latency_s", float(row["value"]), sigma=sigma, given=given, subject=row["subject"],
                           source=source))  # fmt: skip
    return out
