"""Scale: streamed summaries, the process pool, Dask (a real LocalCluster) and scenario sweeps."""

import os
import signal
import threading
import time

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


def test_keep_summary_streams_everything(benchmark_model):
    res = benchmark_model.simulate(300_000, seed=1, keep="summary", chunk_size=50_000, levels=[0.01])
    assert isinstance(res, fc.StreamedResult)
    assert set(res.names) == set(benchmark_model.nodes)
    kept = benchmark_model.simulate(300_000, seed=1, keep=["fleet"])
    assert res.quantile("fleet", 0.01)[0] == kept.quantile("fleet", 0.01)[0]
    with pytest.raises(ValueError, match="streamed intervals at prob=0.9"):
        res.summary(prob=0.5)
    with pytest.raises(ValueError, match="were not streamed"):
        res.quantile("fleet", 0.3)
    for nothing in (False, [], ()):
        assert isinstance(benchmark_model.simulate(1000, seed=1, keep=nothing), fc.StreamedResult)
    pooled = benchmark_model.simulate(100_000, seed=1, keep=["fleet"], chunk_size=30_000, workers=2)
    np.testing.assert_array_equal(pooled["fleet"], benchmark_model.simulate(100_000, seed=1, keep=["fleet"])["fleet"])


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


@pytest.mark.parametrize("design", ["random", "lhs", "sobol"])
def test_process_pool_is_bit_identical(benchmark_model, design):
    kwargs = {"n": 200_000, "seed": 5, "design": design, "keep": ["fleet", "breakeven_min"], "chunk_size": 30_000}
    local = benchmark_model.simulate(**kwargs)
    pooled = benchmark_model.simulate(**kwargs, engine=fc.LocalEngine(workers=2))
    for name in kwargs["keep"]:
        np.testing.assert_array_equal(local[name], pooled[name])
    s_local = benchmark_model.simulate(**kwargs, stream=True)
    s_pool = benchmark_model.simulate(**kwargs, stream=True, engine=fc.LocalEngine(workers=2))
    assert s_local.summary(full=True).equals(s_pool.summary(full=True))


def test_closures_travel_to_worker_processes():
    scale = 3.0
    m = fc.Model("closure")
    m.assume("x", fc.uniform(0, 1))

    @m.derive
    def y(x):
        return scale * x

    res = m.simulate(50_000, seed=0, chunk_size=10_000, engine=fc.LocalEngine(workers=2))
    np.testing.assert_allclose(res["y"], 3 * res["x"])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 10, "chunk_size": 0}, ValueError, "chunk_size must be"),
        ({"n": 0}, ValueError, "n must be"),
        ({"n": 10, "stream": True, "prob": 1.5}, ValueError, "prob"),
        ({"n": 10, "engine": fc.LocalEngine}, TypeError, "engine must be"),
    ],
)
def test_bad_scale_arguments(benchmark_model, kwargs, error, match):
    with pytest.raises(error, match=match):
        benchmark_model.simulate(**kwargs)
    with pytest.raises(ValueError, match="workers must be"):
        fc.LocalEngine(workers=0)


def sweep_model() -> fc.Model:
    m = fc.Model("sweep")
    m.assume("steps", 50, unit="step")
    m.assume("gpu", fc.choice({"H100": 989e12, "B200": 2250e12}), unit="FLOP/s")
    m.assume("flop_per_step", fc.lognormal(1e15, 4e15), unit="FLOP/step")
    m.assume("mfu", fc.beta(4, 6))

    @m.derive(unit="s")
    def latency(steps, flop_per_step, gpu, mfu):
        return steps * flop_per_step / (gpu * mfu)

    return m


def test_sweep_grid_with_common_random_numbers():
    m = sweep_model()
    ds = fc.sweep(m, {"steps": [20, 50, 250], "gpu": ["H100", "B200"]}, n=20_000, seed=3)
    assert ds["latency"].dims == ("steps", "gpu", "stat")
    assert ds["latency"].attrs["unit"] == "s"
    assert list(ds["gpu"].values) == ["H100", "B200"]
    med = ds["latency"].sel(stat="median")
    # Common random numbers: latency is proportional to steps / gpu draw by draw, so medians are exactly so.
    assert float(med.sel(steps=250, gpu="H100") / med.sel(steps=20, gpu="H100")) == pytest.approx(12.5, rel=1e-12)
    assert float(med.sel(steps=50, gpu="H100") / med.sel(steps=50, gpu="B200")) == pytest.approx(2250 / 989, rel=1e-12)
    single = m.replace(steps=20.0, gpu=989e12).simulate(20_000, seed=3, keep="latency").summary()
    assert float(ds["latency"].sel(steps=20, gpu="H100", stat="eti_upper")) == single.loc["latency", "eti_upper"]
    effects = fc.sweep_effects(ds, "latency")
    assert list(effects["input"].values) == ["steps", "gpu"]
    assert float(effects["main_effect_share"].sum()) == pytest.approx(1.0, abs=1e-9)  # no interaction on logs


@pytest.mark.parametrize(
    ("grid", "error", "match"),
    [
        ({"steps": []}, ValueError, "axis 'steps' is empty"),
        ({"latency": [1]}, ValueError, "'latency' is not an assumption"),
        ({"nope": [1]}, ValueError, "'nope' is not an assumption"),
        ({"gpu": ["A100"]}, ValueError, "labels"),
        ({}, ValueError, "non-empty mapping"),
        ({"steps": 5}, TypeError, "must be a list"),
    ],
)
def test_sweep_bad_input(grid, error, match):
    with pytest.raises(error, match=match):
        fc.sweep(sweep_model(), grid, n=100)


# ----------------------------------------------------------------------------- Dask
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster_client():
    import warnings

    with warnings.catch_warnings():
        # The cluster's own start-up chatter (ports in use, process spawning) is not what these tests check.
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
        client = distributed.Client(cluster)
    yield client
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client.close()
        cluster.close()


def test_dask_cluster_matches_local_engine(benchmark_model, cluster_client):
    kwargs = {"n": 300_000, "seed": 9, "keep": list(OUTPUTS), "chunk_size": 40_000}
    local = benchmark_model.simulate(**kwargs)
    remote = benchmark_model.simulate(**kwargs, engine=fc.DaskEngine(cluster_client))
    for name in OUTPUTS:
        np.testing.assert_array_equal(local[name], remote[name])
    streamed_local = benchmark_model.simulate(**kwargs, stream=True)
    streamed_dask = benchmark_model.simulate(**kwargs, stream=True, engine="dask")  # the current client
    assert streamed_local.summary(full=True).equals(streamed_dask.summary(full=True))


def test_dask_sweep_matches_local(cluster_client):
    grid = {"steps": [20, 250], "gpu": ["H100", "B200"]}
    local = fc.sweep(sweep_model(), grid, n=50_000, seed=2, chunk_size=20_000)
    remote = fc.sweep(sweep_model(), grid, n=50_000, seed=2, chunk_size=20_000, engine=fc.DaskEngine(cluster_client))
    assert local.identical(remote)


def test_killed_worker_is_replaced_and_result_unchanged(cluster_client):
    m = fc.Model("slow")
    m.assume("x", fc.lognormal(1, 10))

    @m.derive
    def y(x):
        time.sleep(0.02 if np.ndim(x) else 0.0)  # make each chunk take a moment, so the kill lands mid-run
        return 2 * x

    kwargs = {"n": 400_000, "seed": 4, "keep": ["y"], "chunk_size": 2_000}
    expected = m.simulate(**kwargs)
    pids = list(cluster_client.run(os.getpid).values())

    def kill_one() -> None:
        time.sleep(0.8)
        os.kill(pids[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_one)
    killer.start()
    started = time.perf_counter()
    result = m.simulate(**kwargs, engine=fc.DaskEngine(cluster_client))
    killer.join()
    assert time.perf_counter() - started > 0.8  # the kill happened while the run was going on
    np.testing.assert_array_equal(result["y"], expected["y"])
    cluster_client.wait_for_workers(2, timeout=60)


def test_closed_client_is_refused():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = distributed.Client(processes=False, n_workers=1, dashboard_address=None)
        client.close()
    with pytest.raises(ValueError, match="closed"):
        sweep_model().simulate(100, engine=fc.DaskEngine(client))
    with pytest.raises(TypeError, match="must be a dask.distributed.Client"):
        fc.DaskEngine(client="tcp://nowhere:1")
