"""The Dask engine on a real LocalCluster: the engine contract, sweeps, a killed worker, a closed client."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import flopcast as fc
from flopcast.engine import chunk_bounds
from tests.engine.contract import EngineContract
from tests.test_sweep import sweep_model

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


class TestDaskEngine(EngineContract):
    @pytest.fixture
    def engine(self, cluster_client):
        return fc.DaskEngine(cluster_client)

    def test_the_current_client_is_found(self, cluster_client, benchmark_model):
        kwargs = {"n": 20_000, "seed": 9, "keep": ["fleet"], "chunk_size": 6_000, "stream": True}
        assert (
            benchmark_model.simulate(**kwargs, engine="dask")
            .summary(full=True)
            .equals(benchmark_model.simulate(**kwargs).summary(full=True))
        )


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


def test_chunks_cancelled_by_the_cluster_are_sent_again_and_the_result_is_unchanged(cluster_client, benchmark_model):
    """What the scheduler does when a dying worker takes the scattered model with it: it cancels the tasks."""
    from flopcast.design import make_plan
    from flopcast.engine.tasks import keep_task

    plan = make_plan(benchmark_model, 20_000, 5, "random")
    bounds = chunk_bounds(20_000, 1_000)
    payload = (benchmark_model, plan, ("fleet",))
    seen: dict[tuple[int, int], np.ndarray] = {}

    def consume(start, stop, result):
        if not seen:  # at the first result, cancel every chunk task still queued or running
            queued = [distributed.Future(key, cluster_client) for key in list(cluster_client.futures)]
            cluster_client.cancel([f for f in queued if str(f.key).startswith("keep_task")])
        seen[start, stop] = result["fleet"]

    fc.DaskEngine(cluster_client).map(keep_task, payload, bounds, consume)
    assert sorted(seen) == list(bounds)
    for start, stop in bounds:
        np.testing.assert_array_equal(seen[start, stop], keep_task(payload, start, stop)["fleet"])


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
