"""Domain knowledge: hardware, platforms, FLOP formulas and the catalog models (Sora, video latency)."""
