"""Calibrate the video-diffusion latency model on measured single-GPU latencies of open video models.

The model (``flopcast.catalog.video_latency``) turns a model's architecture and a run's settings into seconds per
clip; its unknowns are the utilization of the GPU, attention's and the VAE's efficiency and a fixed overhead.
Eighteen measured single-H100 latencies of nine open models (the data ship with flopcast, with their sources,
conditions and confidence) inform those shared unknowns: each observation fixes its own model's architecture and
settings.

Run: ``python examples/calibrate_video_latency.py`` (about a minute: NUTS).
"""

from __future__ import annotations

from flopcast.analysis.calibration import calibrate
from flopcast.catalog.video_latency import latency_observations, video_latency


def main() -> None:
    model = video_latency()
    observations = latency_observations(sigma=0.2)

    nuts = calibrate(model, observations, method="nuts", n=2000, seed=2, chains=2, tune=1000, cores=1)
    print(nuts)
    print(
        f"NUTS: {nuts.diagnostics['divergences']} divergences, max r_hat {nuts.diagnostics['max_r_hat']:.3f}, "
        f"min ESS {nuts.diagnostics['min_ess']:.0f}; compile {nuts.diagnostics['compile_s']:.1f} s, "
        f"sampling {nuts.diagnostics['sampling_s']:.1f} s"
    )
    for name, cal in (("NUTS", nuts),):
        row = cal.summary(prob=0.9).loc["utilization"]
        print(
            f"  {name}: posterior utilization {row.posterior_median:.3f} "
            f"(90%: {row.posterior_lower:.3f} .. {row.posterior_upper:.3f}); "
            f"prior {row.prior_median:.2f} ({row.prior_lower:.2f} .. {row.prior_upper:.2f})"
        )

    # The posterior model runs like any other: the latency of a 1280x720, 121-frame Wan2.1 clip.
    longer = nuts.model.replace(frames=121.0).simulate(50_000, seed=4)
    lo, hi = longer.interval("latency_s", prob=0.9)
    print(f"\nWan2.1-14B, 121 frames at 720p on one H100 (posterior): {lo:.0f} .. {hi:.0f} s (90%)")


if __name__ == "__main__":
    main()
