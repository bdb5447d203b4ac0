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
from flopcast.formatting import count
from flopcast.validate import check_probability

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from flopcast.result import Result

__all__ = ["default_quantities", "distribution_plot", "forest_plot"]

#: Colours (colour-blind safe, Okabe-Ito) used by every flopcast figure.
INTERVAL_COLOR = "#0072B2"
REFERENCE_COLOR = "#D55E00"
MEDIAN_COLOR = "#000000"

Reference = Mapping[str, float | Sequence[float]]


def default_quantities(result: Result) -> tuple[str, ...]:
    """The quantities to show by default: the model's headline (declared, or its leaves) that the run kept.

    If the run kept none of them, its uncertain assumptions (or every quantity it kept) are shown.

    Examples
    --------
    >>> from flopcast.catalog import sora
    >>> res = sora.uncertain().simulate(1000, seed=0)
    >>> default_quantities(res) == tuple(n for n in res.model.headline if n in res)
    True
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


#: Markers and line styles that tell reference values apart (the first for the first label, and so on).
_MARKERS = ("D", "s", "^", "v", "P", "X")
_LINESTYLES = ("-", (0, (4, 2)), (0, (1, 1.5)), "-.", (0, (6, 2, 1, 2)), (0, (2, 2)))


def _references(result: Result, reference: Reference | None, reference_label: str) -> dict[str, dict[str, float]]:
    """Reference values as ``quantity -> {label: value}``; by default the model's own (its presentation).

    A bare value is labelled ``reference_label``; a pair ``(low, high)`` is ``"<label> (low)"`` and
    ``"<label> (high)"``, or one value when both are equal.
    """
    if reference is None:
        presentation = getattr(result.model, "presentation", None)
        declared = getattr(presentation, "references", None) or {}
        return {q: {str(k): float(v) for k, v in refs.items()} for q, refs in declared.items()}
    out: dict[str, dict[str, float]] = {}
    for name, value in reference.items():
        if isinstance(value, Mapping):
            out[name] = {str(k): float(v) for k, v in value.items()}
        elif np.isscalar(value):
            out[name] = {reference_label: float(value)}
        else:
            values = [float(v) for v in value]
            if len(set(values)) == 1:
                out[name] = {reference_label: values[0]}
            elif len(values) == 2:
                out[name] = {f"{reference_label} (low)": min(values), f"{reference_label} (high)": max(values)}
            else:
                out[name] = {f"{reference_label} {i + 1}": v for i, v in enumerate(values)}
    return out


def _reference_styles(refs: Mapping[str, Mapping[str, float]]) -> dict[str, int]:
    """One style index per reference label, in order of first appearance."""
    labels = dict.fromkeys(label for values in refs.values() for label in values)
    return {label: i % len(_MARKERS) for i, label in enumerate(labels)}


def _use_log(x: np.ndarray, shown: list[float], log: bool | None, name: str) -> bool:
    """A log axis when asked, or when every draw is positive and the values shown span more than a decade."""
    from flopcast.plots import axes as pa

    positive = bool(np.all(x > 0)) and all(v > 0 for v in shown)
    if log and not positive:
        raise FlopcastValueError(f"log=True needs positive values; {name!r} has some at or below 0")
    return positive and pa.use_log(shown, log)


def _label(result: Result, name: str) -> str:
    """The quantity's readable label (``label=``, else its name)."""
    model = result.model
    return str(getattr(model[name], "label", name) or name) if name in model else name


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
    >>> fig = forest_plot(res, sora.OUTPUTS, reference=sora.ARTICLE_VALUES)
    >>> len(fig.axes), fig.axes[0].get_xscale()
    (8, 'log')
    """
    from flopcast.plots import axes as pa

    names = _names(result, quantities)
    levels = sorted({check_probability(p, "probs") for p in probs}, reverse=True)  # each mass once
    if not levels:
        raise FlopcastValueError("probs must hold at least one interval mass, e.g. (0.9, 0.5)")
    refs_all = _references(result, reference, reference_label)
    styles = _reference_styles({n: refs_all.get(n, {}) for n in names})
    width = 8.0
    # Row labels take at most a third of the width, wrapped; the x axes get the rest and the rows grow with them.
    row_labels = [pa.axis_label(_label(result, n), result.unit(n), width=0, inches=_ROW_LABEL_WIDTH) for n in names]
    lines = max(label.count("\n") + 1 for label in row_labels)
    label_width = max(pa.text_width(line) for label in row_labels for line in label.split("\n"))
    fig = pa.figure(width, (1.05 + 0.17 * max(0, lines - 2)) * len(names) + 1.2)
    axes = fig.subplots(len(names), 1, squeeze=False)[:, 0]
    widths = np.linspace(2.5, 8.0, len(levels))
    handles: dict[str, Any] = {}
    drawn_intervals = False
    for ax, name, row_label in zip(axes, names, row_labels, strict=True):
        x = stats.finite(result[name])  # NaN and inf draws are left out, as in the summary
        refs = refs_all.get(name, {})
        qs = [q for p in levels for q in ((1 - p) / 2, (1 + p) / 2)] + [0.5]
        values = stats.quantiles(x, qs)
        median = float(values[-1])
        for i, (p, lw) in enumerate(zip(levels, widths, strict=True)):
            lo, hi = float(values[2 * i]), float(values[2 * i + 1])
            if not hi > lo:  # a fixed value has no interval to draw (nor to list in the legend)
                continue
            alpha = 0.45 + 0.5 * i / max(len(levels) - 1, 1)
            (line,) = ax.plot([lo, hi], [0, 0], color=INTERVAL_COLOR, lw=lw, alpha=alpha, solid_capstyle="butt")
            handles.setdefault(f"{p:.0%} interval", line)
            drawn_intervals = True
        (dot,) = ax.plot([median], [0], "o", color=MEDIAN_COLOR, ms=5, zorder=3)
        handles.setdefault("median", dot)
        for label, value in refs.items():
            marker = _MARKERS[styles[label]]
            (mark,) = ax.plot([value], [0], marker, color=REFERENCE_COLOR, ms=7, zorder=4, mfc="none", mew=1.6)
            handles.setdefault(label, mark)
        unit = result.unit(name)
        ax.set_yticks([0], [row_label])
        ax.set_ylim(-1, 1)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", which="major", alpha=0.3)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        shown = [*_data_span(float(values[0]), float(values[1])), *refs.values()]
        use_log = _use_log(x, shown, log, name)
        if use_log:
            ax.set_xscale("log")
        pa.fit(ax, min(shown), max(shown), use_log)
        pa.ticks(ax, use_log, unit, length=width - label_width - 0.6)
    handles = _leading(handles, [f"{p:.0%} interval" for p in levels])
    if not drawn_intervals:  # every quantity fixed: its dot is its value
        handles = {("value" if k == "median" else k): v for k, v in handles.items()}
    if title is None:
        masses = " and ".join(f"{p:.0%}" for p in levels)
        drawn = f"median and {masses} intervals" if drawn_intervals else "fixed values"
        title = pa.literal(pa.wrap(f"{result.model.name}: {drawn} ({count(result.n, 'draw')})", width - 0.4, 11, 2))
    fig.suptitle(title, fontsize=11)
    pa.legend(fig, handles)
    return fig


#: The widest a row label of the forest plot may be, in inches (a third of the figure's 8): wrapped beyond.
_ROW_LABEL_WIDTH = 2.8


def _leading(handles: dict[str, Any], first: list[str]) -> dict[str, Any]:
    """Legend entries with ``first`` (those drawn) ahead: a fixed first row would otherwise list its median first."""
    keys = [k for k in first if k in handles]
    return {k: handles[k] for k in [*keys, *(k for k in handles if k not in keys)]}


def _data_span(low: float, high: float) -> tuple[float, float]:
    """The span of values a quantity's axis must show: its interval, or +-10% around a fixed value."""
    from flopcast.plots import axes as pa

    return (low, high) if high > low else pa.single_span(low)


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
    ['training compute [FLOP]', 'peak inference fleet (H100) [GPU]']
    """
    from flopcast.plots import axes as pa

    if kind not in ("cdf", "density"):
        raise FlopcastValueError(f"kind must be 'cdf' or 'density', got {kind!r}")
    prob = check_probability(prob, "prob")
    names = _names(result, quantities)
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        raise FlopcastValueError(f"columns must be a positive integer, got {columns!r}")
    refs_all = _references(result, reference, reference_label)
    styles = _reference_styles({n: refs_all.get(n, {}) for n in names})
    ncols = min(columns, len(names))
    nrows = -(-len(names) // ncols)
    width = max(4.2 * ncols, 6.5)  # wide enough for the title and the legend
    panel = width / ncols - 0.95  # a panel's x axis: its width less the y axis's labels
    xlabels = [pa.axis_label(_label(result, n), result.unit(n), inches=panel) for n in names]
    # A row of panels grows by the lines its x labels have beyond two.
    extra = [max(label.count("\n") - 1 for label in xlabels[r * ncols : (r + 1) * ncols]) for r in range(nrows)]
    word = "cumulative distribution" if kind == "cdf" else "density"
    title = pa.wrap(f"{result.model.name}: {word} of {count(result.n, 'draw')}", width - 0.4, 11, 2)
    fig = pa.figure(width, 2.7 * nrows + 0.8 + 0.17 * sum(max(e, 0) for e in extra) + 0.2 * title.count("\n"))
    grid = fig.subplots(nrows, ncols, squeeze=False)
    handles: dict[str, Any] = {}
    for ax in grid.flat[len(names) :]:
        fig.delaxes(ax)
    for ax, name, xlabel in zip(grid.flat, names, xlabels, strict=False):
        x = np.sort(stats.finite(result[name]))  # NaN and inf draws are left out, as in the summary
        refs = refs_all.get(name, {})
        lo, med, hi = stats.quantiles(x, [(1 - prob) / 2, 0.5, (1 + prob) / 2])
        tail_lo, tail_hi = stats.quantiles(x, [0.001, 0.999])  # all but the farthest tails
        use_log = _use_log(x, [float(tail_lo), float(tail_hi), *refs.values()], log, name)
        if not use_log:
            # A linear axis shows the bulk: to the 0.5% and 99.5% quantiles, at most the interval's width beyond
            # it, so that a long tail does not squeeze the curve into a corner.
            bulk_lo, bulk_hi = stats.quantiles(x, [0.005, 0.995])
            tail_lo, tail_hi = max(bulk_lo, lo - (hi - lo)), min(bulk_hi, hi + (hi - lo))
        shown = [*_data_span(float(tail_lo), float(tail_hi)), *refs.values()]
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
                bins = np.geomspace(max(x[0], tail_lo / 10), x[-1], 60)
            else:  # over the view: a long tail out of view would leave few bins in it
                bins = np.linspace(min(shown), max(shown), 61)
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
        if hi > lo:  # a fixed value has no interval to shade (nor to list in the legend)
            band = ax.axvspan(lo, hi, color=INTERVAL_COLOR, alpha=0.12, lw=0)
            handles.setdefault(f"{prob:.0%} interval", band)
        handles.setdefault("median", ax.axvline(med, color=MEDIAN_COLOR, ls="--", lw=1))
        for label, value in refs.items():
            style = _LINESTYLES[styles[label]]
            handles.setdefault(label, ax.axvline(value, color=REFERENCE_COLOR, lw=1.6, ls=style))
        if use_log:
            ax.set_xscale("log")
        pa.fit(ax, min(shown), max(shown), use_log, pad=0.04)
        pa.ticks(ax, use_log, result.unit(name), length=panel)
        pa.ticks(ax, False, None, axis="y")
        ax.set_xlabel(xlabel)
        ax.grid(alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.suptitle(pa.literal(title), fontsize=11)
    pa.legend(fig, _leading(handles, ["distribution", f"{prob:.0%} interval"]))
    return fig
