"""Time flopcast against hand-written numpy and its peers on the benchmark model.

The job (``benchmarks/benchmark-model.md``): draw ``N`` joint samples of the benchmark
model's inputs, evaluate its derived quantities and compute the 5%, 50% and 95% quantiles of
``train_flop``, ``breakeven_min`` and ``fleet``. For flopcast that is ``m.simulate(N, seed=s,
design=d, keep=OUTPUTS)`` and ``res.quantile(name, [0.05, 0.5, 0.95])`` per output; building the
model (and imports, and numba's compilation) is timed separately. All implementations run
interleaved in one process, in a rotating order, and each size reports medians over the rounds and
ratios to hand-written numpy.

Also recorded: correctness (each implementation's quantiles against the numpy reference, with the
Monte Carlo standard error of the reference) and peak memory at the largest size, measured in child
processes as ``ru_maxrss`` of a run minus that of a baseline child that imports everything and
builds the model but does not simulate.

Usage::

    python benchmarks/bench_core.py [--quick] [--sizes 1e5,1e6,1e7] [--rounds K] [--markdown]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402
from peers import LEVELS, OUTPUTS, Impl, Job  # noqa: E402

#: Size of the kept arrays at 1e7 draws: 3 outputs x 8 bytes.
KEPT_BYTES_PER_DRAW = 3 * 8
#: A peer runs at a size only if its time extrapolated from the previous size is below this (s).
MAX_EXTRAPOLATED_S = 60.0


# ---------------------------------------------------------------- flopcast
def build_flopcast(design: str, stream: str = "") -> Callable[[], Job]:
    """Return a builder of flopcast's job with design ``"random"``, ``"lhs"`` or ``"sobol"``.

    ``stream="outputs"`` streams the three outputs (``stream=True``: exact quantiles, no draw kept);
    ``stream="summary"`` is ``stream=True`` with no ``keep``: every quantity of the model streamed and summarized.
    """

    def build() -> Job:
        from flopcast.catalog.benchmark import OUTPUTS as FC_OUTPUTS
        from flopcast.catalog.benchmark import benchmark_model

        assert tuple(FC_OUTPUTS) == OUTPUTS
        model = benchmark_model()
        levels = list(LEVELS)
        keep: tuple[str, ...] | None = None if stream == "summary" else OUTPUTS

        def job(n: int, seed: int) -> dict[str, np.ndarray]:
            res = model.simulate(
                n, seed=seed, design=design, keep=keep, stream=bool(stream), levels=levels, progress=False
            )
            return {name: np.asarray(res.quantile(name, levels)) for name in OUTPUTS}

        job(2_000, 0)  # one-time work (beta inverse-CDF tables, scipy's Sobol' engine) is timed with the build
        return job

    return build


FLOPCAST = (
    Impl("flopcast-random", build_flopcast("random")),
    Impl("flopcast-lhs", build_flopcast("lhs")),
    Impl("flopcast-sobol", build_flopcast("sobol")),
    Impl("flopcast-streamed", build_flopcast("random", stream="outputs")),
    Impl("flopcast-summary", build_flopcast("random", stream="summary")),
)
IMPLS = (*FLOPCAST, *peers.PEERS)
BY_NAME = {impl.name: impl for impl in IMPLS}


# ---------------------------------------------------------------- timing
def parse_sizes(text: str) -> list[int]:
    """Parse ``"1e5,1e6"`` into ``[100000, 1000000]``."""
    return [int(float(s)) for s in text.split(",") if s.strip()]


#: The clock of the timings: wall time (``time.perf_counter``) by default; ``--clock cpu`` uses this process's CPU
#: time (``time.process_time``: user + system, page faults included), which on a machine shared with other jobs
#: leaves out the time spent waiting for a core. Every job here is single-threaded and in-process, so on an idle
#: machine the two agree.
CLOCK: Callable[[], float] = time.perf_counter


def time_job(job: Job, n: int, seed: int) -> tuple[float, dict[str, np.ndarray]]:
    """Run ``job(n, seed)`` once after a garbage collection; return its time (:data:`CLOCK`) and quantiles."""
    gc.collect()
    t0 = CLOCK()
    out = job(n, seed)
    return CLOCK() - t0, out


def run_timings(impls: list[Impl], sizes: list[int], rounds: int | None, log: Callable[[str], None]) -> dict:
    """Build every implementation, then time them interleaved at each size.

    Returns a dict with ``build`` (seconds per implementation), ``times`` (size -> name -> list of
    seconds), ``quantiles`` (size -> name -> output -> quantiles of round 0) and ``skipped``
    (size -> name -> reason).
    """
    jobs: dict[str, Job] = {}
    build: dict[str, float] = {}
    for impl in impls:
        t0 = time.perf_counter()
        jobs[impl.name] = impl.build()
        build[impl.name] = time.perf_counter() - t0
        log(f"built {impl.name:20s} in {build[impl.name]:6.2f} s (imports, model, compilation)")
    warm = min(10_000, min(sizes))
    last: dict[str, tuple[int, float]] = {}
    for impl in impls:  # warm up caches and lazy imports; also the first estimate of each one's cost
        seconds, _ = time_job(jobs[impl.name], warm, 0)
        last[impl.name] = (warm, seconds)
    times: dict[int, dict[str, list[float]]] = {}
    quants: dict[int, dict[str, dict[str, list[float]]]] = {}
    skipped: dict[int, dict[str, str]] = {}
    for n in sizes:
        k = rounds if rounds is not None else (3 if n >= 10**7 else 5)
        active = []
        skipped[n] = {}
        for impl in impls:
            prev_n, prev_s = last[impl.name]
            estimate = prev_s * n / prev_n
            if impl.max_n is not None and n > impl.max_n:
                skipped[n][impl.name] = impl.skip_reason
            elif estimate > MAX_EXTRAPOLATED_S:
                skipped[n][impl.name] = (
                    f"extrapolated {estimate:.0f} s per run (> {MAX_EXTRAPOLATED_S:.0f} s) from "
                    f"{prev_s:.2f} s at n={prev_n:.0e}"
                )
            else:
                active.append(impl)
        for name, reason in skipped[n].items():
            log(f"n={n:.0e}: skip {name}: {reason}")
        times[n] = {impl.name: [] for impl in active}
        quants[n] = {}
        for r in range(k):
            shift = r % len(active)
            order = active[shift:] + active[:shift]
            for impl in order:
                seconds, out = time_job(jobs[impl.name], n, r)
                times[n][impl.name].append(seconds)
                if r == 0:
                    quants[n][impl.name] = {name: [float(v) for v in out[name]] for name in OUTPUTS}
            log(
                f"n={n:.0e} round {r + 1}/{k}: "
                + ", ".join(f"{impl.name} {times[n][impl.name][-1]:.3f}" for impl in active)
            )
        for impl in active:
            last[impl.name] = (n, statistics.median(times[n][impl.name]))
    return {"build": build, "times": times, "quantiles": quants, "skipped": skipped}


# ---------------------------------------------------------------- correctness
def quantile_se(x: np.ndarray, q: float) -> float:
    """Monte Carlo standard error of the ``q`` quantile of independent draws (order statistics)."""
    n = x.size
    half = np.sqrt(n * q * (1 - q))
    lo = int(np.clip(np.floor(n * q - half), 0, n - 1))
    hi = int(np.clip(np.ceil(n * q + half), 0, n - 1))
    part = np.partition(x, [lo, hi])
    return float(part[hi] - part[lo]) / 2


def reference_errors(n: int, seed: int = 0) -> dict[str, list[float]]:
    """Return the standard errors of the numpy reference's quantiles at ``n`` draws."""
    out = peers.numpy_outputs(n, seed)
    return {name: [quantile_se(out[name], q) for q in LEVELS] for name in OUTPUTS}


# ---------------------------------------------------------------- memory
_WRAPPER = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def memory_child(name: str, n: int, baseline: bool) -> None:
    """Child process body: imports, build ``name``; unless ``baseline``, run its job once."""
    import flopcast  # noqa: F401

    job = BY_NAME[name].build()
    if not baseline:
        job(n, 0)


def peak_rss_mb(name: str, n: int, baseline: bool) -> float:
    """Peak resident memory (MB) of a fresh child running :func:`memory_child`."""
    cmd = [sys.executable, __file__, "--_mem-child", name, "--_mem-n", str(n)]
    if baseline:
        cmd.append("--_mem-baseline")
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def run_memory(names: list[str], n: int, log: Callable[[str], None]) -> dict[str, dict[str, float]]:
    """Peak memory of each implementation at ``n`` draws, above its baseline child."""
    out = {}
    for name in names:
        base = peak_rss_mb(name, n, baseline=True)
        peak = peak_rss_mb(name, n, baseline=False)
        out[name] = {"baseline_mb": base, "peak_mb": peak, "above_baseline_mb": peak - base}
        log(f"memory n={n:.0e} {name:20s}: baseline {base:7.0f} MB, peak {peak:7.0f} MB, "
            f"above baseline {peak - base:7.0f} MB")  # fmt: skip
    return out


# ---------------------------------------------------------------- environment
def cpu_model() -> str:
    """The CPU's model name, family/model/stepping and cache sizes (a VM may show only a short model name)."""
    info: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
            if not line.strip():
                break  # the first processor is enough
    except OSError:
        return platform.processor() or platform.machine()
    caches = []
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level, kind, size = ((index / f).read_text().strip() for f in ("level", "type", "size"))
        except OSError:
            continue
        if kind != "Instruction":
            caches.append(f"L{level} {size}")
    ident = f"family {info.get('cpu family', '?')} model {info.get('model', '?')} stepping {info.get('stepping', '?')}"
    flags = info.get("flags", "").split()
    simd = "avx512" if "avx512f" in flags else "avx2" if "avx2" in flags else "no avx2"
    return f"{info.get('model name', '?')} ({ident}; {simd}; {', '.join(caches) or 'caches ?'})"


def environment() -> dict[str, str]:
    """Date, machine and versions, for the report."""
    import importlib.metadata as md

    cpu = cpu_model()
    ram = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = {"python": platform.python_version()}
    for pkg in ("numpy", "scipy", "flopcast", "squigglepy", "pymc", "openturns", "numba"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        **versions,
    }


# ---------------------------------------------------------------- report
def _fmt_n(n: int) -> str:
    return f"{n:.0e}".replace("e+0", "e")


def report(results: dict, markdown: bool) -> str:
    """Tables of times, ratios, targets, correctness and memory, as plain text or markdown."""
    times = results["times"]
    sizes = [int(n) for n in times]
    names = [impl.name for impl in IMPLS if any(impl.name in times[n] for n in times)]
    med = {n: {k: statistics.median(v) for k, v in times[n].items()} for n in times}
    lines: list[str] = []
    sep = " | "

    def row(cells: list[str]) -> str:
        return ("| " + sep.join(cells) + " |") if markdown else "  ".join(f"{c:>20s}" for c in cells)

    def header(cells: list[str]) -> None:
        lines.append(row(cells))
        if markdown:
            lines.append("|" + "|".join("---" for _ in cells) + "|")

    env = results["env"]
    lines.append(
        f"date {env['date']}; {env['nproc']} cores, {env['cpu']}, {env['ram']} RAM; load average "
        f"at start {env['load_average']}, after the timings {env.get('load_average_end', '?')}; "
        f"OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']}; "
        f"clock: {'CPU time of the process' if env.get('clock') == 'cpu' else 'wall time'}"
    )
    lines.append(
        "versions: "
        + ", ".join(
            f"{k} {env[k]}"
            for k in (
                "python",
                "numpy",
                "scipy",
                "flopcast",
                "squigglepy",
                "pymc",
                "openturns",
                "numba",
            )
        )
    )
    lines.append("")
    rounds = ", ".join(f"{_fmt_n(n)}: {len(next(iter(times[n].values())))}" for n in sizes)
    lines.append(f"Median time per job in seconds (ratio to hand-written numpy); rounds per size: {rounds}")
    lines.append("")
    header(["implementation", "build s", *[f"N={_fmt_n(n)}" for n in sizes]])
    for name in names:
        cells = [name, f"{results['build'][name]:.2f}"]
        for n in sizes:
            if name in med[n]:
                cells.append(f"{med[n][name]:.4g} ({med[n][name] / med[n]['numpy']:.2f}x)")
            else:
                cells.append("skipped")
        lines.append(row(cells))
    for n in sizes:
        for name, reason in results["skipped"][n].items():
            lines.append(f"- {name} skipped at N={_fmt_n(n)}: {reason}")
    lines.append("")
    lines.append("Throughput (million samples per second): " + "; ".join(
        f"N={_fmt_n(n)}: " + ", ".join(f"{k} {n / v / 1e6:.2f}" for k, v in med[n].items()
                                      if k in ("numpy", "numpy-chunked", "flopcast-random",
                                               "numba"))
        for n in sizes))  # fmt: skip
    lines.append("")

    # targets
    lines.append("Targets:")
    lines.append("")
    header(["target", *[f"N={_fmt_n(n)}" for n in sizes]])

    def verdict(ok: bool, value: str) -> str:
        return f"{'met' if ok else 'MISSED'} ({value})"

    def ratio_row(label: str, num: str, den: str, limit: Callable[[int], float | None]) -> None:
        cells = [label]
        for n in sizes:
            bound = limit(n)
            if bound is None:
                cells.append("-")
            elif num not in med[n] or den not in med[n]:
                cells.append("n/a (not run)")
            else:
                r = med[n][num] / med[n][den]
                cells.append(verdict(r <= bound, f"{r:.2f}"))
        lines.append(row(cells))

    ratio_row("flopcast-random / numba <= 1.15", "flopcast-random", "numba", lambda n: 1.15)
    ratio_row(
        "flopcast-random / numpy <= 1.0 (<= 0.7 from 1e6)",
        "flopcast-random",
        "numpy",
        lambda n: 0.7 if n >= 10**6 else 1.0,
    )
    for design in ("lhs", "sobol"):
        ratio_row(f"flopcast-{design} / flopcast-random <= 1.2", f"flopcast-{design}", "flopcast-random", lambda n: 1.2)
    # Streamed: the draw rate is >= 0.9x that of keeping the outputs, i.e. time ratio <= 1 / 0.9.
    ratio_row(
        "flopcast-streamed / flopcast-random <= 1.11 at 1e7 (draw rate >= 0.9x)",
        "flopcast-streamed",
        "flopcast-random",
        lambda n: 1 / 0.9 if n >= 10**7 else None,
    )
    ratio_row(
        "flopcast-summary / flopcast-random <= 1.11 at 1e7 (draw rate >= 0.9x)",
        "flopcast-summary",
        "flopcast-random",
        lambda n: 1 / 0.9 if n >= 10**7 else None,
    )
    for peer in ("squigglepy-tree", "pymc", "openturns"):
        cells = [f"flopcast-random faster than {peer}"]
        for n in sizes:
            if peer not in med[n]:
                cells.append("n/a (peer skipped)")
                continue
            r = med[n][peer] / med[n]["flopcast-random"]
            cells.append(verdict(r > 1.0, f"peer {r:.2f}x flopcast"))
        lines.append(row(cells))
    mem = results.get("memory")
    if mem and "flopcast-random" in mem["by_impl"]:
        target = 1.5 * mem["kept_mb"]
        cells = [f"peak memory above baseline <= 1.5 x {mem['kept_mb']:.0f} MB at N={_fmt_n(mem['n'])}"]
        for n in sizes:
            if n == mem["n"]:
                v = mem["by_impl"]["flopcast-random"]["above_baseline_mb"]
                cells.append(verdict(v <= target, f"{v:.0f} MB"))
            else:
                cells.append("-")
        lines.append(row(cells))
    lines.append("")

    # correctness
    corr = results["correctness"]
    n = corr["n"]
    ref = results["quantiles"][n]["numpy"]
    se = corr["reference_se"]
    lines.append(
        f"Correctness at N={_fmt_n(n)}: quantiles relative to the numpy reference, in % "
        "(5% / 50% / 95%); the last row is one Monte Carlo standard error of the reference's "
        "quantiles "
        "(the difference of two independent runs has sqrt(2) times that):"
    )
    lines.append("")
    header(["implementation", *OUTPUTS])
    for name in names:
        if name == "numpy" or name not in results["quantiles"][n]:
            continue
        q = results["quantiles"][n][name]
        cells = [name]
        for out in OUTPUTS:
            cells.append(" / ".join(f"{100 * (a / b - 1):+.2f}" for a, b in zip(q[out], ref[out], strict=True)))
        lines.append(row(cells))
    cells = ["1 s.e. of reference"]
    for out in OUTPUTS:
        cells.append(" / ".join(f"{100 * s / b:.2f}" for s, b in zip(se[out], ref[out], strict=True)))
    lines.append(row(cells))
    lines.append("")
    if "squigglepy-tree" in results["quantiles"][n]:
        q = results["quantiles"][n]["squigglepy-tree"]["breakeven_min"]
        r = ref["breakeven_min"]
        lines.append(
            f"squigglepy tree bias on breakeven_min at N={_fmt_n(n)}: 5% {q[0]:.4g} vs {r[0]:.4g} "
            f"({100 * (q[0] / r[0] - 1):+.1f}%), median {q[1]:.4g} vs {r[1]:.4g} "
            f"({100 * (q[1] / r[1] - 1):+.1f}%), 95% {q[2]:.4g} vs {r[2]:.4g} "
            f"({100 * (q[2] / r[2] - 1):+.1f}%); 95%/5% ratio {q[2] / q[0]:.1f} vs "
            f"{r[2] / r[0]:.1f}."
        )
        lines.append("")

    if mem:
        lines.append(
            f"Peak memory at N={_fmt_n(mem['n'])} (ru_maxrss of a child running the job once, "
            "minus a "
            f"baseline child that imports everything and builds the model); kept arrays "
            f"{mem['kept_mb']:.0f} MB, target <= {1.5 * mem['kept_mb']:.0f} MB:"
        )
        lines.append("")
        header(["implementation", "baseline MB", "peak MB", "above baseline MB", "/ kept arrays"])
        for name, v in mem["by_impl"].items():
            lines.append(row([name, f"{v['baseline_mb']:.0f}", f"{v['peak_mb']:.0f}",
                              f"{v['above_baseline_mb']:.0f}",
                              f"{v['above_baseline_mb'] / mem['kept_mb']:.2f}x"]))  # fmt: skip
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (2e3,2e4), 2 rounds: a smoke test")
    parser.add_argument("--sizes", default="1e5,1e6,1e7", help="comma-separated N (default 1e5,1e6,1e7)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per size (default 5, 3 at 1e7)")
    parser.add_argument("--only", default=None, help="comma-separated implementations (numpy always runs)")
    parser.add_argument("--markdown", action="store_true", help="print the report as markdown")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory measurement")
    parser.add_argument("--memory-n", default=None, help="N of the memory measurement (default largest)")
    parser.add_argument("--json", default=None, help="also write raw results to this JSON file")
    parser.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall", help="wall time (default) or this process's CPU time"
    )
    parser.add_argument("--_mem-child", dest="mem_child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--_mem-n", dest="mem_n", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--_mem-baseline", dest="mem_baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.mem_child:
        memory_child(args.mem_child, args.mem_n, args.mem_baseline)
        return 0

    # scipy's Sobol' engine warns on every chunk that is not a power of 2 long: not news here.
    warnings.filterwarnings("ignore", message="The balance properties of Sobol", category=UserWarning)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    sizes = [2_000, 20_000] if args.quick else parse_sizes(args.sizes)
    rounds = 2 if args.quick and args.rounds is None else args.rounds
    impls = list(IMPLS)
    if args.only:
        wanted = {"numpy", "flopcast-random", *args.only.split(",")}
        unknown = wanted - set(BY_NAME)
        if unknown:
            parser.error(f"unknown implementations {sorted(unknown)}; choose from {sorted(BY_NAME)}")
        impls = [impl for impl in IMPLS if impl.name in wanted]
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    env = environment()
    env["clock"] = args.clock
    results = run_timings(impls, sizes, rounds, log)
    env["load_average_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["env"] = env
    n_corr = max(sizes)
    results["correctness"] = {"n": n_corr, "reference_se": reference_errors(n_corr)}
    if not args.no_memory:
        n_mem = int(float(args.memory_n)) if args.memory_n else max(sizes)
        names = [impl.name for impl in impls if impl.name != "pymc"]
        results["memory"] = {
            "n": n_mem,
            "kept_mb": KEPT_BYTES_PER_DRAW * n_mem / 1e6,
            "by_impl": run_memory(names, n_mem, log),
        }
    text = report(results, args.markdown)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
