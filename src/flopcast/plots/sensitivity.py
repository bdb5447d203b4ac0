"""Figures of sensitivity analyses: a tornado chart of one-at-a-time swings and a bar chart of Sobol' indices.

Both take the Dataset of :func:`flopcast.analysis.sensitivity.tornado` or :func:`~flopcast.analysis.sensitivity.sobol`
and return a :class:`matplotlib.figure.Figure` built with the object-oriented API (never ``pyplot``): no figure is
registered with pyplot, no backend is chosen and no rcParams change. matplotlib is imported inside the functions.
In a notebook, leave the figure as the last expression of a cell; elsewhere ``fig.savefig("tornado.png")``.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast.errors import FlopcastValueError
from flopcast.formatting import interval, number, with_unit

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.figure import Figure

__all__ = ["sobol_plot", "tornado_plot"]

_LOW_COLOR = "#4c72b0"
_HIGH_COLOR = "#dd8452"


def tornado_plot(ds: xr.Dataset, *, log: bool | None = None, title: str | None = None) -> Figure:
    """Draw a tornado chart: one bar per input from the output at its low to its high quantile, widest on top.

    Parameters
    ----------
    ds : xarray.Dataset
        The result of :func:`flopcast.analysis.sensitivity.tornado`.
    log : bool, optional
        Log scale for the output axis (default: when every value is positive and they span more than a decade,
        or the swings are multiplicative, x2 and /2 rather than +100% and -50%: they read as ratios).
    title : str, optional
        Figure title (default: the output's name and the quantiles).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import flopcast as fc
    >>> from flopcast.analysis.sensitivity import tornado
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(1, 2))
    >>> _ = m.assume("b", fc.lognormal(1, 100))
    >>> @m.derive
    ... def y(a, b):
    ...     return a * b
    >>> fig = tornado_plot(tornado(m, "y"))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]  # from the top: b swings y the most
    ['b', 'a']
    """
    if "swing" not in ds or "base" not in ds:
        raise FlopcastValueError(
            "tornado_plot() needs the Dataset of tornado() (variables swing, base, output_at_low, ...)"
        )
    from flopcast.plots import axes as pa

    names = [str(n) for n in ds["input"].values.tolist()]
    # Row labels and input ranges wrapped (left and right of the axes), as written until they are drawn.
    raw = _input_labels(ds)
    labels = [pa.wrap(label, _ROW_LABEL_WIDTH) for label in raw]
    base = float(ds["base"])
    at_low = np.asarray(ds["output_at_low"].values, dtype=float)
    at_high = np.asarray(ds["output_at_high"].values, dtype=float)
    moves = (at_low != base) | (at_high != base)
    if moves.any():  # inputs that do not move the output would be empty rows: say so under the axis instead
        still = [raw[i] for i in np.flatnonzero(~moves)]
        keep = np.flatnonzero(moves)
    else:
        still, keep = [], np.arange(len(names))
    ranges = []
    for i in keep:  # the input's range with its unit, right of the axes
        input_unit = str(ds["input_unit"].values[i]) if "input_unit" in ds.coords else None
        low, high = float(ds["low"].values[i]), float(ds["high"].values[i])
        ranges.append(pa.wrap(with_unit(interval(low, high, input_unit), input_unit), _RANGE_WIDTH, "small", 2))
    values = np.concatenate([at_low[keep], at_high[keep], [base]])
    if log is None:
        log = _multiplicative(base, at_low[keep], at_high[keep])
    label_width = max((pa.text_width(line) for i in keep for line in labels[i].split("\n")), default=0.0)
    range_width = max((pa.text_width(line, "small") for text in ranges for line in text.split("\n")), default=0.0)
    # The axes keep at least 3.4 inches between the labels and the ranges: the figure widens for long ones.
    width = max(7.5, label_width + range_width + 4.0)
    unit = ds.attrs.get("unit", "")
    output = str(ds.attrs.get("output_label") or ds.attrs.get("output", "output"))
    xlabel = pa.axis_label(output, unit, inches=width - 0.6) + (" (log scale)" if log else "")
    if still:
        xlabel += "\n" + pa.literal(pa.wrap(f"no effect: {', '.join(still)}", width - 0.6, max_lines=4))
    if title is None:
        title = pa.literal(pa.wrap(f"{output}: one-at-a-time swings (base {number(base, unit)})", width - 0.4, 12, 2))
    lines = max((labels[i].count("\n") + 1 for i in keep), default=1)
    row = max(0.38, 0.19 * lines + 0.1)  # each row (and the margin of 0.6 row about them) as tall as its label
    height = 0.9 + row * (len(keep) + 0.6) + 0.19 * (xlabel.count("\n") + 1) + 0.22 * (title.count("\n") + 1)
    fig = pa.figure(width, height)
    ax = fig.add_subplot()
    y = np.arange(len(keep))[::-1]  # widest swing on top
    ql, qh = ds.attrs.get("quantile_low", 0.05), ds.attrs.get("quantile_high", 0.95)
    for at, color, q in ((at_low, _LOW_COLOR, ql), (at_high, _HIGH_COLOR, qh)):
        ax.barh(y, at[keep] - base, left=base, color=color, height=0.6, label=f"input at its {q:.0%} quantile")
    ax.axvline(base, color="black", linewidth=0.8)
    ax.set_yticks(y, [pa.literal(labels[i]) for i in keep])
    for yi, text in zip(y, ranges, strict=True):
        # Unclipped, so that the layout (ours and matplotlib's tight layout) keeps room for it right of the axes.
        ax.annotate(pa.literal(text), (1.0, yi), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize="small", color="0.35", annotation_clip=False,
                    clip_on=False)  # fmt: skip
    if log:
        ax.set_xscale("log")
    pa.fit(ax, float(values.min()), float(values.max()), log)
    pa.ticks(ax, log, unit, length=width - label_width - range_width - 0.7)
    ax.set_ylim(-0.8, len(keep) - 0.2)
    ax.set_xlabel(xlabel)
    fig.suptitle(title, fontsize="large")
    handles = {str(bars.get_label()): bars for bars in ax.containers}
    pa.legend(fig, handles, fontsize="small")
    return fig


#: The widest a tornado's row label may be, in inches: wrapped beyond (three lines at most).
_ROW_LABEL_WIDTH = 2.4

#: The widest an input's range (right of the tornado's bars) may be, in inches: wrapped beyond (two lines).
_RANGE_WIDTH = 2.2


#: Characters per line of an upright input label under its pair of bars (the figure gives each ~1.2 inches).
UPRIGHT_LABEL_WIDTH = 14


def _multiplicative(base: float, at_low: np.ndarray, at_high: np.ndarray) -> bool:
    """Whether a log axis shows the swings best: positive values over a decade, or swings that are ratios.

    A swing is multiplicative when its two bars are more alike in log space (x2 and /2) than in linear space
    (+100% and -50%), as for a product of factors; then they read as ratios on a log axis (beyond a factor 2).

    Examples
    --------
    >>> import numpy as np
    >>> _multiplicative(100.0, np.array([50.0, 80.0]), np.array([200.0, 125.0]))  # x2 and /2, x1.25 and /1.25
    True
    >>> _multiplicative(100.0, np.array([60.0, 80.0]), np.array([140.0, 120.0]))  # +-40, +-20: additive
    False
    """
    values = np.concatenate([at_low, at_high, [base]])
    if not np.all(values > 0):
        return False
    span = values.max() / values.min()
    if span > 10:
        return True
    if span <= 2:
        return False

    def asymmetry(lo: np.ndarray, hi: np.ndarray) -> float:
        size = np.abs(lo) + np.abs(hi)
        return float(np.sum(np.abs(lo + hi)[size > 0] / size[size > 0]))

    linear = asymmetry(at_low - base, at_high - base)
    ratio = asymmetry(np.log(at_low / base), np.log(at_high / base))
    return ratio < linear


def _input_labels(ds: xr.Dataset) -> list[str]:
    """Readable input names: the ``label`` coordinate when the analysis kept one, else the names."""
    source = ds["label"] if "label" in ds.coords else ds["input"]
    return [str(v) for v in source.values.tolist()]


def sobol_plot(
    ds: xr.Dataset, outputs: str | list[str] | None = None, *, title: str | None = None, sort: bool = True
) -> Figure:
    """Draw Sobol' indices as bars (first order and total) with their confidence intervals, one panel per output.

    Parameters
    ----------
    ds : xarray.Dataset
        The result of :func:`flopcast.analysis.sensitivity.sobol`.
    outputs : str or list of str, optional
        Outputs to draw (default: all).
    title : str, optional
        Figure title.
    sort : bool, default True
        Sort inputs by total index within each panel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import flopcast as fc
    >>> from flopcast.analysis.sensitivity import sobol
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(0, 1))
    >>> _ = m.assume("b", fc.uniform(0, 1))
    >>> @m.derive
    ... def y(a, b):
    ...     return a + 2 * b
    >>> fig = sobol_plot(sobol(m, "y", n=256, seed=0))
    >>> len(fig.axes), [t.get_text() for t in fig.axes[0].get_xticklabels()]
    (1, ['b', 'a'])
    """
    if "S1" not in ds or "ST" not in ds:
        raise FlopcastValueError("sobol_plot() needs the Dataset of sobol() (variables S1, S1_conf, ST, ST_conf)")
    all_outputs = [str(o) for o in ds["output"].values.tolist()]
    if outputs is None:
        chosen = all_outputs
    else:
        chosen = [outputs] if isinstance(outputs, str) else list(outputs)
        for out in chosen:
            if out not in all_outputs:
                raise FlopcastValueError(
                    f"sobol_plot(): {out!r} is not an output of this Dataset ({', '.join(all_outputs)})"
                )
    from flopcast.plots import axes as pa

    names = _input_labels(ds)
    upright = len(names) <= 4  # few inputs: labels upright, each wrapped to the width of its bars
    if upright:
        shown = [textwrap.wrap(name, UPRIGHT_LABEL_WIDTH, max_lines=4, placeholder=" …") or [name] for name in names]
        ticklabels = [pa.literal("\n".join(lines)) for lines in shown]
    else:  # slanted: one line each (lines of one label would run into its neighbours'), cut with … if too long
        ticklabels = [pa.literal(pa.wrap(name, _SLANTED_LABEL_WIDTH, max_lines=1)) for name in names]
    width = max(5.0, 1.5 + 0.55 * len(names))
    n = ds.attrs.get("n")
    default = f"Sobol' indices (n = {n:,})" if isinstance(n, int | np.integer) else "Sobol' indices"
    fig = pa.figure(width, 2.2 + 2.6 * len(chosen))
    axes: Any = fig.subplots(len(chosen), 1, squeeze=False)[:, 0]
    bar = 0.38
    log = bool(ds.attrs.get("log", False))
    level = float(ds.attrs.get("conf_level", 0.95))
    for ax, out in zip(axes, chosen, strict=True):
        sub = ds.sel(output=out)
        s1, st = sub["S1"].values, sub["ST"].values
        c1, ct = sub["S1_conf"].values, sub["ST_conf"].values
        order = np.argsort(-st, kind="stable") if sort else np.arange(len(names))
        x = np.arange(len(names))
        ax.bar(x - bar / 2, s1[order], bar, yerr=c1[order], capsize=3, color=_LOW_COLOR, label="first order S1")
        ax.bar(x + bar / 2, st[order], bar, yerr=ct[order], capsize=3, color=_HIGH_COLOR, label="total ST")
        ax.set_xticks(
            x, [ticklabels[i] for i in order], rotation=0 if upright else 30, ha="center" if upright else "right"
        )
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_ylabel("index")
        output = str(sub["output_label"].values) if "output_label" in sub.coords else out
        # The title is centred on the axes, about an inch and a half narrower than the figure (the index's axis).
        # A 'log' coordinate says it per output (a report analyses each output as its draws allow).
        of_log = bool(sub["log"].values) if "log" in sub.coords else log
        panel_title = pa.wrap(f"log({output})" if of_log else output, width - 1.7, "medium", 2)
        ax.set_title(pa.literal(panel_title), fontsize="medium")
        ax.legend(fontsize="small", title=f"{100 * level:g}% intervals", title_fontsize="small")
    fig.suptitle(title if title is not None else pa.literal(default))
    return fig


#: The widest a slanted input label under the Sobol' bars may be, in inches: cut with an ellipsis beyond.
_SLANTED_LABEL_WIDTH = 2.8
