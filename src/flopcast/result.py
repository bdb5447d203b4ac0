"""Results: the draws of a run, their ArviZ DataTree, summaries and comparisons of scenarios.

The draws live as plain numpy arrays (the engine's output); the xarray/ArviZ ``DataTree`` is built on first
access to :attr:`Result.data`, so runs that only need a few quantiles never pay for xarray or ArviZ.
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast import stats
from flopcast.errors import FlopcastKeyError, FlopcastTypeError, FlopcastValueError, NonFiniteWarning
from flopcast.model import Assumption, Model
from flopcast.validate import check_probability

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from flopcast.design import Plan
    from flopcast.events import Probability

__all__ = ["Comparison", "Result", "StreamedResult", "compare"]

SUMMARY_COLUMNS = (
    "unit", "point", "mean", "sd", "median", "eti_lower", "eti_upper", "hdi_lower", "hdi_upper",
    "mcse_median", "mcse_eti_lower", "mcse_eti_upper", "mcse_hdi_lower", "mcse_hdi_upper", "nonfinite",
)  # fmt: skip
#: The columns a summary shows by default (``full=False``): a subset of the full table, so the same code reads both.
READABLE_COLUMNS = ("unit", "median", "eti_lower", "eti_upper", "mean")


class Result:
    """The draws of one run of a model.

    Parameters
    ----------
    model : Model
        The model that was run.
    draws : mapping of str to ndarray
        One array of ``n`` draws per kept quantity.
    plan : Plan, optional
        The design and seed of the run (for provenance).
    engine : str
        Name of the engine that ran it.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.lognormal(10, 60))
    >>> res = m.simulate(20_000, seed=3)
    >>> lo, hi = res.interval("a", prob=0.9)
    >>> round(lo), round(hi)
    (10, 60)
    """

    def __init__(
        self,
        model: Model,
        draws: Mapping[str, np.ndarray],
        *,
        plan: Plan | None = None,
        engine: str = "local",
    ) -> None:
        self.model = model
        self.draws = dict(draws)
        self.plan = plan
        self.engine = engine
        sizes = {v.shape for v in self.draws.values()}
        if len(sizes) != 1:
            raise FlopcastValueError(f"all draws must have the same shape, got {sorted(sizes)}")
        (shape,) = sizes
        self.n = int(shape[0])
        self._data: Any = None
        self._nonfinite: dict[str, stats.NonFinite] = {}
        self.created = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")

    # ------------------------------------------------------------------ access
    @property
    def names(self) -> tuple[str, ...]:
        """The kept quantities."""
        return tuple(self.draws)

    def __getitem__(self, name: str) -> np.ndarray:
        """The draws of one quantity (a read-only array)."""
        if name not in self.draws:
            if name in self.model:
                raise FlopcastKeyError(
                    f"{name!r} was not kept in this run; simulate with keep=None or include it in keep"
                )
            raise self.model.unknown(name)
        return self.draws[name]

    def __contains__(self, name: object) -> bool:
        return name in self.draws

    def __repr__(self) -> str:
        design = self.plan.kind if self.plan else "?"
        return f"Result(model={self.model.name!r}, n={self.n}, design={design!r}, quantities={len(self.draws)})"

    def _repr_html_(self) -> str:
        from flopcast.html import result_html

        return result_html(self, draws=self.draws)

    @property
    def seed(self) -> int | Sequence[int] | None:
        """The entropy of the run's root seed (repeat the run with ``seed=`` this value)."""
        return None if self.plan is None else self.plan.root.entropy

    def unit(self, name: str) -> str:
        """The declared unit of a quantity."""
        return self.model[name].unit

    def nonfinite(self, name: str) -> stats.NonFinite:
        """How many draws of a quantity are NaN or infinite (counted once, then kept).

        Examples
        --------
        >>> import numpy as np
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.normal(mean=1, sd=1))
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", fc.errors.ModelWarning)  # the build already warns about it
        ...     @m.derive
        ...     def r(a):
        ...         return fc.log(a)  # NaN where a < 0: Phi(-1) = 15.9% of the draws
        >>> with np.errstate(invalid="ignore"):
        ...     bad = m.simulate(10_000, seed=0).nonfinite("r")
        >>> bad.nan, round(bad.share, 2)
        (1608, 0.16)
        """
        if name not in self._nonfinite:
            self._nonfinite[name] = stats.NonFinite.of(self[name])
        return self._nonfinite[name]

    def _finite(self, name: str, what: str) -> np.ndarray:
        """The finite draws of a quantity, after warning how many were dropped (or refusing if none is left)."""
        self.nonfinite(name).check(name, what, stacklevel=4)
        return stats.finite(self[name])

    # ------------------------------------------------------------------ statistics
    def quantile(self, name: str, q: float | Iterable[float]) -> np.ndarray:
        """Quantiles of a quantity's draws (linear interpolation, like ``np.quantile``).

        NaN and infinite draws are left out, with a :class:`~flopcast.errors.NonFiniteWarning` that says how many:
        the quantiles are those of the finite draws (a quantity with no finite draw is refused).

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.uniform(0, 1))
        >>> m.simulate(100_001, seed=0, design="lhs").quantile("a", [0.5]).round(3).tolist()
        [0.5]
        """
        levels = np.atleast_1d(np.asarray(list(q) if not np.isscalar(q) else [q], dtype=float))
        if np.any((levels < 0) | (levels > 1)) or not np.all(np.isfinite(levels)):
            raise FlopcastValueError(f"quantile levels must lie in [0, 1], got {levels.tolist()}")
        return stats.quantiles(self._finite(name, "its quantile"), levels)

    def interval(self, name: str, prob: float = 0.9, kind: str = "eti") -> tuple[float, float]:
        """The equal-tailed (``"eti"``) or highest-density (``"hdi"``) interval holding ``prob`` of the draws.

        Of the finite draws, as :meth:`quantile`.
        """
        prob = check_probability(prob, "prob")
        if kind not in ("eti", "hdi"):
            raise FlopcastValueError(f"kind must be 'eti' or 'hdi', got {kind!r}")
        x = self._finite(name, "its interval")
        return stats.eti(x, prob) if kind == "eti" else stats.hdi(x, prob)

    def summary(
        self, prob: float = 0.9, quantities: Iterable[str] | str | None = None, *, full: bool = False
    ) -> pd.DataFrame:
        """A table per quantity: unit, median, the equal-tailed ``prob`` interval and the mean.

        By default the table is readable: those columns, for the quantities that vary (constants are left out
        unless named in ``quantities``). ``full=True`` gives every column: unit, point value, mean, sd, median,
        ETI and HDI, and their Monte Carlo standard errors, for every quantity.

        The Monte Carlo standard errors (``mcse_*``) are those of independent draws (exact for the random
        design, an upper bound for Latin hypercube and Sobol'). Every statistic is of the finite draws: the column
        ``nonfinite`` counts the NaN and infinite draws left out, and a :class:`~flopcast.errors.NonFiniteWarning`
        names each quantity that has some, with their share.

        A quantity that varies but has a single (finite) draw, as in a run of ``n=1``, keeps its row: the median
        and the mean are that value, and the intervals, the sd and the Monte Carlo errors, which need two draws at
        least, are NaN, with a :class:`~flopcast.errors.SmallSampleWarning` that says so. The mean and the sd of
        a quantity whose distribution has none (a Cauchy, a Student t with ``df <= 2`` for the sd: see
        :meth:`~flopcast.distributions.Distribution.defined_moments`), or of a derived quantity that depends on
        one, are NaN too, with a :class:`~flopcast.errors.UndefinedMomentWarning`: their sample values would not
        converge as draws are added. Medians and intervals exist for every distribution.

        Parameters
        ----------
        prob : float, default 0.9
            Mass of the intervals, in (0, 1).
        quantities : str or iterable of str, optional
            Which quantities (default: all kept).
        full : bool, default False
            Every column and every quantity, constants included.

        Returns
        -------
        pandas.DataFrame
            Indexed by quantity; ``attrs["prob"]`` records ``prob``.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.normal(mean=0, sd=1))
        >>> _ = m.assume("b", 2.0)
        >>> res = m.simulate(100_000, seed=0)
        >>> res.summary().round(2)
                 unit  median  eti_lower  eti_upper  mean
        quantity
        a           1    -0.0      -1.64       1.64  -0.0
        >>> table = res.summary(prob=0.9, full=True)
        >>> float(round(table.loc["a", "eti_upper"], 1)), float(round(table.loc["a", "mcse_median"], 3))
        (1.6, 0.004)
        """
        prob = check_probability(prob, "prob")
        names = self.names if quantities is None else self.model.check_names(quantities)
        point = self.model.point()
        rows, counts = [], []
        for name in names:
            x = self._finite(name, "its summary")
            hlo, hhi = stats.hdi(x, prob)
            # Levels of the HDI bounds, to give them the standard error of quantiles at those levels.
            q_hlo = float(np.count_nonzero(x < hlo)) / x.size
            levels = [0.5, (1 - prob) / 2, (1 + prob) / 2, q_hlo, min(q_hlo + prob, 1.0)]
            median, lo, hi = stats.quantiles(x, levels[:3])
            sd = float(np.std(x, ddof=1)) if x.size > 1 else 0.0
            rows.append((self.unit(name), point[name], float(np.mean(x)), sd, float(median), float(lo), float(hi),
                         hlo, hhi, *map(float, stats.quantile_mcse(x, levels)),
                         self.nonfinite(name).count))  # fmt: skip
            counts.append(x.size)
        table = undefined_moments(self.model, single_draws(self.model, summary_frame(names, rows, prob), counts))
        return readable(table, full, keep_constants=quantities is not None)

    def prob(self, event: Any) -> Probability:
        """The probability of an event on the same draws, with its Monte Carlo standard error.

        Parameters
        ----------
        event : str, expression or callable
            A comparison of quantities and numbers such as ``"peak_fleet_gpus > 1e6"`` or ``"a > b and c < 2"``
            (parsed, never run as Python; see :mod:`flopcast.events`), a comparison of :func:`flopcast.ref`
            (``fc.ref("a") > fc.ref("b")``), or a function of this result returning a boolean per draw.
            Quantities compared, added or subtracted in a string or an expression must share a unit (minutes
            and hours are refused: the draws are plain numbers in each quantity's unit); a bare number is in
            the unit of the quantity it meets.

        Returns
        -------
        Probability
            ``float()`` of it is the estimate; ``.mcse`` its standard error ``sqrt(p (1 - p) / n)``.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.normal(mean=0, sd=1))
        >>> _ = m.assume("b", fc.normal(mean=0, sd=1))
        >>> res = m.simulate(100_000, seed=1)
        >>> p = res.prob("a > 1.6448536")  # 5% for a standard normal
        >>> round(float(p), 3), round(p.mcse, 4)
        (0.051, 0.0007)
        >>> round(float(res.prob(lambda r: r["a"] > r["b"])), 2)
        0.5
        """
        from flopcast.events import probability

        return probability(event, self, self.n)

    def percentile_of(self, name: str, value: float) -> float:
        """The percentage of draws of ``name`` at or below ``value`` (``scipy.stats.percentileofscore``, weak).

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("a", fc.uniform(0, 1))
        >>> round(m.simulate(100_000, seed=1).percentile_of("a", 0.25))
        25
        """
        from flopcast.validate import check_real

        x = self._finite(name, "its percentile")
        v = check_real(value, "value", f"percentile_of({name!r})")
        return 100.0 * float(np.count_nonzero(x <= v)) / x.size

    # ------------------------------------------------------------------ xarray / ArviZ
    @property
    def data(self) -> xr.DataTree:
        """The draws as an ArviZ ``DataTree``: group ``prior``, dims ``(chain=1, draw=n)``, units in attrs."""
        if self._data is None:
            self._data = self._to_datatree()
        return self._data

    def _to_datatree(self) -> xr.DataTree:
        import arviz_base

        from flopcast.version import __version__

        tree = arviz_base.from_dict({"prior": {name: np.asarray(x)[None, :] for name, x in self.draws.items()}})
        prior = tree["prior"]
        for name in self.draws:
            prior[name].attrs.update(variable_attrs(self.model, name))
        tree.attrs.update(
            {
                "model": self.model.name,
                "n": self.n,
                "seed": str(self.seed),
                "design": self.plan.kind if self.plan else "",
                "engine": self.engine,
                "flopcast_version": __version__,
                "created": self.created,
            }
        )
        return tree

    def to_netcdf(self, path: Any) -> None:
        """Write the DataTree of the draws to a netCDF file (read it back with ``xarray.open_datatree``).

        The file is written under a temporary name beside ``path`` and renamed into place, so an interrupted
        write leaves the previous file, never a truncated one (see :func:`flopcast.output_folder.atomic_write`).
        """
        from flopcast.output_folder import atomic_write

        data = self.data
        atomic_write(path, lambda tmp: data.to_netcdf(tmp, engine="h5netcdf"))


#: The columns a single draw cannot give: the spread, the intervals and the Monte Carlo errors.
SPREAD_COLUMNS = tuple(c for c in SUMMARY_COLUMNS if c in ("sd",) or c.startswith(("eti_", "hdi_", "mcse_")))


def single_draws(model: Model, table: pd.DataFrame, counts: Sequence[int]) -> pd.DataFrame:
    """Blank (NaN) the spread of the quantities that vary but have one finite draw, and warn once naming them.

    ``counts`` are the finite draws of each row. A quantity that is constant in the model (no uncertain
    assumption upstream) keeps its spread of 0 and its interval, the value. Returns ``table``, changed in place.
    """
    from flopcast.errors import SmallSampleWarning

    uncertain = set(model.uncertain)
    few = [
        name for name, count in zip(table.index, counts, strict=True)
        if count < 2 and uncertain.intersection(model.graph.ancestors([name]))
    ]  # fmt: skip
    if few:
        table.loc[few, list(SPREAD_COLUMNS)] = np.nan
        shown = ", ".join(repr(name) for name in few[:5]) + (f" and {len(few) - 5} more" if len(few) > 5 else "")
        warnings.warn(
            f"summary: {shown} {'has' if len(few) == 1 else 'have'} a single finite draw, so the table gives the "
            "value (as median and mean) with no interval, sd or Monte Carlo error (NaN): an interval needs two "
            "draws at least, and thousands to be stable; simulate with a larger n",
            SmallSampleWarning,
            skip_file_prefixes=(_PACKAGE,),
        )
    return table


_PACKAGE = str(Path(__file__).resolve().parent)


def undefined_moments(model: Model, table: pd.DataFrame) -> pd.DataFrame:
    """Blank (NaN) the mean and the sd of the quantities that have none, and warn once naming them and why.

    A quantity has no mean (no sd) when its own distribution has none, or, for a derived quantity, when an
    assumption it depends on has none (a function of a Cauchy generally has no mean either). Returns ``table``,
    changed in place.
    """
    from flopcast import formatting
    from flopcast.errors import UndefinedMomentWarning

    assumptions = model.assumptions
    lacking = {a: assumptions[a].distribution.defined_moments() for a in model.uncertain}
    lacking = {a: k for a, k in lacking.items() if k < 2}
    notes = []
    for name in table.index if lacking else ():
        upstream = {a: lacking[a] for a in model.graph.ancestors([name]) if a in lacking}
        if not upstream:
            continue
        fewest = min(upstream.values())
        what = "mean and sd" if fewest == 0 else "sd"
        table.loc[name, ["mean", "sd"] if fewest == 0 else ["sd"]] = np.nan
        if name in upstream:
            family = formatting.distribution(assumptions[name].distribution).split(",")[0]
            notes.append(f"{name!r} ({family}) has no {what}")
        else:
            notes.append(f"{name!r} has no {what}: it depends on {', '.join(map(repr, upstream))}")
    if notes:
        warnings.warn(
            "summary: " + "; ".join(notes) + ". They are NaN: a sample mean or sd of such a quantity does not "
            "converge as draws are added; read its median and intervals",
            UndefinedMomentWarning,
            skip_file_prefixes=(_PACKAGE,),
        )
    return table


def readable(table: pd.DataFrame, full: bool, keep_constants: bool) -> pd.DataFrame:
    """The readable summary (:data:`READABLE_COLUMNS` of the quantities that vary), unless ``full``.

    The ``nonfinite`` column is kept too when some quantity has NaN or infinite draws left out.
    """
    if full:
        return table
    rows = table if keep_constants else table[~(table["sd"] == 0)]
    out = rows.loc[:, readable_columns(rows)].copy()
    out.attrs.update(table.attrs)
    return out


def readable_columns(table: pd.DataFrame) -> list[str]:
    """:data:`READABLE_COLUMNS`, and ``nonfinite`` when some row of ``table`` left NaN or infinite draws out."""
    return [*READABLE_COLUMNS, *(["nonfinite"] if (table["nonfinite"] > 0).any() else [])]


def summary_frame(names: Iterable[str], rows: list[tuple[Any, ...]], prob: float) -> pd.DataFrame:
    """The summary table shared by kept and streamed results."""
    import pandas as pd

    table = pd.DataFrame(rows, index=pd.Index(list(names), name="quantity"), columns=list(SUMMARY_COLUMNS))
    table.attrs["prob"] = prob
    return table


class StreamedResult:
    """The summary of a run whose draws were not kept (``simulate(..., stream=True)``).

    Moments are merged exactly; quantiles are exact order statistics of all draws (see :mod:`flopcast.streaming`).

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(0, 1))
    >>> res = m.simulate(50_000, seed=0, stream=True)
    >>> full = m.simulate(50_000, seed=0)
    >>> bool(res.quantile("a", 0.05)[0] == full.quantile("a", 0.05)[0])
    True
    """

    def __init__(
        self, model: Model, summaries: Mapping[str, Any], *, plan: Plan, engine: str = "local", prob: float = 0.9
    ) -> None:
        self.model = model
        self.summaries = dict(summaries)
        self.plan = plan
        self.engine = engine
        self.prob = prob
        self.n = plan.n
        self.created = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")

    @property
    def names(self) -> tuple[str, ...]:
        """The summarized quantities."""
        return tuple(self.summaries)

    def _repr_html_(self) -> str:
        from flopcast.html import result_html

        return result_html(self, draws=None)

    @property
    def seed(self) -> int | Sequence[int] | None:
        """The entropy of the run's root seed."""
        return self.plan.root.entropy

    def __repr__(self) -> str:
        return f"StreamedResult(model={self.model.name!r}, n={self.n}, design={self.plan.kind!r}, prob={self.prob})"

    def _get(self, name: str, what: str = "") -> Any:
        """The streamed summary of a quantity; with ``what``, after warning about its non-finite draws."""
        if name not in self.summaries:
            raise self.model.unknown(name, "summarized quantity")
        if what:
            self.summaries[name].nonfinite.check(name, what, stacklevel=4)
        return self.summaries[name]

    def nonfinite(self, name: str) -> stats.NonFinite:
        """How many draws of a quantity were NaN or infinite (left out of its summary, as in :class:`Result`)."""
        return self._get(name).nonfinite

    def quantile(self, name: str, q: float | Iterable[float]) -> np.ndarray:
        """Exact quantiles of the finite draws at the levels that were streamed (median, bounds, ``levels=``)."""
        levels = np.atleast_1d(np.asarray(list(q) if not np.isscalar(q) else [q], dtype=float))
        return np.asarray(self._get(name, "its quantile").quantiles(levels))

    def mean(self, name: str) -> float:
        """The exact mean of all finite draws of a quantity."""
        return float(self._get(name, "its mean").moments.mean)

    def interval(self, name: str, prob: float | None = None, kind: str = "eti") -> tuple[float, float]:
        """The equal-tailed or highest-density interval at the streamed ``prob``."""
        if prob is not None and prob != self.prob:
            raise FlopcastValueError(
                f"this run streamed intervals at prob={self.prob}, got prob={prob}; simulate again"
            )
        summary = self._get(name, "its interval")
        if kind == "eti":
            lo, hi = summary.quantiles(np.array([(1 - self.prob) / 2, (1 + self.prob) / 2]))
        elif kind == "hdi":
            lo, hi = summary.hdi
        else:
            raise FlopcastValueError(f"kind must be 'eti' or 'hdi', got {kind!r}")
        return float(lo), float(hi)

    def summary(
        self, prob: float | None = None, quantities: Iterable[str] | str | None = None, *, full: bool = False
    ) -> pd.DataFrame:
        """The same table as :meth:`Result.summary` (readable, or ``full=True``), at the ``prob`` the run streamed."""
        if prob is not None and prob != self.prob:
            raise FlopcastValueError(
                f"this run streamed intervals at prob={self.prob}, got prob={prob}; simulate again"
            )
        prob = self.prob
        names = self.names if quantities is None else self.model.check_names(quantities)
        point = self.model.point()
        rows, counts = [], []
        for name in names:
            s = self._get(name, "its summary")
            levels = np.array([0.5, (1 - prob) / 2, (1 + prob) / 2])
            values = s.quantiles(levels)
            mcse = s.mcse(np.array([*levels, *s.hdi_levels]))
            rows.append((self.model[name].unit, point[name], s.moments.mean, s.moments.sd, *map(float, values),
                         *s.hdi, *map(float, mcse), s.nonfinite.count))  # fmt: skip
            counts.append(s.n)
        table = undefined_moments(self.model, single_draws(self.model, summary_frame(names, rows, prob), counts))
        return readable(table, full, keep_constants=quantities is not None)


def variable_attrs(model: Model, name: str) -> dict[str, str]:
    """Attributes stored with a quantity's draws: unit, kind and source (for a derived one, its formula's inputs)."""
    node = model[name]
    if isinstance(node, Assumption):
        return {
            "unit": node.unit,
            "kind": "assumption",
            "distribution": repr(node.distribution),
            "source": node.source,
            "note": node.note,
        }
    inputs = ", ".join(node.inputs)
    source = node.source or f"computed by {getattr(node.function, '__name__', node.name)}({inputs})"
    return {"unit": node.unit, "kind": "derived", "source": source, "inputs": inputs, "note": node.note}


#: The paired columns of a comparison: per-draw ratio and difference of a scenario to the baseline, and the
#: probability that the scenario is lower than the baseline in the same draw.
PAIRED_COLUMNS = ("ratio_median", "ratio_lower", "ratio_upper", "diff_median", "diff_lower", "diff_upper", "p_lower")


@dataclass(frozen=True)
class Comparison:
    """Several scenarios run on the same seed (common random numbers): differences are not sampling noise.

    The first scenario is the baseline. Because the scenarios share their random numbers, the ratio and the
    difference of a quantity between a scenario and the baseline are computed draw by draw (*paired*): their
    intervals show the effect of the change alone, much narrower than what two independent runs would suggest.
    """

    results: dict[str, Result]

    def __repr__(self) -> str:
        first = next(iter(self.results.values()))
        return f"Comparison(baseline={self.baseline!r}, scenarios={list(self.results)}, n={first.n})"

    def _repr_html_(self) -> str:
        from flopcast.html import comparison_html

        return comparison_html(self)

    @property
    def baseline(self) -> str:
        """The label of the baseline scenario (the first)."""
        return next(iter(self.results))

    def _quantities(self, quantities: Iterable[str] | str | None) -> list[str]:
        if quantities is None:
            first = self.results[self.baseline]
            return [n for n in first.names if all(n in r for r in self.results.values())]
        return list(self.results[self.baseline].model.check_names(quantities))

    def summary(
        self, prob: float = 0.9, quantities: Iterable[str] | str | None = None, *, full: bool = False
    ) -> pd.DataFrame:
        """One table with a (quantity, scenario) index: each scenario's summary and the paired columns.

        The paired columns (:data:`PAIRED_COLUMNS`) compare each scenario with the baseline draw by draw: the
        median and ``prob`` interval of the ratio and of the difference, and ``p_lower``, the probability that
        the scenario is lower (empty for the baseline itself). By default the table is readable (see
        :meth:`Result.summary`; quantities constant in every scenario are left out); ``full=True`` gives every
        column of the scenarios' summaries.
        """
        import pandas as pd

        names = self._quantities(quantities)
        tables = {}
        for label, res in self.results.items():  # the warnings about non-finite draws name the scenario
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", NonFiniteWarning)
                tables[label] = res.summary(prob, names, full=True)
            for w in caught:
                if issubclass(w.category, NonFiniteWarning):
                    warnings.warn(f"scenario {label!r}: {w.message}", NonFiniteWarning, stacklevel=2)
                else:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        table = pd.concat(tables, names=["scenario"]).swaplevel(0, 1)
        order = list(tables)
        table = table.reindex(pd.MultiIndex.from_product([list(dict.fromkeys(table.index.get_level_values(0))), order]))
        table.index.names = ["quantity", "scenario"]
        if not full:
            varies = table["sd"].groupby(level="quantity", sort=False).max() > 0
            keep = names if quantities is not None else [n for n in varies.index if varies[n]]
            table = table.loc[keep, readable_columns(table)]
        paired = self.paired(prob, list(dict.fromkeys(table.index.get_level_values(0))))
        table = table.join(paired)
        table.attrs["prob"] = prob
        return table

    def paired(self, prob: float = 0.9, quantities: Iterable[str] | str | None = None) -> pd.DataFrame:
        """The paired columns alone: scenario / baseline and scenario - baseline, draw by draw.

        Parameters
        ----------
        prob : float, default 0.9
            Mass of the intervals of the ratio and the difference.
        quantities : str or iterable of str, optional
            Which quantities (default: those every scenario kept).

        Returns
        -------
        pandas.DataFrame
            Indexed by (quantity, scenario), one row per scenario other than the baseline. A ratio is NaN in
            the draws where the baseline is 0.

        Examples
        --------
        >>> import flopcast as fc
        >>> m = fc.Model("m")
        >>> _ = m.assume("flop", fc.lognormal(1e24, 1e25), unit="FLOP")
        >>> _ = m.assume("mfu", fc.uniform(0.3, 0.5))
        >>> @m.derive(unit="FLOP")
        ... def gpu_work(flop, mfu):
        ...     return flop / mfu
        >>> cmp = fc.compare({"base": m, "MFU 60%": m.replace(mfu=0.6)}, n=10_000, seed=1)
        >>> row = cmp.paired(quantities="gpu_work").loc[("gpu_work", "MFU 60%")]
        >>> [round(float(row[c]), 2) for c in ("ratio_median", "ratio_lower", "ratio_upper", "p_lower")]
        [0.66, 0.52, 0.82, 1.0]
        """
        import pandas as pd

        prob = check_probability(prob, "prob")
        names = self._quantities(quantities)
        base = self.results[self.baseline]
        levels = [0.5, (1 - prob) / 2, (1 + prob) / 2]
        rows, index = [], []
        for name in names:
            for label, res in self.results.items():
                if label == self.baseline:
                    continue
                if not isinstance(res, Result) or not isinstance(base, Result):
                    raise FlopcastValueError("paired comparisons need the draws; run compare() without keep='summary'")
                x, y = res[name], base[name]
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(y != 0, x / np.where(y != 0, y, 1.0), np.nan)
                finite = ratio[np.isfinite(ratio)]
                r = stats.quantiles(finite, levels) if finite.size else np.full(3, np.nan)
                d = stats.quantiles(x - y, levels)
                rows.append((*map(float, r), *map(float, d), float(np.mean(x < y))))
                index.append((name, label))
        table = pd.DataFrame(
            rows,
            index=pd.MultiIndex.from_tuples(index, names=["quantity", "scenario"]),
            columns=list(PAIRED_COLUMNS),
        )
        table.attrs["prob"] = prob
        return table

    def __str__(self) -> str:
        """One line per scenario and quantity: the paired ratio to the baseline and the chance it is lower."""
        from flopcast.formatting import eng, interval

        table = self.summary()
        lines = [f"compared with {self.baseline!r} draw by draw ({int(100 * table.attrs['prob'])}% intervals):"]
        for (name, label), row in table.iterrows():
            if label == self.baseline or row["diff_lower"] == row["diff_upper"] == 0:
                continue  # the baseline itself, and quantities the scenario leaves unchanged draw by draw
            lines.append(
                f"  {label}: {name} x{eng(row['ratio_median'])} ({interval(row['ratio_lower'], row['ratio_upper'])}), "
                f"P(lower) {row['p_lower']:.2f}"
            )
        return "\n".join(lines)


def compare(
    models: Mapping[str, Model],
    n: int,
    *,
    seed: int | np.random.SeedSequence | None = None,
    design: str = "random",
    keep: Iterable[str] | str | None = None,
    chunk_size: int | None = None,
) -> Comparison:
    """Run several models (scenarios) on the same seed and compare them.

    Draws are keyed by assumption name, so an assumption that two scenarios share gets the same draws in both:
    the scenarios differ only where their assumptions differ.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("steps", fc.lognormal(30, 250), unit="step")
    >>> _ = m.assume("cost", fc.lognormal(1, 2), unit="s/step")
    >>> @m.derive(unit="s")
    ... def latency(steps, cost):
    ...     return steps * cost
    >>> cmp = fc.compare({"base": m, "fewer steps": m.replace(steps=20)}, n=10_000, seed=1)
    >>> table = cmp.summary()
    >>> bool(table.loc[("latency", "fewer steps"), "median"] < table.loc[("latency", "base"), "median"])
    True
    """
    if not isinstance(models, Mapping) or not models:
        raise FlopcastValueError("compare() needs a non-empty mapping of scenario label -> Model")
    from flopcast.design import seed_sequence

    root = seed_sequence(seed)
    results = {}
    for label, model in models.items():
        if not isinstance(model, Model):
            raise FlopcastTypeError(f"compare(): scenario {label!r} must be a Model, got {type(model).__name__}")
        results[str(label)] = model.simulate(n, seed=root, design=design, keep=keep, chunk_size=chunk_size)
    return Comparison(results)
