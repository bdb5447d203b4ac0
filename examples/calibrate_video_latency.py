"""Calibrate the video-diffusion latency model on measured single-GPU latencies of open video models.

The model (``flopcast.catalog.video_latency``) turns a model's architecture and a run's settings into seconds per
clip; its unknowns are the utilization of the GPU and a fixed overhead. Seven measured latencies of five open
models (HunyuanVideo, Wan2.1-T2V-14B, Mochi-1, CogVideoX-5B, LTX-Video; the data ship with flopcast, with their
sources) inform those shared unknowns: each observation fixes its own model's architecture and settings.

Run: ``python examples/calibrate_video_latency.py`` (about 20 s: PSIS, NUTS and a leave-one-out check).
"""

from __future__ import annotations

import time

from flopcast.analysis.calibration import calibrate, leave_one_out
from flopcast.catalog.video_latency import latency_observations, video_latency


def main() -> None:
    model = video_latency()
    observations = latency_observations(sigma=0.2)

    start = time.perf_counter()
    psis = calibrate(model, observations, method="psis", n=200_000, seed=1)
    psis_s = time.perf_counter() - start
    print(psis)
    print(f"(PSIS on 200,000 prior draws: {psis_s:.1f} s)\n")

    nuts = calibrate(model, observations, method="nuts", n=2000, seed=2, chains=2, tune=1000, cores=1)
    print(
        f"NUTS: {nuts.diagnostics['divergences']} divergences, max r_hat {nuts.diagnostics['max_r_hat']:.3f}, "
        f"min ESS {nuts.diagnostics['min_ess']:.0f}; compile {nuts.diagnostics['compile_s']:.1f} s, "
        f"sampling {nuts.diagnostics['sampling_s']:.1f} s"
    )
    for name, cal in (("PSIS", psis), ("NUTS", nuts)):
        row = cal.summary(prob=0.9).loc["utilization"]
        print(
            f"  {name}: posterior utilization {row.posterior_median:.3f} "
            f"(90%: {row.posterior_lower:.3f} .. {row.posterior_upper:.3f}); "
            f"prior {row.prior_median:.2f} ({row.prior_lower:.2f} .. {row.prior_upper:.2f})"
        )

    print("\nLeave-one-out: calibrate on all but one open model, predict its measured latency (90% interval)")
    table = leave_one_out(model, observations, n=200_000, seed=3, prob=0.9)
    for row in table.itertuples():
        mark = "inside" if row.covered else "OUTSIDE"
        print(
            f"  {row.subject:15s} measured {row.observed:8.1f} s  predicted {row.predicted_median:8.1f} s "
            f"({row.predicted_lower:.1f} .. {row.predicted_upper:.1f})  {mark}"
        )
    subjects = table.groupby("subject", sort=False)["covered"].all()
    print(
        f"  coverage: {table['covered'].sum()}/{len(table)} measurements, {subjects.sum()}/{len(subjects)} models "
        f"(nominal 90%)"
    )

    # The posterior model runs like any other: the latency of a 1280x720, 121-frame Wan2.1 clip.
    longer = psis.model.replace(frames=121.0).simulate(50_000, seed=4)
    lo, hi = longer.interval("latency_s", prob=0.9)
    print(f"\nWan2.1-14B, 121 frames at 720p on one H100 (posterior): {lo:.0f} .. {hi:.0f} s (90%)")


if __name__ == "__main__":
    main()
