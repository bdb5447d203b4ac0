"""The outcome of a calibration: prior and posterior draws, summaries, diagnostics, a posterior model."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast import stats
from flopcast.analysis.calibration.checks import check_observations, unique_labels
from flopcast.analysis.observations import Observation, noise, predict
from flopcast.design import seed_sequence
from flopcast.model import Model
from flopcast.validate import check_probability

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = ["PARETO_K_THRESHOLD", "Calibration", "CalibrationWarning"]

#: Above this Pareto k, PSIS importance weights are unreliable (Vehtari et al., "Pareto smoothed importance
#: sampling"): the result flags itself and calibrate() warns.
PARETO_K_THRESHOLD = 0.7


class CalibrationWarning(UserWarning):
    """A calibration whose answer should not be trusted as is (high Pareto k, divergences, r_hat)."""


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
    seed: np.random.SeedSequence | None = None

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
        """One unique label per observation (used in :meth:`to_datatree`)."""
        return unique_labels(self.observations)

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
        check_observations(self.prior_model, [observation])
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
            ``posterior_median``, ``posterior_lower``, ``posterior_upper``, ``width_ratio`` (posterior over
            prior interval width: how much the observations narrowed it) and ``reliable`` (False for every row of a
            PSIS calibration whose Pareto k exceeds 0.7; ``attrs["flag"]`` then says why).

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
        flag = self.flag()
        table["reliable"] = flag is None
        table.attrs["prob"] = prob
        table.attrs["flag"] = flag
        return table

    def flag(self) -> str | None:
        """Why this calibration's posterior should not be trusted (a PSIS Pareto k above 0.7), or None.

        Examples
        --------
        >>> import flopcast as fc
        >>> from flopcast.analysis.calibration import calibrate, observe
        >>> m = fc.Model("m")
        >>> _ = m.assume("x", fc.LogNormal(0.0, 1.0))
        >>> calibrate(m, [observe("x", 2.0, sigma=0.5)], n=20_000, seed=1).flag() is None
        True
        """
        k = self.diagnostics.get("pareto_k")
        if self.method != "psis" or k is None or k <= PARETO_K_THRESHOLD:
            return None
        return (
            f"UNRELIABLE: Pareto k = {k:.2f} > {PARETO_K_THRESHOLD}: the importance weights are dominated by a few "
            "prior draws; use method='nuts', widen the priors, or check the observations"
        )

    def __str__(self) -> str:
        from flopcast.formatting import WIDTH, eng, number, table, with_unit
        from flopcast.formatting import row as format_row
        from flopcast.model.nodes import titled

        def shown(v: Any) -> str:
            if isinstance(v, float):
                return eng(v)
            return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)

        diag = ", ".join(f"{k} {shown(v)}" for k, v in self.diagnostics.items() if not k.endswith("_s"))
        lines = [f"Calibration of {self.prior_model.name!r} by {self.method} ({diag})"]
        flag = self.flag()
        if flag is not None:
            lines.append(flag)
        lines.append("Observations:")
        model = self.prior_model
        for obs in self.observations:
            node = model[obs.quantity]
            given = f" given {len(obs.given)} value(s)" if obs.given else ""
            width = f"+/- {number(obs.sigma, node.unit)}" if obs.kind == "absolute" else f"sigma(log) {obs.sigma:g}"
            what = {"at_most": "at most ", "at_least": "at least "}.get(obs.kind, "")
            value = with_unit(number(obs.value, node.unit), node.unit)
            subject = f"{obs.subject}: " if obs.subject else ""
            lines.append(f"  {subject}{titled(node)} = {what}{value} ({obs.kind}, {width}){given}")
        summary = self.summary()
        prob = summary.attrs["prob"]
        headers = ["quantity", "unit", "prior median", f"prior {prob:.0%}", "posterior median", f"posterior {prob:.0%}"]
        rows = [
            [
                titled(model[str(name)]),
                str(row.unit),
                *format_row(
                    [
                        row.prior_median,
                        (row.prior_lower, row.prior_upper),
                        row.posterior_median,
                        (row.posterior_lower, row.posterior_upper),
                    ],
                    str(row.unit),
                ),
            ]
            for name, row in summary.iterrows()
        ]
        lines.append(table(headers, rows, align="llrrrr", max_width=WIDTH, wrap=[0, 1]))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Calibration(model={self.prior_model.name!r}, method={self.method!r}, "
            f"observations={len(self.observations)}, diagnostics={self.diagnostics})"
        )

    def _repr_html_(self) -> str:
        from flopcast.html import escape, frame_html

        head = str(self).split("Observations:")[0].strip()
        return f"<div>{escape(head)}</div>" + frame_html(self.summary(), caption="prior and posterior")

    # ------------------------------------------------------------------ xarray / ArviZ
    def to_datatree(self, seed: int | np.random.SeedSequence | None = None) -> xr.DataTree:
        """The draws as an ArviZ ``DataTree``.

        Groups: ``prior`` (``chain=1``), ``posterior`` (for PSIS a weighted resample of the prior draws, see
        the group's ``attrs``), ``observed_data`` (one variable per observation, with its kind, width and given
        values in ``attrs``), ``prior_predictive`` and ``posterior_predictive`` (each observation's quantity under
        its given values, with measurement noise), and for PSIS ``importance_weights`` (``log_weight`` of each
        prior draw).

        Parameters
        ----------
        seed : int or numpy.random.SeedSequence, optional
            Seeds the measurement noise of the predictive groups. By default a stream derived from the
            calibration's own seed, so the same calibration always gives the same tree.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("x", fc.LogNormal(0.0, 1.0))
        >>> cal = fc.calibrate(m, [fc.observe("x", 2.0, sigma=0.5)], n=2_000, seed=1)
        >>> tree = cal.to_datatree()
        >>> sorted(tree.children)
        ['importance_weights', 'observed_data', 'posterior', 'posterior_predictive', 'prior', 'prior_predictive']
        >>> bool((tree["posterior_predictive"]["x"] == cal.to_datatree()["posterior_predictive"]["x"]).all())
        True
        """
        import arviz_base

        from flopcast.result import variable_attrs

        labels = self.labels
        rng = np.random.default_rng(self._predictive_seed() if seed is None else seed_sequence(seed))
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

    def _predictive_seed(self) -> np.random.SeedSequence:
        """The calibration seed's third child: the methods spawn two (simulation and sampling) before it."""
        root = seed_sequence(self.seed)
        return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, 2), pool_size=root.pool_size)

    @property
    def _n_prior(self) -> int:
        return next(iter(self.prior_draws.values())).size
