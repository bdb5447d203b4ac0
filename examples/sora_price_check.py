"""What Sora 2's API price implies for the compute per minute of video, against the article's figure.

If OpenAI sells a second of 720p video for $0.10 (sora-2 API) at a gross margin ``m``, it spends at most
``0.10 x 60 x (1 - m)`` dollars of compute per minute of video; at an H100 rental price of $1.70-2.99 per GPU-hour
that is a number of H100-hours per minute of video, and at the utilization measured on open video models
(the population's prediction for a new model of the hierarchical latency calibration, stored in the catalog) a number
of FLOP per minute. The Factorial Funds article's model gives 7.08e17 FLOP per minute of video
(``flopcast.catalog.sora_article``).

Run: ``python examples/sora_price_check.py`` (a few seconds).
"""

from __future__ import annotations

import numpy as np

import flopcast as fc
from flopcast.catalog.hardware import get_accelerator
from flopcast.catalog.latency_fit import stored_fit
from flopcast.catalog.sora_article import article
from flopcast.formatting import interval, number

PRICES = (
    "SemiAnalysis H100 rental index via secondary sources: $2.99 (Oct 2024), $1.70 (Oct 2025 low), $2.35 (Mar 2026)"
)


def price_model() -> fc.Model:
    h100 = get_accelerator("H100")
    m = fc.Model("sora-price-check", description="compute per minute of video implied by the Sora 2 API price")
    m.assume(
        "price_per_video_s",
        0.10,
        unit="USD/video_second",
        source="sora-2 API, 720p: third-party pricing pages (OpenAI page not retrieved)",
    )
    m.assume("rental_usd_per_gpu_hour", fc.uniform(1.70, 2.99), unit="USD/GPU/hour", source=PRICES)
    m.assume(
        "gross_margin",
        fc.pert(-0.5, 0.4, 0.8),
        unit="1",
        source="an assumption: no figure is published; from selling at a loss (-50%) to a software-like 80%",
        note="share of the price left after the compute; negative = sold below compute cost",
    )
    m.assume("video_seconds_per_minute", 60.0, unit="video_second/video_minute", source="definition")
    m.assume("seconds_per_hour", 3600.0, unit="s/hour", source="definition")
    m.assume("peak_flop_per_s", h100.peak_bf16_flop_per_s, unit="FLOP/s/GPU", source=h100.source)
    m.assume("utilization", fc.pert(0.05, 0.4, 0.9), unit="1", source="replaced by the calibrated posterior")

    @m.derive(unit="GPU*hour/video_minute", note="compute spend per minute of video at H100 rental prices")
    def gpu_hours_per_video_minute(price_per_video_s, video_seconds_per_minute, gross_margin, rental_usd_per_gpu_hour):
        return price_per_video_s * video_seconds_per_minute * (1 - gross_margin) / rental_usd_per_gpu_hour

    @m.derive(unit="video_minute/GPU/hour")
    def video_minutes_per_gpu_hour(gpu_hours_per_video_minute):
        return 1 / gpu_hours_per_video_minute

    @m.derive(unit="FLOP/video_minute")
    def flop_per_video_minute(gpu_hours_per_video_minute, seconds_per_hour, peak_flop_per_s, utilization):
        return gpu_hours_per_video_minute * seconds_per_hour * peak_flop_per_s * utilization

    return m


def main() -> None:
    # Sora's utilization is unknown: a new draw from the population of open video models' utilizations (the
    # hierarchical latency fit stored in the catalog, examples/calibrate_video_latency.py).
    model = price_model().with_joint_draws(
        {"utilization": np.asarray(stored_fit()["draws"]["utilization"])},
        source="a new model's utilization: hierarchical video-latency fit (catalog/data/video_latency_fit.json)",
    )
    res = model.simulate(200_000, seed=2)
    article_point = article("low").point()
    article_flop = article_point["sora_video_flop"]
    article_minutes = article_point["video_minutes_per_gpu_hour"]

    print("Sora 2 API at $0.10 per second of 720p video, H100 at $1.70-2.99/GPU-hour, gross margin -50%..80%")
    for name, unit in (
        ("gross_margin", ""),
        ("utilization", ""),
        ("gpu_hours_per_video_minute", "H100-hours per minute of video"),
        ("video_minutes_per_gpu_hour", "minutes of video per H100-hour"),
        ("flop_per_video_minute", "FLOP per minute of video"),
    ):
        med = float(np.median(res[name]))
        lo, hi = res.interval(name, prob=0.9)
        print(f"  {name:28s} {number(med, unit):>10}  (90%: {interval(lo, hi, unit)})  {unit}")
    flop = res["flop_per_video_minute"]
    ratio = np.median(flop) / article_flop
    print(f"\nArticle: {article_flop:.3g} FLOP and {article_minutes:.2f} minutes of video per H100-hour")
    print(
        f"The price implies {ratio:.1f}x the article's compute per minute (median); "
        f"P(more than the article) = {np.mean(flop > article_flop):.0%}, "
        f"P(more than 10x) = {np.mean(flop > 10 * article_flop):.0%}"
    )


if __name__ == "__main__":
    main()
