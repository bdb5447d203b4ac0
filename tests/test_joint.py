"""Joint draws: rows of a table drawn together, with weights."""

import numpy as np
import pytest

import flopcast as fc


def test_with_joint_draws_keeps_rows_together_and_weights():
    m = fc.Model("m")
    m.assume("a", fc.uniform(0, 1), unit="s", source="prior")
    m.assume("b", fc.uniform(0, 1), unit="s")
    m.assume("c", fc.normal(mean=0, sd=1))

    @m.derive(unit="s")
    def diff(a, b):
        return a - b

    rng = np.random.default_rng(0)
    a = rng.random(500)
    w = np.where(a > 0.5, 3.0, 1.0)
    share = w[a > 0.5].sum() / w.sum()
    post = m.with_joint_draws({"a": a, "b": a + 1.0}, weights=w, source="posterior")
    assert m["a"].source == "prior" and post["a"].source == "posterior" and post["a"].unit == "s"
    assert post.dependent_groups == (("a", "b"),)
    for design in ("random", "lhs", "sobol"):
        res = post.simulate(40_000, seed=1, design=design)
        np.testing.assert_allclose(res["diff"], -1.0)
        # Rows are picked with their weights: binomial error of the share at 4 standard errors.
        assert np.mean(res["a"] > 0.5) == pytest.approx(share, abs=4 * np.sqrt(share * (1 - share) / 40_000))
    base = m.simulate(1000, seed=1)
    np.testing.assert_array_equal(post.simulate(1000, seed=1)["c"], base["c"])
    with pytest.raises(ValueError, match="'zz' is not an assumption"):
        m.with_joint_draws({"zz": [1.0]})
    with pytest.raises(ValueError, match="same non-zero length"):
        m.with_joint_draws({"a": [1.0, 2.0], "b": [1.0]})
    with pytest.raises(ValueError, match="NaN"):
        m.with_joint_draws({"a": [np.nan]})
    with pytest.raises(ValueError, match="already in a correlated group"):
        post.correlate(["a", "c"], 0.3)
