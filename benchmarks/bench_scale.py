"""Scale benchmark: streamed runs of the benchmark model at large n, on each engine, and a scenario sweep.

Measures throughput (draws per second) of ``simulate(n, keep=OUTPUTS, stream=True)`` on the local engine with 1
and 2 worker processes and on a dask ``LocalCluster`` of 2 worker processes; the peak memory of a streamed run
(in a fresh child process, so the figure is the run's own); and a sweep of 100 scenarios x 1e6 draws.

Usage::

    python benchmarks/bench_scale.py            # n = 1e8 (several minutes on 2 cores)
    python benchmarks/bench_scale.py --n 1e7    # quicker
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
import warnings

import numpy as np

import flopcast as fc
from flopcast.catalog.benchmark import OUTPUTS, benchmark_model

CHILD = """
import json, resource, sys, time
import flopcast as fc
from flopcast.catalog.benchmark import OUTPUTS, benchmark_model
n = int(float(sys.argv[1])); run = sys.argv[2] == "run"
m = benchmark_model()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if run:
    m.simulate(n, seed=1, keep=OUTPUTS, stream=True, progress=False).summary()
print(json.dumps({"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "before_mb": before / 1024, "seconds": time.perf_counter() - t}))
"""


def streamed(n: int, engine: object) -> float:
    """Seconds for one streamed run of the benchmark model."""
    m = benchmark_model()
    start = time.perf_counter()
    m.simulate(n, seed=1, keep=OUTPUTS, stream=True, engine=engine, progress=False).summary()
    return time.perf_counter() - start


def peak_memory(n: int) -> dict[str, float]:
    """Peak resident memory of a streamed run in a fresh process, and of a baseline that only builds the model."""
    out = {}
    for mode in ("baseline", "run"):
        proc = subprocess.run([sys.executable, "-c", CHILD, str(n), mode], capture_output=True, text=True, check=True)
        out[mode] = json.loads(proc.stdout)
    return {"peak_mb": out["run"]["maxrss_mb"], "baseline_mb": out["baseline"]["maxrss_mb"],
            "above_baseline_mb": out["run"]["maxrss_mb"] - out["baseline"]["maxrss_mb"]}  # fmt: skip


def sweep_time(n: int) -> float:
    """Seconds for a sweep of 100 scenarios (10 step counts x 10 utilizations) of ``n`` draws each."""
    m = benchmark_model()
    grid = {"steps": list(np.geomspace(4, 250, 10)), "mfu": list(np.linspace(0.2, 0.6, 10))}
    start = time.perf_counter()
    fc.sweep(m, grid, n=n, seed=1, outputs=list(OUTPUTS))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=float, default=1e8)
    parser.add_argument("--sweep-n", type=float, default=1e6)
    args = parser.parse_args()
    n = int(args.n)
    # First, while this process is small: Linux carries a parent's peak RSS into children it starts (ru_maxrss
    # survives fork and exec), so measuring after the timed runs would report this process's own peak.
    memory = peak_memory(n)
    rows = []
    for label, engine in [("local, 1 process", fc.LocalEngine()), ("local, 2 processes", fc.LocalEngine(workers=2))]:
        seconds = streamed(n, engine)
        rows.append((label, seconds, n / seconds))
    import distributed

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40)
        client = distributed.Client(cluster)
        try:
            seconds = streamed(n, fc.DaskEngine(client))
            rows.append(("dask LocalCluster, 2 workers", seconds, n / seconds))
        finally:
            client.close()
            cluster.close()
    sweep_seconds = sweep_time(int(args.sweep_n))
    print(f"# flopcast {fc.__version__}, numpy {np.__version__}, python {platform.python_version()}, "
          f"{platform.machine()}, n = {n:.0e} streamed (keep no draws; summaries of 3 outputs)\n")  # fmt: skip
    print("| engine | seconds | draws per second |\n|---|---|---|")
    for label, seconds, rate in rows:
        print(f"| {label} | {seconds:.1f} | {rate / 1e6:.2f} M |")
    above = memory["above_baseline_mb"]
    print(f"\nPeak memory of the streamed run (fresh process, local engine): {memory['peak_mb']:.0f} MB "
          f"({above:.0f} MB above importing flopcast and building the model)")  # fmt: skip
    print(f"Sweep of 100 scenarios x {int(args.sweep_n):.0e} draws: {sweep_seconds:.1f} s "
          f"({100 * args.sweep_n / sweep_seconds / 1e6:.2f} M draws per second)")  # fmt: skip


if __name__ == "__main__":
    main()
