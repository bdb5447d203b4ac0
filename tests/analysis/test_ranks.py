"""Rank correlations, PRCC and elasticities from a Result: constructed cases with known answers."""

import numpy as np
import pytest
from scipy import stats

import flopcast as fc
from flopcast.analysis.sensitivity import elasticities, format_sensitivity, prcc, rank_correlations
from flopcast.result import Result


def result_from(draws: dict[str, np.ndarray], model: fc.Model) -> Result:
    return Result(model, draws)


def three_inputs() -> fc.Model:
    m = fc.Model("m")
    m.assume("a", fc.uniform(0, 1))
    m.assume("b", fc.lognormal(1, 10))
    m.assume("c", fc.normal(mean=0, sd=1))
    m.assume("k", 2.0)

    @m.derive
    def mono(a, b, c, k):
        return fc.exp(3 * a) + b**2 - c + k  # monotone in each input

    @m.derive
    def only_a(a):
        return a**3

    return m


def test_rank_correlation_matches_scipy_spearman():
    res = three_inputs().simulate(5_000, seed=1)
    ds = rank_correlations(res)
    assert ds["spearman"].dims == ("input", "output")
    assert ds["input"].values.tolist() == ["a", "b", "c"]  # uncertain assumptions only
    assert ds["output"].values.tolist() == ["mono", "only_a"]
    for i in ("a", "b", "c"):
        for o in ("mono", "only_a"):
            expect = stats.spearmanr(res[i], res[o]).statistic
            assert float(ds["spearman"].sel(input=i, output=o)) == pytest.approx(expect, abs=1e-12)
    assert float(ds["spearman"].sel(input="a", output="only_a")) == pytest.approx(1.0)
    assert float(ds["spearman"].sel(input="c", output="mono")) < 0


def test_rank_correlation_with_ties_and_known_value():
    m = fc.Model("t")
    m.assume("x", fc.uniform(0, 1))
    m.assume("w", fc.uniform(0, 1))

    @m.derive
    def y(x, w):
        return x + w

    x = np.array([1.0, 2.0, 2.0, 3.0, 4.0, 5.0])
    draws = {"x": x, "w": np.array([0.5, 0.1, 0.9, 0.3, 0.7, 0.2]), "y": -(x**3)}
    ds = rank_correlations(result_from(draws, m), inputs="x", outputs="y")
    assert float(ds["spearman"].squeeze()) == pytest.approx(-1.0)


def reference_prcc(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """PRCC by its definition: correlate the residuals of explicit least-squares fits on the other ranks."""
    rx = np.column_stack([stats.rankdata(c) for c in x.T])
    ry = stats.rankdata(y)
    out = []
    for i in range(rx.shape[1]):
        others = np.column_stack([np.ones(len(ry)), np.delete(rx, i, axis=1)])
        ex = rx[:, i] - others @ np.linalg.lstsq(others, rx[:, i], rcond=None)[0]
        ey = ry - others @ np.linalg.lstsq(others, ry, rcond=None)[0]
        out.append(np.corrcoef(ex, ey)[0, 1])
    return np.array(out)


def test_prcc_equals_its_definition_on_a_constructed_case():
    # y = x1 + 0.3 x2 - 0.5 x3**3 + noise, x4 irrelevant: PRCC removes the other inputs' effects, so the small
    # effect of x2 gets a large PRCC while its Spearman correlation stays small.
    rng = np.random.default_rng(0)
    n = 20_000
    x = rng.standard_normal((n, 4))
    y = x[:, 0] + 0.3 * x[:, 1] - 0.5 * x[:, 2] ** 3 + 0.2 * rng.standard_normal(n)
    m = fc.Model("lin")
    for j in range(4):
        m.assume(f"x{j + 1}", fc.normal(mean=0, sd=1))

    @m.derive
    def out(x1, x2, x3, x4):
        return x1 + 0.3 * x2 - 0.5 * x3**3 + 0 * x4

    res = result_from({**{f"x{j + 1}": x[:, j] for j in range(4)}, "out": y}, m)
    p = prcc(res)["prcc"].sel(output="out")
    np.testing.assert_allclose(p.values, reference_prcc(x, y), atol=1e-10)
    assert float(p.sel(input="x3")) < -0.7 and abs(float(p.sel(input="x4"))) < 0.03
    rho = rank_correlations(res)["spearman"].sel(output="out")
    assert float(rho.sel(input="x2")) < float(p.sel(input="x2")) - 0.2


def test_prcc_of_an_exact_monotone_additive_model_is_one_and_irrelevant_input_zero():
    m = fc.Model("exact")
    m.assume("a", fc.uniform(0, 1))
    m.assume("b", fc.uniform(0, 1))
    m.assume("noise_free", fc.uniform(0, 1))

    @m.derive
    def y(a, b):
        return a + b

    ds = prcc(m.simulate(20_000, seed=3), outputs="y")
    assert float(ds["prcc"].sel(input="a", output="y")) > 0.97
    assert float(ds["prcc"].sel(input="b", output="y")) > 0.97
    assert abs(float(ds["prcc"].sel(input="noise_free", output="y"))) < 0.03


def test_prcc_undefined_when_output_is_determined_by_the_inputs():
    m = fc.Model("det")
    m.assume("a", fc.uniform(0, 1))
    m.assume("b", fc.uniform(0, 1))

    @m.derive
    def y(a):
        return 2 * a

    ds = prcc(m.simulate(1_000, seed=0), outputs="y")
    assert float(ds["prcc"].sel(input="a", output="y")) == pytest.approx(1.0)
    assert np.isnan(float(ds["prcc"].sel(input="b", output="y")))


def test_prcc_handles_correlated_inputs():
    m = fc.Model("corr")
    m.assume("a", fc.normal(mean=0, sd=1))
    m.assume("b", fc.normal(mean=0, sd=1))
    m.correlate(["a", "b"], 0.8)

    @m.derive
    def y(a, b):
        return a + 0.0 * b

    res = m.simulate(20_000, seed=2)
    rho = rank_correlations(res)["spearman"].sel(output="y")
    p = prcc(res)["prcc"].sel(output="y")
    assert float(rho.sel(input="b")) == pytest.approx(0.8, abs=0.03)  # credited with its partner's effect
    assert np.isnan(float(p.sel(input="b"))) or abs(float(p.sel(input="b"))) < 0.05


def test_elasticities_of_a_power_law_are_its_exponents_and_src_gives_log_variance_shares():
    m = fc.Model("power")
    m.assume("a", fc.lognormal(1, 10))
    m.assume("b", fc.lognormal(1, 100))
    m.assume("c", fc.loguniform(1, 1e3))

    @m.derive
    def y(a, b, c):
        return 5 * a**2 * fc.sqrt(b) / c

    res = m.simulate(20_000, seed=4)
    ds = elasticities(res)
    np.testing.assert_allclose(ds["elasticity"].sel(output="y"), [2.0, 0.5, -1.0], atol=1e-9)
    assert float(ds["r2"].sel(output="y")) == pytest.approx(1.0)
    src = ds["src"].sel(output="y").values
    assert float(np.sum(src**2)) == pytest.approx(1.0, abs=0.02)  # independent inputs: shares add to 1
    text = format_sensitivity(ds)
    assert "R^2" in text and "elasticity" in text


def test_bad_input():
    m = three_inputs()
    res = m.simulate(100, seed=0)
    with pytest.raises(ValueError, match="'zz' is not a quantity"):
        rank_correlations(res, inputs=["zz"])
    with pytest.raises(ValueError, match="'outt' is not a quantity"):
        prcc(res, outputs="outt")
    with pytest.raises(ValueError, match="'k' is constant"):
        rank_correlations(res, inputs=["a", "k"])
    with pytest.raises(ValueError, match="'c' takes values <= 0"):
        elasticities(res)
    with pytest.raises(TypeError, match="Result"):
        prcc(m)
    kept = m.simulate(100, seed=0, keep=["mono"])
    with pytest.raises(ValueError, match="kept no uncertain assumption"):
        rank_correlations(kept)
    with pytest.raises(ValueError, match="'a' was not kept"):
        rank_correlations(kept, inputs=["a"])
