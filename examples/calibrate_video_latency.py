"""Calibrate the video-diffusion latency model on measured single-GPU latencies of open video models.

The model (``flopcast.catalog.video_latency``) turns a model's architecture and a run's settings into seconds per
clip. Eighteen measured single-H100 latencies of nine open models ship with flopcast, with their sources,
conditions and confidence. Each model's code reaches its own share of the GPU's peak, so the utilization varies
by model: a hierarchy (``flopcast.varies``) draws each model's utilization from a population whose centre and
spread the data estimate, and a model that is not in the data gets a new draw from that population.

Run: ``python examples/calibrate_video_latency.py`` (a minute or two: one NUTS fit).
``--loo`` adds the leave-one-model-out check, pooled and hierarchical (18 NUTS fits: several minutes).
``--write-fit FILE`` writes the fit that flopcast ships (``src/flopcast/catalog/data/video_latency_fit.json``;
with ``--loo``, the leave-one-model-out tables too).
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import flopcast as fc
from flopcast.catalog.latency_fit import fit, utilization_hierarchy, write_fit
from flopcast.catalog.video_latency import latency_observations, latency_settings, video_latency
from flopcast.formatting import interval

# A model that is not in the data: Step-Video-T2V's published configuration (30B, 48 layers x 6144, a 16x16
# spatial and 8x temporal VAE with 1x1 patches), 992x544, 204 frames, 50 steps with CFG, on one H100.
STEP_VIDEO = {"params": 30e9, "width": 6144, "layers": 48, "resolution": "992x544", "frames": 204, "steps": 50,
              "cfg_passes": 2, "vae": "8x16x16", "patch_size": 1}  # fmt: skip


def loo_table(hierarchical: bool, seed: int = 3) -> pd.DataFrame:
    """Hold out each model with all its measurements, calibrate on the others, predict the held-out ones."""
    kwargs = {"hierarchy": utilization_hierarchy()} if hierarchical else {}
    table = fc.leave_one_out(video_latency(), latency_observations(), method="nuts", n=1000, seed=seed, chains=2,
                             tune=500, **kwargs)  # fmt: skip
    print(f"\nLeave-one-model-out, {'hierarchy' if hierarchical else 'pooled'} (90% predictive intervals)")
    print("| model | measured (s) | median (s) | 90% interval (s) | inside? |")
    print("| --- | ---: | ---: | ---: | --- |")
    for row in table.itertuples():
        inside = "yes" if row.covered else "NO"
        print(f"| {row.subject} | {row.observed:g} | {row.predicted_median:.3g} | "
              f"{interval(row.predicted_lower, row.predicted_upper)} | {inside} |")  # fmt: skip
    width = np.median(table["predicted_upper"] / table["predicted_lower"])
    log_error = np.mean(np.abs(np.log(table["predicted_median"] / table["observed"])))
    print(f"coverage {table['covered'].sum()}/{len(table)} = {table.attrs['coverage']:.0%}; median width (hi/lo) "
          f"{width:.2f}; mean |log(median / measured)| {log_error:.2f}")  # fmt: skip
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loo", action="store_true", help="leave-one-model-out, pooled and hierarchical")
    parser.add_argument("--write-fit", metavar="FILE", help="write the stored fit (JSON) to FILE")
    args = parser.parse_args()

    cal = fit(n=2000, seed=1)
    print(cal)
    d = cal.diagnostics
    print(f"(compile {d['compile_s']:.0f} s, sampling {d['sampling_s']:.0f} s)")

    # A model not in the data: its utilization is a new draw from the population.
    settings = latency_settings(STEP_VIDEO)
    new = cal.model_for(None, seed=2).replace(**settings).simulate(20_000, seed=3)
    lo, hi = new.interval("latency_s", prob=0.9)
    print(f"\nStep-Video-T2V (not in the data), 992x544, 204 frames, one H100: median "
          f"{np.median(new['latency_s']):.0f} s, 90% {interval(lo, hi, decimals=0)} s")  # fmt: skip
    # A known model keeps its own utilization: Wan2.1-14B at 121 frames instead of 81.
    wan = cal.model_for("Wan2.1-T2V-14B", seed=4).replace(frames=121.0).simulate(20_000, seed=5)
    lo, hi = wan.interval("latency_s", prob=0.9)
    print(f"Wan2.1-T2V-14B, 1280x720, 121 frames, one H100: median {np.median(wan['latency_s']):.0f} s, "
          f"90% {interval(lo, hi, decimals=0)} s")  # fmt: skip

    loo = {"pooled": loo_table(hierarchical=False), "hierarchy": loo_table(hierarchical=True)} if args.loo else None
    if args.write_fit:
        write_fit(cal, args.write_fit, loo)
        print(f"\nwrote {args.write_fit}")


if __name__ == "__main__":
    main()
