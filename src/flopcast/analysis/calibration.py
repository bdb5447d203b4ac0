"""Calibration: update a model's assumptions with observations of its quantities.

:func:`calibrate` offers two methods on the same graph and the same likelihoods
(:mod:`flopcast.analysis.observations`):

``"psis"``
    Monte Carlo draws of the prior, reweighted by the likelihood with Pareto-smoothed importance sampling
    (``arviz_stats.base.array_stats.psislw``). Cheap: the graph is evaluated again only downstream of each
    observation's ``given`` values. Reliable when the posterior sits inside the prior's bulk; the Pareto
    ``k`` says when it does not (``k > 0.7``: a warning that names ``"nuts"``).
``"nuts"``
    A PyMC model built from the graph (:mod:`flopcast.analysis.pymc_model`) and sampled with NUTS.

Both return a :class:`Calibration`: the prior and posterior draws of every quantity in one ArviZ ``DataTree``,
a prior-versus-posterior table, diagnostics, and a posterior :class:`~flopcast.model.Model` whose calibrated
assumptions are resampled jointly from the posterior draws, so ``simulate``, sensitivity and the reports run on it
unchanged. :func:`leave_one_out` checks a calibration by predicting each held-out subject.
"""

from __future__ import annotations

import functools
import math
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast import stats
from flopcast.analysis.observations import Observation, inputs_of, log_likelihood, noise, observe, predict
from flopcast.design import seed_sequence
from flopcast.distributions import Choice
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.model import Model
from flopcast.validate import check_int, check_probability

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from flopcast.result import Result

__all__ = ["Calibration", "CalibrationWarning", "calibrate", "leave_one_out", "observe"]

METHODS = ("psis", "nuts")
PARETO_K_THRESHOLD = 0.7
"""Above this Pareto k, importance sampling is unreliable (Vehtari et al. 2024, 'Pareto smoothed importance
sampling')."""
RHAT_THRESHOLD = 1.05
DEFAULT_N = {"psis": 100_000, "nuts": 2_000}
MIN_PRIOR_DRAWS_NUTS = 20_000


class CalibrationWarning(UserWarning):
    """A calibration whose answer should not be trusted as is (high Pareto k, divergences, r_hat)."""


# ---------------------------------------------------------------------------------------------- checks
def _check_observations(model: Model, observations: Any) -> tuple[Observation, ...]:
    if isinstance(observations, Observation):
        observations = [observations]
    if isinstance(observations, str) or not isinstance(observations, Iterable):
        raise FlopcastTypeError(f"calibrate(): observations must be a list of fc.observe(...), got {observations!r}")
    out = tuple(observations)
    if not out:
        raise FlopcastValueError("calibrate(): no observations; give at least one fc.observe(...)")
    for obs in out:
        if not isinstance(obs, Observation):
            raise FlopcastTypeError(
                f"calibrate(): observations must be made by fc.observe(...), got {type(obs).__name__}"
            )
        if obs.quantity not in model:
            raise FlopcastValueError(f"calibrate(): observed {model.unknown_message(obs.quantity)}")
        for key in obs.given:
            if key not in model:
                raise FlopcastValueError(
                    f"calibrate(): the observation of {obs.quantity!r} has a given value for "
                    f"{model.unknown_message(key)}"
                )
    return out


def _calibrated_names(model: Model, observations: Sequence[Observation]) -> tuple[str, ...]:
    """Uncertain assumptions the observations depend on, with whole correlated groups, in model order."""
    names = {n for obs in observations for n in inputs_of(model, obs)}
    if not names:
        raise FlopcastValueError(
            "calibrate(): no observation depends on an uncertain assumption (each observed quantity is fixed by the "
            "model's point values or by its given values): there is nothing to calibrate"
        )
    for corr in model.correlations:
        if names & set(corr.names):
            names |= set(corr.names)
    return tuple(n for n in model.uncertain if n in names)


def _labels(observations: Sequence[Observation]) -> list[str]:
    labels: list[str] = []
    for obs in observations:
        label, k = obs.label, 2
        while label in labels:
            label, k = f"{obs.label} #{k}", k + 1
        labels.append(label)
    return labels


# ---------------------------------------------------------------------------------------------- result
@dataclass(eq=False)
class Calibration:
    """The outcome of :func:`calibrate`: prior and posterior draws, a summary, diagnostics, a posterior model.

    Attributes
    ----------
    method : str
        ``"psis"`` or ``"nuts"``.
    model : Model
        The posterior model: the calibrated assumptions are resampled jointly, row by row, from the posterior
        draws (for PSIS, the prior draws with their normalized PSIS weights); the others keep their prior.
    prior_model : Model
        The model calibrated.
    observations : tuple of Observation
        The observations used.
    diagnostics : dict
        PSIS: ``pareto_k``, ``ess`` (Kish effective sample size of the weights), ``n_prior``. NUTS:
        ``divergences``, ``max_r_hat``, ``min_ess``, ``chains``, ``draws``, ``compile_s``, ``sampling_s``.
    prior_draws, posterior_draws : mapping of str to ndarray
        One array per quantity: ``(n_prior,)`` for the prior, ``(chain, draw)`` for the posterior. For PSIS the
        posterior is a weighted resample (systematic resampling) of the prior draws, of size ``n``, indexed when
        a quantity is first read.
    joint_draws, joint_weights : dict of str to ndarray, ndarray or None
        What the posterior model resamples: the calibrated assumptions' draws (PSIS: the prior draws) and
        their weights (PSIS: the normalized importance weights; NUTS: None).
    log_weights : ndarray or None
        PSIS: the normalized log weights of the prior draws.
    """

    method: str
    prior_model: Model
    observations: tuple[Observation, ...]
    diagnostics: dict[str, Any]
    prior_draws: dict[str, np.ndarray] = field(repr=False)
    posterior_draws: Mapping[str, np.ndarray] = field(repr=False)
    joint_draws: dict[str, np.ndarray] = field(repr=False)
    joint_weights: np.ndarray | None = field(default=None, repr=False)
    log_weights: np.ndarray | None = field(default=None, repr=False)
    seed: Any = None

    @functools.cached_property
    def model(self) -> Model:
        """The posterior model (built on first access from :attr:`joint_draws` and :attr:`joint_weights`)."""
        weights = self.joint_weights
        draws = self.joint_draws
        if weights is not None:
            # Rows holding a total weight under 1e-9 change no statistic; dropping them makes the model lighter.
            order = np.argsort(weights)
            drop = order[: int(np.searchsorted(np.cumsum(weights[order]), 1e-9))]
            if drop.size:
                keep = np.ones(weights.size, dtype=bool)
                keep[drop] = False
                draws = {k: v[keep] for k, v in draws.items()}
                weights = weights[keep]
        how = "PSIS (prior draws with their importance weights)" if self.method == "psis" else "NUTS"
        return self.prior_model.with_joint_draws(
            draws,
            weights=weights,
            source=f"{how} posterior of {self.prior_model.name!r} given {len(self.observations)} observation(s)",
        )

    @property
    def labels(self) -> list[str]:
        """One unique label per observation (used in :attr:`data`)."""
        return _labels(self.observations)

    def posterior(self, name: str) -> np.ndarray:
        """The posterior draws of a quantity, chains concatenated (a 1-d array)."""
        if name not in self.posterior_draws:
            raise self.prior_model.unknown(name)
        return self.posterior_draws[name].reshape(-1)

    def predictive(self, observation: Observation, seed: int | np.random.SeedSequence | None = None) -> np.ndarray:
        """Posterior predictive draws of a measurement (an observation, calibrated on or held out).

        The draws are the observation's quantity under its given values, with its measurement noise (lognormal for
        ``"relative"``, normal for ``"absolute"``, none for bounds).

        Examples
        --------
        >>> import flopcast as fc
        >>> from flopcast.analysis.calibration import calibrate, leave_one_out, observe
        >>> m = fc.Model("m")
        >>> _ = m.assume("x", fc.LogNormal(0.0, 1.0))
        >>> cal = calibrate(m, [observe("x", 2.0, sigma=0.5)], n=20_000, seed=1)
        >>> draws = cal.predictive(observe("x", 1.0, sigma=0.5), seed=2)
        >>> draws.shape
        (20000,)
        """
        _check_observations(self.prior_model, [observation])
        values = {k: v.reshape(-1) for k, v in self.posterior_draws.items()}
        n = next(iter(values.values())).size
        with np.errstate(all="ignore"):
            pred = np.broadcast_to(np.asarray(predict(self.prior_model, observation, values), dtype=float), (n,))
        return noise(observation)(pred, np.random.default_rng(seed_sequence(seed)))

    def summary(self, prob: float = 0.9) -> pd.DataFrame:
        """Prior versus posterior, per quantity that varies: median and equal-tailed interval of each.

        Parameters
        ----------
        prob : float, default 0.9
            Mass of the intervals.

        Returns
        -------
        pandas.DataFrame
            Indexed by quantity; columns ``unit``, ``prior_median``, ``prior_lower``, ``prior_upper``,
            ``posterior_median``, ``posterior_lower``, ``posterior_upper`` and ``width_ratio`` (posterior over
            prior interval width: how much the observations narrowed it).

        Examples
        --------
        >>> import flopcast as fc
        >>> from flopcast.analysis.calibration import calibrate, leave_one_out, observe
        >>> m = fc.Model("m")
        >>> _ = m.assume("x", fc.LogNormal(0.0, 1.0))
        >>> cal = calibrate(m, [observe("x", 2.0, sigma=0.5)], n=20_000, seed=1)
        >>> table = cal.summary()
        >>> bool(table.loc["x", "width_ratio"] < 0.6)
        True
        """
        import pandas as pd

        prob = check_probability(prob, "prob")
        levels = [0.5, (1 - prob) / 2, (1 + prob) / 2]
        rows, names = [], []
        for name in self.prior_model.nodes:
            prior = self.prior_draws[name]
            if prior.size == 0 or np.all(prior == prior[0]):
                continue
            post = self.posterior(name)
            pm_, plo, phi = (float(v) for v in stats.quantiles(prior, levels))
            qm, qlo, qhi = (float(v) for v in stats.quantiles(post, levels))
            ratio = (qhi - qlo) / (phi - plo) if phi > plo else math.nan
            rows.append((self.prior_model[name].unit, pm_, plo, phi, qm, qlo, qhi, ratio))
            names.append(name)
        columns = ["unit", "prior_median", "prior_lower", "prior_upper", "posterior_median", "posterior_lower",
                   "posterior_upper", "width_ratio"]  # fmt: skip
        table = pd.DataFrame(rows, index=pd.Index(names, name="quantity"), columns=columns)
        table.attrs["prob"] = prob
        return table

    def __str__(self) -> str:
        from flopcast.formatting import eng, table

        diag = ", ".join(
            f"{k} {eng(v) if isinstance(v, float) else v}" for k, v in self.diagnostics.items() if not k.endswith("_s")
        )
        lines = [f"Calibration of {self.prior_model.name!r} by {self.method} ({diag})", "Observations:"]
        for obs in self.observations:
            given = f" given {len(obs.given)} value(s)" if obs.given else ""
            width = f"+/- {obs.sigma:g}" if obs.kind == "absolute" else f"sigma(log) {obs.sigma:g}"
            lines.append(f"  {obs.label} {obs.value:g} ({obs.kind}, {width}){given}")
        summary = self.summary()
        prob = summary.attrs["prob"]
        headers = ["quantity", "unit", "prior median", f"prior {prob:.0%}", "posterior median", f"posterior {prob:.0%}"]
        rows = [
            [
                str(name),
                str(row.unit),
                eng(row.prior_median),
                f"{eng(row.prior_lower)} .. {eng(row.prior_upper)}",
                eng(row.posterior_median),
                f"{eng(row.posterior_lower)} .. {eng(row.posterior_upper)}",
            ]
            for name, row in summary.iterrows()
        ]
        lines.append(table(headers, rows, align="llrrrr"))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Calibration(model={self.prior_model.name!r}, method={self.method!r}, "
            f"observations={len(self.observations)}, diagnostics={self.diagnostics})"
        )

    # ------------------------------------------------------------------ xarray / ArviZ
    @functools.cached_property
    def data(self) -> xr.DataTree:
        """The draws as an ArviZ ``DataTree`` (built on first access).

        Groups: ``prior`` (``chain=1``), ``posterior`` (for PSIS a weighted resample of the prior draws, see
        the group's ``attrs``), ``observed_data`` (one variable per observation, with its kind, width and given
        values in ``attrs``), ``prior_predictive`` and ``posterior_predictive`` (each observation's quantity under
        its given values, with measurement noise), and for PSIS ``importance_weights`` (``log_weight`` of each
        prior draw).
        """
        import arviz_base

        from flopcast.result import variable_attrs

        labels = self.labels
        rng = np.random.default_rng(seed_sequence(self.seed).spawn(1)[0])
        prior_pp, post_pp = {}, {}
        n_post = next(iter(self.posterior_draws.values())).shape
        for label, obs in zip(labels, self.observations, strict=True):
            with np.errstate(all="ignore"):
                pred = np.broadcast_to(predict(self.prior_model, obs, self.prior_draws), (self._n_prior,))
            prior_pp[label] = noise(obs)(np.asarray(pred, dtype=float), rng)[None, :]
            post_pp[label] = self.predictive(obs, int(rng.integers(2**32))).reshape(n_post)
        groups: dict[str, dict[str, Any]] = {
            "prior": {k: v[None, :] for k, v in self.prior_draws.items()},
            "posterior": dict(self.posterior_draws),
            "observed_data": {
                label: np.asarray(obs.value) for label, obs in zip(labels, self.observations, strict=True)
            },
            "prior_predictive": prior_pp,
            "posterior_predictive": post_pp,
        }
        if self.log_weights is not None:
            groups["importance_weights"] = {"log_weight": self.log_weights[None, :]}
        tree = arviz_base.from_dict(groups)
        for group in ("prior", "posterior"):
            for name in self.prior_draws:
                tree[group][name].attrs.update(variable_attrs(self.prior_model, name))
        for label, obs in zip(labels, self.observations, strict=True):
            tree["observed_data"][label].attrs.update(
                {
                    "quantity": obs.quantity,
                    "unit": self.prior_model[obs.quantity].unit,
                    "kind": obs.kind,
                    "sigma": obs.sigma,
                    "given": repr(dict(obs.given)),
                    "subject": obs.subject,
                    "source": obs.source,
                }
            )
        if self.method == "psis":
            tree["posterior"].attrs["note"] = (
                "weighted resample (systematic resampling) of the prior draws by their PSIS weights; "
                "the weights are in group 'importance_weights'"
            )
        tree.attrs.update(
            {
                "model": self.prior_model.name,
                "method": self.method,
                "seed": str(seed_sequence(self.seed).entropy if self.seed is not None else None),
                **{f"diagnostics_{k}": v for k, v in self.diagnostics.items()},
            }
        )
        return tree

    @property
    def _n_prior(self) -> int:
        return next(iter(self.prior_draws.values())).size


# ---------------------------------------------------------------------------------------------- PSIS
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


def _calibrate_psis(
    model: Model,
    observations: tuple[Observation, ...],
    n: int,
    root: np.random.SeedSequence,
    prior: Result | None,
) -> Calibration:
    sim_seed, resample_seed = root.spawn(2)
    names = _calibrated_names(model, observations)
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


# ---------------------------------------------------------------------------------------------- NUTS
def _calibrate_nuts(
    model: Model,
    observations: tuple[Observation, ...],
    n: int,
    root: np.random.SeedSequence,
    chains: int,
    tune: int,
    cores: int,
    target_accept: float,
    progress: bool,
) -> Calibration:
    names = _calibrated_names(model, observations)
    for corr in model.correlations:
        if set(corr.names) & set(names):
            raise FlopcastValueError(
                f"calibrate(method='nuts'): assumptions {corr.names} are rank-correlated (a Gaussian copula), which "
                "the PyMC model does not reproduce; use method='psis'"
            )
    from flopcast.analysis.pymc_model import build_pymc_model  # validates the families before importing PyMC

    per_chain = -(-n // chains)
    sim_seed, nuts_seed = root.spawn(2)
    start = time.perf_counter()
    pm_model = build_pymc_model(model, observations, names)
    import pymc as pm
    from arviz_stats.base import array_stats

    seed_int = int(nuts_seed.generate_state(1)[0])
    with warnings.catch_warnings():
        # PyMC and PyTensor report their own progress and tuning notes as warnings; they are summarized below.
        warnings.filterwarnings("ignore", module=r"(pymc|pytensor|arviz\w*)(\.|$)")
        warnings.filterwarnings("ignore", category=FutureWarning)
        initial_points, step = pm.init_nuts(
            init="jitter+adapt_diag",
            chains=chains,
            model=pm_model,
            random_seed=seed_int,
            progressbar=False,
            quiet=not progress,
            target_accept=target_accept,
        )
        compiled = time.perf_counter()
        tree = pm.sample(
            draws=per_chain,
            tune=tune,
            chains=chains,
            cores=cores,
            step=step,
            initvals=initial_points,
            random_seed=seed_int + 1,
            progressbar=progress,
            quiet=not progress,
            compute_convergence_checks=False,
            model=pm_model,
        )
    sampled = time.perf_counter()
    choices = [name for name in names if isinstance(model.assumptions[name].distribution, Choice)]
    post = {name: np.asarray(tree["posterior"][name].values, dtype=float) for name in names if name not in choices}
    divergences = int(np.asarray(tree["sample_stats"]["diverging"].values).sum())
    r_hat = max(float(array_stats.rhat(v)) for v in post.values())
    ess = min(float(array_stats.ess(v)) for v in post.values())
    shape = next(iter(post.values())).shape
    n_total = shape[0] * shape[1]
    if choices:
        # Choices were summed out of the likelihood; draw them back from their posterior given each draw.
        from flopcast.analysis.pymc_model import choice_posterior

        rng = np.random.default_rng(nuts_seed.spawn(1)[0])
        flat = {name: v.reshape(-1) for name, v in post.items()}
        drawn = choice_posterior(model, observations, choices, flat, rng)
        post.update({name: v.reshape(shape) for name, v in drawn.items()})
        post = {name: post[name] for name in names}

    prior = model.simulate(max(n_total, MIN_PRIOR_DRAWS_NUTS), seed=sim_seed)
    prior_draws = {k: np.asarray(v) for k, v in prior.draws.items()}
    values = {a: prior_draws[a][:n_total] for a in model.uncertain}
    values.update({a: v.reshape(-1) for a, v in post.items()})
    with np.errstate(all="ignore"):
        evaluated = model.evaluate(values)
    posterior = {
        k: np.broadcast_to(np.asarray(v, dtype=float), (n_total,)).reshape(shape) for k, v in evaluated.items()
    }
    diagnostics: dict[str, Any] = {
        "divergences": divergences,
        "max_r_hat": r_hat,
        "min_ess": ess,
        "chains": shape[0],
        "draws": shape[1],
        "compile_s": compiled - start,
        "sampling_s": sampled - compiled,
    }
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
            stacklevel=3,
        )
    joint = {a: v.reshape(-1) for a, v in post.items()}
    return Calibration("nuts", model, observations, diagnostics, prior_draws, posterior, joint, None, None, root)


# ---------------------------------------------------------------------------------------------- public
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
) -> Calibration:
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

    Returns
    -------
    Calibration

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
    obs = _check_observations(model, observations)
    if prior is not None and method != "psis":
        raise FlopcastValueError("calibrate(): prior= reuses prior draws for method='psis' only")
    n_draws = (prior.n if prior is not None else DEFAULT_N[method]) if n is None else check_int(n, "n", minimum=2)
    root = seed_sequence(seed)
    if method == "psis":
        return _calibrate_psis(model, obs, n_draws, root, prior)
    chains = check_int(chains, "chains", minimum=1)
    tune = check_int(tune, "tune", minimum=0)
    cores = check_int(cores, "cores", minimum=1)
    target_accept = check_probability(target_accept, "target_accept", "calibrate()")
    return _calibrate_nuts(model, obs, n_draws, root, chains, tune, cores, target_accept, progress)


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
    obs_all = _check_observations(model, observations)
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
