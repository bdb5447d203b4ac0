"""Rich display in notebooks: the HTML that flopcast's objects show (plain tables and inline SVG).

Objects keep thin ``_repr_html_`` methods that call the functions here, so the layout lives in one place. The
HTML is a plain ``<table>`` a reader can copy, with a small inline SVG histogram or density per quantity: no
JavaScript, no external resources, nothing fetched from the network. Sensitivity results are xarray Datasets
(which have their own display); :func:`show` gives them, and any flopcast object, flopcast's table.

Examples
--------
>>> import flopcast as fc
>>> m = fc.Model("m")
>>> _ = m.assume("a", fc.lognormal(1, 100), unit="s")
>>> html = m.simulate(1000, seed=1)._repr_html_()
>>> html.count("<svg"), "<script" in html, "http" in html.replace("http://www.w3.org/2000/svg", "")
(1, False, False)
"""

from __future__ import annotations

import html as _html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast.formatting import eng, interval, number, row

if TYPE_CHECKING:
    from flopcast.distributions import Distribution
    from flopcast.model import Model
    from flopcast.result import Comparison, Result, StreamedResult

__all__ = [
    "Html",
    "comparison_html",
    "distribution_html",
    "escape",
    "histogram_svg",
    "model_html",
    "result_html",
    "table_html",
]

_BINS = 32


def escape(text: object) -> str:
    """Escape text for HTML.

    Examples
    --------
    >>> from flopcast.html import escape
    >>> escape("a < b")
    'a &lt; b'
    """
    return _html.escape(str(text), quote=True)


class Html:
    """HTML text that a notebook displays as such (what :func:`show` returns)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_html_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


# ------------------------------------------------------------------------------------------- pictures
def histogram_svg(values: Any, *, width: int = 120, height: int = 26, log: bool | None = None) -> str:
    """A small inline SVG histogram of ``values`` (its central 99%; log bins for positive values over decades).

    Examples
    --------
    >>> import numpy as np
    >>> from flopcast.html import histogram_svg
    >>> svg = histogram_svg(np.random.default_rng(1).lognormal(size=1000))
    >>> svg.startswith("<svg") and "<path" in svg
    True
    >>> histogram_svg(np.ones(5))  # a constant has no histogram
    ''
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 2:
        return ""
    lo, hi = np.quantile(x, [0.005, 0.995])
    if not hi > lo:
        return ""
    if log is None:
        log = bool(lo > 0 and hi / lo > 100)
    if log:
        edges = np.geomspace(lo, hi, _BINS + 1)
    else:
        edges = np.linspace(lo, hi, _BINS + 1)
    counts, _ = np.histogram(x, bins=edges)
    scale = (height - 2) / max(int(counts.max()), 1)
    step = width / _BINS
    path = [f"M0,{height}"]
    for i, c in enumerate(counts):
        y = height - c * scale
        path.append(f"L{i * step:.1f},{y:.1f}L{(i + 1) * step:.1f},{y:.1f}")
    path.append(f"L{width},{height}Z")
    axis = "log axis" if log else "linear axis"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="histogram, {eng(lo)} to {eng(hi)}, {axis}">'
        f'<path d="{"".join(path)}" fill="#4c78a8" fill-opacity="0.75"/></svg>'
    )


def density_svg(dist: Distribution, **options: Any) -> str:
    """The shape of a distribution: the histogram of its quantiles at evenly spaced levels (no sampling)."""
    if dist.is_point:
        return ""
    return histogram_svg(dist.ppf(np.linspace(0.0005, 0.9995, 2000)), **options)


# ------------------------------------------------------------------------------------------- tables
def table_html(headers: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str = "", numeric: str = "") -> str:
    """A plain HTML table; cells are HTML already (escape text with :func:`escape`).

    ``numeric`` marks, by ``"r"``/``"l"`` per column, the right-aligned columns (default: all left). Styling is
    left to the notebook's own table style, so that the table stays small and copies cleanly.
    """
    align = numeric or "l" * len(headers)

    def cell(tag: str, text: str, side: str) -> str:
        return f'<{tag} style="text-align:right">{text}</{tag}>' if side == "r" else f"<{tag}>{text}</{tag}>"

    head = "".join(cell("th", escape(h), a) for h, a in zip(headers, align, strict=False))
    body = "".join(
        "<tr>" + "".join(cell("td", c, a) for c, a in zip(cells, align, strict=False)) + "</tr>\n" for cells in rows
    )
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'<table class="flopcast">{cap}<thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>'


def _unit(unit: str) -> str:
    return "" if unit.strip() in ("", "1") else escape(unit)


# ------------------------------------------------------------------------------------------- objects
def distribution_html(dist: Distribution, unit: str = "") -> str:
    """A distribution: family, 90% interval (or its value), unit and a small density.

    Examples
    --------
    >>> import flopcast as fc
    >>> text = fc.lognormal(10, 60)._repr_html_()
    >>> "LogNormal" in text and "90% interval 10 – 60" in text
    True
    """
    family = type(dist).__name__
    if dist.is_point:
        return f"<b>{family}</b> {escape(number(dist.point_value(), unit))} {_unit(unit)}".rstrip()
    lo, hi = dist.interval(0.9)
    return (
        f"<b>{family}</b> 90% interval {escape(interval(lo, hi, unit))} {_unit(unit)} "
        f'<span title="{escape(repr(dist))}">{density_svg(dist)}</span>'
    )


def model_html(model: Model) -> str:
    """A model: its assumptions (distribution, 90% interval, density, unit, source) and derived quantities."""
    rows = []
    for name, a in model.assumptions.items():
        d = a.distribution
        if d.is_point:
            what, shown, picture = "fixed", escape(number(d.point_value(), a.unit)), ""
        else:
            lo, hi = d.interval(0.9)
            what, shown, picture = type(d).__name__, escape(interval(lo, hi, a.unit)), density_svg(d)
        rows.append([f"<code>{escape(name)}</code>", escape(what), shown, picture, _unit(a.unit), escape(a.source)])
    derived = []
    for name, node in model.derived.items():
        inputs = ", ".join(node.inputs)
        derived.append([f"<code>{escape(name)}</code>", _unit(node.unit), escape(inputs), escape(node.source)])
    title = f"Model {model.name!r}: {len(model.assumptions)} assumptions ({len(model.uncertain)} uncertain), " + (
        f"{len(model.derived)} derived"
    )
    parts = [f"<div><b>{escape(title)}</b></div>"]
    if rows:
        parts.append(table_html(["assumption", "distribution", "90% interval", "", "unit", "source"], rows,
                                numeric="llrlll"))  # fmt: skip
    if derived:
        parts.append(table_html(["derived", "unit", "inputs", "source"], derived))
    return "".join(parts)


def _shown(result: Result | StreamedResult) -> list[str]:
    """The quantities a result leads with: the model's headline that was kept, else every kept quantity."""
    head = [n for n in result.model.headline if n in result.names]
    return head or list(result.names)


def result_html(result: Result | StreamedResult, *, draws: Mapping[str, Any] | None) -> str:
    """A run: the headline table (unit, median, 90% interval, mean) with a small histogram per quantity.

    ``draws`` are the run's kept draws (a histogram per quantity), or None for streamed summaries.
    """
    table = result.summary(quantities=_shown(result), full=True)
    varies = table[table["sd"] > 0]
    table = varies if len(varies) else table  # constants (fixed values) have nothing to show but their value
    pct = f"{100 * table.attrs['prob']:g}%"
    rows = []
    for name, r in table.iterrows():
        picture = histogram_svg(draws[str(name)]) if draws is not None else ""
        # One number style for the row (and money as money): the report's tables do the same.
        cells = row([r["median"], (r["eti_lower"], r["eti_upper"]), r["mean"]], str(r["unit"]))
        rows.append([f"<code>{escape(name)}</code>", _unit(str(r["unit"])), *map(escape, cells), picture])
    kind = "draws" if draws is not None else "draws (streamed summaries)"
    caption = f"{result.model.name}: {result.n:,} {kind}, seed {result.seed}"
    return table_html(["quantity", "unit", "median", f"{pct} interval", "mean", "draws"], rows, caption=caption,
                      numeric="llrrrl")  # fmt: skip


def comparison_html(comparison: Comparison) -> str:
    """Scenarios: each one's median and interval, and the paired ratio to the baseline with P(lower)."""
    table = comparison.summary()
    pct = f"{100 * table.attrs['prob']:g}%"
    rows = []
    for (name, label), r in table.iterrows():
        base = label == comparison.baseline
        ratio_median, ratios = row([r["ratio_median"], (r["ratio_lower"], r["ratio_upper"])])
        ratio = "baseline" if base else f"x{ratio_median} ({ratios})"
        lower = "" if base else f"{r['p_lower']:.2f}"
        median, shown = row([r["median"], (r["eti_lower"], r["eti_upper"])], str(r["unit"]))
        rows.append([f"<code>{escape(name)}</code>", escape(label), _unit(str(r["unit"])), escape(median),
                     escape(shown), escape(ratio), lower])  # fmt: skip
    headers = ["quantity", "scenario", "unit", "median", f"{pct} interval", "ratio to baseline (paired)", "P(lower)"]
    return table_html(headers, rows, caption=f"compared with {comparison.baseline!r}, draw by draw",
                      numeric="lllrrrr")  # fmt: skip


def frame_html(frame: Any, caption: str = "") -> str:
    """A pandas table with flopcast's number format (for calibration summaries and the like)."""
    headers = [str(frame.index.name or ""), *map(str, frame.columns)]
    rows = []
    for index, values in frame.iterrows():
        cells = [escape(index)]
        for v in values:
            is_number = isinstance(v, int | float | np.floating | np.integer) and not isinstance(v, bool)
            cells.append(escape(eng(float(v)) if is_number else v))
        rows.append(cells)
    return table_html(headers, rows, caption=caption, numeric="l" + "r" * len(frame.columns))


def text_html(text: str, caption: str = "") -> str:
    """Preformatted text (an aligned text table), for objects whose layout is already a text table."""
    cap = f"<div><b>{escape(caption)}</b></div>" if caption else ""
    return f"{cap}<pre>{escape(text)}</pre>"
