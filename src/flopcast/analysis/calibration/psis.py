"""Calibration by Pareto-smoothed importance sampling of prior draws.

The prior draws are weighted by the likelihood of the observations (the graph is evaluated again only downstream
of each observation's ``given`` values), the weights are smoothed (``arviz_stats``), and the posterior is a
systematic resample of the prior draws. The Pareto ``k`` says whether the weights can be trusted.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np

from flopcast.analysis.calibration.checks import calibrated_names
from flopcast.analysis.calibration.result import PARETO_K_THRESHOLD, Calibration, CalibrationWarning
from flopcast.analysis.observations import Observation, log_likelihood, predict
from flopcast.errors import FlopcastValueError
from flopcast.model import Model

if TYPE_CHECKING:
    from flopcast.result import Result

__all__ = ["PARETO_K_THRESHOLD", "calibrate_psis"]

"""Above this Pareto k, importance sampling is unreliable (Vehtari et al. 2024, 'Pareto smoothed importance
sampling')."""


class _Resample(Mapping[str, np.ndarray]):
    """Rows ``index`` of every array of ``draws``, shaped ``(1, n)``, gathered when first read."""

    def __init__(self, draws: Mapping[str, np.ndarray], index: np.ndarray) -> None:
        self._draws = draws
        self._index = index
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = self._draws[name][self._index][None, :]
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._draws)

    def __len__(self) -> int:
        return len(self._draws)


def _systematic_resample(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of a systematic resample of size ``n`` (lower variance than multinomial), in random order."""
    cum = np.cumsum(weights)
    cum /= cum[-1]
    idx = np.searchsorted(cum, (rng.random() + np.arange(n)) / n, side="right")
    idx = np.minimum(idx, weights.size - 1)
    return rng.permutation(idx)


def _psis_log_weights(log_lik: np.ndarray) -> tuple[np.ndarray, float]:
    """Normalized PSIS log weights of the draws and the Pareto k; draws of zero likelihood get weight zero."""
    from arviz_stats.base import array_stats

    finite = np.isfinite(log_lik)
    if not finite.any():
        raise FlopcastValueError(
            "calibrate(): no prior draw is compatible with the observations (every likelihood is zero); widen the "
            "priors, check the observed values and their units, or loosen sigma"
        )
    lw = np.full(log_lik.shape, -np.inf)
    sub = log_lik[finite]
    if np.ptp(sub) == 0.0:  # a constant likelihood: the weights are uniform
        lw[finite] = -math.log(sub.size)
        return lw, 0.0
    try:
        # psislw follows the LOO convention (it smooths the weights of minus its input): pass minus the log-likelihood.
        lw_sub, k = array_stats.psislw(-sub)
    except ValueError:
        # The largest weights are all equal (e.g. a soft bound that most draws satisfy): the weights are bounded,
        # importance sampling is reliable and there is no tail to smooth; k is reported as 0.
        lw_sub, k = sub - sub.max(), 0.0
    k = float(k)
    if math.isnan(k) or not np.all(np.isfinite(lw_sub[np.isfinite(sub)])):
        k = math.inf  # a tail too heavy to fit: a few draws carry all the weight
    lw[finite] = lw_sub - np.logaddexp.reduce(lw_sub)
    return lw, k


def calibrate_psis(
    model: Model,
    observations: tuple[Observation, ...],
    n: int,
    root: np.random.SeedSequence,
    prior: Result | None,
) -> Calibration:
    """Reweight prior draws (simulated, or ``prior``) by the likelihood; resample ``n`` posterior draws."""
    sim_seed, resample_seed = root.spawn(2)
    names = calibrated_names(model, observations)
    if prior is None:
        prior = model.simulate(n, seed=sim_seed)
    else:
        if prior.model is not model:
            raise FlopcastValueError(
                "calibrate(): prior must be a Result of the model being calibrated (model.simulate(...))"
            )
        missing = [q for q in model.nodes if q not in prior]
        if missing:
            raise FlopcastValueError(
                f"calibrate(): prior must keep every quantity (simulate with keep=None); missing {missing}"
            )
    draws = {k: np.asarray(v) for k, v in prior.draws.items()}
    n_prior = prior.n
    log_lik = np.zeros(n_prior)
    for obs in observations:
        with np.errstate(all="ignore"):
            pred = np.broadcast_to(np.asarray(predict(model, obs, draws), dtype=float), (n_prior,))
        log_lik += log_likelihood(obs, pred)
    lw, k = _psis_log_weights(log_lik)
    weights = np.exp(lw)
    ess = float(1.0 / np.sum(weights**2))
    if not k <= PARETO_K_THRESHOLD:
        warnings.warn(
            f"calibrate(method='psis'): Pareto k = {k:.2f} > {PARETO_K_THRESHOLD}: the observations are far from what "
            f"the prior draws explain (effective sample size {ess:.0f} of {n_prior}), so the importance weights are "
            "unreliable. Use method='nuts', widen the priors, or check the observations",
            CalibrationWarning,
            stacklevel=3,
        )
    idx = _systematic_resample(weights, n, np.random.default_rng(resample_seed))
    posterior = _Resample(draws, idx)
    diagnostics = {"pareto_k": k, "ess": ess, "n_prior": n_prior}
    joint = {name: draws[name] for name in names}
    return Calibration("psis", model, observations, diagnostics, draws, posterior, joint, weights, lw, root)
