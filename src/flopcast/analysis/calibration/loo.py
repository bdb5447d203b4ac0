"""Leave-one-out: check that a calibration predicts each held-out subject's measurements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast import stats
from flopcast.analysis.calibration.checks import check_observations
from flopcast.analysis.calibration.run import DEFAULT_N, METHODS, calibrate
from flopcast.analysis.observations import Observation
from flopcast.design import seed_sequence
from flopcast.errors import FlopcastValueError
from flopcast.model import Model
from flopcast.validate import check_int, check_probability

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["leave_one_out"]


def _group_key(obs: Observation, index: int) -> str:
    return obs.subject or f"{obs.label} #{index}"


def leave_one_out(
    model: Model,
    observations: Sequence[Observation],
    method: str = "psis",
    n: int | None = None,
    seed: int | np.random.SeedSequence | None = None,
    *,
    prob: float = 0.9,
    **kwargs: Any,
) -> pd.DataFrame:
    """Hold out each subject in turn, calibrate on the others and check that its measurements are predicted.

    Observations are grouped by ``subject`` (each observation without a subject is its own group). For each group,
    the model is calibrated on all the other observations, and each held-out measurement is compared with the
    ``prob`` posterior predictive interval (:meth:`Calibration.predictive`: the model's prediction under its given
    values, with its measurement noise).

    Parameters
    ----------
    model : Model
        The model.
    observations : sequence of Observation
        At least two groups.
    method, n, seed, **kwargs
        As for :func:`calibrate`. With PSIS the prior draws are simulated once and shared by every fold.
    prob : float, default 0.9
        Mass of the predictive interval.

    Returns
    -------
    pandas.DataFrame
        One row per held-out observation: ``subject``, ``quantity``, ``observed``, ``predicted_median``,
        ``predicted_lower``, ``predicted_upper``, ``covered``. ``attrs["coverage"]`` is the fraction covered.

    Examples
    --------
    >>> import flopcast as fc
    >>> from flopcast.analysis.calibration import calibrate, leave_one_out, observe
    >>> m = fc.Model("m")
    >>> _ = m.assume("rate", fc.lognormal(1, 100))
    >>> _ = m.assume("size", 1.0)
    >>> @m.derive
    ... def time(rate, size):
    ...     return size / rate
    >>> obs = [observe("time", s / 8.0, sigma=0.1, given={"size": s}, subject=f"s{s}") for s in (1, 2, 4)]
    >>> table = leave_one_out(m, obs, n=20_000, seed=0)
    >>> table.attrs["coverage"]
    1.0
    """
    import pandas as pd

    prob = check_probability(prob, "prob")
    if method not in METHODS:
        raise FlopcastValueError(f"leave_one_out(): method must be one of {METHODS}, got {method!r}")
    obs_all = check_observations(model, observations)
    groups: dict[str, list[int]] = {}
    for i, obs in enumerate(obs_all):
        groups.setdefault(_group_key(obs, i), []).append(i)
    if len(groups) < 2:
        raise FlopcastValueError("leave_one_out(): needs observations of at least two subjects")
    root = seed_sequence(seed)
    prior_seed, *fold_seeds = root.spawn(len(groups) + 1)
    if method == "psis" and "prior" not in kwargs:
        kwargs["prior"] = model.simulate(
            DEFAULT_N["psis"] if n is None else check_int(n, "n", minimum=2), seed=prior_seed
        )
    rows = []
    for (key, held), fold_seed in zip(groups.items(), fold_seeds, strict=True):
        train = [o for i, o in enumerate(obs_all) if i not in held]
        cal = calibrate(model, train, method=method, n=n, seed=fold_seed, **kwargs)
        for i in held:
            obs = obs_all[i]
            draws = cal.predictive(obs, seed=fold_seed.spawn(1)[0])
            med, lo, hi = (float(v) for v in stats.quantiles(draws, [0.5, (1 - prob) / 2, (1 + prob) / 2]))
            rows.append((key, obs.quantity, obs.value, med, lo, hi, bool(lo <= obs.value <= hi)))
    columns = ["subject", "quantity", "observed", "predicted_median", "predicted_lower", "predicted_upper", "covered"]
    table = pd.DataFrame(rows, columns=columns)
    table.attrs["prob"] = prob
    table.attrs["coverage"] = float(table["covered"].mean())
    return table
