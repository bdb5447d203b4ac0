"""The benchmark model: a Sora-like estimate with 19 inputs (15 uncertain) and 8 derived quantities.

The same model is implemented by hand in numpy and in peer libraries under ``benchmarks/``, so that flopcast is
timed on exactly the same work; tests use it as a realistic graph.
"""

from __future__ import annotations

from typing import Any

from flopcast.constructors import beta, lognormal, uniform
from flopcast.model import Model

__all__ = ["OUTPUTS", "benchmark_model"]

#: The quantities whose 5%, 50% and 95% quantiles the benchmark job computes.
OUTPUTS = ("train_flop", "breakeven_min", "fleet")


def benchmark_model() -> Model:
    """Build the benchmark model.

    Examples
    --------
    >>> from flopcast.catalog.benchmark import benchmark_model
    >>> m = benchmark_model()
    >>> len(m.assumptions), len(m.derived)
    (19, 8)
    """
    m = Model(
        "benchmark",
        description="Sora-like compute estimate used to time flopcast against its peers",
    )
    src = "benchmark model (shared reference)"
    m.assume("dit_train_flop", lognormal(5e20, 2e21), unit="FLOP", source=src)
    m.assume("param_scale", lognormal(10, 60), source=src)
    m.assume("dataset_mult", uniform(4, 10), source=src)
    m.assume("fps", uniform(16, 30), unit="frame/s", source=src)
    m.assume("duration_s", 60, unit="s", source=src)
    m.assume("temporal_compression", uniform(4, 8), source=src)
    m.assume("image_fraction", beta(5, 5), source=src)
    m.assume("dit_step_flop", lognormal(4.5e11, 6e11), unit="FLOP", source=src)
    m.assume("steps", lognormal(30, 250), source=src)
    m.assume("peak_flops", 989e12, unit="FLOP/s", source=src)
    m.assume("mfu", beta(4, 6), source=src)
    m.assume("tiktok_min_per_day", lognormal(1.2e7, 2.5e7), unit="1/day", source=src)
    m.assume("youtube_min_per_day", lognormal(3e7, 6e7), unit="1/day", source=src)
    m.assume("tiktok_ai_share", beta(5, 5), source=src)
    m.assume("youtube_ai_share", beta(3, 17), source=src)
    m.assume("peak_factor", uniform(1.5, 3), source=src)
    m.assume("candidates", uniform(1, 4), source=src)
    # Conversion constants carry their units, so the unit check can prove the formulas' scale (a bare 3600
    # would leave video_min_per_gpu_hour in 1/second under a declared 1/hour).
    m.assume("seconds_per_hour", 3600, unit="s/hour", source="definition")
    m.assume("hours_per_day", 24, unit="hour/day", source="definition")

    @m.derive(unit="frame")
    def latent_frames(fps: Any, duration_s: Any, temporal_compression: Any) -> Any:
        return fps * duration_s / temporal_compression

    @m.derive(unit="FLOP")
    def train_flop(
        dit_train_flop: Any, param_scale: Any, dataset_mult: Any, latent_frames: Any, image_fraction: Any
    ) -> Any:
        return dit_train_flop * param_scale * dataset_mult * latent_frames * (1 - image_fraction)

    @m.derive(unit="FLOP")
    def step_flop(dit_step_flop: Any, param_scale: Any, latent_frames: Any) -> Any:
        return dit_step_flop * param_scale * latent_frames

    # Units here count one-minute clips as plain numbers, to keep the formulas identical to the peers' code.
    @m.derive(unit="FLOP")
    def video_flop(step_flop: Any, steps: Any) -> Any:
        return step_flop * steps

    @m.derive(unit="1")
    def breakeven_min(train_flop: Any, video_flop: Any) -> Any:
        return train_flop / video_flop

    @m.derive(unit="1/hour")
    def video_min_per_gpu_hour(peak_flops: Any, mfu: Any, video_flop: Any, seconds_per_hour: Any) -> Any:
        return seconds_per_hour * peak_flops * mfu / video_flop

    @m.derive(unit="1/day")
    def ai_min_per_day(
        tiktok_min_per_day: Any, tiktok_ai_share: Any, youtube_min_per_day: Any, youtube_ai_share: Any
    ) -> Any:
        return tiktok_min_per_day * tiktok_ai_share + youtube_min_per_day * youtube_ai_share

    @m.derive(unit="1")
    def fleet(
        ai_min_per_day: Any, candidates: Any, peak_factor: Any, video_min_per_gpu_hour: Any, hours_per_day: Any
    ) -> Any:
        return ai_min_per_day * candidates * peak_factor / (video_min_per_gpu_hour * hours_per_day)

    return m
