"""Rank correlation between assumptions: the target is hit, marginals and other draws are unchanged."""

import numpy as np
import pytest
from scipy import stats

import flopcast as fc

DESIGNS = ["random", "lhs", "sobol"]


@pytest.mark.parametrize("design", DESIGNS)
def test_rank_correlation_hits_target_and_keeps_marginals(design):
    m = fc.Model("corr")
    m.assume("a", fc.lognormal(1, 100))
    m.assume("b", fc.beta(2, 5))
    m.assume("c", fc.uniform(-1, 1))
    target = np.array([[1.0, 0.7, -0.4], [0.7, 1.0, -0.2], [-0.4, -0.2, 1.0]])
    m.correlate(["a", "b", "c"], target)
    res = m.simulate(100_000, seed=8, design=design)
    rho = stats.spearmanr(np.column_stack([res["a"], res["b"], res["c"]])).statistic
    np.testing.assert_allclose(rho, target, atol=0.02)
    # Marginals are the declared distributions (Kolmogorov-Smirnov at 1e5 draws, alpha = 1e-3).
    for name, ref in [("a", stats.lognorm(s=np.log(100) / 2 / 1.6448536269514722, scale=10)),
                      ("b", stats.beta(2, 5)), ("c", stats.uniform(-1, 2))]:  # fmt: skip
        assert stats.kstest(res[name], ref.cdf).pvalue > 1e-3


def test_correlation_leaves_marginal_draws_of_uncorrelated_inputs(benchmark_model):
    base = benchmark_model.simulate(2000, seed=2)
    corr = benchmark_model.replace()
    corr.correlate(["tiktok_ai_share", "youtube_ai_share"], 0.5)
    res = corr.simulate(2000, seed=2)
    np.testing.assert_array_equal(base["steps"], res["steps"])


def test_correlate_validation():
    m = fc.Model("m")
    m.assume("a", fc.normal(0, 1))
    m.assume("b", fc.normal(0, 1))
    m.assume("c", fc.normal(0, 1))
    m.assume("p", 3.0)
    with pytest.raises(ValueError, match="not positive semi-definite"):
        m.correlate(["a", "b", "c"], [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    with pytest.raises(ValueError, match="symmetric"):
        m.correlate(["a", "b"], [[1, 0.5], [0.4, 1]])
    with pytest.raises(ValueError, match="diagonal"):
        m.correlate(["a", "b"], [[2, 0.5], [0.5, 2]])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        m.correlate(["a", "b"], 1.5)
    with pytest.raises(ValueError, match="'zz' is not an assumption"):
        m.correlate(["a", "zz"], 0.5)
    with pytest.raises(ValueError, match="point value"):
        m.correlate(["a", "p"], 0.5)
    m.correlate(["a", "b"], 0.5)
    with pytest.raises(ValueError, match="already in a correlated group"):
        m.correlate(["b", "c"], 0.5)
