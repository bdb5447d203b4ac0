"""The likelihood kinds of an observation, each one object: numpy log-density, PyTensor log-density, noise.

PSIS weighs prior draws with :meth:`Likelihood.log_density` (numpy), NUTS adds
:meth:`Likelihood.pytensor_log_density` to the PyMC model, and predictive checks draw simulated measurements
with :meth:`Likelihood.noise`. Writing the three side by side keeps them the same likelihood. Log-densities
drop the constants that do not depend on the prediction in numpy; the PyTensor forms are PyMC's own
log-densities, which keep them (NUTS only needs their gradient).

PyMC and PyTensor are imported inside the methods that need them.
"""

from __future__ import annotations

import math
from typing import Any, override

import numpy as np

__all__ = ["LIKELIHOODS", "AtLeast", "AtMost", "LogNormalError", "Likelihood", "NormalError"]


def _log_ndtr(z: np.ndarray) -> np.ndarray:
    from scipy.special import log_ndtr

    return np.asarray(log_ndtr(z), dtype=float)


class Likelihood:
    """One kind of likelihood of a measured ``value`` given a model's prediction, with width ``sigma``."""

    kind: str = ""

    def log_density(self, value: float, sigma: float, predicted: Any) -> np.ndarray:
        """Log-likelihood of each prediction (numpy); predictions it cannot explain (NaN, say) get ``-inf``."""
        pred = np.asarray(predicted, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = self._log_density(value, sigma, pred)
        return np.where(np.isnan(out), -np.inf, out)

    def _log_density(self, value: float, sigma: float, pred: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def pytensor_log_density(self, value: float, sigma: float, predicted: Any) -> Any:
        """The same log-likelihood as a PyTensor expression of the prediction (for a PyMC ``Potential``)."""
        raise NotImplementedError

    def noise(self, sigma: float, predicted: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Simulated measurements of the predictions (bounds have no noise model: the prediction itself)."""
        return predicted


def _z(value: float, sigma: float, pred: np.ndarray) -> np.ndarray:
    """The standardized log-scale error; NaN where the prediction is not positive."""
    return (math.log(value) - np.log(np.where(pred > 0.0, pred, np.nan))) / sigma


def _z_tensor(value: float, sigma: float, pred: Any) -> Any:
    import pytensor.tensor as pt

    return (math.log(value) - pt.log(pred)) / sigma


class LogNormalError(Likelihood):
    """``"relative"``: ``log(value) ~ Normal(log(predicted), sigma)``.

    Examples
    --------
    >>> import numpy as np
    >>> from flopcast.analysis.likelihoods import LIKELIHOODS
    >>> LIKELIHOODS["relative"].log_density(10.0, 0.5, np.array([10.0, -1.0])).tolist()
    [0.0, -inf]
    """

    kind = "relative"

    def _log_density(self, value: float, sigma: float, pred: np.ndarray) -> np.ndarray:
        return -0.5 * _z(value, sigma, pred) ** 2

    @override
    def pytensor_log_density(self, value: float, sigma: float, predicted: Any) -> Any:
        import pymc as pm
        import pytensor.tensor as pt

        return pm.logp(pm.LogNormal.dist(mu=pt.log(predicted), sigma=sigma), value)

    @override
    def noise(self, sigma: float, predicted: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return predicted * np.exp(sigma * rng.standard_normal(predicted.shape))


class NormalError(Likelihood):
    """``"absolute"``: ``value ~ Normal(predicted, sigma)`` in the quantity's unit."""

    kind = "absolute"

    def _log_density(self, value: float, sigma: float, pred: np.ndarray) -> np.ndarray:
        return -0.5 * ((value - pred) / sigma) ** 2

    @override
    def pytensor_log_density(self, value: float, sigma: float, predicted: Any) -> Any:
        import pymc as pm

        return pm.logp(pm.Normal.dist(mu=predicted, sigma=sigma), value)

    @override
    def noise(self, sigma: float, predicted: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return predicted + sigma * rng.standard_normal(predicted.shape)


class AtMost(Likelihood):
    """``"at_most"``: a soft upper bound, ``log Phi((log(value) - log(predicted)) / sigma)``.

    Any non-positive prediction satisfies it.
    """

    kind = "at_most"

    def _log_density(self, value: float, sigma: float, pred: np.ndarray) -> np.ndarray:
        return _log_ndtr(np.where(pred > 0.0, _z(value, sigma, pred), np.inf))

    @override
    def pytensor_log_density(self, value: float, sigma: float, predicted: Any) -> Any:
        import pymc as pm

        return pm.logcdf(pm.Normal.dist(0.0, 1.0), _z_tensor(value, sigma, predicted))


class AtLeast(Likelihood):
    """``"at_least"``: a soft lower bound, ``log Phi((log(predicted) - log(value)) / sigma)``."""

    kind = "at_least"

    def _log_density(self, value: float, sigma: float, pred: np.ndarray) -> np.ndarray:
        return _log_ndtr(-_z(value, sigma, pred))

    @override
    def pytensor_log_density(self, value: float, sigma: float, predicted: Any) -> Any:
        import pymc as pm

        return pm.logcdf(pm.Normal.dist(0.0, 1.0), -_z_tensor(value, sigma, predicted))


LIKELIHOODS: dict[str, Likelihood] = {lik.kind: lik for lik in (LogNormalError(), NormalError(), AtMost(), AtLeast())}
"""The likelihood of each observation kind."""
