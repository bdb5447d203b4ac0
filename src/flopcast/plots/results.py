"""Figures of a run's draws: a forest plot of intervals and the distributions of the outputs.

Both functions take a :class:`~flopcast.Result` and return a :class:`matplotlib.figure.Figure`. They build the
figure with the object-oriented API (``matplotlib.figure.Figure``, never ``pyplot``): no figure is registered with
pyplot, no backend is selected and no rcParams are changed, so calling them in a notebook or a script leaves global
matplotlib state as it was. Show a figure in a notebook by leaving it as the last expression of a cell; save it
with ``fig.savefig("forest.png")``.

Why not ArviZ's ``plot_forest``/``plot_dist``: the outputs of a compute model span tens of orders of magnitude in
different units, so each quantity needs its own log axis labelled with its unit and the reference values (the
article's) marked on it; ArviZ's matplotlib backend also creates its figures through ``pyplot``. The statistics
are the same as :meth:`flopcast.Result.summary` (equal-tailed intervals, linear-interpolation quantiles).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast import stats
from flopcast.errors import FlopcastValueError
from flopcast.validate import check_probability

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from flopcast.result import Result

__all__ = ["default_quantities", "distribution_plot", "forest_plot"]

#: Colours (colour-blind safe, Okabe-Ito) used by every flopcast figure.
INTERVAL_COLOR = "#0072B2"
REFERENCE_COLOR = "#D55E00"
MEDIAN_COLOR = "#000000"

Reference = Mapping[str, float | Sequence[float]]


def _figure(width: float, height: float) -> Figure:
    """A Figure that pyplot does not know about (no global state touched)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def default_quantities(result: Result) -> tuple[str, ...]:
    """The quantities to show by default: the model's headline (:attr:`flopcast.Model.headline`) that was kept.

    If none of it was kept, the kept uncertain assumptions are shown, else every kept quantity.

    Examples
    --------
    >>> from flopcast.catalog import sora
    >>> res = sora.uncertain().simulate(1000, seed=0)
    >>> default_quantities(res)[:2]
    ('sora_train_flop', 'train_gpu_months')
    """
    model = result.model
    headline = [n for n in model.headline if n in result]
    if headline:
        return tuple(headline)
    uncertain = [n for n in model.uncertain if n in result]
    return tuple(uncertain) if uncertain else result.names


def _names(result: Result, quantities: Iterable[str] | str | None) -> tuple[str, ...]:
    if quantities is None:
        return default_quantities(result)
    names = (quantities,) if isinstance(quantities, str) else tuple(quantities)
    if not names:
        raise FlopcastValueError("quantities must name at least one quantity")
    for name in names:
        result[name]  # raises a KeyError naming the known quantities
    return names


def _reference_values(reference: Reference | None, name: str) -> tuple[float, ...]:
    if reference is None or name not in reference:
        return ()
    value = reference[name]
    values = (value,) if np.isscalar(value) else tuple(value)
    return tuple(dict.fromkeys(float(v) for v in values))


def _use_log(values: np.ndarray, refs: Sequence[float], log: bool | None) -> bool:
    positive = bool(np.all(values > 0)) and all(r > 0 for r in refs)
    if log is None:
        return positive
    if log and not positive:
        raise FlopcastValueError("log=True needs positive values; pass log=False (or None to choose automatically)")
    return log


def _label(result: Result, name: str) -> str:
    unit = result.unit(name)
    return name if unit in ("", "1") else f"{name}\n[{unit}]"


def _pad_log_limits(ax: Axes, lo: float, hi: float) -> None:
    """Pad limits by a share of the span (in log space), and to at least a factor 10 around a single value."""
    llo, lhi = np.log10(lo), np.log10(hi)
    span = max(lhi - llo, 1.0)
    mid = (llo + lhi) / 2
    llo, lhi = min(llo, mid - span / 2), max(lhi, mid + span / 2)
    pad = 0.08 * (lhi - llo)
    ax.set_xlim(10 ** (llo - pad), 10 ** (lhi + pad))


def _log_ticks(ax: Axes) -> None:
    """Label only the powers of ten (in flopcast's number style); unlabelled minor ticks between them."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    from flopcast.formatting import eng

    def label(value: float, _pos: int) -> str:
        exponent = int(np.round(np.log10(value))) if value > 0 else 0
        return eng(value) if -2 <= exponent < 4 else f"1e{exponent}"

    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=7))
    ax.xaxis.set_major_formatter(FuncFormatter(label))
    ax.xaxis.set_minor_formatter(NullFormatter())


def forest_plot(
    result: Result,
    quantities: Iterable[str] | str | None = None,
    *,
    probs: Sequence[float] = (0.9, 0.5),
    reference: Reference | None = None,
    reference_label: str = "reference",
    log: bool | None = None,
    title: str | None = None,
) -> Figure:
    """A forest plot: the median and equal-tailed intervals of each quantity on its own (log) axis.

    Parameters
    ----------
    result : Result
        A run of a model.
    quantities : str or iterable of str, optional
        Quantities to show, one row each (default: :func:`default_quantities`).
    probs : sequence of float, default (0.9, 0.5)
        Masses of the intervals drawn, widest thinnest.
    reference : mapping, optional
        Values to mark on each row, ``name -> value`` or ``name -> (low, high)``, e.g.
        :data:`flopcast.catalog.sora.ARTICLE_VALUES`.
    reference_label : str, default "reference"
        Legend label of the reference values.
    log : bool, optional
        Log x axes (default: when every value is positive).
    title : str, optional
        Figure title (default: the model's name, the number of draws and the intervals).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from flopcast.catalog import sora
    >>> res = sora.uncertain().simulate(10_000, seed=1)
    >>> fig = forest_plot(res, reference=sora.ARTICLE_VALUES)
    >>> len(fig.axes), fig.axes[0].get_xscale()
    (8, 'log')
    """
    names = _names(result, quantities)
    levels = sorted((check_probability(p, "probs") for p in probs), reverse=True)
    if not levels:
        raise FlopcastValueError("probs must hold at least one interval mass, e.g. (0.9, 0.5)")
    fig = _figure(8.0, 0.95 * len(names) + 1.1)
    axes = fig.subplots(len(names), 1, squeeze=False)[:, 0]
    widths = np.linspace(2.5, 8.0, len(levels))
    handles: dict[str, Any] = {}
    rows = []
    for name in names:
        x = stats.finite(result[name])  # NaN and inf draws are left out, as in the summary
        refs = _reference_values(reference, name)
        qs = [q for p in levels for q in ((1 - p) / 2, (1 + p) / 2)] + [0.5]
        values = stats.quantiles(x, qs)
        rows.append((name, refs, values, _use_log(x, refs, log)))
    # One span (in decades) for every log row, so the lengths of the intervals compare across rows.
    spans = [np.log10(max([v[1], *r]) / min([v[0], *r])) for _, r, v, lg in rows if lg]
    decades = max([1.0, *spans]) * 1.16
    for ax, (name, refs, values, use_log) in zip(axes, rows, strict=True):
        median = float(values[-1])
        for i, (p, lw) in enumerate(zip(levels, widths, strict=True)):
            lo, hi = float(values[2 * i]), float(values[2 * i + 1])
            alpha = 0.45 + 0.5 * i / max(len(levels) - 1, 1)
            (line,) = ax.plot([lo, hi], [0, 0], color=INTERVAL_COLOR, lw=lw, alpha=alpha, solid_capstyle="butt")
            handles.setdefault(f"{p:.0%} interval", line)
        (dot,) = ax.plot([median], [0], "o", color=MEDIAN_COLOR, ms=5, zorder=3)
        handles.setdefault("median", dot)
        if refs:
            (mark,) = ax.plot(refs, [0] * len(refs), "D", color=REFERENCE_COLOR, ms=6, zorder=4, mfc="none", mew=1.6)
            handles.setdefault(reference_label, mark)
        ax.set_yticks([0], [_label(result, name)])
        ax.set_ylim(-1, 1)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", which="major", alpha=0.3)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        lo_all, hi_all = min([float(values[0]), *refs]), max([float(values[1]), *refs])
        if use_log:
            ax.set_xscale("log")
            mid = (np.log10(lo_all) + np.log10(hi_all)) / 2
            ax.set_xlim(10 ** (mid - decades / 2), 10 ** (mid + decades / 2))
            _log_ticks(ax)
        else:
            pad = 0.08 * (hi_all - lo_all) or max(abs(lo_all) * 0.1, 1.0)
            ax.set_xlim(lo_all - pad, hi_all + pad)
    if title is None:
        masses = " and ".join(f"{p:.0%}" for p in levels)
        title = f"{result.model.name}: median and {masses} intervals ({result.n:,} draws)"
    fig.suptitle(title, fontsize=11)
    fig.legend(
        list(handles.values()), list(handles), loc="outside lower center", ncol=len(handles), frameon=False, fontsize=9
    )
    return fig


def distribution_plot(
    result: Result,
    quantities: Iterable[str] | str | None = None,
    *,
    kind: str = "cdf",
    prob: float = 0.9,
    reference: Reference | None = None,
    reference_label: str = "reference",
    log: bool | None = None,
    columns: int = 2,
) -> Figure:
    r"""The distribution of each quantity: its empirical CDF (``kind="cdf"``) or a density (``kind="density"``).

    Each quantity gets a panel with its own x axis (log by default when the values are positive) labelled with
    its unit, the central ``prob`` interval shaded, the median dashed, and reference values as vertical lines.
    The density is a histogram of the draws on log-spaced bins when the axis is logarithmic (the density of
    the logarithm, which is what a log axis shows).

    Parameters
    ----------
    result : Result
        A run of a model.
    quantities : str or iterable of str, optional
        Quantities to show (default: :func:`default_quantities`).
    kind : {"cdf", "density"}
        What to draw.
    prob : float, default 0.9
        Mass of the shaded equal-tailed interval.
    reference : mapping, optional
        Values to mark, ``name -> value`` or ``name -> (low, high)``.
    reference_label : str, default "reference"
        Legend label of the reference values.
    log : bool, optional
        Log x axes (default: when every value is positive).
    columns : int, default 2
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from flopcast.catalog import sora
    >>> res = sora.uncertain().simulate(10_000, seed=1)
    >>> fig = distribution_plot(res, ["sora_train_flop", "peak_fleet_gpus"], reference=sora.ARTICLE_VALUES)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['sora_train_flop\n[FLOP]', 'peak_fleet_gpus\n[GPU]']
    """
    if kind not in ("cdf", "density"):
        raise FlopcastValueError(f"kind must be 'cdf' or 'density', got {kind!r}")
    prob = check_probability(prob, "prob")
    names = _names(result, quantities)
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        raise FlopcastValueError(f"columns must be a positive integer, got {columns!r}")
    ncols = min(columns, len(names))
    nrows = -(-len(names) // ncols)
    fig = _figure(max(4.2 * ncols, 6.5), 2.7 * nrows + 0.7)  # wide enough for the title and the legend
    grid = fig.subplots(nrows, ncols, squeeze=False)
    handles: dict[str, Any] = {}
    for ax in grid.flat[len(names) :]:
        fig.delaxes(ax)
    for ax, name in zip(grid.flat, names, strict=False):
        x = np.sort(stats.finite(result[name]))  # NaN and inf draws are left out, as in the summary
        refs = _reference_values(reference, name)
        use_log = _use_log(x, refs, log)
        lo, med, hi = stats.quantiles(x, [(1 - prob) / 2, 0.5, (1 + prob) / 2])
        if kind == "cdf":
            step = max(1, x.size // 4000)  # a few thousand points draw the same curve as a million
            xs = x[::step]
            ys = (np.arange(x.size)[::step] + 1) / x.size
            curve = ax.plot(xs, ys, color=INTERVAL_COLOR, lw=1.6, drawstyle="steps-post")[0]
            ax.set_ylim(0, 1.02)
            ax.set_ylabel("probability below")
        else:
            if x[0] == x[-1]:
                bins: Any = 1
            elif use_log:
                bins = np.geomspace(x[0], x[-1], 60)
            else:
                bins = 60
            counts, edges = np.histogram(x, bins=bins)
            if use_log:
                widths = np.diff(np.log10(edges))
            else:
                widths = np.diff(edges)
            density = counts / (x.size * np.where(widths > 0, widths, 1.0))
            curve = ax.stairs(density, edges, color=INTERVAL_COLOR, lw=1.6)
            ax.set_ylim(bottom=0)
            ax.set_ylabel("density of log10" if use_log else "density")
        handles.setdefault("distribution", curve)
        band = ax.axvspan(lo, hi, color=INTERVAL_COLOR, alpha=0.12, lw=0)
        handles.setdefault(f"{prob:.0%} interval", band)
        handles.setdefault("median", ax.axvline(med, color=MEDIAN_COLOR, ls="--", lw=1))
        for r in refs:
            handles.setdefault(reference_label, ax.axvline(r, color=REFERENCE_COLOR, lw=1.6))
        if use_log:
            ax.set_xscale("log")
            tail_lo, tail_hi = stats.quantiles(x, [0.001, 0.999])
            _pad_log_limits(ax, min([tail_lo, *refs]), max([tail_hi, *refs]))
            _log_ticks(ax)
        unit = result.unit(name)
        ax.set_xlabel(name if unit in ("", "1") else f"{name}\n[{unit}]")
        ax.grid(alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    word = "cumulative distribution" if kind == "cdf" else "density"
    fig.suptitle(f"{result.model.name}: {word} of {result.n:,} draws", fontsize=11)
    fig.legend(
        list(handles.values()), list(handles), loc="outside lower center", ncol=len(handles), frameon=False, fontsize=9
    )
    return fig
