"""Parity with SALib: the same design as SALib's Sobol' sampler, the same estimators as its analyze().

flopcast computes the indices itself (vectorized bootstrap, see flopcast.analysis.sobol); these tests pin it to
SALib on identical samples: values to ~1e-12, and intervals too when the bootstrap index matrix is the same.
"""

import numpy as np
import pytest

import flopcast as fc
from flopcast.analysis.sobol import _BITS, _STREAM_DESIGN, saltelli_indices, saltelli_uniforms, sobol, stream
from flopcast.design import seed_sequence

salib_sample = pytest.importorskip("SALib.sample.sobol")
salib_analyze = pytest.importorskip("SALib.analyze.sobol")

SHIFT = 2.0 ** -(_BITS + 1)


def problem(d, groups=None):
    p = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    if groups is not None:
        p["groups"] = groups
    return p


def split(y, d, n, second_order):
    """SALib's row layout: A, AB_1..AB_d, (BA_1..BA_d), B."""
    step = 2 * d + 2 if second_order else d + 2
    y = y.reshape(n, step, -1)
    ab = y[:, 1 : d + 1]
    ba = y[:, d + 1 : 2 * d + 1] if second_order else None
    return y[:, 0], y[:, -1], ab, ba


def f(x):
    """A nonlinear test function with interactions, on rows of the unit cube."""
    return np.sin(6 * x[..., 0]) + 3 * x[..., 1] ** 2 * x[..., 2] + np.exp(x[..., 3])


@pytest.mark.parametrize("second_order", [False, True])
def test_design_equals_salib_sample(second_order):
    d, n = 4, 64
    x = salib_sample.sample(problem(d), n, calc_second_order=second_order, seed=np.random.default_rng(5))
    a, b = saltelli_uniforms(d, n, np.random.default_rng(5))
    xa, xb, xab, xba = split(x, d, n, second_order)
    np.testing.assert_array_equal(a - SHIFT, xa[..., :])
    np.testing.assert_array_equal(b - SHIFT, xb)
    for j in range(d):
        expect = a.copy()
        expect[:, j] = b[:, j]
        np.testing.assert_array_equal(expect - SHIFT, xab[:, j])
        if second_order:
            expect = b.copy()
            expect[:, j] = a[:, j]
            np.testing.assert_array_equal(expect - SHIFT, xba[:, j])


@pytest.mark.parametrize("second_order", [False, True])
def test_estimators_equal_salib_analyze_with_the_same_resamples(second_order):
    d, n, r = 4, 512, 50
    x = salib_sample.sample(problem(d), n, calc_second_order=second_order, seed=np.random.default_rng(1))
    y = f(x)
    ref = salib_analyze.analyze(problem(d), y, calc_second_order=second_order, num_resamples=r, seed=7)
    resamples = np.random.default_rng(7).integers(n, size=(n, r))  # SALib's index matrix for seed=7
    ya, yb, yab, yba = split(y[:, None], d, n, second_order)
    got = saltelli_indices(ya, yb, yab, yba, resamples, conf_level=0.95)
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        np.testing.assert_allclose(got[key][:, 0], ref[key], rtol=1e-10, atol=1e-12, err_msg=key)
    if second_order:
        upper = np.triu_indices(d, 1)
        for key in ("S2", "S2_conf"):
            np.testing.assert_allclose(got[key][..., 0][upper], ref[key][upper], rtol=1e-10, atol=1e-12)


def test_grouped_estimators_equal_salib():
    d, n, r = 4, 256, 40
    groups = ["g1", "g1", "x2", "g3"]
    p = problem(d, groups)
    x = salib_sample.sample(p, n, calc_second_order=False, seed=np.random.default_rng(2))
    y = f(x)
    ref = salib_analyze.analyze(p, y, calc_second_order=False, num_resamples=r, seed=3)
    resamples = np.random.default_rng(3).integers(n, size=(n, r))
    ya, yb, yab, _ = split(y[:, None], 3, n, False)
    got = saltelli_indices(ya, yb, yab, None, resamples)
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        np.testing.assert_allclose(got[key][:, 0], ref[key], rtol=1e-10, atol=1e-12, err_msg=key)


def test_whole_pipeline_equals_salib_pipeline_with_flopcast_inverse_cdfs():
    """fc.sobol versus SALib's sample -> flopcast ppf -> model -> SALib analyze, on the same design."""
    m = fc.Model("m")
    m.assume("a", fc.beta(4, 6))
    m.assume("b", fc.lognormal(1, 30))
    m.assume("c", fc.uniform(0, 2))
    m.assume("fixed", 3.0)

    @m.derive
    def y(a, b, c, fixed):
        return a * b + c**2 * a + fixed

    n, names = 2**10, ["a", "b", "c"]
    ds = sobol(m, "y", n=n, seed=42, num_resamples=200)
    root = seed_sequence(42)
    u = salib_sample.sample(problem(3), n, calc_second_order=False, seed=stream(root, _STREAM_DESIGN)) + SHIFT
    values = {name: m.assumptions[name].distribution.ppf(u[:, j]) for j, name in enumerate(names)}
    out = m.evaluate(values, keep=["y"])["y"]
    ref = salib_analyze.analyze(problem(3), out, calc_second_order=False, num_resamples=200, seed=42)
    np.testing.assert_allclose(ds["S1"].sel(output="y"), ref["S1"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ds["ST"].sel(output="y"), ref["ST"], rtol=1e-10, atol=1e-12)
    # Different bootstrap draws: the interval half-widths agree statistically (sd of an sd from 200 resamples
    # is ~5%; allow 30%).
    ratio = ds["ST_conf"].sel(output="y").values / ref["ST_conf"]
    assert np.all((ratio > 0.7) & (ratio < 1.3)), ratio
    ratio = ds["S1_conf"].sel(output="y").values / ref["S1_conf"]
    assert np.all((ratio > 0.7) & (ratio < 1.3)), ratio
