"""Hierarchical calibration: an assumption that varies by group, with partial pooling (NUTS with PyMC).

A pooled calibration learns one value of each assumption, shared by every observation. When the observations
come from several groups that each have their own value (the utilization that each open video model's code
reaches), one shared value is too confident: its posterior narrows with every observation, while a new group may
sit anywhere in the spread between groups. :func:`varies` declares that an assumption varies by group::

    value_g = inverse_link(location + slope x (predictor_g - centre) + scale x z_g),   z_g ~ Normal(0, 1)

Each group's value is drawn from a population whose ``location`` and ``scale`` (on the link scale) are uncertain,
with priors the user states; an optional group-level ``predictor`` (a quantity each observation fixes in its
``given`` values, e.g. log parameters) shifts the centre. The ``z_g`` make the parametrization non-centred, which
NUTS samples without the funnel of the centred form when a group has few observations. Observations carry their
group in ``subject`` (:func:`flopcast.observe`).

:func:`calibrate_hierarchical` (``flopcast.calibrate(..., method="nuts", hierarchy=varies(...))``) fits it and
returns a :class:`HierarchicalCalibration`: each group's posterior, the population's posterior, and the value for
a group not in the data (:meth:`HierarchicalCalibration.new_group`: a new draw from the population, what a
forecast for an unseen group needs) or for a known one, as draws or as a posterior model.

Observations of the same quantity, kind and set of ``given`` names are evaluated together, as one vector, so
the PyTensor graph (and its compile time) does not grow with the number of observations.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast import stats
from flopcast.analysis.calibration.nuts import RHAT_THRESHOLD, NutsSettings, diagnose, sample
from flopcast.analysis.calibration.result import CalibrationWarning
from flopcast.analysis.observations import Observation, inputs_of, noise, predict
from flopcast.design import seed_sequence
from flopcast.distributions import Choice, Distribution, as_distribution
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.model import Model
from flopcast.validate import check_probability

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CalibrationError",
    "HierarchicalCalibration",
    "LINKS",
    "Varies",
    "calibrate_hierarchical",
    "varies",
]

LINKS = ("identity", "log", "logit")
"""Link functions: the population is normal on the link scale (log: lognormal groups; logit: logit-normal)."""

Seed = int | np.random.SeedSequence | None

MIN_ESS = 100.0
"""Below this bulk effective sample size (over all chains) a posterior quantile is too noisy to report as is."""


class CalibrationError(FlopcastValueError):
    """A calibration whose sampler diagnostics are bad, raised instead of a warning with ``on_bad="raise"``."""


@dataclass(frozen=True)
class Varies:
    """An assumption that varies by group, drawn from a population with uncertain location and scale.

    Build it with :func:`varies`, which checks its arguments; the fields are as described there.
    """

    name: str
    location: Distribution
    scale: Distribution
    by: str = "subject"
    link: str = "identity"
    predictor: str | None = None
    slope: Distribution | None = None
    predictor_transform: str = "log"
    source: str = ""

    def link_fn(self, x: Any) -> Any:
        """The link (numpy): value -> link scale."""
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.link == "log":
                return np.log(x)
            if self.link == "logit":
                return np.log(x) - np.log1p(-np.asarray(x))
        return x

    def inverse(self, eta: Any, *, symbolic: bool = False) -> Any:
        """The inverse link: link scale -> value (numpy, or PyTensor with ``symbolic=True``)."""
        if symbolic:
            import pytensor.tensor as pt

            return {"log": pt.exp, "logit": pt.sigmoid}.get(self.link, lambda v: v)(eta)
        with np.errstate(over="ignore"):
            if self.link == "log":
                return np.exp(eta)
            if self.link == "logit":
                return 1.0 / (1.0 + np.exp(-np.asarray(eta)))
        return eta

    def transform(self, x: Any) -> Any:
        """The predictor's transform (``log`` or ``identity``)."""
        return np.log(x) if self.predictor_transform == "log" else x


def varies(
    name: str,
    *,
    location: Any,
    scale: Any,
    by: str = "subject",
    link: str = "identity",
    predictor: str | None = None,
    slope: Any = None,
    predictor_transform: str = "log",
    source: str = "",
) -> Varies:
    """Declare that an assumption varies by group, for :func:`flopcast.calibrate` with ``method="nuts"``.

    Parameters
    ----------
    name : str
        The assumption (its prior in the model is replaced by the population for the calibration).
    location : Distribution
        Prior of the population's centre, on the link scale (with ``link="log"``, the centre of ``log value``).
    scale : Distribution
        Prior of the population's spread: the standard deviation of groups on the link scale, positive (e.g.
        ``fc.truncated(fc.Normal(0, 0.5), lower=0)``, a half-normal).
    by : {"subject"}, default "subject"
        The observations' attribute naming their group.
    link : {"identity", "log", "logit"}, default "identity"
        ``"log"`` for a positive assumption (lognormal groups), ``"logit"`` for a share in (0, 1).
    predictor : str, optional
        A group-level predictor: a quantity of the model that every observation fixes in its ``given`` values, the
        same within a group (e.g. ``"params"``).
    slope : Distribution, optional
        Prior of the predictor's coefficient (on the link scale per unit of the transformed predictor); required
        with ``predictor``.
    predictor_transform : {"log", "identity"}, default "log"
        Applied to the predictor before it enters the linear predictor; centred on the mean over the groups.
    source : str, optional
        Why these priors (a source or a reason); kept in the calibration's summary.

    Returns
    -------
    Varies

    Examples
    --------
    >>> import flopcast as fc
    >>> v = fc.varies("utilization", location=fc.Normal(-1.0, 0.5), scale=fc.lognormal(0.1, 1.0), link="log")
    >>> v.name, v.link, v.by
    ('utilization', 'log', 'subject')
    """
    if not isinstance(name, str) or not name:
        raise FlopcastTypeError(f"varies(): name must be an assumption's name, got {name!r}")
    if by != "subject":
        raise FlopcastValueError(f"varies({name!r}): by must be 'subject' (the observations' group), got {by!r}")
    if link not in LINKS:
        raise FlopcastValueError(f"varies({name!r}): link must be one of {LINKS}, got {link!r}")
    if predictor_transform not in ("log", "identity"):
        raise FlopcastValueError(
            f"varies({name!r}): predictor_transform must be 'log' or 'identity', got {predictor_transform!r}"
        )
    loc = as_distribution(location, f"{name} location")
    sc = as_distribution(scale, f"{name} scale")
    if sc.support[0] < 0.0:
        raise FlopcastValueError(
            f"varies({name!r}): scale is a standard deviation, its prior must be on [0, inf), got {sc!r} with "
            f"support {sc.support}; e.g. fc.truncated(fc.Normal(0, 0.5), lower=0)"
        )
    if (predictor is None) != (slope is None):
        raise FlopcastValueError(f"varies({name!r}): give predictor= and slope= together (the slope's prior)")
    if predictor is not None and (not isinstance(predictor, str) or not predictor):
        raise FlopcastTypeError(f"varies({name!r}): predictor must be a quantity's name, got {predictor!r}")
    sl = None if slope is None else as_distribution(slope, f"{name} slope")
    for dist, what in ((loc, "location"), (sc, "scale"), (sl, "slope")):
        if dist is not None and isinstance(dist, Choice):
            raise FlopcastValueError(f"varies({name!r}): the {what} prior must be continuous, got {dist!r}")
    if not isinstance(source, str):
        raise FlopcastTypeError(f"varies({name!r}): source must be a string, got {type(source).__name__}")
    return Varies(name, loc, sc, by, link, predictor, sl, predictor_transform, source)


# ---------------------------------------------------------------------------------------------- setup
@dataclass(frozen=True)
class _Level:
    """One varying assumption resolved against the observations: its groups and their predictor values."""

    spec: Varies
    groups: tuple[str, ...]
    index: np.ndarray  # group of each observation
    x: np.ndarray | None  # transformed, centred predictor per group
    centre: float


def _levels(model: Model, observations: Sequence[Observation], specs: Sequence[Varies]) -> list[_Level]:
    out = []
    for spec in specs:
        if spec.name not in model.assumptions:
            raise FlopcastValueError(f"calibrate(hierarchy=...): varies {model.unknown_message(spec.name)}")
        if not any(spec.name in _inputs(model, obs) for obs in observations):
            raise FlopcastValueError(
                f"calibrate(hierarchy=...): no observation depends on {spec.name!r} (or every one fixes it in "
                "given), so it cannot vary by group"
            )
        missing = [obs.label for obs in observations if not obs.subject]
        if missing:
            raise FlopcastValueError(
                f"calibrate(hierarchy=...): {spec.name!r} varies by subject, but observation(s) {missing} have no "
                "subject; give observe(..., subject=...)"
            )
        groups = tuple(dict.fromkeys(obs.subject for obs in observations))
        index = np.array([groups.index(obs.subject) for obs in observations])
        x, centre = None, 0.0
        if spec.predictor is not None:
            raw = _group_predictor(model, observations, spec, groups)
            t = np.asarray(spec.transform(raw), dtype=float)
            if not np.all(np.isfinite(t)):
                raise FlopcastValueError(
                    f"calibrate(hierarchy=...): predictor {spec.predictor!r} must be positive for a log transform, "
                    f"got {dict(zip(groups, raw.tolist(), strict=True))}"
                )
            centre = float(t.mean())
            x = t - centre
        out.append(_Level(spec, groups, index, x, centre))
    return out


def _group_predictor(model: Model, obs: Sequence[Observation], spec: Varies, groups: Sequence[str]) -> np.ndarray:
    assert spec.predictor is not None
    if spec.predictor not in model:
        raise FlopcastValueError(f"calibrate(hierarchy=...): predictor {model.unknown_message(spec.predictor)}")
    values: dict[str, float] = {}
    for o in obs:
        if spec.predictor not in o.given:
            raise FlopcastValueError(
                f"calibrate(hierarchy=...): the predictor {spec.predictor!r} of {spec.name!r} must be fixed by every "
                f"observation's given values; {o.label} does not give it"
            )
        v = float(o.given[spec.predictor])
        if values.setdefault(o.subject, v) != v:
            raise FlopcastValueError(
                f"calibrate(hierarchy=...): the predictor {spec.predictor!r} is a group-level value, but subject "
                f"{o.subject!r} gives both {values[o.subject]:g} and {v:g}"
            )
    return np.array([values[g] for g in groups])


def _inputs(model: Model, obs: Observation) -> tuple[str, ...]:
    """The assumptions an observation depends on (uncertain or not), given ones excluded."""
    ancestors = model.graph.ancestors([obs.quantity], given=obs.given)
    return tuple(n for n in ancestors if n in model.assumptions and n not in obs.given)


def _batches(observations: Sequence[Observation]) -> list[list[int]]:
    """Indices of observations that can be evaluated as one vector: same quantity, kind and given names."""
    keys: dict[tuple[Any, ...], list[int]] = {}
    for i, obs in enumerate(observations):
        keys.setdefault((obs.quantity, obs.kind, tuple(sorted(obs.given))), []).append(i)
    return list(keys.values())


def _stacked(observations: Sequence[Observation], batch: Sequence[int]) -> Observation:
    """One observation whose given values are the batch's, stacked into arrays (for a vectorized prediction)."""
    first = observations[batch[0]]
    given: Mapping[str, Any] = {k: np.array([observations[i].given[k] for i in batch]) for k in first.given}
    return replace(first, given=given)  # arrays: the model's functions broadcast


# ---------------------------------------------------------------------------------------------- PyMC
def _build(model: Model, observations: Sequence[Observation], levels: Sequence[_Level], shared: Sequence[str]) -> Any:
    import pymc as pm
    import pytensor.tensor as pt

    from flopcast.analysis.calibration.families import to_pymc
    from flopcast.analysis.calibration.pymc_model import log_likelihood_term

    with pm.Model() as pm_model:
        values: dict[str, Any] = {n: to_pymc(model.assumptions[n].distribution, n) for n in shared}
        per_obs: dict[str, Any] = {}
        for level in levels:
            spec = level.spec
            z = pm.Normal(f"{spec.name}__z", 0.0, 1.0, shape=len(level.groups))
            eta = to_pymc(spec.location, f"{spec.name}__location") + to_pymc(spec.scale, f"{spec.name}__scale") * z
            if level.x is not None:
                assert spec.slope is not None
                eta = eta + to_pymc(spec.slope, f"{spec.name}__slope") * pt.as_tensor(level.x)
            per_obs[spec.name] = pm.Deterministic(f"{spec.name}__groups", spec.inverse(eta, symbolic=True))
        for b, batch in enumerate(_batches(observations)):
            env = dict(values)
            for level in levels:
                env[level.spec.name] = per_obs[level.spec.name][level.index[batch]]
            # One vector prediction per batch; each observation's own likelihood term on its element.
            pred = pt.broadcast_to(predict(model, _stacked(observations, batch), env), (len(batch),))
            terms = [log_likelihood_term(observations[i], pred[k]) for k, i in enumerate(batch)]
            pm.Potential(f"batch{b}_{observations[batch[0]].quantity}", pt.sum(pt.stack(terms)))
    return pm_model


def _diagnostics(tree: Any, names: Iterable[str]) -> dict[str, Any]:
    """:func:`~flopcast.analysis.calibration.nuts.diagnose` over every element of every sampled variable."""
    post = {}
    for name in names:
        v = np.asarray(tree["posterior"][name].values, dtype=float)
        flat = v.reshape(v.shape[0], v.shape[1], -1)
        post.update({f"{name}[{k}]": flat[:, :, k] for k in range(flat.shape[2])})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalibrationWarning)  # reported below with the ESS, as on_bad asks
        return diagnose(tree, post)


# ---------------------------------------------------------------------------------------------- result
@dataclass(eq=False)
class HierarchicalCalibration:
    """The outcome of a hierarchical calibration: groups, population, new-group predictions, diagnostics.

    Attributes
    ----------
    prior_model : Model
        The model calibrated.
    observations : tuple of Observation
    hierarchy : tuple of Varies
    groups : dict of str to tuple of str
        The groups of each varying assumption, in order of first appearance.
    predictor_centre : dict of str to float
        The mean transformed predictor over the groups (what the slope is centred on).
    draws : dict of str to ndarray
        Posterior draws, chains concatenated: each shared assumption ``(n,)``; for each varying assumption ``a``,
        ``a__location``, ``a__scale`` (and ``a__slope``) ``(n,)`` and ``a__groups`` ``(n, groups)``.
    diagnostics : dict
        ``divergences``, ``max_r_hat``, ``min_ess``, ``chains``, ``draws``, ``compile_s``, ``sampling_s``.
    """

    method: str
    prior_model: Model
    observations: tuple[Observation, ...]
    hierarchy: tuple[Varies, ...]
    groups: dict[str, tuple[str, ...]]
    predictor_centre: dict[str, float]
    draws: dict[str, np.ndarray] = field(repr=False)
    diagnostics: dict[str, Any]
    seed: Any = None

    @property
    def n(self) -> int:
        """Posterior draws (all chains)."""
        return int(next(iter(self.draws.values())).shape[0])

    def _spec(self, name: str | None) -> Varies:
        if name is None:
            if len(self.hierarchy) > 1:
                raise FlopcastValueError(f"name the varying assumption, one of {[v.name for v in self.hierarchy]}")
            return self.hierarchy[0]
        for spec in self.hierarchy:
            if spec.name == name:
                return spec
        raise FlopcastValueError(
            f"{name!r} does not vary by group in this calibration; the varying assumptions are "
            f"{[v.name for v in self.hierarchy]}"
        )

    def group(self, group: str, name: str | None = None) -> np.ndarray:
        """Posterior draws of the varying assumption for a group in the data."""
        spec = self._spec(name)
        groups = self.groups[spec.name]
        if group not in groups:
            raise FlopcastValueError(f"unknown group {group!r} for {spec.name!r}; the groups are {list(groups)}")
        return self.draws[f"{spec.name}__groups"][:, groups.index(group)]

    def population(self, name: str | None = None) -> dict[str, np.ndarray]:
        """Posterior draws of the population's ``location``, ``scale`` (and ``slope``), on the link scale."""
        spec = self._spec(name)
        keys = ("location", "scale", "slope")
        return {k: self.draws[f"{spec.name}__{k}"] for k in keys if f"{spec.name}__{k}" in self.draws}

    def new_group(
        self,
        name: str | None = None,
        *,
        predictor: float | None = None,
        seed: int | np.random.SeedSequence | None = None,
    ) -> np.ndarray:
        """Posterior predictive draws of the varying assumption for a group not in the data.

        Each draw is a new group drawn from the population at one posterior draw of its location and scale (and
        slope, at ``predictor``): the spread between groups and the uncertainty about the population together.

        Parameters
        ----------
        name : str, optional
            The varying assumption (needed when several vary).
        predictor : float, optional
            The new group's predictor value (untransformed); required when the population has a predictor.
        seed : int or SeedSequence, optional
        """
        spec = self._spec(name)
        pop = self.population(spec.name)
        eta = pop["location"] + pop["scale"] * np.random.default_rng(seed_sequence(seed)).standard_normal(self.n)
        if "slope" in pop:
            if predictor is None:
                raise FlopcastValueError(
                    f"new_group({spec.name!r}): the population has a predictor ({spec.predictor!r}); give predictor="
                )
            x = float(spec.transform(predictor)) - self.predictor_centre[spec.name]
            if not math.isfinite(x):
                raise FlopcastValueError(f"new_group({spec.name!r}): predictor must be positive, got {predictor!r}")
            eta = eta + pop["slope"] * x
        return np.asarray(spec.inverse(eta), dtype=float)

    def _values(self, groups: Mapping[str, str | None], given: Mapping[str, float], seed: Any) -> dict[str, Any]:
        """Posterior draws of every calibrated assumption, each varying one for a known group or a new one."""
        values: dict[str, Any] = {k: v for k, v in self.draws.items() if "__" not in k}
        seeds = seed_sequence(seed).spawn(len(self.hierarchy))
        for spec, s in zip(self.hierarchy, seeds, strict=True):
            group = groups.get(spec.name)
            if group is not None and group in self.groups[spec.name]:
                values[spec.name] = self.group(group, spec.name)
            else:
                x = given.get(spec.predictor) if spec.predictor is not None else None
                values[spec.name] = self.new_group(spec.name, predictor=x, seed=s)
        return values

    def predictive(self, observation: Observation, seed: int | np.random.SeedSequence | None = None) -> np.ndarray:
        """Posterior predictive draws of a measurement: its group's value if the group is known, else a new group.

        A held-out subject (as in :func:`flopcast.leave_one_out`) is a new group: its prediction carries the
        spread between groups. The draws include the observation's measurement noise.
        """
        if not isinstance(observation, Observation):
            raise FlopcastTypeError(f"predictive(): expected an fc.observe(...), got {type(observation).__name__}")
        groups = {spec.name: observation.subject or None for spec in self.hierarchy}
        model_seed, noise_seed = seed_sequence(seed).spawn(2)
        values = self._values(groups, observation.given, model_seed)
        with np.errstate(all="ignore"):
            pred = np.broadcast_to(np.asarray(predict(self.prior_model, observation, values), dtype=float), (self.n,))
        return noise(observation)(pred, np.random.default_rng(noise_seed))

    def model_for(
        self,
        group: str | None = None,
        *,
        predictor: float | None = None,
        seed: int | np.random.SeedSequence | None = None,
    ) -> Model:
        """The posterior model for a known group, or (``group=None``) for a new group drawn from the population.

        The calibrated assumptions are resampled jointly, row by row, from the posterior draws; the varying one
        takes the group's draws, or a new group's (:meth:`new_group`, at ``predictor``).
        """
        given = {} if predictor is None else {s.predictor: predictor for s in self.hierarchy if s.predictor}
        for spec in self.hierarchy:
            if group is not None and group not in self.groups[spec.name]:
                raise FlopcastValueError(
                    f"model_for(): unknown group {group!r}; the groups are {list(self.groups[spec.name])} "
                    "(group=None is a new group from the population)"
                )
        values = self._values({s.name: group for s in self.hierarchy}, given, seed)
        what = f"group {group!r}" if group is not None else "a new group drawn from the population"
        return self.prior_model.with_joint_draws(
            values,
            source=f"hierarchical NUTS posterior of {self.prior_model.name!r} given {len(self.observations)} "
            f"observation(s), for {what}",
        )

    def summary(self, prob: float = 0.9) -> pd.DataFrame:
        """Posterior median and equal-tailed interval of the population, each group and the shared assumptions.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``(kind, name)``: kind ``"population"`` (location, scale, slope, on the link scale, and
            ``new group``: the value for a group not in the data, at the centre of the predictor), ``"group"`` (one
            row per group, with its number of observations) or ``"shared"``; columns ``median``, ``lower``,
            ``upper``, ``observations``.
        """
        import pandas as pd

        prob = check_probability(prob, "prob")
        levels = [0.5, (1 - prob) / 2, (1 + prob) / 2]
        rows: list[tuple[Any, ...]] = []

        def add(kind: str, name: str, draws: np.ndarray, count: float = math.nan) -> None:
            med, lo, hi = (float(v) for v in stats.quantiles(draws, levels))
            rows.append((kind, name, med, lo, hi, count))

        for spec in self.hierarchy:
            for key, draws in self.population(spec.name).items():
                add("population", f"{spec.name} {key} ({spec.link} scale)", draws)
            centre = None if spec.predictor is None else float(np.exp(self.predictor_centre[spec.name]))
            add("population", f"{spec.name} new group", self.new_group(spec.name, predictor=centre, seed=0))
            for g in self.groups[spec.name]:
                count = sum(1 for o in self.observations if o.subject == g)
                add("group", f"{spec.name} {g}", self.group(g, spec.name), count)
        for name, draws in self.draws.items():
            if "__" not in name:
                add("shared", name, draws)
        index = pd.MultiIndex.from_tuples([(r[0], r[1]) for r in rows], names=["kind", "name"])
        table = pd.DataFrame([r[2:] for r in rows], index=index, columns=["median", "lower", "upper", "observations"])
        table.attrs["prob"] = prob
        return table

    def __str__(self) -> str:
        from flopcast.formatting import row as format_row
        from flopcast.formatting import table

        d = self.diagnostics
        head = (
            f"Hierarchical calibration of {self.prior_model.name!r} by NUTS ({len(self.observations)} observations; "
            f"{d['divergences']} divergences, max r_hat {d['max_r_hat']:.3f}, min ESS {d['min_ess']:.0f})"
        )
        summary = self.summary()
        prob = summary.attrs["prob"]
        rows = [
            [kind, name, *format_row([r["median"], (r["lower"], r["upper"])]),
             "" if math.isnan(r["observations"]) else f"{r['observations']:.0f}"]
            for (kind, name), r in summary.iterrows()
        ]  # fmt: skip
        return "\n".join([head, table(["", "quantity", "median", f"{prob:.0%}", "observations"], rows, align="llrrr")])


# ---------------------------------------------------------------------------------------------- fit
def _check_hierarchy(hierarchy: Any) -> tuple[Varies, ...]:
    specs = (hierarchy,) if isinstance(hierarchy, Varies) else tuple(hierarchy)
    if not specs or not all(isinstance(s, Varies) for s in specs):
        raise FlopcastTypeError(f"calibrate(): hierarchy must be fc.varies(...) or a list of them, got {hierarchy!r}")
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise FlopcastValueError(f"calibrate(): an assumption varies twice in hierarchy: {names}")
    return specs


def calibrate_hierarchical(
    model: Model,
    observations: Sequence[Observation],
    hierarchy: Varies | Sequence[Varies],
    n: int = 2000,
    seed: int | np.random.SeedSequence | None = None,
    *,
    chains: int = 2,
    tune: int = 1000,
    cores: int = 1,
    target_accept: float = 0.9,
    progress: bool = False,
    on_bad: str = "warn",
) -> HierarchicalCalibration:
    """Fit a hierarchical calibration with NUTS (PyMC), non-centred; used by ``fc.calibrate(..., hierarchy=)``.

    Parameters
    ----------
    model : Model
    observations : sequence of Observation
        Checked by :func:`flopcast.calibrate`; each needs a ``subject`` (its group).
    hierarchy : Varies or sequence of Varies
        From :func:`varies`.
    n, seed, chains, tune, cores, target_accept, progress
        As for :func:`flopcast.calibrate` with ``method="nuts"``.
    on_bad : {"warn", "raise"}, default "warn"
        What to do when the sampler's diagnostics are bad (divergences, r_hat > 1.05, ESS < 100): a
        :class:`~flopcast.analysis.calibration.result.CalibrationWarning` or a :class:`CalibrationError`.

    Returns
    -------
    HierarchicalCalibration
    """
    specs = _check_hierarchy(hierarchy)
    if on_bad not in ("warn", "raise"):
        raise FlopcastValueError(f"calibrate(): on_bad must be 'warn' or 'raise', got {on_bad!r}")
    settings = NutsSettings(n, chains=chains, tune=tune, cores=cores, target_accept=target_accept, progress=progress)
    obs = tuple(observations)
    levels = _levels(model, obs, specs)
    varying = {s.name for s in specs}
    shared_names = {a for o in obs for a in inputs_of(model, o)} - varying
    shared = [a for a in model.uncertain if a in shared_names]
    for name in shared:
        if isinstance(model.assumptions[name].distribution, Choice):
            raise FlopcastValueError(
                f"calibrate(hierarchy=...): {name!r} is a discrete choice; fix it for the calibration "
                f"(model.replace({name}=...))"
            )
    for corr in model.correlations:
        if set(corr.names) & (set(shared) | varying):
            raise FlopcastValueError(
                f"calibrate(hierarchy=...): assumptions {corr.names} are rank-correlated, which the PyMC model does "
                "not reproduce"
            )
    root = seed_sequence(seed)
    start = time.perf_counter()
    pm_model = _build(model, obs, levels, shared)
    tree, compiled = sample(pm_model, settings, root)
    sampled = time.perf_counter()
    diagnostics = _diagnostics(tree, [v.name for v in pm_model.free_RVs])
    diagnostics.update(compile_s=compiled - start, sampling_s=sampled - compiled)
    post = tree["posterior"]
    keep = [*shared, *(f"{s.name}__{k}" for s in specs for k in ("location", "scale", "slope", "groups"))]
    draws = {}
    for name in keep:
        if name in post:
            v = np.asarray(post[name].values, dtype=float)
            draws[name] = v.reshape(v.shape[0] * v.shape[1], *v.shape[2:])
    divergences, r_hat, ess = diagnostics["divergences"], diagnostics["max_r_hat"], diagnostics["min_ess"]
    problems = []
    if divergences:
        problems.append(f"{divergences} divergent transitions")
    if not r_hat <= RHAT_THRESHOLD:
        problems.append(f"max r_hat {r_hat:.3f} > {RHAT_THRESHOLD}")
    if not ess >= MIN_ESS:
        problems.append(f"min effective sample size {ess:.0f} < {MIN_ESS:.0f}")
    if problems:
        message = (
            f"calibrate(method='nuts', hierarchy=...): {' and '.join(problems)}; the posterior may be biased or too "
            "noisy. Raise tune, n or target_accept, tighten the scale's prior, or check the observations"
        )
        if on_bad == "raise":
            raise CalibrationError(message)
        warnings.warn(message, CalibrationWarning, stacklevel=3)
    return HierarchicalCalibration(
        "nuts",
        model,
        obs,
        specs,
        {lv.spec.name: lv.groups for lv in levels},
        {lv.spec.name: lv.centre for lv in levels},
        draws,
        diagnostics,
        root,
    )
