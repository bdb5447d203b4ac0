"""A small model end to end: assumptions with sources, derived quantities, intervals, a what-if.

How many H100-days does a frontier training run take, and how sure can we be?

Run: ``python examples/quickstart.py``
"""

import flopcast as fc
from flopcast.formatting import number, row, table


def build() -> fc.Model:
    m = fc.Model("training-gpu-days", description="GPU-days of a large training run")
    m.assume("params", fc.lognormal(2e11, 2e12), unit="parameter", source="frontier dense-equivalent sizes, 2024")
    m.assume("tokens", fc.lognormal(1e13, 4e13), unit="token", source="published pretraining corpora, 2024")
    m.assume("peak", 989.4e12, unit="FLOP/s/GPU", source="NVIDIA H100 SXM datasheet, dense BF16")
    m.assume("mfu", fc.beta(mean=0.4, sd=0.08), source="model FLOPs utilization of large runs, 30-50%")
    m.assume("flop_per_param_token", 6, unit="FLOP/parameter/token", source="6 N D (Kaplan et al. 2020)")
    m.assume("seconds_per_day", 86400, unit="s/day", source="definition")

    @m.derive(unit="FLOP")
    def train_flop(params, tokens, flop_per_param_token):
        return flop_per_param_token * params * tokens

    @m.derive(unit="GPU*day")
    def gpu_days(train_flop, peak, mfu, seconds_per_day):
        return train_flop / (peak * mfu) / seconds_per_day

    return m


def main() -> None:
    model = build()
    result = model.simulate(100_000, seed=1)
    summary = result.summary(prob=0.9)
    rows = [
        [name, unit, *row([s["median"], (s["eti_lower"], s["eti_upper"])], unit)]
        for name in ("train_flop", "gpu_days")
        for s in [summary.loc[name]]
        for unit in [s["unit"]]
    ]
    print(f"{model.name}: median and 90% interval of {result.n:,} draws\n")
    print(table(["quantity", "unit", "median", "90% interval"], rows, "llrr"))

    what_if = fc.compare({"as assumed": model, "MFU 60%": model.replace(mfu=0.6)}, n=100_000, seed=1)
    medians = what_if.summary(quantities="gpu_days")["median"]
    print(f"\nWhat if MFU were 60%? median GPU-days {number(medians.iloc[0])} -> {number(medians.iloc[1])}")


if __name__ == "__main__":
    main()
