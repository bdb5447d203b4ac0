"""Domain knowledge: hardware, platforms, FLOP formulas and the catalog models (Sora, video latency, benchmark).

Examples
--------
>>> from flopcast.catalog import sora
>>> sora.article("low").point()["train_gpu_months"] > 4000
True
"""

from flopcast.catalog import benchmark, flops, hardware, platforms, sora, video_latency

__all__ = ["benchmark", "flops", "hardware", "platforms", "sora", "video_latency"]
