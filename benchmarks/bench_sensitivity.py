"""Time ``flopcast.sobol`` against SALib's own pipeline on the benchmark model, on the same design.

The job: first-order and total Sobol' indices with 100 bootstrap resamples, ``n = 2**13`` rows of Saltelli's
design (``n * (15 + 2) = 139,264`` model runs), for one output (``fleet``) and for the three outputs of the
benchmark model.

- flopcast: ``sobol(model, outputs, n=2**13, seed=s, num_resamples=100)``: its own Saltelli design (the same
  as SALib's), flopcast's inverse CDFs on ``A`` and ``B`` only, the model on every block, vectorized estimators.
- SALib: ``SALib.sample.sobol.sample`` on the unit cube, ``scipy.stats`` inverse CDFs of every column (SALib's
  ``problem["dists"]`` has no beta), the hand-written numpy model of ``peers.py``, then
  ``SALib.analyze.sobol.analyze(..., calc_second_order=False, num_resamples=100)`` per output.

Both run interleaved in one process, alternating which goes first; imports and model building are not timed.
Also checked: SALib's pipeline on flopcast's design (the same scrambled Sobol' points) gives the same indices.

Usage::

    python benchmarks/bench_sensitivity.py [--rounds K] [--markdown]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import BETA, INPUT_ORDER, LOGNORMAL, OUTPUTS, UNIFORM, derive, lognormal_params  # noqa: E402

N = 2**13
RESAMPLES = 100
#: Seconds spent by each SALib run in sample, inverse CDFs, model and analyze.
STAGES: list[tuple[float, ...]] = []


def scipy_ppf() -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """Inverse CDFs of the benchmark inputs with scipy.stats, as a SALib user writes them."""
    from scipy import stats

    dists = {}
    for name, (lo, hi) in LOGNORMAL.items():
        mu, sigma = lognormal_params(lo, hi)
        dists[name] = stats.lognorm(sigma, scale=np.exp(mu))
    for name, (lo, hi) in UNIFORM.items():
        dists[name] = stats.uniform(lo, hi - lo)
    for name, (a, b) in BETA.items():
        dists[name] = stats.beta(a, b)

    def ppf(u: np.ndarray) -> dict[str, np.ndarray]:
        return {name: dists[name].ppf(u[:, j]) for j, name in enumerate(INPUT_ORDER)}

    return ppf


def salib_job(outputs: tuple[str, ...]) -> Callable[[int, object], dict[str, dict[str, np.ndarray]]]:
    """SALib's pipeline; ``design_seed`` is an int or a numpy Generator (to reuse flopcast's design)."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    problem = {"num_vars": len(INPUT_ORDER), "names": list(INPUT_ORDER), "bounds": [[0.0, 1.0]] * len(INPUT_ORDER)}
    ppf = scipy_ppf()

    def job(seed: int, design_seed: object = None) -> dict[str, dict[str, np.ndarray]]:
        t = [time.perf_counter()]
        u = sample.sample(problem, N, calc_second_order=False, seed=seed if design_seed is None else design_seed)
        t.append(time.perf_counter())
        x = ppf(u)
        t.append(time.perf_counter())
        y = derive(x)
        t.append(time.perf_counter())
        out = {}
        for name in outputs:
            s = analyze.analyze(problem, y[name], calc_second_order=False, num_resamples=RESAMPLES, seed=seed + 1)
            out[name] = {"S1": np.asarray(s["S1"]), "ST": np.asarray(s["ST"])}
        t.append(time.perf_counter())
        STAGES.append(tuple(np.diff(t)))
        return out

    return job


def flopcast_job(outputs: tuple[str, ...]) -> Callable[[int], dict[str, dict[str, np.ndarray]]]:
    from flopcast.analysis.sensitivity import sobol
    from flopcast.catalog.benchmark import benchmark_model

    model = benchmark_model()

    def job(seed: int) -> dict[str, dict[str, np.ndarray]]:
        ds = sobol(model, list(outputs), n=N, seed=seed, num_resamples=RESAMPLES)
        return {o: {"S1": ds["S1"].sel(output=o).values, "ST": ds["ST"].sel(output=o).values} for o in outputs}

    return job


def same_design_check() -> float:
    """Largest |difference| of S1 and ST between fc.sobol and SALib's pipeline on fc.sobol's own design."""
    from flopcast.analysis.sobol import _STREAM_DESIGN, stream
    from flopcast.design import seed_sequence

    fc_out = flopcast_job(OUTPUTS)(7)
    salib_out = salib_job(OUTPUTS)(7, stream(seed_sequence(7), _STREAM_DESIGN))
    return max(float(np.max(np.abs(fc_out[o][k] - salib_out[o][k]))) for o in OUTPUTS for k in ("S1", "ST"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    import SALib.analyze.sobol  # noqa: F401
    import SALib.sample.sobol  # noqa: F401

    t_salib_import = time.perf_counter() - t0
    rows = []
    for outputs in (("fleet",), OUTPUTS):
        jobs = {"flopcast": flopcast_job(outputs), "SALib": salib_job(outputs)}
        for job in jobs.values():
            job(0)  # warm-up: lazy imports, caches
        times: dict[str, list[float]] = {k: [] for k in jobs}
        for r in range(args.rounds):
            order = list(jobs) if r % 2 == 0 else list(jobs)[::-1]
            for name in order:
                start = time.perf_counter()
                jobs[name](r + 1)
                times[name].append(time.perf_counter() - start)
        med = {k: statistics.median(v) for k, v in times.items()}
        stages = np.median(np.array(STAGES[-args.rounds :]), axis=0)
        rows.append((", ".join(outputs), med["flopcast"], med["SALib"], med["flopcast"] / med["SALib"], stages))
    diff = same_design_check()

    header = f"Sobol' indices (S1, ST, {RESAMPLES} bootstrap resamples), benchmark model, n = 2**13"
    lines = [
        f"## {header}",
        "",
        f"Medians of {args.rounds} interleaved rounds; {platform.python_version()}, {platform.machine()}.",
        "",
        "| outputs | flopcast (s) | SALib pipeline (s) | SALib: sample / inverse CDFs / model / analyze (s) "
        "| ratio flopcast / SALib |",
        "|---|---|---|---|---|",
        *(
            f"| {o} | {f:.3f} | {s:.3f} | {' / '.join(f'{x:.3f}' for x in st)} | {ratio:.3f} |"
            for o, f, s, ratio, st in rows
        ),
        "",
        f"SALib import (not timed above): {t_salib_import:.2f} s. On the same design (flopcast's scrambled Sobol'"
        f" points), SALib's pipeline and fc.sobol agree to {diff:.1e} in S1 and ST (the difference is that of"
        " scipy's and flopcast's inverse CDFs).",
    ]
    text = "\n".join(lines)
    print(text if args.markdown else text.replace("|", " "))


if __name__ == "__main__":
    main()
