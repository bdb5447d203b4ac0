"""Calibration by NUTS on a PyMC model built from the graph.

Four steps, one function each: build the PyMC model (:mod:`flopcast.analysis.calibration.pymc_model`), sample it
(:func:`sample`), draw back the discrete choices that were marginalized (:func:`recover_choices`), and read the
diagnostics (:func:`diagnose`). :func:`calibrate_nuts` runs them and evaluates the graph on the posterior draws.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from flopcast.analysis.calibration.checks import calibrated_names
from flopcast.analysis.calibration.result import Calibration, CalibrationWarning
from flopcast.analysis.observations import Observation
from flopcast.distributions import Choice
from flopcast.errors import FlopcastValueError
from flopcast.model import Model

__all__ = [
    "MIN_PRIOR_DRAWS_NUTS", "RHAT_THRESHOLD", "NutsSettings", "calibrate_nuts", "diagnose", "require_pymc", "sample",
]  # fmt: skip

RHAT_THRESHOLD = 1.05
MIN_PRIOR_DRAWS_NUTS = 20_000


@dataclass(frozen=True)
class NutsSettings:
    """How to run NUTS: posterior draws over all chains, chains, tuning steps, processes, target acceptance."""

    n: int
    chains: int = 2
    tune: int = 1000
    cores: int = 1
    target_accept: float = 0.9
    progress: bool = False


def _check_correlations(model: Model, names: tuple[str, ...]) -> None:
    for corr in model.correlations:
        if set(corr.names) & set(names):
            raise FlopcastValueError(
                f"calibrate(method='nuts'): assumptions {corr.names} are rank-correlated (a Gaussian copula), which "
                "the PyMC model does not reproduce; use method='psis'"
            )


def require_pymc() -> None:
    """Refuse NUTS clearly when PyMC is not installed: it is the ``[bayes]`` extra, not a core dependency."""
    try:
        import pymc  # noqa: F401
    except ImportError:
        raise FlopcastValueError(
            "calibrate(method='nuts') needs PyMC, which the core install leaves out: pip install 'flopcast[bayes]' "
            "(or 'flopcast[all]'); method='psis' needs nothing more"
        ) from None


def sample(pm_model: Any, settings: NutsSettings, seed: np.random.SeedSequence) -> tuple[Any, float]:
    """Initialize and run NUTS on ``pm_model``; returns PyMC's ``DataTree`` and the clock when sampling began."""
    import pymc as pm

    seed_int = int(seed.generate_state(1)[0])
    per_chain = -(-settings.n // settings.chains)
    with warnings.catch_warnings():
        # PyMC and PyTensor report their own progress and tuning notes as warnings; they are summarized by diagnose().
        warnings.filterwarnings("ignore", module=r"(pymc|pytensor|arviz\w*)(\.|$)")
        warnings.filterwarnings("ignore", category=FutureWarning)
        initial_points, step = pm.init_nuts(
            init="jitter+adapt_diag",
            chains=settings.chains,
            model=pm_model,
            random_seed=seed_int,
            progressbar=False,
            quiet=not settings.progress,
            target_accept=settings.target_accept,
        )
        compiled = time.perf_counter()
        tree = pm.sample(
            draws=per_chain,
            tune=settings.tune,
            chains=settings.chains,
            cores=settings.cores,
            step=step,
            initvals=initial_points,
            random_seed=seed_int + 1,
            progressbar=settings.progress,
            quiet=not settings.progress,
            compute_convergence_checks=False,
            model=pm_model,
        )
    return tree, compiled


def diagnose(tree: Any, post: dict[str, np.ndarray]) -> dict[str, Any]:
    """Divergences, the worst r_hat and effective sample size of the sampled draws, chains and draws per chain.

    Warns with :class:`CalibrationWarning` on divergences or an r_hat above :data:`RHAT_THRESHOLD`.
    """
    from arviz_stats.base import array_stats

    divergences = int(np.asarray(tree["sample_stats"]["diverging"].values).sum())
    r_hat = max(float(array_stats.rhat(v)) for v in post.values())
    ess = min(float(array_stats.ess(v)) for v in post.values())
    shape = next(iter(post.values())).shape
    problems = []
    if divergences:
        problems.append(f"{divergences} divergent transitions")
    if not r_hat <= RHAT_THRESHOLD:
        problems.append(f"max r_hat {r_hat:.3f} > {RHAT_THRESHOLD}")
    if problems:
        warnings.warn(
            f"calibrate(method='nuts'): {' and '.join(problems)}; the posterior may be biased. Raise target_accept "
            "or tune, reparametrize, or check the observations",
            CalibrationWarning,
            stacklevel=4,
        )
    return {"divergences": divergences, "max_r_hat": r_hat, "min_ess": ess, "chains": shape[0], "draws": shape[1]}


def recover_choices(
    model: Model,
    observations: tuple[Observation, ...],
    names: tuple[str, ...],
    post: dict[str, np.ndarray],
    seed: np.random.SeedSequence,
) -> dict[str, np.ndarray]:
    """Add the discrete choices among ``names`` (summed out of the likelihood) back to the posterior draws.

    Each choice is drawn from its posterior given each draw of the continuous assumptions; the result holds
    ``names`` in order.
    """
    from flopcast.analysis.calibration.pymc_model import choice_posterior

    choices = [name for name in names if isinstance(model.assumptions[name].distribution, Choice)]
    if not choices:
        return post
    shape = next(iter(post.values())).shape
    rng = np.random.default_rng(seed.spawn(1)[0])
    flat = {name: v.reshape(-1) for name, v in post.items()}
    drawn = choice_posterior(model, observations, choices, flat, rng)
    post = {**post, **{name: v.reshape(shape) for name, v in drawn.items()}}
    return {name: post[name] for name in names}


def calibrate_nuts(
    model: Model,
    observations: tuple[Observation, ...],
    root: np.random.SeedSequence,
    settings: NutsSettings,
) -> Calibration:
    """Sample the posterior of the calibrated assumptions by NUTS; the other assumptions keep their prior."""
    require_pymc()
    names = calibrated_names(model, observations)
    _check_correlations(model, names)
    from flopcast.analysis.calibration.pymc_model import build_pymc_model  # checks the families before PyMC loads

    sim_seed, nuts_seed = root.spawn(2)
    start = time.perf_counter()
    pm_model = build_pymc_model(model, observations, names)
    tree, compiled = sample(pm_model, settings, nuts_seed)
    sampled = time.perf_counter()
    post = {
        name: np.asarray(tree["posterior"][name].values, dtype=float)
        for name in names
        if not isinstance(model.assumptions[name].distribution, Choice)
    }
    diagnostics: dict[str, Any] = diagnose(tree, post)
    diagnostics.update(compile_s=compiled - start, sampling_s=sampled - compiled)
    post = recover_choices(model, observations, names, post, nuts_seed)
    shape = next(iter(post.values())).shape
    n_total = shape[0] * shape[1]

    # The uncalibrated assumptions keep their prior: take prior draws for them and evaluate the whole graph.
    prior = model.simulate(max(n_total, MIN_PRIOR_DRAWS_NUTS), seed=sim_seed)
    prior_draws = {k: np.asarray(v) for k, v in prior.draws.items()}
    values = {a: prior_draws[a][:n_total] for a in model.uncertain}
    values.update({a: v.reshape(-1) for a, v in post.items()})
    with np.errstate(all="ignore"):
        evaluated = model.evaluate(values)
    posterior = {
        k: np.broadcast_to(np.asarray(v, dtype=float), (n_total,)).reshape(shape) for k, v in evaluated.items()
    }
    joint = {a: v.reshape(-1) for a, v in post.items()}
    return Calibration("nuts", model, observations, diagnostics, prior_draws, posterior, joint, None, None, root)
