"""Hand-computed references for flopcast.catalog.flops."""

import math

import numpy as np
import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopcast.catalog import flops
from flopcast.catalog.flops import (
    DIT_XL_2,
    FLOP_PER_MAC,
    attention_flop,
    attention_macs,
    dit_forward_flop,
    dit_forward_macs,
    dit_linear_macs,
    flop_to_macs,
    image_tokens,
    latent_frames,
    latent_frames_causal,
    llm_document_flop,
    macs_to_flop,
    moe_forward_flop,
    transformer_forward_flop,
    transformer_train_flop,
    video_tokens,
)

# DiT-XL/2 as published (arXiv 2212.09748); the paper's "Gflops" are multiply-accumulates.
PAPER_MACS_256 = 118.64e9
PAPER_MACS_512 = 524.60e9


def test_flop_per_mac_is_two() -> None:
    assert FLOP_PER_MAC == 2
    assert macs_to_flop(3.0) == 6.0
    assert flop_to_macs(6.0) == 3.0


def test_dit_xl2_config() -> None:
    assert (DIT_XL_2.depth, DIT_XL_2.width, DIT_XL_2.patch_size) == (28, 1152, 2)
    assert DIT_XL_2.params == 675e6
    assert "2212.09748" in DIT_XL_2.source
    assert dict(DIT_XL_2.reported_forward_macs) == {256: PAPER_MACS_256, 512: PAPER_MACS_512}


def test_image_tokens() -> None:
    assert image_tokens(256) == 256
    assert image_tokens(512) == 1024
    assert image_tokens(512, spatial_compression=8, patch_size=4) == 256
    assert DIT_XL_2.tokens(512) == 1024


def test_dit_xl2_256_linear_and_attention() -> None:
    linear = dit_linear_macs(256, 1152, 28)
    attention = attention_macs(256, 1152, 28)
    assert linear == 28 * 12 * 1152**2 * 256
    assert linear == pytest.approx(114.2e9, rel=1e-3)
    assert attention == 2 * 256**2 * 1152 * 28
    assert attention == pytest.approx(4.23e9, rel=1e-3)
    assert dit_forward_macs(256, 1152, 28) == linear + attention


@pytest.mark.parametrize(("res", "paper"), [(256, PAPER_MACS_256), (512, PAPER_MACS_512)])
def test_dit_xl2_matches_paper_gflops_as_macs(res: int, paper: float) -> None:
    tokens = image_tokens(res)
    macs = dit_forward_macs(tokens, 1152, 28)
    assert macs == pytest.approx(paper, rel=0.02)
    # tighter: the residual is mostly the per-sample adaLN modulation (6 w^2 per block)
    assert abs(macs / paper - 1) < 0.003
    adaln = 6 * 1152**2 * 28
    assert macs + adaln == pytest.approx(paper, rel=5e-4)
    assert DIT_XL_2.forward_macs(res) == macs
    # FLOP are twice MACs, so read as FLOP the paper is 2x too low
    assert dit_forward_flop(tokens, 1152, 28) == 2 * macs
    assert DIT_XL_2.forward_flop(res) == pytest.approx(2 * paper, rel=0.02)


def test_dense_params_rule_overestimates_dit() -> None:
    # 2 N D with DiT's total params counts the per-sample adaLN weights per token
    via_params = flop_to_macs(transformer_forward_flop(DIT_XL_2.params, 256))
    assert via_params / PAPER_MACS_256 == pytest.approx(1.457, rel=1e-3)


def test_mlp_ratio_default_is_twelve_w2() -> None:
    assert dit_linear_macs(10, 8, 3, mlp_ratio=4) == 12 * 8**2 * 10 * 3
    assert dit_linear_macs(10, 8, 3, mlp_ratio=2) == 8 * 8**2 * 10 * 3


def test_attention_flop_is_twice_macs() -> None:
    assert attention_flop(256, 1152, 28) == 2 * attention_macs(256, 1152, 28)


@given(
    tokens=st.floats(1, 1e6),
    width=st.floats(1, 1e5),
    layers=st.floats(1, 200),
)
def test_attention_is_quadratic_in_tokens(tokens: float, width: float, layers: float) -> None:
    ratio = attention_macs(2 * tokens, width, layers) / attention_macs(tokens, width, layers)
    assert ratio == pytest.approx(4.0, rel=1e-12)
    # linear layers are linear in tokens
    lin = dit_linear_macs(2 * tokens, width, layers) / dit_linear_macs(tokens, width, layers)
    assert lin == pytest.approx(2.0, rel=1e-12)


def test_llm_per_document() -> None:
    assert llm_document_flop(70e9, 1000) == pytest.approx(1.4e14, rel=1e-12)
    assert transformer_forward_flop(70e9, 1000) == pytest.approx(1.4e14, rel=1e-12)
    assert moe_forward_flop(2 * 220e9, 1000) == pytest.approx(8.8e14, rel=1e-12)
    assert llm_document_flop(2 * 220e9, 1000) == pytest.approx(8.8e14, rel=1e-12)


def test_train_is_three_forward() -> None:
    assert transformer_train_flop(70e9, 2e12) == pytest.approx(8.4e23)
    assert transformer_train_flop(5.0, 7.0) == 3 * transformer_forward_flop(5.0, 7.0)


def test_latent_frames() -> None:
    assert latent_frames(24 * 60, 8) == 180
    assert latent_frames_causal(81, 4) == 21
    assert latent_frames_causal(129, 4) == 33  # HunyuanVideo


def test_video_tokens_wan21() -> None:
    # Wan2.1: 1280x720, 81 frames, 4x8x8 causal VAE, patch (1, 2, 2): 21 x 45 x 80
    assert video_tokens(1280, 720, 81, 8, 4, 2, causal=True) == 21 * 45 * 80 == 75_600
    assert video_tokens(1280, 720, 81, 8, 4, 2) == pytest.approx(81 / 4 * 45 * 80)
    assert video_tokens(1280, 720, 81, 8, 4, 2, causal=True, temporal_patch_size=3) == 25_200


def test_numpy_arrays_broadcast() -> None:
    res = np.array([256.0, 512.0])
    tokens = image_tokens(res)
    np.testing.assert_allclose(tokens, [256, 1024])
    macs = dit_forward_macs(tokens, 1152, 28)
    np.testing.assert_allclose(macs, [PAPER_MACS_256, PAPER_MACS_512], rtol=0.02)
    np.testing.assert_allclose(dit_forward_flop(tokens, 1152, 28), 2 * macs)
    frames = np.array([81.0, 129.0])
    np.testing.assert_allclose(video_tokens(1280, 720, frames, 8, 4, 2, causal=True), [75_600, 33 * 3600])
    params = np.array([70e9, 440e9])
    np.testing.assert_allclose(llm_document_flop(params, 1000), [1.4e14, 8.8e14])


ALL_BINARY = [
    transformer_forward_flop,
    transformer_train_flop,
    moe_forward_flop,
    llm_document_flop,
    latent_frames,
    latent_frames_causal,
]
ALL_TERNARY = [attention_macs, attention_flop, dit_linear_macs, dit_forward_macs, dit_forward_flop]


def test_pint_quantities() -> None:
    ureg = pint.UnitRegistry()
    one = ureg.dimensionless
    out = transformer_forward_flop(70e9 * one, 1000 * one)
    assert isinstance(out, ureg.Quantity)
    assert out.to(one).magnitude == pytest.approx(1.4e14)
    for f in ALL_BINARY:
        q = f(81 * one, 4 * one)
        assert q.magnitude == pytest.approx(f(81.0, 4.0))
    for g in ALL_TERNARY:
        q = g(256 * one, 1152 * one, 28 * one)
        assert q.magnitude == pytest.approx(g(256.0, 1152.0, 28.0))
    assert image_tokens(512 * one).magnitude == pytest.approx(1024)
    vt = video_tokens(1280 * ureg.px, 720 * ureg.px, 81 * one, 8, 4, 2, causal=True)
    assert vt.to(ureg.px**2).magnitude == pytest.approx(75_600)
    assert macs_to_flop(3 * one).magnitude == 6


def test_pytensor_symbolic() -> None:
    pt = pytest.importorskip("pytensor.tensor")
    x = pt.dscalar("x")
    sym = dit_forward_macs(x, 1152, 28)
    assert not isinstance(sym, float | np.ndarray)
    assert float(sym.eval({x: 256.0})) == pytest.approx(dit_forward_macs(256.0, 1152, 28))
    f = pt.dscalar("f")
    tok = video_tokens(1280, 720, f, 8, 4, 2, causal=True)
    assert float(tok.eval({f: 81.0})) == pytest.approx(75_600)
    for fn in ALL_BINARY:
        out = fn(x, 4.0)
        assert float(out.eval({x: 81.0})) == pytest.approx(fn(81.0, 4.0))


def test_no_forbidden_constructs_in_source() -> None:
    # symbolic-friendliness: arithmetic only
    import inspect

    src = inspect.getsource(flops)
    for bad in ("np.where", "np.minimum", "np.maximum", "int(", "math.floor", "round("):
        body = src.split('"""')  # ignore docstrings: code is at even indices
        code = "".join(body[::2])
        assert bad not in code, bad
    assert math.isclose(FLOP_PER_MAC, 2)
