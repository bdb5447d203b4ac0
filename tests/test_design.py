"""Designs: Latin hypercube and Sobol' points are stratified and beat plain Monte Carlo on smooth integrands."""

import numpy as np
import pytest

import flopcast as fc


@pytest.mark.parametrize("design", ["lhs", "sobol"])
def test_space_filling_designs_are_more_accurate_for_the_mean(design):
    m = fc.Model("m")
    m.assume("u", fc.uniform(0, 1))
    errors = [abs(m.simulate(4096, seed=s, design=design)["u"].mean() - 0.5) for s in range(5)]
    # Plain MC's standard error is 1/sqrt(12 * 4096) = 0.0045; stratified designs are far below it.
    assert max(errors) < 0.0005


def test_lhs_is_stratified_within_a_block():
    m = fc.Model("m")
    m.assume("u", fc.uniform(0, 1))
    u = m.simulate(1000, seed=0, design="lhs")["u"]
    counts = np.bincount((u * 1000).astype(int), minlength=1000)
    assert np.all(counts == 1)
