"""Readable axes for any range: the scale, the limits, at least three labelled ticks, numbers as in the tables.

Every flopcast figure sets its value axes here, so a quantity reads the same on a figure as in a table
(:mod:`flopcast.formatting`): ``$75.9M`` for money, ``1e25`` beside ``1e26``, ``600`` beside ``1,400``.

- :func:`use_log`: a log axis only when the values are positive and span more than a factor 10;
- :func:`fit`: limits fitted to the values shown, padded by a share of their span (in log space on a log axis);
- :func:`ticks`: at least three labelled ticks in view, whatever the span: powers of ten over several decades,
  then 1-2-5 or every integer multiple within fewer, "nice" linear steps otherwise; labels formatted as one row.

matplotlib is imported inside the functions, as in every module of :mod:`flopcast.plots`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast.formatting import number, row

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["MIN_TICKS", "axis_label", "figure", "fit", "literal", "ticks", "use_log"]

#: Every value axis shows at least this many labelled ticks.
MIN_TICKS = 3

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
            width = max(abs(low) * 0.2, 1.0)
            low, high = low - width / 2, high + width / 2
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


def _log_locator(low: float, high: float) -> Any:
    from matplotlib.ticker import FixedLocator

    lo_dec, hi_dec = math.floor(math.log10(low)), math.ceil(math.log10(high))
    step = max(1, (hi_dec - lo_dec) // 7)  # at most ~8 labels over many decades
    for subs in _LOG_SUBS:
        found = [s * 10.0**d for d in range(lo_dec, hi_dec + 1, step if subs == (1.0,) else 1) for s in subs]
        in_view = [t for t in found if low <= t <= high]
        if len(in_view) >= MIN_TICKS:
            return FixedLocator(in_view)
    return None


def ticks(ax: Axes, log: bool, unit: str | None = None, axis: str = "x") -> None:
    """Put at least three labelled ticks in the current limits of ``axis``, labelled as a row of numbers.

    Call after the limits are set. On a log axis: powers of ten when there are enough in view, else 1-2-5 (or
    finer) multiples, and no minor ticks. On a linear axis: matplotlib's "nice" steps, asking for more until
    three are in view.
    """
    from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

    target = ax.xaxis if axis == "x" else ax.yaxis
    low, high = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
    locator: Any = None
    if log:
        locator = _log_locator(low, high)
        # No minor ticks: the labelled ticks and their grid carry the scale, and each tick is a costly artist.
        target.set_minor_locator(NullLocator())
    if locator is None:
        for nbins in (6, 9, 12, 20):
            candidate = MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10])
            values = [t for t in candidate.tick_values(low, high) if low <= t <= high]
            if len(values) >= MIN_TICKS:
                locator = FixedLocator(values) if log else candidate
                break
        else:  # a range too narrow for float steps: three evenly spaced values
            locator = FixedLocator(list(np.linspace(low, high, MIN_TICKS + 2)[1:-1]))
    target.set_major_locator(locator)
    target.set_major_formatter(_RowFormatter(unit).impl)


def literal(text: object) -> str:
    r"""Text shown as written in a figure: a ``$`` escaped, so that matplotlib never reads ``$x$`` as math.

    Every label, name, unit or title that comes from a user goes through here (``"PUE $x$"`` stays upright text).

    Examples
    --------
    >>> literal("Load in $/MW and $5"), literal(r"already \$1")
    ('Load in \\$/MW and \\$5', 'already \\$1')
    """
    return re.sub(r"(?<!\\)\$", r"\\$", str(text))


def axis_label(label: str, unit: str | None, width: int = 40) -> str:
    r"""``label [unit]``, the unit on a line of its own when both would be wider than ``width`` characters.

    A dimensionless quantity has no brackets.

    Examples
    --------
    >>> axis_label("training compute", "FLOP"), axis_label("share", "1"), axis_label("cost", "USD")
    ('training compute [FLOP]', 'share', 'cost [USD]')
    >>> axis_label("video_minutes_per_gpu_hour", "video_minute/GPU/hour")
    'video_minutes_per_gpu_hour\n[video_minute/GPU/hour]'
    """
    if unit in (None, "", "1"):
        return literal(label)
    text = f"{label} [{unit}]" if len(label) + len(unit) + 3 <= width else f"{label}\n[{unit}]"
    return literal(text)


def figure(width: float, height: float) -> Figure:
    """A Figure (``width`` x ``height`` inches) that pyplot does not know about, laid out when it is drawn.

    The layout is matplotlib's tight layout (margins fitted to every axes' ticks, labels and annotations, and to the
    figure's title), measured from the texts alone (:mod:`flopcast.plots.layout`), with room kept along the bottom
    edge for the figure's legends (``fig.legend(loc="outside lower center")``).
    """
    from matplotlib.figure import Figure

    from flopcast.plots.layout import layout_engine

    return Figure(figsize=(width, height), layout=layout_engine())
