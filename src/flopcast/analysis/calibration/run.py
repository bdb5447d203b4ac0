"""``calibrate()``: check the arguments once and hand them to a method (PSIS or NUTS)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from flopcast.analysis.calibration.checks import check_observations
from flopcast.analysis.calibration.nuts import NutsSettings, calibrate_nuts
from flopcast.analysis.calibration.psis import calibrate_psis
from flopcast.analysis.calibration.result import Calibration
from flopcast.analysis.observations import Observation
from flopcast.design import seed_sequence
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.model import Model
from flopcast.validate import check_int, check_probability

if TYPE_CHECKING:
    from flopcast.analysis.calibration.hierarchical import HierarchicalCalibration, Varies
    from flopcast.result import Result

__all__ = ["DEFAULT_N", "METHODS", "calibrate"]

METHODS = ("psis", "nuts")
DEFAULT_N = {"psis": 100_000, "nuts": 2_000}


def calibrate(
    model: Model,
    observations: Sequence[Observation] | Observation,
    method: str = "psis",
    n: int | None = None,
    seed: int | np.random.SeedSequence | None = None,
    *,
    prior: Result | None = None,
    chains: int = 2,
    tune: int = 1000,
    cores: int = 1,
    target_accept: float = 0.9,
    progress: bool = False,
    hierarchy: Varies | Sequence[Varies] | None = None,
    on_bad: str = "warn",
) -> Calibration | HierarchicalCalibration:
    """Update a model's assumptions with observations of its quantities.

    Parameters
    ----------
    model : Model
        The model (its assumptions are the prior).
    observations : Observation or sequence of Observation
        Made with :func:`flopcast.observe`. Each may fix some quantities to the conditions of its measurement
        (``given``), so measurements of different subjects inform the model's shared unknowns.
    method : {"psis", "nuts"}, default "psis"
        Pareto-smoothed importance sampling of prior draws, or NUTS on a PyMC model built from the graph (discrete
        choices the observations depend on are marginalized, then drawn from their posterior).
    n : int, optional
        PSIS: prior draws reweighted and size of the posterior resample, default 100,000 (with ``prior=``, only
        the resample's size, default that of ``prior``). NUTS: posterior draws over all chains, default 2,000.
    seed : int or numpy.random.SeedSequence, optional
        The same seed gives the same calibration.
    prior : Result, optional
        PSIS only: prior draws to reuse (``model.simulate(n, keep=None)``) instead of simulating.
    chains, tune, cores, target_accept : optional
        NUTS only: chains (default 2), tuning steps per chain, processes, target acceptance rate.
    progress : bool, default False
        NUTS only: show PyMC's progress bar.
    hierarchy : Varies or list of Varies, optional
        NUTS only: assumptions that vary by group (:func:`flopcast.varies`), each group drawn from a population
        with uncertain location and scale (partial pooling); returns a
        :class:`~flopcast.analysis.calibration.hierarchical.HierarchicalCalibration`.
    on_bad : {"warn", "raise"}, default "warn"
        With ``hierarchy``: bad sampler diagnostics (divergences, r_hat, effective sample size) give a
        ``CalibrationWarning`` or raise a :class:`~flopcast.analysis.calibration.hierarchical.CalibrationError`.

    Returns
    -------
    Calibration or HierarchicalCalibration

    Warns
    -----
    CalibrationWarning
        PSIS: Pareto k > 0.7 (the message suggests ``method="nuts"``). NUTS: divergences or r_hat > 1.05.

    Examples
    --------
    A lognormal prior, a lognormal measurement of ``3 x``: the posterior of ``log x`` is normal (conjugate).

    >>> import flopcast as fc
    >>> from flopcast.analysis.calibration import calibrate, leave_one_out, observe
    >>> m = fc.Model("m")
    >>> _ = m.assume("x", fc.LogNormal(0.0, 1.0))
    >>> @m.derive
    ... def y(x):
    ...     return 3 * x
    >>> cal = calibrate(m, [observe("y", 6.0, sigma=0.5)], n=100_000, seed=0)
    >>> round(float(cal.summary().loc["x", "posterior_median"]), 1)  # exp(0.8 log 2) = 1.74
    1.7
    >>> post = cal.model.simulate(10_000, seed=1)  # the posterior model runs like any model
    """
    if not isinstance(model, Model):
        raise FlopcastTypeError(f"calibrate(): model must be a flopcast Model, got {type(model).__name__}")
    if method not in METHODS:
        raise FlopcastValueError(f"calibrate(): method must be one of {METHODS}, got {method!r}")
    obs = check_observations(model, observations)
    if prior is not None and method != "psis":
        raise FlopcastValueError("calibrate(): prior= reuses prior draws for method='psis' only")
    n_draws = (prior.n if prior is not None else DEFAULT_N[method]) if n is None else check_int(n, "n", minimum=2)
    if hierarchy is not None:
        if method != "nuts":
            raise FlopcastValueError("calibrate(): a hierarchy (partial pooling) is fitted by method='nuts'")
        from flopcast.analysis.calibration.hierarchical import calibrate_hierarchical

        return calibrate_hierarchical(model, obs, hierarchy, n_draws, seed, chains=chains, tune=tune, cores=cores,
                                      target_accept=target_accept, progress=progress, on_bad=on_bad)  # fmt: skip
    root = seed_sequence(seed)
    if method == "psis":
        return calibrate_psis(model, obs, n_draws, root, prior)
    settings = NutsSettings(
        n_draws,
        chains=check_int(chains, "chains", minimum=1),
        tune=check_int(tune, "tune", minimum=0),
        cores=check_int(cores, "cores", minimum=1),
        target_accept=check_probability(target_accept, "target_accept", "calibrate()"),
        progress=progress,
    )
    return calibrate_nuts(model, obs, root, settings)
