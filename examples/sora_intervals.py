"""The Sora compute estimate three ways, side by side: article, uncertain and refined modes.

Run: ``python examples/sora_intervals.py [n]`` (default n = 200,000 draws, seed 2024; a few
seconds).
The uncertain and refined models are run on the same seed (common random numbers for shared
assumptions).
"""

from __future__ import annotations

import sys
import time

import flopcast as fc
from flopcast.catalog.sora import OUTPUTS, article, refined, uncertain
from flopcast.formatting import interval, row, table

N = 200_000
SEED = 2024


def _interval(res: fc.Result, name: str) -> tuple[str, str]:
    lo, med, hi = res.quantile(name, [0.05, 0.5, 0.95])
    med_text, interval_text = row([med, (lo, hi)], res.unit(name))
    return med_text, interval_text


def rows(n: int = N, seed: int = SEED) -> list[list[str]]:
    """Return one row per shared output: unit, article low-high, uncertain and refined 90%."""
    low, high = article("low").point(), article("high").point()
    cmp = fc.compare({"uncertain": uncertain(), "refined": refined()}, n, seed=seed, keep=list(OUTPUTS))
    u, r = cmp.results["uncertain"], cmp.results["refined"]
    out = []
    for name in OUTPUTS:
        a_lo, a_hi = low[name], high[name]
        art = interval(a_lo, a_hi, u.unit(name))
        out.append([name, u.unit(name), art, *_interval(u, name), *_interval(r, name)])
    return out


def main(argv: list[str] | None = None) -> None:
    """Print the three-mode table."""
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else N
    start = time.perf_counter()
    body = rows(n, SEED)
    headers = [
        "quantity",
        "unit",
        "article (low - high)",
        "uncertain median",
        "uncertain 90%",
        "refined median",
        "refined 90%",
    ]
    print(f"Sora compute, three modes (n = {n:,}, seed = {SEED}; 90% = 5th-95th percentile)\n")
    print(table(headers, body, "llrrrrr"))
    print(
        "\narticle: its point values and formulas (fleet at its stated 10.7M min/day, MACs read "
        "as FLOP);\nuncertain: same formulas, sourced distributions, DiT MACs x2 FLOP;"
        "\nrefined: token counts, attention, CFG, image/video mix, calibrated utilization."
        f"\n({time.perf_counter() - start:.1f} s)"
    )


if __name__ == "__main__":
    main()
