"""Streamed runs: exact summaries of any number of draws without keeping them."""

import numpy as np
import pytest

import flopcast as fc
from flopcast.catalog.benchmark import OUTPUTS
from flopcast.stats import quantile_mcse
from flopcast.streaming import Brackets, ChunkStats, Moments, OrderStatistics, exact_hdi, finish


def test_streamed_quantiles_match_kept_draws_at_1e7(benchmark_model):
    n = 10_000_000
    kept = benchmark_model.simulate(n, seed=7, keep=OUTPUTS, progress=False)
    streamed = benchmark_model.simulate(n, seed=7, keep=OUTPUTS, stream=True, progress=False)
    levels = [0.05, 0.5, 0.95]
    for name in OUTPUTS:
        exact = kept.quantile(name, levels)
        mcse = quantile_mcse(kept[name], levels)
        # The streaming method is exact; the bar is a tenth of the Monte Carlo standard error.
        assert np.all(np.abs(streamed.quantile(name, levels) - exact) <= 0.1 * mcse)
        np.testing.assert_array_equal(streamed.quantile(name, levels), exact)
        assert streamed.mean(name) == pytest.approx(float(np.mean(kept[name])), rel=1e-12)
    a = kept.summary(0.9, quantities=list(OUTPUTS), full=True)
    b = streamed.summary(quantities=list(OUTPUTS), full=True)
    np.testing.assert_allclose(b[["mean", "sd"]].to_numpy(float), a[["mean", "sd"]].to_numpy(float), rtol=1e-10)
    np.testing.assert_array_equal(b[["median", "eti_lower", "eti_upper"]], a[["median", "eti_lower", "eti_upper"]])
    np.testing.assert_allclose(b["mcse_median"], a["mcse_median"], rtol=1e-12)
    # The HDI is exact too: the same narrowest interval as ArviZ's on the kept draws.
    np.testing.assert_array_equal(b[["hdi_lower", "hdi_upper"]], a[["hdi_lower", "hdi_upper"]])


def test_stream_without_keep_streams_everything(benchmark_model):
    res = benchmark_model.simulate(300_000, seed=1, stream=True, chunk_size=50_000, levels=[0.01])
    assert isinstance(res, fc.StreamedResult)
    assert set(res.names) == set(benchmark_model.nodes)
    kept = benchmark_model.simulate(300_000, seed=1, keep=["fleet"])
    assert res.quantile("fleet", 0.01)[0] == kept.quantile("fleet", 0.01)[0]
    with pytest.raises(ValueError, match="streamed intervals at prob=0.9"):
        res.summary(prob=0.5)
    with pytest.raises(ValueError, match="were not streamed"):
        res.quantile("fleet", 0.3)


def test_moments_merge_exactly():
    x = np.random.default_rng(0).lognormal(size=100_001)
    merged = Moments.of(x[:100]).merge(Moments.of(x[100:70_000])).merge(Moments.of(x[70_000:]))
    assert merged.count == x.size
    assert merged.mean == pytest.approx(np.mean(x), rel=1e-13)
    assert merged.sd == pytest.approx(np.std(x, ddof=1), rel=1e-12)


def test_order_statistics_from_brackets_and_missed_ranks():
    x = np.arange(100.0)
    brackets = Brackets.merged(np.array([40.0, 45.0, 85.0]), np.array([55.0, 70.0, 95.0]))
    assert brackets.lower.tolist() == [40.0, 85.0] and brackets.upper.tolist() == [70.0, 95.0]
    order = finish([ChunkStats.of(x[:30], brackets), ChunkStats.of(x[30:], brackets)], brackets)
    assert order.get(50) == 50.0 and order.get(90) == 90.0
    assert order.span(41, 44).tolist() == [41.0, 42.0, 43.0, 44.0]
    assert order.get(20) is None  # below every bracket: reported as unknown, never guessed
    assert order.span(60, 90) is None  # spans two brackets with a gap between them


def test_exact_hdi_refuses_a_window_that_may_miss_the_narrowest_interval():
    x = np.sort(np.random.default_rng(0).lognormal(size=10_001))
    full = OrderStatistics((0,), (x,))
    k = int(np.floor(0.9 * x.size))
    i_true = int(np.argmin(x[k:] - x[: x.size - k]))
    lo, hi, i = exact_hdi(full, x.size, (0, x.size - 1 - k, k))
    assert (lo, hi, i) == (x[i_true], x[i_true + k], i_true)
    assert exact_hdi(full, x.size, (i_true + 5, i_true + 50, k)) is None  # the best lies below the window


def test_streamed_hdi_is_exact(benchmark_model):
    n = 3_000_000
    kept = benchmark_model.simulate(n, seed=2, keep=["fleet", "breakeven_min"], progress=False)
    streamed = benchmark_model.simulate(n, seed=2, keep=["fleet", "breakeven_min"], stream=True, progress=False)
    for name in ("fleet", "breakeven_min"):
        assert streamed.interval(name, kind="hdi") == kept.interval(name, 0.9, kind="hdi")
    a, b = kept.summary(0.9, full=True), streamed.summary(full=True)
    np.testing.assert_array_equal(b[["hdi_lower", "hdi_upper"]], a[["hdi_lower", "hdi_upper"]])
    np.testing.assert_allclose(b[["mcse_hdi_lower", "mcse_hdi_upper"]], a[["mcse_hdi_lower", "mcse_hdi_upper"]])


def test_streamed_runs_show_progress(capfd, benchmark_model):
    benchmark_model.simulate(3 * 2**20, seed=0, keep=["fleet"], stream=True, progress=True)
    err = capfd.readouterr().err
    assert "streaming" in err and "100.0%" in err
    benchmark_model.simulate(2**16, seed=0, keep=["fleet"], stream=True, progress=False)
    assert capfd.readouterr().err == ""
