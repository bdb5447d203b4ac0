"""Closed-form compute counts for transformers, diffusion transformers (DiT) and video tokens.

Units
-----
Two units are kept apart **by name**:

* functions ending in ``_macs`` return *multiply-accumulates* (MAC): one fused
  multiply-add counts once. This is what ``fvcore`` and the DiT paper's "Gflops" count.
* functions ending in ``_flop`` return *floating-point operations* (FLOP): a multiply-add
  counts twice. ``FLOP = FLOP_PER_MAC * MACs`` with :data:`FLOP_PER_MAC` ``= 2``. GPU peak
  throughputs (e.g. 989.4e12 FLOP/s for an H100 SXM in BF16) are in FLOP.

Token counts are dimensionless (tokens); parameter counts are dimensionless (parameters).

Symbolic inputs
---------------
Every function uses only ``+ - * / **`` on its arguments: no ``if`` on values, no ``int()``,
no ``np.where``/``np.minimum``, no rounding. They therefore accept Python floats, NumPy
arrays (broadcasting element-wise), ``pint`` quantities and PyTensor variables alike, and
return the same kind of object. Non-integer intermediate counts (e.g. 81 frames / 4) are
returned as fractions rather than floored; real models pad or crop to whole latents.

Examples
--------
>>> import numpy as np
>>> dit_forward_flop(np.array([256, 1024]), 1152, 28) / 1e9
array([ 236.76...,  1048.5...])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "FLOP_PER_MAC",
    "DiTConfig",
    "DIT_XL_2",
    "macs_to_flop",
    "flop_to_macs",
    "transformer_forward_flop",
    "transformer_train_flop",
    "attention_macs",
    "attention_flop",
    "dit_linear_macs",
    "dit_forward_macs",
    "dit_forward_flop",
    "moe_forward_flop",
    "llm_document_flop",
    "latent_frames",
    "latent_frames_causal",
    "video_tokens",
    "image_tokens",
]

Num = Any
"""Anything with arithmetic: float, int, numpy array, pint Quantity, PyTensor variable."""

FLOP_PER_MAC: int = 2
"""FLOP per multiply-accumulate: a fused multiply-add is one MAC and two FLOP."""


def macs_to_flop(macs: Num) -> Num:
    """Convert multiply-accumulates to FLOP.

    Parameters
    ----------
    macs : float, array or symbolic
        Count in multiply-accumulates (MAC).

    Returns
    -------
    float, array or symbolic
        ``FLOP_PER_MAC * macs``, in FLOP.

    Examples
    --------
    >>> macs_to_flop(118.64e9) / 1e9
    237.28
    """
    return FLOP_PER_MAC * macs


def flop_to_macs(flop: Num) -> Num:
    """Convert FLOP to multiply-accumulates.

    Parameters
    ----------
    flop : float, array or symbolic
        Count in FLOP.

    Returns
    -------
    float, array or symbolic
        ``flop / FLOP_PER_MAC``, in MAC.

    Examples
    --------
    >>> flop_to_macs(1.4e14)
    70000000000000.0
    """
    return flop / FLOP_PER_MAC


def transformer_forward_flop(params: Num, tokens: Num) -> Num:
    """Forward-pass compute of a dense transformer: ``2 * params * tokens``.

    The standard approximation (Kaplan et al. 2020): every non-embedding weight takes part in
    one multiply-add per token. Attention's ``tokens**2`` term is ignored; add
    :func:`attention_flop` when the context is long relative to the width.

    Parameters
    ----------
    params : float, array or symbolic
        Non-embedding parameters (parameter). Using a total that includes embeddings, or
        per-sample weights like DiT's adaLN modulation, overestimates.
    tokens : float, array or symbolic
        Tokens processed (token).

    Returns
    -------
    float, array or symbolic
        Forward compute, FLOP.

    Examples
    --------
    >>> transformer_forward_flop(70e9, 1000)  # Llama 2 70B, one 1,000-token document
    140000000000000.0
    """
    return 2 * params * tokens


def transformer_train_flop(params: Num, tokens: Num) -> Num:
    """Training compute of a dense transformer: ``6 * params * tokens``.

    Forward (2) plus backward (4) FLOP per parameter per token; no activation recomputation.

    Parameters
    ----------
    params : float, array or symbolic
        Non-embedding parameters (parameter).
    tokens : float, array or symbolic
        Training tokens (token).

    Returns
    -------
    float, array or symbolic
        Training compute, FLOP.

    Examples
    --------
    >>> transformer_train_flop(70e9, 2e12)  # Llama 2 70B on 2T tokens
    8.4e+23
    """
    return 6 * params * tokens


def attention_macs(tokens: Num, width: Num, layers: Num) -> Num:
    """Multiply-accumulates of the attention score and mixing products, one forward pass.

    ``2 * tokens**2 * width * layers``: ``Q K^T`` costs ``tokens**2 * width`` MACs per layer
    and ``softmax(.) V`` the same again. Full (bidirectional) attention over all tokens, as
    in DiT and video DiTs; a causal LLM that skips masked blocks does about half. Softmax,
    scaling and the Q/K/V/output projections are not included (the projections are in
    :func:`dit_linear_macs`). FlashAttention changes memory traffic, not this count.

    Parameters
    ----------
    tokens : float, array or symbolic
        Sequence length (token).
    width : float, array or symbolic
        Model width = heads x head dimension (1).
    layers : float, array or symbolic
        Number of attention layers (1).

    Returns
    -------
    float, array or symbolic
        Attention compute, MAC.

    Examples
    --------
    >>> attention_macs(256, 1152, 28) / 1e9  # DiT-XL/2 at 256 px
    4.227858432
    """
    return 2 * tokens**2 * width * layers


def attention_flop(tokens: Num, width: Num, layers: Num) -> Num:
    """FLOP of the attention score and mixing products: ``2 * attention_macs``.

    Parameters
    ----------
    tokens : float, array or symbolic
        Sequence length (token).
    width : float, array or symbolic
        Model width (1).
    layers : float, array or symbolic
        Number of attention layers (1).

    Returns
    -------
    float, array or symbolic
        Attention compute, FLOP.

    Examples
    --------
    >>> attention_flop(256, 1152, 28) / 1e9
    8.455716864
    """
    return FLOP_PER_MAC * attention_macs(tokens, width, layers)


def dit_linear_macs(tokens: Num, width: Num, layers: Num, mlp_ratio: Num = 4) -> Num:
    """Multiply-accumulates of a DiT's per-token linear layers, one forward pass.

    ``(4 + 2 * mlp_ratio) * width**2 * tokens * layers``, i.e. ``12 * width**2 * tokens *
    layers`` for the usual MLP ratio of 4. Per transformer block and token: Q, K, V
    projections ``3 w^2``, attention output projection ``w^2``, MLP ``2 * mlp_ratio * w^2``
    (``8 w^2``).

    Not counted: the adaLN-Zero modulation MLP (``w -> 6w`` per block) runs once per *sample*,
    not per token: ``6 * w^2 * layers`` MACs = 0.22e9 for DiT-XL/2, 0.19% of its 256-px forward
    pass; also the patch embedding, final layer, timestep/label embedders and norms (each well
    under 0.1%). Cross-attention to text (video DiTs such as Wan) is not included either.

    Parameters
    ----------
    tokens : float, array or symbolic
        Image or video tokens per sample (token).
    width : float, array or symbolic
        Hidden size (1).
    layers : float, array or symbolic
        Number of DiT blocks (1).
    mlp_ratio : float, array or symbolic, default 4
        MLP hidden size / width (1).

    Returns
    -------
    float, array or symbolic
        Linear-layer compute, MAC.

    Examples
    --------
    >>> dit_linear_macs(256, 1152, 28) / 1e9  # DiT-XL/2 at 256 px
    114.152177664
    """
    return (4 + 2 * mlp_ratio) * width**2 * tokens * layers


def dit_forward_macs(tokens: Num, width: Num, layers: Num, mlp_ratio: Num = 4) -> Num:
    """Multiply-accumulates of one DiT forward pass: linear layers plus attention.

    ``dit_linear_macs + attention_macs``. Reproduces the DiT paper's "Gflops" (which are
    MACs, counted with fvcore): DiT-XL/2 gives 118.38e9 at 256 px (paper: 118.64e9, -0.2%)
    and 524.26e9 at 512 px (paper: 524.60e9, -0.07%); the remainder is mostly the per-sample
    adaLN modulation (0.22e9), see :func:`dit_linear_macs`.

    Parameters
    ----------
    tokens : float, array or symbolic
        Tokens per sample (token).
    width : float, array or symbolic
        Hidden size (1).
    layers : float, array or symbolic
        Number of DiT blocks (1).
    mlp_ratio : float, array or symbolic, default 4
        MLP hidden size / width (1).

    Returns
    -------
    float, array or symbolic
        Forward compute, MAC.

    Examples
    --------
    >>> round(dit_forward_macs(image_tokens(512), 1152, 28) / 1e9, 2)
    524.26
    """
    return dit_linear_macs(tokens, width, layers, mlp_ratio) + attention_macs(tokens, width, layers)


def dit_forward_flop(tokens: Num, width: Num, layers: Num, mlp_ratio: Num = 4) -> Num:
    """FLOP of one DiT forward pass: ``2 * dit_forward_macs``.

    Parameters
    ----------
    tokens : float, array or symbolic
        Tokens per sample (token).
    width : float, array or symbolic
        Hidden size (1).
    layers : float, array or symbolic
        Number of DiT blocks (1).
    mlp_ratio : float, array or symbolic, default 4
        MLP hidden size / width (1).

    Returns
    -------
    float, array or symbolic
        Forward compute, FLOP.

    Examples
    --------
    >>> round(dit_forward_flop(image_tokens(256), 1152, 28) / 1e9, 1)  # paper "118.6 Gflops"
    236.8
    """
    return FLOP_PER_MAC * dit_forward_macs(tokens, width, layers, mlp_ratio)


def moe_forward_flop(active_params: Num, tokens: Num) -> Num:
    """Forward compute of a mixture-of-experts transformer: ``2 * active_params * tokens``.

    Only the parameters routed to per token count (shared layers plus the selected experts).

    Parameters
    ----------
    active_params : float, array or symbolic
        Parameters active per token (parameter).
    tokens : float, array or symbolic
        Tokens processed (token).

    Returns
    -------
    float, array or symbolic
        Forward compute, FLOP.

    Examples
    --------
    >>> moe_forward_flop(2 * 220e9, 1000)  # GPT-4 as assumed by the article
    880000000000000.0
    """
    return 2 * active_params * tokens


def llm_document_flop(active_params: Num, tokens: Num) -> Num:
    """Compute to process or generate one document with an LLM: ``2 * active_params * tokens``.

    The article's per-output comparison (attention and KV-cache reads ignored).

    Parameters
    ----------
    active_params : float, array or symbolic
        Parameters active per token (parameter); total parameters for a dense model.
    tokens : float, array or symbolic
        Tokens per document (token).

    Returns
    -------
    float, array or symbolic
        Compute per document, FLOP.

    Examples
    --------
    >>> llm_document_flop(70e9, 1000)
    140000000000000.0
    """
    return 2 * active_params * tokens


def latent_frames(frames: Num, temporal_compression: Num) -> Num:
    """Latent frames of a non-causal video VAE: ``frames / temporal_compression``.

    This is the article's model (1,440 frames / 8 = 180).

    Parameters
    ----------
    frames : float, array or symbolic
        Pixel-space frames (frame).
    temporal_compression : float, array or symbolic
        VAE temporal downsampling factor (1).

    Returns
    -------
    float, array or symbolic
        Latent frames (frame); fractional if ``frames`` is not a multiple.

    Examples
    --------
    >>> latent_frames(24 * 60, 8)
    180.0
    """
    return frames / temporal_compression


def latent_frames_causal(frames: Num, temporal_compression: Num) -> Num:
    """Latent frames of a causal 3D video VAE: ``(frames - 1) / temporal_compression + 1``.

    Causal VAEs (Wan 2.x, HunyuanVideo, CogVideoX, Step-Video, ...) encode the first frame on
    its own, so they take ``4k + 1`` frames for ``k + 1`` latents at 4x compression
    (Wan: 81 -> 21; HunyuanVideo: 129 -> 33).

    Parameters
    ----------
    frames : float, array or symbolic
        Pixel-space frames (frame).
    temporal_compression : float, array or symbolic
        VAE temporal downsampling factor (1).

    Returns
    -------
    float, array or symbolic
        Latent frames (frame).

    Examples
    --------
    >>> latent_frames_causal(81, 4)
    21.0
    """
    return (frames - 1) / temporal_compression + 1


def video_tokens(
    width_px: Num,
    height_px: Num,
    frames: Num,
    spatial_compression: Num,
    temporal_compression: Num,
    patch_size: Num,
    *,
    temporal_patch_size: Num = 1,
    causal: bool = False,
) -> Num:
    """Count transformer tokens for one video clip after VAE compression and patchifying.

    ``latent_frames / temporal_patch_size * (height_px / spatial_compression / patch_size)
    * (width_px / spatial_compression / patch_size)``, where ``latent_frames`` is
    ``frames / temporal_compression`` (default, the article's model) or, with ``causal=True``,
    :func:`latent_frames_causal` ``= (frames - 1) / temporal_compression + 1``, which is what
    causal 3D VAEs such as Wan's and HunyuanVideo's produce. ``causal`` is a Python flag
    chosen up front, not a value, so symbolic inputs still work.

    Parameters
    ----------
    width_px, height_px : float, array or symbolic
        Frame size in pixels (px).
    frames : float, array or symbolic
        Pixel-space frames (frame).
    spatial_compression : float, array or symbolic
        VAE spatial downsampling factor per side (1), e.g. 8.
    temporal_compression : float, array or symbolic
        VAE temporal downsampling factor (1), e.g. 4.
    patch_size : float, array or symbolic
        Spatial patch side in latent pixels (1), e.g. 2.
    temporal_patch_size : float, array or symbolic, default 1
        Latent frames per patch (1); 1 for Wan and HunyuanVideo.
    causal : bool, default False
        Use the causal-VAE frame count.

    Returns
    -------
    float, array or symbolic
        Tokens per clip (token).

    Examples
    --------
    Wan2.1 at 1280x720, 81 frames, 4x8x8 causal VAE, patch 1x2x2: 21 x 45 x 80 tokens.

    >>> video_tokens(1280, 720, 81, 8, 4, 2, causal=True)
    75600.0
    >>> video_tokens(1280, 720, 81, 8, 4, 2)  # non-causal count: 20.25 latent frames
    72900.0
    """
    t = latent_frames_causal(frames, temporal_compression) if causal else latent_frames(frames, temporal_compression)
    return (
        t
        / temporal_patch_size
        * (height_px / spatial_compression / patch_size)
        * (width_px / spatial_compression / patch_size)
    )


def image_tokens(resolution_px: Num, spatial_compression: Num = 8, patch_size: Num = 2) -> Num:
    """Count latent-DiT tokens for a square image: ``(res / comp / patch)**2``.

    Parameters
    ----------
    resolution_px : float, array or symbolic
        Image side in pixels (px).
    spatial_compression : float, array or symbolic, default 8
        VAE downsampling factor per side (1); 8 for the Stable Diffusion VAE used by DiT.
    patch_size : float, array or symbolic, default 2
        Patch side in latent pixels (1); 2 for DiT-*/2.

    Returns
    -------
    float, array or symbolic
        Tokens per image (token).

    Examples
    --------
    >>> image_tokens(256), image_tokens(512)
    (256.0, 1024.0)
    """
    return (resolution_px / spatial_compression / patch_size) ** 2


@dataclass(frozen=True, slots=True)
class DiTConfig:
    """Architecture of a class-conditional latent DiT (Peebles & Xie 2023).

    Parameters
    ----------
    name : str
        Model name.
    depth : int
        Number of DiT blocks.
    width : int
        Hidden size.
    patch_size : int
        Patch side in latent pixels.
    params : float
        Total parameters (parameter). About a third are per-sample adaLN weights, so
        ``2 * params * tokens`` overestimates the forward pass (see Notes).
    source : str
        Where the architecture comes from.
    mlp_ratio : float, default 4
        MLP hidden size / width.
    spatial_compression : int, default 8
        VAE downsampling factor per side.
    reported_forward_macs : tuple of (int, float)
        ``(resolution_px, MACs)`` pairs as reported by the paper (its "Gflops", which are MACs).

    Notes
    -----
    For DiT-XL/2, ``transformer_forward_flop(675e6, 256)`` = 345.6e9 FLOP = 172.8e9 MACs versus
    the measured 118.64e9 MACs (+46%): per token only ``12 * 1152**2 * 28`` = 446e6 weights
    are used; the adaLN-Zero modulation (``6 * 1152**2 * 28`` = 223e6) runs once per sample.

    Examples
    --------
    >>> DIT_XL_2.tokens(256)
    256.0
    >>> round(DIT_XL_2.forward_macs(256) / 1e9, 2)
    118.38
    """

    name: str
    depth: int
    width: int
    patch_size: int
    params: float
    source: str
    mlp_ratio: float = 4
    spatial_compression: int = 8
    reported_forward_macs: tuple[tuple[int, float], ...] = ()

    def tokens(self, resolution_px: Num) -> Num:
        """Return tokens per image at ``resolution_px`` (token)."""
        return image_tokens(resolution_px, self.spatial_compression, self.patch_size)

    def forward_macs(self, resolution_px: Num) -> Num:
        """Return multiply-accumulates of one forward pass at ``resolution_px`` (MAC)."""
        return dit_forward_macs(self.tokens(resolution_px), self.width, self.depth, self.mlp_ratio)

    def forward_flop(self, resolution_px: Num) -> Num:
        """Return FLOP of one forward pass at ``resolution_px`` (FLOP)."""
        return FLOP_PER_MAC * self.forward_macs(resolution_px)


DIT_XL_2 = DiTConfig(
    name="DiT-XL/2",
    depth=28,
    width=1152,
    patch_size=2,
    params=675e6,
    source="Peebles & Xie, 'Scalable Diffusion Models with Transformers', arXiv 2212.09748",
    reported_forward_macs=((256, 118.64e9), (512, 524.60e9)),
)
"""DiT-XL/2: 28 blocks, width 1152, patch 2, 675M parameters (arXiv 2212.09748)."""
