"""The benchmark model written by hand and in peer libraries, for timing flopcast side by side.

Every implementation does the same job (see ``benchmarks/benchmark-model.md``): draw
``n`` joint samples of the 15 uncertain inputs, evaluate the derived quantities and return the 5%,
50% and 95% quantiles of ``train_flop``, ``breakeven_min`` and ``fleet``. Each one is an
:class:`Impl`: ``build()`` does the imports, model building and compilation (timed separately), and
returns ``job(n, seed)``, which is what is timed.

Implementations:

- ``numpy``: hand-written numpy (``numpy.random.Generator``, float64, one expression per quantity,
  ``np.quantile``), the reference;
- ``numpy-chunked``: the same in chunks of 2**16 draws with ``np.partition`` quantiles (what a tuned
  hand-written version looks like; for information);
- ``squigglepy-tree``: squigglepy the way its README models (``sq.to``, ``sq.uniform``, ``sq.beta``,
  arithmetic on distributions, ``sq.sample`` per output). Its expression tree re-samples an input
  each time it appears, so ``breakeven_min = train_flop / video_flop`` gets independent
  ``param_scale`` and ``latent_frames`` in numerator and denominator: its spread is biased;
- ``squigglepy-correct``: ``sq.sample`` once per input, numpy for the derived quantities;
- ``pymc``: ``pm.sample_prior_predictive`` on a ``pm.Model`` with ``pm.Deterministic`` nodes (it
  compiles its sampling function on every call, which is part of its cost);
- ``openturns``: ``ot.JointDistribution`` + ``ot.SymbolicFunction``, quantiles by OpenTURNS;
- ``numba``: one fused ``njit`` loop over draws (about the limit of this CPU: bound by random-number
  generation).

flopcast's own implementations live in :mod:`bench_core`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Quantile levels of the job.
LEVELS = (0.05, 0.5, 0.95)
#: The outputs whose quantiles the job computes.
OUTPUTS = ("train_flop", "breakeven_min", "fleet")
#: 95% quantile of a standard normal: a "90% [lo, hi]" lognormal has sigma = log(hi/lo) / (2 z).
Z95 = 1.6448536269514722

#: "lognormal 90% [lo, hi]" inputs.
LOGNORMAL = {
    "dit_train_flop": (5e20, 2e21),
    "param_scale": (10.0, 60.0),
    "dit_step_flop": (4.5e11, 6e11),
    "steps": (30.0, 250.0),
    "tiktok_min_per_day": (1.2e7, 2.5e7),
    "youtube_min_per_day": (3e7, 6e7),
}
UNIFORM = {
    "dataset_mult": (4.0, 10.0),
    "fps": (16.0, 30.0),
    "temporal_compression": (4.0, 8.0),
    "peak_factor": (1.5, 3.0),
    "candidates": (1.0, 4.0),
}
BETA = {
    "image_fraction": (5.0, 5.0),
    "mfu": (4.0, 6.0),
    "tiktok_ai_share": (5.0, 5.0),
    "youtube_ai_share": (3.0, 17.0),
}
DURATION_S = 60.0
PEAK_FLOPS = 989e12

#: Order in which the hand-written versions draw the inputs (the model's declaration order).
INPUT_ORDER = (
    "dit_train_flop", "param_scale", "dataset_mult", "fps", "temporal_compression",
    "image_fraction", "dit_step_flop", "steps", "mfu", "tiktok_min_per_day", "youtube_min_per_day",
    "tiktok_ai_share", "youtube_ai_share", "peak_factor", "candidates",
)  # fmt: skip

Job = Callable[[int, int], dict[str, np.ndarray]]


def lognormal_params(lo: float, hi: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the lognormal with 5% of its mass below ``lo`` and 5% above ``hi``."""
    return (math.log(lo) + math.log(hi)) / 2, (math.log(hi) - math.log(lo)) / (2 * Z95)


def quantiles(x: np.ndarray, levels: tuple[float, ...] = LEVELS) -> np.ndarray:
    """Quantiles by linear interpolation (numpy's default) from ``np.partition`` at a few ranks."""
    n = x.size
    pos = np.asarray(levels) * (n - 1)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, n - 1)
    part = np.partition(x, np.unique(np.concatenate([lo, hi])))
    return part[lo] + (pos - lo) * (part[hi] - part[lo])


def derive(x: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Evaluate the derived quantities from a dict of input arrays, one expression each."""
    latent_frames = x["fps"] * DURATION_S / x["temporal_compression"]
    train_flop = (
        x["dit_train_flop"] * x["param_scale"] * x["dataset_mult"] * latent_frames
        * (1 - x["image_fraction"])
    )  # fmt: skip
    step_flop = x["dit_step_flop"] * x["param_scale"] * latent_frames
    video_flop = step_flop * x["steps"]
    breakeven_min = train_flop / video_flop
    video_min_per_gpu_hour = 3600 * PEAK_FLOPS * x["mfu"] / video_flop
    ai_min_per_day = x["tiktok_min_per_day"] * x["tiktok_ai_share"] + x["youtube_min_per_day"] * x["youtube_ai_share"]
    fleet = ai_min_per_day * x["candidates"] * x["peak_factor"] / (video_min_per_gpu_hour * 24)
    return {"train_flop": train_flop, "breakeven_min": breakeven_min, "fleet": fleet}


def numpy_draws(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Draw ``n`` values of every uncertain input with numpy's native samplers."""
    x = {}
    for name in INPUT_ORDER:
        if name in LOGNORMAL:
            x[name] = rng.lognormal(*lognormal_params(*LOGNORMAL[name]), n)
        elif name in UNIFORM:
            x[name] = rng.uniform(*UNIFORM[name], n)
        else:
            x[name] = rng.beta(*BETA[name], n)
    return x


def numpy_outputs(n: int, seed: int) -> dict[str, np.ndarray]:
    """Return the three outputs' full arrays from hand-written numpy (for correctness checks)."""
    return derive(numpy_draws(np.random.default_rng(seed), n))


@dataclass(frozen=True)
class Impl:
    """One implementation of the job: a label, a builder of ``job(n, seed)``, a size limit."""

    name: str
    build: Callable[[], Job]
    #: Largest n it is run at (None: no limit); the reason is reported when a size is skipped.
    max_n: int | None = None
    skip_reason: str = ""


# ---------------------------------------------------------------- hand-written numpy
def build_numpy() -> Job:
    """Hand-written numpy: the reference."""

    def job(n: int, seed: int) -> dict[str, np.ndarray]:
        out = numpy_outputs(n, seed)
        return {name: np.quantile(out[name], LEVELS) for name in OUTPUTS}

    return job


def build_numpy_chunked(chunk: int = 2**16) -> Job:
    """Hand-written numpy in chunks (bounded temporaries) with ``np.partition`` quantiles."""

    def job(n: int, seed: int) -> dict[str, np.ndarray]:
        rng = np.random.default_rng(seed)
        kept = {name: np.empty(n) for name in OUTPUTS}
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            out = derive(numpy_draws(rng, stop - start))
            for name in OUTPUTS:
                kept[name][start:stop] = out[name]
        return {name: quantiles(kept[name]) for name in OUTPUTS}

    return job


# ---------------------------------------------------------------- squigglepy
def _squigglepy_inputs() -> dict[str, object]:
    import squigglepy as sq

    d: dict[str, object] = {}
    for name, (lo, hi) in LOGNORMAL.items():
        d[name] = sq.to(lo, hi)  # lognormal with a 90% interval [lo, hi]
    for name, (lo, hi) in UNIFORM.items():
        d[name] = sq.uniform(lo, hi)
    for name, (a, b) in BETA.items():
        d[name] = sq.beta(a, b)
    return d


def build_squigglepy_tree() -> Job:
    """Squigglepy's README way: arithmetic on distributions, ``sq.sample`` per output."""
    import squigglepy as sq

    d = _squigglepy_inputs()
    latent_frames = d["fps"] * DURATION_S / d["temporal_compression"]
    train_flop = (
        d["dit_train_flop"] * d["param_scale"] * d["dataset_mult"] * latent_frames
        * (1 - d["image_fraction"])
    )  # fmt: skip
    step_flop = d["dit_step_flop"] * d["param_scale"] * latent_frames
    video_flop = step_flop * d["steps"]
    breakeven_min = train_flop / video_flop
    video_min_per_gpu_hour = 3600 * PEAK_FLOPS * d["mfu"] / video_flop
    ai_min_per_day = d["tiktok_min_per_day"] * d["tiktok_ai_share"] + d["youtube_min_per_day"] * d["youtube_ai_share"]
    fleet = ai_min_per_day * d["candidates"] * d["peak_factor"] / (video_min_per_gpu_hour * 24)
    trees = {"train_flop": train_flop, "breakeven_min": breakeven_min, "fleet": fleet}

    def job(n: int, seed: int) -> dict[str, np.ndarray]:
        sq.set_seed(seed)
        return {name: np.quantile(sq.sample(tree, n, verbose=False), LEVELS) for name, tree in trees.items()}

    return job


def build_squigglepy_correct() -> Job:
    """Squigglepy sampling each input once (``sq.sample``), numpy for the derived quantities."""
    import squigglepy as sq

    d = _squigglepy_inputs()

    def job(n: int, seed: int) -> dict[str, np.ndarray]:
        sq.set_seed(seed)
        x = {name: np.asarray(sq.sample(d[name], n, verbose=False)) for name in INPUT_ORDER}
        out = derive(x)
        return {name: np.quantile(out[name], LEVELS) for name in OUTPUTS}

    return job


# ---------------------------------------------------------------- PyMC
def build_pymc() -> Job:
    """PyMC: ``pm.sample_prior_predictive`` on a model with ``pm.Deterministic`` nodes."""
    import logging

    import pymc as pm

    logging.getLogger("pymc").setLevel(logging.ERROR)
    with pm.Model() as model:
        v = {}
        for name, (lo, hi) in LOGNORMAL.items():
            mu, sigma = lognormal_params(lo, hi)
            v[name] = pm.LogNormal(name, mu=mu, sigma=sigma)
        for name, (lo, hi) in UNIFORM.items():
            v[name] = pm.Uniform(name, lower=lo, upper=hi)
        for name, (a, b) in BETA.items():
            v[name] = pm.Beta(name, alpha=a, beta=b)
        latent_frames = pm.Deterministic("latent_frames", v["fps"] * DURATION_S / v["temporal_compression"])
        train_flop = pm.Deterministic(
            "train_flop",
            v["dit_train_flop"] * v["param_scale"] * v["dataset_mult"] * latent_frames
            * (1 - v["image_fraction"]),
        )  # fmt: skip
        step_flop = pm.Deterministic("step_flop", v["dit_step_flop"] * v["param_scale"] * latent_frames)
        video_flop = pm.Deterministic("video_flop", step_flop * v["steps"])
        pm.Deterministic("breakeven_min", train_flop / video_flop)
        video_min_per_gpu_hour = pm.Deterministic("video_min_per_gpu_hour", 3600 * PEAK_FLOPS * v["mfu"] / video_flop)
        ai_min_per_day = pm.Deterministic(
            "ai_min_per_day",
            v["tiktok_min_per_day"] * v["tiktok_ai_share"] + v["youtube_min_per_day"] * v["youtube_ai_share"],
        )
        pm.Deterministic(
            "fleet",
            ai_min_per_day * v["candidates"] * v["peak_factor"] / (video_min_per_gpu_hour * 24),
        )

    def job(n: int, seed: int) -> dict[str, np.ndarray]:
        idata = pm.sample_prior_predictive(draws=n, model=model, var_names=list(OUTPUTS), random_seed=seed)
        prior = idata["prior"]
        return {name: np.quantile(np.asarray(prior[name]).ravel(), LEVELS) for name in OUTPUTS}

    return job


# ---------------------------------------------------------------- OpenTURNS
def build_openturns() -> Job:
    """OpenTURNS: a ``JointDistribution`` of independent marginals and one ``SymbolicFunction``."""
    import openturns as ot

    marginals = []
    for name in INPUT_ORDER:
        if name in LOGNORMAL:
            mu, sigma = lognormal_params(*LOGNORMAL[name])
            marginals.append(ot.LogNormal(mu, sigma, 0.0))
        elif name in UNIFORM:
            marginals.append(ot.Uniform(*UNIFORM[name]))
        else:
            marginals.append(ot.Beta(*BETA[name], 0.0, 1.0))
    joint = ot.JointDistribution(marginals)
    formula = (
        f"var lf := fps * {DURATION_S!r} / temporal_compression;"
        "train_flop := dit_train_flop * param_scale * dataset_mult * lf * (1 - image_fraction);"
        "var vf := dit_step_flop * param_scale * lf * steps;"
        "breakeven_min := train_flop / vf;"
        f"var vmg := 3600 * {PEAK_FLOPS!r} * mfu / vf;"
        "fleet := (tiktok_min_per_day * tiktok_ai_share + youtube_min_per_day * youtube_ai_share)"
        " * candidates * peak_factor / (vmg * 24)"
    )
    function = ot.SymbolicFunction(list(INPUT_ORDER), list(OUTPUTS), formula)
    levels = ot.Point(list(LEVELS))

    def job(n: int, seed: int) -> dict[str, np.ndarray]:
        ot.RandomGenerator.SetSeed(seed)
        y = function(joint.getSample(n))
        q = np.asarray(y.computeQuantilePerComponent(levels))  # rows: levels, columns: outputs
        return {name: q[:, j] for j, name in enumerate(OUTPUTS)}

    return job


# ---------------------------------------------------------------- numba
def build_numba() -> Job:
    """One fused numba loop: draw, evaluate, store the three outputs; ``np.partition`` quantiles."""
    import numba

    p = {name: lognormal_params(*bounds) for name, bounds in LOGNORMAL.items()}
    m_dtf, s_dtf = p["dit_train_flop"]
    m_ps, s_ps = p["param_scale"]
    m_dsf, s_dsf = p["dit_step_flop"]
    m_st, s_st = p["steps"]
    m_tt, s_tt = p["tiktok_min_per_day"]
    m_yt, s_yt = p["youtube_min_per_day"]
    u_dm, u_fps, u_tc, u_pf, u_c = (UNIFORM[k] for k in (
        "dataset_mult", "fps", "temporal_compression", "peak_factor", "candidates"))  # fmt: skip
    b_img, b_mfu, b_tts, b_yts = (BETA[k] for k in (
        "image_fraction", "mfu", "tiktok_ai_share", "youtube_ai_share"))  # fmt: skip
    gpu_rate = 3600 * PEAK_FLOPS

    @numba.njit(cache=False, fastmath=False)
    def fused(n, rng, train, breakeven, fleet):  # pragma: no cover - compiled
        for i in range(n):
            dtf = rng.lognormal(m_dtf, s_dtf)
            ps = rng.lognormal(m_ps, s_ps)
            dm = rng.uniform(u_dm[0], u_dm[1])
            fps = rng.uniform(u_fps[0], u_fps[1])
            tc = rng.uniform(u_tc[0], u_tc[1])
            img = rng.beta(b_img[0], b_img[1])
            dsf = rng.lognormal(m_dsf, s_dsf)
            st = rng.lognormal(m_st, s_st)
            mfu = rng.beta(b_mfu[0], b_mfu[1])
            tt = rng.lognormal(m_tt, s_tt)
            yt = rng.lognormal(m_yt, s_yt)
            tts = rng.beta(b_tts[0], b_tts[1])
            yts = rng.beta(b_yts[0], b_yts[1])
            pf = rng.uniform(u_pf[0], u_pf[1])
            c = rng.uniform(u_c[0], u_c[1])
            lf = fps * DURATION_S / tc
            tf = dtf * ps * dm * lf * (1 - img)
            vf = dsf * ps * lf * st
            vmg = gpu_rate * mfu / vf
            train[i] = tf
            breakeven[i] = tf / vf
            fleet[i] = (tt * tts + yt * yts) * c * pf / (vmg * 24)

    def job(n: int, seed: int) -> dict[str, np.ndarray]:
        out = {name: np.empty(n) for name in OUTPUTS}
        fused(n, np.random.default_rng(seed), out["train_flop"], out["breakeven_min"], out["fleet"])
        return {name: quantiles(out[name]) for name in OUTPUTS}

    job(10, 0)  # compile now, so that compilation is timed with the build
    return job


#: The peers, in the order they are reported.
PEERS = (
    Impl("numpy", build_numpy),
    Impl("numpy-chunked", build_numpy_chunked),
    Impl("squigglepy-tree", build_squigglepy_tree),
    Impl("squigglepy-correct", build_squigglepy_correct),
    Impl(
        "pymc",
        build_pymc,
        max_n=10**6,
        skip_reason="PyMC prior predictive runs only where the 1e5 timing extrapolates to < 60 s",
    ),
    Impl("openturns", build_openturns),
    Impl("numba", build_numba),
)
