"""Designs: Latin hypercube and Sobol' points are stratified and beat plain Monte Carlo on smooth integrands."""

import numpy as np
import pytest

import flopcast as fc

DESIGNS = ["random", "lhs", "sobol"]


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


@pytest.mark.parametrize("design", DESIGNS)
def test_pieces_are_the_draws_whatever_their_size(benchmark_model, design):
    # The engine evaluates cache-sized pieces; pieces of any size, from a range starting inside a block or not,
    # must be the very draws of the run (independent, correlated and joint-draw inputs alike).
    from flopcast.design import make_plan

    m = benchmark_model.replace()
    m.correlate(["tiktok_ai_share", "youtube_ai_share"], 0.5)
    m = m.with_joint_draws({"fps": np.linspace(16, 30, 50), "temporal_compression": np.linspace(4, 8, 50)})
    n = 150_000
    ref = make_plan(m, n, 4, design).draws(0, n)
    for start, stop, size in [(0, n, 4096), (0, n, 70_000), (30_000, 140_000, 1000), (65_536, 131_072, 8192)]:
        plan = make_plan(m, n, 4, design)
        pieces = list(plan.pieces(start, stop, size))
        assert [lo for lo, _, _ in pieces][0] == start and pieces[-1][1] == stop
        assert all(hi - lo <= size for lo, hi, _ in pieces)
        for name, values in ref.items():
            got = np.concatenate([draws[name] for _, _, draws in pieces])
            np.testing.assert_array_equal(got, values[start:stop], err_msg=f"{design} {name} {start}:{stop}/{size}")
