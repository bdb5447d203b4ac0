"""Readable axes for any range: the scale, the limits, at least three labelled ticks, numbers as in the tables.

Every flopcast figure sets its value axes here, so a quantity reads the same on a figure as in a table
(:mod:`flopcast.formatting`): ``$75.9M`` for money, ``1e25`` beside ``1e26``, ``600`` beside ``1,400``.

- :func:`use_log`: a log axis only when the values are positive and span more than a factor 10;
- :func:`fit`: limits fitted to the values shown, padded by a share of their span (in log space on a log axis);
- :func:`ticks`: at least three labelled ticks in view, whatever the span: powers of ten over several decades,
  then 1-2-5 or every integer multiple within fewer, "nice" linear steps otherwise; labels formatted as one row,
  fewer of them when the axis is too short for their labels to stand apart;
- :func:`wrap` and :func:`axis_label`: labels broken between words to the width they have, a few lines at most.

matplotlib is imported inside the functions, as in every module of :mod:`flopcast.plots`.
"""

from __future__ import annotations

import functools
import math
import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast.formatting import number, row

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "MAX_LINES",
    "MIN_TICKS",
    "axis_label",
    "figure",
    "fit",
    "legend",
    "literal",
    "single_span",
    "text_width",
    "ticks",
    "use_log",
    "wrap",
]

#: Every value axis shows at least this many labelled ticks.
MIN_TICKS = 3

#: A wrapped label keeps at most this many lines; the rest of it is cut, ending with an ellipsis.
MAX_LINES = 3

#: Subdivisions of a decade tried in turn until enough ticks are in view.
_LOG_SUBS: tuple[tuple[float, ...], ...] = ((1.0,), (1.0, 2.0, 5.0), (1.0, 2.0, 3.0, 5.0, 7.0), tuple(range(1, 10)))


def use_log(values: Sequence[float] | np.ndarray, log: bool | None = None) -> bool:
    """Whether to draw ``values`` on a log axis: asked for, or (``log=None``) positive and spanning over a decade.

    Examples
    --------
    >>> use_log([1e24, 1e26]), use_log([600, 1400]), use_log([-1, 100]), use_log([600, 1400], log=True)
    (True, False, False, True)
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if log is not None:
        return bool(log)
    return bool(v.size and np.all(v > 0) and v.max() / v.min() > 10)


def single_span(value: float) -> tuple[float, float]:
    """The span shown around a single value: +-10% of it (+-0.5 for a value within 5 of 0).

    A fixed quantity and a reference a fraction of a percent away from it then look as close as they are.

    Examples
    --------
    >>> single_span(100.0), single_span(-50.0), single_span(0.0)
    ((90.0, 110.0), (-55.0, -45.0), (-0.5, 0.5))
    """
    half = max(abs(value) * 0.1, 0.5)
    return value - half, value + half


def fit(ax: Axes, low: float, high: float, log: bool, axis: str = "x", pad: float = 0.06) -> tuple[float, float]:
    """Set the limits of ``axis`` to ``[low, high]`` padded by ``pad`` of the span; a single value gets +-10%.

    Returns the limits set.
    """
    if log:
        llo, lhi = math.log10(low), math.log10(high)
        if lhi - llo < 1e-9:
            llo, lhi = llo - 0.05, lhi + 0.05
        width = lhi - llo
        limits = (10 ** (llo - pad * width), 10 ** (lhi + pad * width))
    else:
        width = high - low
        if width <= 1e-12 * max(abs(low), abs(high), 1e-300):
            low, high = single_span(low)
            width = high - low
        limits = (low - pad * width, high + pad * width)
    (ax.set_xlim if axis == "x" else ax.set_ylim)(*limits)
    return limits


class _RowFormatter:
    """Label ticks as one row of a table (one style for the axis, money from the unit)."""

    def __init__(self, unit: str | None) -> None:
        from matplotlib.ticker import Formatter

        class Impl(Formatter):
            def __call__(self, x: float, pos: int | None = None) -> str:
                return number(x, unit)

            def format_ticks(self, values: Sequence[float]) -> list[str]:
                # More digits until neighbouring ticks differ (a narrow range such as 0.999 - 1.001).
                floats = [float(v) for v in values]
                for digits in range(3, 9):
                    labels = row(floats, unit, digits)
                    if len(set(labels)) == len(labels):
                        break
                return labels

        self.impl = Impl()


def _log_candidates(low: float, high: float) -> list[list[float]]:
    """Tick values for a log axis, preferred first: powers of ten, then 1-2-5 (or finer) multiples; all in view.

    The first with at least :data:`MIN_TICKS` values is the axis's ticks when their labels fit; the sparser ones
    (every second, third... power of ten, or 1-3 multiples) are there for an axis too short for them.
    """
    lo_dec, hi_dec = math.floor(math.log10(low)), math.ceil(math.log10(high))
    step = max(1, (hi_dec - lo_dec) // 7)  # at most ~8 labels over many decades

    def multiples(subs: tuple[float, ...]) -> list[float]:
        found = [s * 10.0**d for d in range(lo_dec, hi_dec + 1) for s in subs]
        return [t for t in found if low <= t <= high]

    powers = multiples((1.0,))
    preferred = [powers[::step], *(multiples(subs) for subs in _LOG_SUBS[1:])]
    sparser = [powers[::k] for k in range(step + 1, len(powers))] + [multiples((1.0, 3.0))]
    return preferred + sparser


def _labels_fit(values: Sequence[float], labels: Sequence[str], span: tuple[float, float], log: bool,
                length: float, fontsize: float | str) -> bool:  # fmt: skip
    """Whether neighbouring tick labels stand apart (a gap of one digit) on an axis ``length`` inches long."""
    low, high = (math.log10(v) for v in span) if log else span
    where = [((math.log10(v) if log else v) - low) / (high - low) * length for v in values]
    widths = [text_width(label, fontsize) for label in labels]
    gap = text_width("0", fontsize) / 2
    return all(b - a >= (wa + wb) / 2 + gap for a, b, wa, wb in zip(where, where[1:], widths, widths[1:], strict=False))


def ticks(ax: Axes, log: bool, unit: str | None = None, axis: str = "x", length: float | None = None) -> None:
    """Put at least three labelled ticks in the current limits of ``axis``, labelled as a row of numbers.

    Call after the limits are set. On a log axis: powers of ten when there are enough in view, else 1-2-5 (or
    finer) multiples, and no minor ticks. On a linear axis: matplotlib's "nice" steps, asking for more until
    three are in view. On an x axis ``length`` inches long (default: the axes' width before the layout), fewer
    ticks when their labels would touch (every second power of ten, wider steps), never fewer than three.
    """
    from matplotlib import rcParams
    from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

    target = ax.xaxis if axis == "x" else ax.yaxis
    low, high = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
    formatter = _RowFormatter(unit).impl
    candidates: list[tuple[Any, list[float]]] = []  # (locator, its values in view), preferred first
    if log:
        candidates = [(None, values) for values in _log_candidates(low, high)]
        # No minor ticks: the labelled ticks and their grid carry the scale, and each tick is a costly artist.
        target.set_minor_locator(NullLocator())
    if not any(len(values) >= MIN_TICKS for _, values in candidates):
        candidates = []
        for nbins in (6, 9, 12, 20, 5, 4, 3, 2):  # the first giving three ticks, then sparser ones
            steps = MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10])
            in_view = [t for t in steps.tick_values(low, high) if low <= t <= high]
            candidates.append((None if log else steps, in_view))
    enough = [(loc, values) for loc, values in candidates if len(values) >= MIN_TICKS]
    if not enough:  # a range too narrow for float steps: three evenly spaced values
        enough = [(None, list(np.linspace(low, high, MIN_TICKS + 2)[1:-1]))]
    chosen = enough[0]
    if axis == "x" and len(enough) > 1:
        if length is None:
            length = ax.get_position().width * ax.get_figure(root=True).get_figwidth()  # type: ignore[union-attr]
        size = rcParams["xtick.labelsize"]
        # The preferred ticks, else the densest sparser ones whose labels stand apart, else the sparsest.
        sparser = sorted(enough[1:], key=lambda c: -len(c[1]))
        for candidate in [enough[0], *(c for c in sparser if len(c[1]) < len(enough[0][1]))]:
            if _labels_fit(candidate[1], formatter.format_ticks(candidate[1]), (low, high), log, length, size):
                chosen = candidate
                break
        else:
            chosen = min(enough, key=lambda c: len(c[1]))
    locator, values = chosen
    target.set_major_locator(locator if locator is not None else FixedLocator(values))
    target.set_major_formatter(formatter)


@functools.lru_cache(maxsize=4096)
def text_width(text: str, fontsize: float | str = "medium") -> float:
    """The width in inches of one line of ``text`` in the default font at ``fontsize`` (points or a size name).

    Measured from the font's glyph advances without hinting or kerning: at most a few percent wider than drawn,
    so what fits here fits.

    Examples
    --------
    >>> 0.3 < text_width("1,000") < 0.5, text_width("wide text") < text_width("wide text", 14)
    (True, True)
    """
    from matplotlib.font_manager import FontProperties

    advances = _advances()
    points = sum(advances[c] if c in advances else _advance(c) for c in text)
    return points * FontProperties(size=fontsize).get_size_in_points() / _MEASURE_SIZE / 72


#: The size (points, at 72 dpi) the glyphs are measured at; a width scales with the font size.
_MEASURE_SIZE = 100.0


@functools.cache
def _advances() -> dict[str, float]:
    """Each character's advance in the default font at :data:`_MEASURE_SIZE`, filled as characters are met."""
    return {}


def _advance(char: str) -> float:
    # The sum of the glyphs' unhinted advances: what matplotlib's text-to-path measurement gives (to 0.1% on
    # labels), without kerning (a pair such as 'AV' reads a few percent wide), at 1/50 of its cost: it lays out
    # the whole string again at each call (0.7 ms for a label), and wrapping measures many candidate lines.
    from matplotlib.font_manager import FontProperties, findfont, get_font
    from matplotlib.ft2font import LoadFlags

    font = get_font(findfont(FontProperties()))
    font.set_size(_MEASURE_SIZE, 72)  # matplotlib shares the font object: its users set the size they need
    advance = font.load_char(ord(char), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536
    _advances()[char] = advance
    return advance


def wrap(text: str, inches: float, fontsize: float | str = "medium", max_lines: int = MAX_LINES) -> str:
    r"""``text`` broken between words into lines no wider than ``inches``; beyond ``max_lines``, cut with ``…``.

    Lines already in ``text`` are kept (each wrapped in turn). Wrap the text as written, then escape it with
    :func:`literal`.

    Examples
    --------
    >>> wrap("number of tokens served per day across all regions and all customer tiers", 2.0)
    'number of tokens served\nper day across all regions\nand all customer tiers'
    >>> wrap("number of tokens served per day across all regions and all customer tiers", 2.0, max_lines=2)
    'number of tokens served\nper day across all …'
    >>> wrap("short", 2.0)
    'short'
    """
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        left = max_lines - len(lines)
        if left <= 0:
            lines[-1] = _cut(lines[-1] + " …", inches, fontsize)
            break
        lines += _wrap_one(paragraph, inches, fontsize, left)
    return "\n".join(lines)


def _wrap_one(text: str, inches: float, fontsize: float | str, max_lines: int) -> list[str]:
    """One paragraph wrapped by :func:`wrap`: textwrap at a width in characters narrowed until each line fits."""
    full = text_width(text, fontsize)
    if full <= inches or not text.strip():
        return [text]
    chars = max(4, int(len(text) * inches / full))  # the average character's width
    while True:
        lines = textwrap.wrap(text, chars, max_lines=max_lines, placeholder=" …")
        if chars <= 4 or all(text_width(line, fontsize) <= inches for line in lines):
            return lines
        chars -= max(1, chars // 12)


def _cut(line: str, inches: float, fontsize: float | str) -> str:
    """``line`` (ending with ``…``) shortened by words until it fits in ``inches``."""
    while text_width(line, fontsize) > inches and " " in line[:-2]:
        line = line[:-2].rsplit(" ", 1)[0] + " …"
    return line


def literal(text: object) -> str:
    r"""Text shown as written in a figure: a ``$`` escaped, so that matplotlib never reads ``$x$`` as math.

    Every label, name, unit or title that comes from a user goes through here (``"PUE $x$"`` stays upright text).

    Examples
    --------
    >>> literal("Load in $/MW and $5"), literal(r"already \$1")
    ('Load in \\$/MW and \\$5', 'already \\$1')
    """
    return re.sub(r"(?<!\\)\$", r"\\$", str(text))


def axis_label(
    label: str,
    unit: str | None,
    width: int = 40,
    *,
    inches: float | None = None,
    fontsize: float | str = "medium",
    max_lines: int = MAX_LINES,
) -> str:
    r"""``label [unit]``, the unit on a line of its own when both would be wider than ``width`` characters.

    A dimensionless quantity has no brackets. With ``inches``, the label is wrapped to that width (at most
    ``max_lines`` lines, see :func:`wrap`), the unit too. The text is escaped with :func:`literal`.

    Examples
    --------
    >>> axis_label("training compute", "FLOP"), axis_label("share", "1"), axis_label("cost", "USD")
    ('training compute [FLOP]', 'share', 'cost [USD]')
    >>> axis_label("video_minutes_per_gpu_hour", "video_minute/GPU/hour")
    'video_minutes_per_gpu_hour\n[video_minute/GPU/hour]'
    >>> print(axis_label("tokens per day including speculative decoding drafts", "token/day", inches=2.5))
    tokens per day including
    speculative decoding drafts
    [token/day]
    """
    if unit in (None, "", "1"):
        return literal(label if inches is None else wrap(label, inches, fontsize, max_lines))
    joined = f"{label} [{unit}]"
    if len(joined) <= width and (inches is None or text_width(joined, fontsize) <= inches):
        return literal(joined)
    if inches is None:
        return literal(f"{label}\n[{unit}]")
    return literal(f"{wrap(label, inches, fontsize, max_lines)}\n{wrap(f'[{unit}]', inches, fontsize, 2)}")


def legend(fig: Figure, handles: dict[str, Any], fontsize: float | str = 9.0) -> None:
    """The figure's legend along its bottom edge: ``label -> artist``, as many entries a row as the width holds.

    Each label (as written: it is escaped here) is wrapped to half the figure's width, two lines at most.
    """
    width = fig.get_figwidth()
    labels = [wrap(label, width / 2, fontsize, max_lines=2) for label in handles]
    # An entry takes its text, its handle and the gap before the next (2, 0.8 and 2 font sizes, matplotlib's).
    from matplotlib.font_manager import FontProperties

    extra = 4.8 * FontProperties(size=fontsize).get_size_in_points() / 72
    for columns in range(len(labels), 0, -1):
        split = np.array_split(np.array(labels, dtype=object), columns)  # matplotlib fills its columns so
        used = sum(max(text_width(line, fontsize) for label in col for line in label.split("\n")) for col in split)
        if used + columns * extra <= width - 0.2:
            break
    fig.legend(
        list(handles.values()), [literal(label) for label in labels], loc="outside lower center", ncol=columns,
        frameon=False, fontsize=fontsize,
    )  # fmt: skip


def figure(width: float, height: float) -> Figure:
    """A Figure (``width`` x ``height`` inches) that pyplot does not know about, laid out when it is drawn.

    The layout is matplotlib's tight layout (margins fitted to every axes' ticks, labels and annotations, and to the
    figure's title), measured from the texts alone (:mod:`flopcast.plots.layout`), with room kept along the bottom
    edge for the figure's legends (``fig.legend(loc="outside lower center")``).
    """
    from matplotlib.figure import Figure

    from flopcast.plots.layout import layout_engine

    return Figure(figsize=(width, height), layout=layout_engine())
