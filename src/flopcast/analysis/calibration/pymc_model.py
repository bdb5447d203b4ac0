"""The bridge from a flopcast graph to a PyMC model, for calibration by NUTS.

Assumptions become PyMC random variables (one family each,
:func:`~flopcast.analysis.calibration.families.to_pymc`), point assumptions stay
constants, and each observation's prediction is the model's own derived functions run on the PyTensor
variables, with that observation's ``given`` values as constants (:func:`flopcast.analysis.observations.predict`).
The likelihoods are the PyTensor forms of :mod:`flopcast.analysis.likelihoods`.

Only the assumptions that some observation depends on are sampled; the others are independent of the data a
posteriori and keep their prior (:func:`flopcast.analysis.calibration.calibrate` draws them by Monte Carlo). A
discrete choice the observations do depend on is marginalized: the likelihood is summed over its values, and its
posterior is drawn back afterwards (:func:`build_pymc_model`, :func:`choice_posterior`).

PyMC and PyTensor are imported inside the functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from flopcast.analysis.calibration.families import to_pymc
from flopcast.analysis.likelihoods import LIKELIHOODS
from flopcast.analysis.observations import Observation, log_likelihood, predict
from flopcast.distributions import Choice
from flopcast.errors import FlopcastValueError
from flopcast.model import Model

__all__ = ["build_pymc_model", "choice_grid", "choice_posterior", "log_likelihood_term", "variable_name"]


def variable_name(obs: Observation, index: int) -> str:
    """A PyMC variable name for observation ``index``: ``obs<index>_<label, sanitized>``."""
    return f"obs{index}_" + re.sub(r"\W+", "_", obs.label).strip("_")


def log_likelihood_term(obs: Observation, pred: Any) -> Any:
    """The log-likelihood of an observation as a PyTensor expression of its prediction."""
    return LIKELIHOODS[obs.kind].pytensor_log_density(obs.value, obs.sigma, pred)


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
        values: dict[str, Any] = {name: to_pymc(model.assumptions[name].distribution, name) for name in continuous}
        if not choices:
            for i, obs in enumerate(observations):
                pred = predict(model, obs, values)
                var = variable_name(obs, i)
                pm.Deterministic(f"pred_{var}", pred)
                pm.Potential(var, log_likelihood_term(obs, pred))
            return pm_model
        grid, log_prior = choice_grid(model, choices)
        values.update({name: pt.as_tensor(v) for name, v in grid.items()})
        total = pt.as_tensor(log_prior)
        for obs in observations:
            total = total + log_likelihood_term(obs, predict(model, obs, values))
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
