"""Time the default ``flopcast report``: before and after a change, and by stage.

Two measurements, both in fresh processes (a report is run once per process, imports included):

- **before/after**: the command ``python -m flopcast report --out <empty folder>`` with its defaults (the Sora
  ``uncertain`` model, 100,000 draws), run from the source of two git revisions extracted side by side
  (``git archive``), alternately, ``--rounds`` times each; the medians and their ratio. Interleaving makes both
  see the same machine load (run it on an otherwise idle machine anyway). Also the CPU time of each run (user +
  system of the command's process): on a shared machine it varies less than the wall time. The "after" code
  runs a third time in each round with an empty disk cache (``FLOPCAST_CACHE_DIR``), as a first run on a
  machine would: flopcast then computes and stores the tables it otherwise reads back.
- **stages** (the "after" tree only): imports (``import flopcast.cli``), model build, then the stages
  ``write_report`` times itself (simulation, sensitivity, figures, files): medians over the rounds.

Usage::

    python benchmarks/bench_report.py --before 004fd38 --after HEAD --rounds 7 [--markdown]

``--after worktree`` times the working tree's ``src`` as it is (uncommitted changes included).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Run in a fresh process inside the tree under test: every stage of the default report, timed.
STAGES = """
import json, sys, time
t0 = time.perf_counter()
import flopcast.cli
from flopcast.cli_models import load_model
from flopcast.report import write_report
t1 = time.perf_counter()
model = load_model("uncertain")
t2 = time.perf_counter()
report = write_report(model, sys.argv[1], progress=False)
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "model build": t2 - t1, **report.timings, "total": t3 - t0}))
"""


def extract(rev: str, into: Path) -> Path:
    """The source tree of ``rev`` (``worktree``: this checkout's own ``src``)."""
    if rev == "worktree":
        return ROOT / "src"
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "src"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(src: Path, out: Path, cache: Path | None = None) -> tuple[float, float]:
    """Wall and CPU time (user + system) of ``python -m flopcast report --out out`` with ``src`` on the path.

    ``cache``: an empty folder as flopcast's disk cache (``FLOPCAST_CACHE_DIR``), for a run that finds nothing
    there; by default the user's cache, which every run after the first finds filled.
    """
    env = {**os.environ, "PYTHONPATH": str(src), "FLOPCAST_DEBUG": "1"}
    if cache is not None:
        env["FLOPCAST_CACHE_DIR"] = str(cache)
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "flopcast", "report", "--out", str(out)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start, _children_cpu() - cpu


def run_stages(src: Path, out: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run([sys.executable, "-c", STAGES, str(out)], env=env, check=True, capture_output=True,
                          text=True)  # fmt: skip
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git revision of the 'before' code")
    parser.add_argument("--after", default="worktree", help="git revision of the 'after' code (default: worktree)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = parser.parse_args(argv)

    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        trees = {"before": extract(args.before, base / "before"), "after": extract(args.after, base / "after")}
        times: dict[str, list[float]] = {"before": [], "after": [], "after, empty cache": []}
        cpus: dict[str, list[float]] = {"before": [], "after": [], "after, empty cache": []}
        stages: list[dict[str, float]] = []
        for k in range(args.rounds):
            order = ("before", "after") if k % 2 == 0 else ("after", "before")
            for which in order:
                wall, cpu = run_command(trees[which], base / f"out-{which}-{k}")
                times[which].append(wall)
                cpus[which].append(cpu)
            # The after code once more with an empty disk cache (its Beta/PERT tables computed, as on a first run).
            wall, cpu = run_command(trees["after"], base / f"out-cold-{k}", cache=base / f"cache-{k}")
            times["after, empty cache"].append(wall)
            cpus["after, empty cache"].append(cpu)
            stages.append(run_stages(trees["after"], base / f"stages-{k}"))
            print(f"round {k + 1}: " + ", ".join(f"{w} {times[w][-1]:.2f} s (CPU {cpus[w][-1]:.2f} s)"
                                                 for w in times), file=sys.stderr)  # fmt: skip
        end_load = os.getloadavg()

    before, after = statistics.median(times["before"]), statistics.median(times["after"])
    cpu_before, cpu_after = statistics.median(cpus["before"]), statistics.median(cpus["after"])
    names = list(stages[0])
    median_stage = {name: statistics.median(s[name] for s in stages) for name in names}
    print(f"date {time.strftime('%Y-%m-%dT%H:%M%z')}; {os.cpu_count()} cores; load average at start "
          f"{' '.join(f'{x:.2f}' for x in load)}, at the end {' '.join(f'{x:.2f}' for x in end_load)}; "
          f"python {platform.python_version()}; "
          f"{args.rounds} rounds, interleaved")  # fmt: skip
    print(f"before = {args.before}, after = {args.after}\n")
    print("| code | median s | min s | max s | median CPU s | rounds |\n|---|---|---|---|---|---|")
    revisions = {"before": args.before, "after": args.after, "after, empty cache": args.after}
    for which, t in times.items():
        med, c = statistics.median(t), statistics.median(cpus[which])
        print(f"| {which} ({revisions[which]}) | {med:.2f} | {min(t):.2f} | {max(t):.2f} | {c:.2f} | {len(t)} |")
    ratios = sorted(a / b for a, b in zip(times["after"], times["before"], strict=True))
    cold = statistics.median(times["after, empty cache"])
    print(
        f"\nafter / before = {after / before:.2f} (medians of wall time; per round {ratios[0]:.2f} to "
        f"{ratios[-1]:.2f}); CPU time {cpu_after / cpu_before:.2f}; with an empty disk cache {cold / before:.2f}\n"
    )
    print("| stage (after) | median s | share |\n|---|---|---|")
    total = median_stage["total"]
    for name in names:
        if name != "total":
            print(f"| {name} | {median_stage[name]:.2f} | {median_stage[name] / total:.0%} |")
    print(f"| total (in-process, without interpreter start) | {total:.2f} | 100% |")


if __name__ == "__main__":
    main()
