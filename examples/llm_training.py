"""A model of your own that is not about video: the compute, GPU-days, cost and calendar time of an LLM training run.

A frontier-scale dense LLM pretraining run on H100s, every assumption a sourced distribution with a readable
label; the model declares what its report leads with and a published run to compare against (Meta's Llama 3.1
405B) through ``Model.present``, the same call the built-in Sora models use.

Run: ``python examples/llm_training.py`` (prints the report's computed summary and writes ``llm-report/``), or
``flopcast report examples/llm_training.py --out llm-report``.
"""

from __future__ import annotations

import flopcast as fc

LLAMA = "Meta, 'The Llama 3 Herd of Models', arXiv 2407.21783 (2024)"
CARD = "Meta, Llama 3.1 model card (2024)"


def build() -> fc.Model:
    """The training run: 6 N D FLOP at a model FLOPs utilization, priced per GPU-hour, spread over a cluster."""
    m = fc.Model("llm-training", description="Compute, GPU-days, cost and calendar days of a frontier dense LLM run")
    m.assume(
        "params",
        fc.lognormal(2e11, 6e11),
        unit="parameter",
        label="parameters",
        source=f"dense frontier models of 2024: Llama 3.1 405B ({LLAMA}), 90% between 200B and 600B",
    )
    m.assume(
        "tokens",
        fc.lognormal(8e12, 3e13),
        unit="token",
        label="training tokens",
        source=f"Llama 3: 15.6T tokens ({LLAMA}); Chinchilla-optimal to heavily over-trained",
    )
    m.assume(
        "flop_per_param_token",
        6,
        unit="FLOP/parameter/token",
        label="FLOP per parameter per token",
        source="6 N D: forward and backward pass of a dense transformer (Kaplan et al. 2020)",
    )
    m.assume(
        "peak",
        989.4e12,
        unit="FLOP/s/GPU",
        label="H100 peak (dense BF16)",
        source="NVIDIA H100 SXM datasheet, dense BF16",
    )
    m.assume(
        "mfu",
        fc.beta(mean=0.4, sd=0.05),
        label="model FLOPs utilization",
        source=f"Llama 3 405B: 38-43% MFU on 8,192-16,384 H100 ({LLAMA}, table 4)",
    )
    m.assume("seconds_per_day", 86400, unit="s/day", source="definition")
    m.assume("hours_per_day", 24, unit="hour/day", source="definition")
    m.assume(
        "price",
        fc.lognormal(1.5, 4.0),
        unit="USD/GPU/hour",
        label="price per H100-hour",
        source="H100 rental and amortized ownership, 2024-2025: about $1.5-4 per GPU-hour",
    )
    m.assume(
        "cluster",
        fc.lognormal(8192, 32768),
        unit="GPU",
        label="cluster size",
        source=f"Llama 3 405B trained on up to 16,384 H100 ({LLAMA}); frontier clusters of 8k-32k GPUs",
    )
    m.assume(
        "goodput",
        fc.beta(mean=0.9, sd=0.04),
        label="share of time spent training",
        source=f"Llama 3: more than 90% effective training time despite 466 interruptions in 54 days ({LLAMA})",
    )

    @m.derive(unit="FLOP", label="training compute")
    def train_flop(params, tokens, flop_per_param_token):
        return flop_per_param_token * params * tokens

    @m.derive(unit="GPU*day", label="H100-days")
    def gpu_days(train_flop, peak, mfu, seconds_per_day):
        return train_flop / (peak * mfu) / seconds_per_day

    @m.derive(unit="USD", label="compute cost")
    def cost(gpu_days, hours_per_day, price):
        return gpu_days * hours_per_day * price

    @m.derive(unit="day", label="days on the cluster")
    def days(gpu_days, cluster, goodput):
        return gpu_days / (cluster * goodput)

    llama = "Llama 3.1 405B (reported)"
    m.present(
        headline=["train_flop", "gpu_days", "cost", "days"],
        references={
            "train_flop": {llama: 3.8e25},  # the model card's training compute
            "gpu_days": {llama: 30.84e6 / 24},  # 30.84M H100-hours on the model card
        },
    )
    return m


def main() -> None:
    """Write the report and print its computed summary."""
    from flopcast.report import write_report

    report = write_report(build(), "llm-report", n=50_000, seed=1, sensitivity_n=512, force=True)
    text = report.files["markdown"].read_text(encoding="utf-8")
    print(text.split("## Summary")[1].split("\n## ")[0].strip())


if __name__ == "__main__":
    main()
