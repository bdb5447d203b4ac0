"""The bridge from a flopcast graph to a PyMC model, for calibration by NUTS.

Assumptions become PyMC random variables (one family each, :func:`pymc_variable`), point assumptions stay
constants, and each observation's prediction is the model's own derived functions run on the PyTensor
variables, with that observation's ``given`` values as constants (:func:`flopcast.analysis.observations.predict`).
The likelihoods are those of :mod:`flopcast.analysis.observations`, written with PyTensor.

Only the assumptions that some observation depends on are sampled; the others are independent of the data a
posteriori and keep their prior (:func:`flopcast.analysis.calibration.calibrate` draws them by Monte Carlo). A
discrete choice the observations do depend on is marginalized: the likelihood is summed over its values, and its
posterior is drawn back afterwards (:func:`build_pymc_model`, :func:`choice_posterior`).

PyMC and PyTensor are imported inside the functions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from flopcast.analysis.observations import Observation, log_likelihood, predict
from flopcast.distributions import (
    PERT,
    Beta,
    Choice,
    Distribution,
    LogNormal,
    LogUniform,
    Mixture,
    Normal,
    Point,
    ScipyDistribution,
    Triangular,
    Truncated,
    Uniform,
)
from flopcast.errors import FlopcastValueError
from flopcast.model import Model

__all__ = ["build_pymc_model", "pymc_variable", "variable_name"]


def variable_name(obs: Observation, index: int) -> str:
    """A PyMC variable name for observation ``index``: ``obs<index>_<label, sanitized>``."""
    return f"obs{index}_" + re.sub(r"\W+", "_", obs.label).strip("_")


def _unsupported(name: str, dist: Distribution, why: str) -> FlopcastValueError:
    return FlopcastValueError(
        f"calibrate(method='nuts'): assumption {name!r} has a {type(dist).__name__} distribution ({dist!r}), which "
        f"NUTS cannot sample: {why}. Use method='psis', or replace it by a point value for the calibration "
        f"(model.replace({name}=...))"
    )


def _base_dist(name: str, dist: Distribution) -> Any:
    """An unnamed PyMC distribution (``.dist``) for a component of a mixture or the base of a truncation."""
    import pymc as pm

    if isinstance(dist, LogNormal):
        return pm.LogNormal.dist(mu=dist.mu, sigma=dist.sigma)
    if isinstance(dist, Normal):
        return pm.Normal.dist(mu=dist.mu, sigma=dist.sigma)
    if isinstance(dist, Uniform):
        return pm.Uniform.dist(lower=dist.lower, upper=dist.upper)
    if isinstance(dist, Triangular):
        return pm.Triangular.dist(lower=dist.lower, c=dist.mode, upper=dist.upper)
    if isinstance(dist, Beta | PERT):
        b = dist.as_beta() if isinstance(dist, PERT) else dist
        if b.lower == 0.0 and b.upper == 1.0:
            return pm.Beta.dist(alpha=b.alpha, beta=b.beta)
    raise _unsupported(
        name,
        dist,
        "inside a mixture or a truncation only Normal, LogNormal, Uniform, Triangular and Beta on [0, 1] "
        "have a PyMC counterpart here",
    )


def _support_transform(dist: Distribution) -> Any:
    """The transform to the real line for a distribution's support (PyMC finds none for mixed components)."""
    from pymc.distributions import transforms

    lo, hi = dist.support
    if math.isinf(lo) and math.isinf(hi):
        return None
    if lo == 0.0 and math.isinf(hi):
        return transforms.log
    return transforms.Interval(None if math.isinf(lo) else lo, None if math.isinf(hi) else hi)


def pymc_variable(name: str, dist: Distribution) -> Any:
    """Create the PyMC variable of an assumption (inside a ``pm.Model`` context).

    LogNormal, Normal, Uniform, Triangular map to their PyMC families; LogUniform is ``exp`` of a uniform on
    the log scale; Beta and PERT are a scaled ``pm.Beta``; Truncated is ``pm.Truncated`` (or a narrower
    Uniform/LogUniform); a Mixture of continuous components is ``pm.Mixture``; a Point is a constant.
    Choice (marginalized by :func:`build_pymc_model` instead) and ScipyDistribution raise a ValueError that
    suggests ``method="psis"``.

    Examples
    --------
    >>> import pymc as pm
    >>> import flopcast as fc
    >>> from flopcast.analysis.pymc_model import pymc_variable
    >>> with pm.Model() as m:
    ...     x = pymc_variable("x", fc.loguniform(1, 100))
    >>> sorted(m.named_vars)
    ['x', 'x_log']
    """
    import pymc as pm

    if isinstance(dist, Point):
        return dist.value
    if isinstance(dist, LogNormal):
        return pm.LogNormal(name, mu=dist.mu, sigma=dist.sigma)
    if isinstance(dist, Normal):
        return pm.Normal(name, mu=dist.mu, sigma=dist.sigma)
    if isinstance(dist, Uniform):
        return pm.Uniform(name, lower=dist.lower, upper=dist.upper)
    if isinstance(dist, LogUniform):
        log_x = pm.Uniform(f"{name}_log", lower=math.log(dist.lower), upper=math.log(dist.upper))
        return pm.Deterministic(name, pm.math.exp(log_x))
    if isinstance(dist, Triangular):
        return pm.Triangular(name, lower=dist.lower, c=dist.mode, upper=dist.upper)
    if isinstance(dist, Beta | PERT):
        b = dist.as_beta() if isinstance(dist, PERT) else dist
        if b.lower == 0.0 and b.upper == 1.0:
            return pm.Beta(name, alpha=b.alpha, beta=b.beta)
        unit = pm.Beta(f"{name}_unit", alpha=b.alpha, beta=b.beta)
        return pm.Deterministic(name, b.lower + (b.upper - b.lower) * unit)
    if isinstance(dist, Truncated):
        base = dist.base
        if isinstance(base, Uniform | LogUniform):  # a truncated uniform is a narrower uniform
            lo, hi = max(base.lower, dist.lower), min(base.upper, dist.upper)
            return pymc_variable(name, type(base)(lo, hi))
        lower = None if math.isinf(dist.lower) else dist.lower
        upper = None if math.isinf(dist.upper) else dist.upper
        return pm.Truncated(name, _base_dist(name, base), lower=lower, upper=upper)
    if isinstance(dist, Mixture):
        pairs = [(c, w) for c, w in zip(dist.components, dist.weights, strict=True) if w > 0]
        if any(c.is_discrete for c, _ in pairs):
            raise _unsupported(name, dist, "a mixture with point or discrete components has atoms")
        if len(pairs) == 1:
            return pymc_variable(name, pairs[0][0])
        comps = [_base_dist(name, c) for c, _ in pairs]
        return pm.Mixture(name, w=[w for _, w in pairs], comp_dists=comps, default_transform=_support_transform(dist))
    if isinstance(dist, Choice):
        raise _unsupported(name, dist, "it is discrete (NUTS needs gradients) and is not marginalized here")
    if isinstance(dist, ScipyDistribution):
        raise _unsupported(name, dist, "scipy.stats distributions have no PyTensor log-density")
    raise _unsupported(name, dist, "no PyMC counterpart is known")


def _log_likelihood_term(obs: Observation, pred: Any, name: str) -> None:
    import pymc as pm
    import pytensor.tensor as pt

    if obs.kind == "relative":
        pm.LogNormal(name, mu=pt.log(pred), sigma=obs.sigma, observed=obs.value)
    elif obs.kind == "absolute":
        pm.Normal(name, mu=pred, sigma=obs.sigma, observed=obs.value)
    else:
        z = (math.log(obs.value) - pt.log(pred)) / obs.sigma
        sign = 1.0 if obs.kind == "at_most" else -1.0
        pm.Potential(name, pm.logcdf(pm.Normal.dist(0.0, 1.0), sign * z))


def build_pymc_model(model: Model, observations: Sequence[Observation], sampled: Sequence[str]) -> Any:
    """Build the PyMC model of a calibration: priors of ``sampled``, one prediction and likelihood per observation.

    Discrete choices among ``sampled`` are marginalized: NUTS needs gradients, so instead of sampling a choice the
    likelihood is evaluated for each of its values (for several choices, on the grid of their values) and summed
    with the prior probabilities, ``log sum_j p_j L(theta, v_j)``. :func:`choice_posterior` draws the choices back
    afterwards from their conditional posterior given each draw of the continuous assumptions.

    Parameters
    ----------
    model : Model
        The flopcast model.
    observations : sequence of Observation
        Checked against the model beforehand.
    sampled : sequence of str
        The uncertain assumptions to sample (those the observations depend on).

    Returns
    -------
    pymc.Model
        With a ``pred_<i>_<label>`` deterministic per observation when no choice is marginalized.
    """
    import pymc as pm
    import pytensor.tensor as pt

    choices = [n for n in sampled if isinstance(model.assumptions[n].distribution, Choice)]
    continuous = [n for n in sampled if n not in choices]
    if not continuous:
        raise FlopcastValueError(
            f"calibrate(method='nuts'): the observations depend only on discrete choices ({', '.join(choices)}); "
            "there is nothing for NUTS to sample. Use method='psis'"
        )
    with pm.Model(name="") as pm_model:
        values: dict[str, Any] = {
            name: pymc_variable(name, model.assumptions[name].distribution) for name in continuous
        }
        if not choices:
            for i, obs in enumerate(observations):
                pred = predict(model, obs, values)
                var = variable_name(obs, i)
                pm.Deterministic(f"pred_{var}", pred)
                _log_likelihood_term(obs, pred, var)
            return pm_model
        grid, log_prior = choice_grid(model, choices)
        values.update({name: pt.as_tensor(v) for name, v in grid.items()})
        total = pt.as_tensor(log_prior)
        for obs in observations:
            total = total + _log_likelihood_on_grid(obs, predict(model, obs, values))
        pm.Potential("marginal_likelihood_over_choices", pm.math.logsumexp(total.flatten()))
    return pm_model


def choice_grid(model: Model, choices: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The values of each choice on its own axis of a grid, and the log prior probability of each grid cell."""
    grid: dict[str, np.ndarray] = {}
    log_prior: Any = np.zeros([1] * len(choices))
    for axis, name in enumerate(choices):
        dist = model.assumptions[name].distribution
        assert isinstance(dist, Choice)
        shape = [1] * len(choices)
        shape[axis] = len(dist.values)
        grid[name] = np.asarray(dist.values, dtype=float).reshape(shape)
        with np.errstate(divide="ignore"):
            log_prior = log_prior + np.log(np.asarray(dist.probs, dtype=float)).reshape(shape)
    return grid, np.asarray(log_prior, dtype=float)


def _log_likelihood_on_grid(obs: Observation, pred: Any) -> Any:
    """The observation's log-likelihood for every cell of the choice grid (a PyTensor expression)."""
    import pymc as pm
    import pytensor.tensor as pt

    if obs.kind == "relative":
        return pm.logp(pm.LogNormal.dist(mu=pt.log(pred), sigma=obs.sigma), obs.value)
    if obs.kind == "absolute":
        return pm.logp(pm.Normal.dist(mu=pred, sigma=obs.sigma), obs.value)
    z = (math.log(obs.value) - pt.log(pred)) / obs.sigma
    sign = 1.0 if obs.kind == "at_most" else -1.0
    return pm.logcdf(pm.Normal.dist(0.0, 1.0), sign * z)


def choice_posterior(
    model: Model,
    observations: Sequence[Observation],
    choices: Sequence[str],
    draws: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Draw the marginalized choices from their posterior given each draw of the continuous assumptions.

    For draw ``theta``, choice cell ``j`` has probability proportional to ``p_j L(theta, v_j)``; one cell is drawn
    per draw (Gumbel-max), and each choice takes its value in that cell.
    """
    import itertools

    grid, log_prior = choice_grid(model, choices)
    size = next(iter(draws.values())).size
    cells = list(itertools.product(*(range(len(np.ravel(grid[c]))) for c in choices)))
    log_w = np.empty((size, len(cells)))
    for j, cell in enumerate(cells):
        values: dict[str, Any] = dict(draws)
        values.update({c: float(np.ravel(grid[c])[i]) for c, i in zip(choices, cell, strict=True)})
        total = np.full(size, float(log_prior[cell]))
        for obs in observations:
            pred = np.broadcast_to(np.asarray(predict(model, obs, values), dtype=float), (size,))
            total = total + log_likelihood(obs, pred)
        log_w[:, j] = total
    picked = np.argmax(log_w + rng.gumbel(size=log_w.shape), axis=1)
    return {c: np.ravel(grid[c])[np.array([cells[p][k] for p in picked])] for k, c in enumerate(choices)}
