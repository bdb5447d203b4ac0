"""The layout of flopcast's figures: matplotlib's tight layout, with the decorations measured without drawing them.

matplotlib's tight layout measures each axes by preparing every tick of every axis (artists with lines, markers
and texts) and asking each for its extent, then the figure is drawn, which prepares them all again: on the
report's four figures that measuring pass costs about a fifth of their time. The engine here asks only the
texts that sit outside the axes for their size: each tick label (the formatter's strings at the locator's
positions, made like the axis's first tick), the axis labels, the titles and the axes' unclipped artists
(legends, annotations), plus the ticks drawn outward. Text extents come from matplotlib's own text layout (and
its cache), and the margins and spacings are computed as ``matplotlib._tight_layout`` computes them, so a figure
gets the subplot parameters tight layout gives it, to a pixel (``tests/plots/test_layout.py`` compares both).

A figure this measuring does not mirror (axes outside one grid or placed by a locator, spines moved outward,
offset texts such as ``1e6`` above an axis, an x label on the top edge, labels aligned across axes), or whose
decorations do not fit, is handed to matplotlib's tight layout itself. Room is kept along the bottom edge for
the figure's legends (``fig.legend(loc="outside lower center")``), where constrained layout would put them.

matplotlib is imported inside the functions, as in every module of :mod:`flopcast.plots`.
"""

from __future__ import annotations

import functools
from typing import Any

# matplotlib's objects, typed loosely: this module reads attributes its stubs do not declare (an axis's name,
# a figure's super-title), each also read by matplotlib's own tight layout.
type Axes = Any
type Axis = Any
type Figure = Any
type Bbox = Any

__all__ = ["layout_engine"]

#: Padding around and between the axes' decorations, a fraction of the font size (tight layout's default).
PAD = 1.08


def layout_engine() -> Any:
    """A new layout engine for ``Figure(layout=...)``: tight layout, measured from the texts.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(4, 3), layout=layout_engine())
    >>> ax = fig.subplots()
    >>> _ = ax.set_ylabel("a label"), ax.set_yticks([0, 1], ["0", "one thousand"])
    >>> fig.draw_without_rendering()
    >>> bool(0.3 < fig.subplotpars.left < 0.5)  # room for the longest tick label and the axis label
    True
    """
    return _engine_class()()


@functools.cache
def _engine_class() -> type:
    from matplotlib.layout_engine import TightLayoutEngine

    class MeasuredLayout(TightLayoutEngine):
        """Tight layout from measured texts, above the figure legends that sit along the bottom edge."""

        def execute(self, fig: Figure) -> None:
            renderer = fig._get_renderer()
            top = 0.0
            for legend in fig.legends:
                if legend.get_visible() and legend.get_in_layout():
                    top = max(top, legend.get_window_extent(renderer).y1 / fig.bbox.height)
            self.set(rect=(0.0, min(top, 0.5), 1.0, 1.0))
            params = _subplot_params(fig, renderer, self.get()["rect"])
            if params is _UNSUPPORTED or params is None:
                super().execute(fig)  # which also warns, as matplotlib does, when the decorations do not fit
            else:
                fig.subplots_adjust(**params)

    return MeasuredLayout


#: What :func:`_subplot_params` returns for a figure it does not measure (matplotlib's tight layout then does).
_UNSUPPORTED: Any = object()


def _subplot_params(fig: Figure, renderer: Any, rect: tuple[float, float, float, float]) -> Any:
    """Subplot parameters (``left``, ``right``, ``bottom``, ``top``, ``wspace``, ``hspace``) as tight layout's.

    None when the decorations do not fit (tight layout then leaves the figure as it is), :data:`_UNSUPPORTED`
    for a figure this module does not measure.
    """
    overhangs = _overhangs(fig, renderer)
    if overhangs is None or overhangs is _UNSUPPORTED:
        return overhangs
    hspaces, vspaces = overhangs
    # As matplotlib.tight_layout: fitted to the figure, then again with the rect's edges moved in by those margins.
    params = _adjust(fig, hspaces, vspaces)
    if params is None:
        return None
    left, bottom, right, top = rect
    return _adjust(
        fig,
        hspaces,
        vspaces,
        rect=(left + params["left"], bottom + params["bottom"], right - (1 - params["right"]),
              top - (1 - params["top"])),
    )  # fmt: skip


def _overhangs(fig: Figure, renderer: Any) -> Any:
    """How far each grid cell's decorations reach beyond the cell, in figure fractions (as _tight_layout's).

    ``hspaces`` (rows x columns + 1) on the left and right of each cell, ``vspaces`` (rows + 1 x columns) above
    and below; None for a figure without axes, :data:`_UNSUPPORTED` for one this module does not measure.
    """
    import numpy as np
    from matplotlib.transforms import Bbox

    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_in_layout()]
    if not axes:
        return None
    specs = [_spec(ax) for ax in axes]
    if any(s is None for s in specs) or len({s.get_gridspec() for s in specs}) != 1:
        return _UNSUPPORTED
    grid = specs[0].get_gridspec()
    if grid.locally_modified_subplot_params():
        return _UNSUPPORTED
    rows, cols = grid.get_geometry()
    to_figure = fig.transFigure.inverted()
    cells: dict[Any, list[Axes]] = {}
    for ax, spec in zip(axes, specs, strict=True):
        cells.setdefault(spec, []).append(ax)  # twins share a cell
    hspaces, vspaces = np.zeros((rows, cols + 1)), np.zeros((rows + 1, cols))
    for spec, members in cells.items():
        measured = [_tight_bbox(ax, renderer) for ax in members]
        tights = [t for t in measured if t is not None]
        if len(tights) < len(measured):
            return _UNSUPPORTED
        box, inner = to_figure.transform_bbox(Bbox.union(tights)), spec.get_position(fig)
        rowspan, colspan = spec.rowspan, spec.colspan
        hspaces[rowspan, colspan.start] += inner.xmin - box.xmin
        hspaces[rowspan, colspan.stop] += box.xmax - inner.xmax
        vspaces[rowspan.start, colspan] += box.ymax - inner.ymax
        vspaces[rowspan.stop, colspan] += inner.ymin - box.ymin
    return hspaces, vspaces


def _adjust(fig: Figure, hspaces: Any, vspaces: Any, rect: tuple[float, ...] | None = None) -> dict[str, float] | None:
    """The subplot parameters from measured overhangs, as ``_tight_layout._auto_adjust_subplotpars`` computes them."""
    from matplotlib import rcParams

    rows, cols = hspaces.shape[0], vspaces.shape[1]
    width, height = fig.get_size_inches()
    pad = PAD * rcParams["font.size"] / 72  # inches
    margin_left = margin_bottom = margin_right = margin_top = None
    if rect is not None:
        margin_left, margin_bottom = rect[0], rect[1]
        margin_right, margin_top = (1 - rect[2]) if rect[2] else None, (1 - rect[3]) if rect[3] else None
    renderer = fig._get_renderer()
    to_figure = fig.transFigure.inverted()

    def extent(label: Any) -> Any:
        shown = label is not None and label.get_in_layout() and label.get_visible()
        return to_figure.transform_bbox(label.get_window_extent(renderer)) if shown else None

    if not margin_left:
        margin_left = max(hspaces[:, 0].max(), 0) + pad / width
        if (box := extent(fig._supylabel)) is not None:
            margin_left += box.width + pad / width
    if not margin_right:
        margin_right = max(hspaces[:, -1].max(), 0) + pad / width
    if not margin_top:
        margin_top = max(vspaces[0, :].max(), 0) + pad / height
        if (box := extent(fig._suptitle)) is not None:
            margin_top += box.height + pad / height
    if not margin_bottom:
        margin_bottom = max(vspaces[-1, :].max(), 0) + pad / height
        if (box := extent(fig._supxlabel)) is not None:
            margin_bottom += box.height + pad / height
    if margin_left + margin_right >= 1 or margin_bottom + margin_top >= 1:
        return None
    params = {"left": margin_left, "right": 1 - margin_right, "bottom": margin_bottom, "top": 1 - margin_top}
    if cols > 1:
        gap = hspaces[:, 1:-1].max() + pad / width
        cell = (1 - margin_right - margin_left - gap * (cols - 1)) / cols
        if cell < 0:
            return None
        params["wspace"] = gap / cell
    if rows > 1:
        gap = vspaces[1:-1, :].max() + pad / height
        cell = (1 - margin_top - margin_bottom - gap * (rows - 1)) / rows
        if cell < 0:
            return None
        params["hspace"] = gap / cell
    return params


def _spec(ax: Axes) -> Any:
    """The axes' place in its grid, or None (an axes placed by hand, with a locator or in a nested grid)."""
    if ax.get_axes_locator() is not None:
        return None
    spec = ax.get_subplotspec()
    if spec is None or spec.get_topmost_subplotspec() is not spec:
        return None
    return spec


def _tight_bbox(ax: Axes, renderer: Any) -> Bbox | None:
    """What ``ax.get_tightbbox(renderer, for_layout_only=True)`` gives, measured from texts only.

    None when the axes has something whose place matplotlib decides while drawing and this does not mirror: a
    spine moved away from the axes (it carries its ticks), an offset text (``1e6`` above an axis), an x label on
    the top edge, a title pushed above tick labels there, labels aligned across axes, axes inside the axes.
    """
    from matplotlib.transforms import Bbox

    if not _measurable(ax):
        return None
    boxes = [ax.get_window_extent(renderer)]
    if ax.axison:
        for axis in (ax.xaxis, ax.yaxis):
            axis_boxes = _axis_boxes(ax, axis, renderer)
            if axis_boxes is None:
                return None
            boxes += axis_boxes
    for title in (ax.title, ax._left_title, ax._right_title):
        if title.get_visible() and title.get_text():
            boxes.append(title.get_window_extent(renderer))
    for artist in ax.get_default_bbox_extra_artists():
        if artist in ax.spines.values():
            continue
        box = artist.get_tightbbox(renderer)
        if box is not None:
            boxes.append(box)
    return Bbox.union([b for b in boxes if b._is_finite() and (b.width or b.height)])


def _measurable(ax: Axes) -> bool:
    """Whether :func:`_tight_bbox` measures ``ax`` as matplotlib would (see there)."""
    fig = ax.get_figure(root=False)
    if ax.child_axes or any(spine.get_position() != ("outward", 0.0) for spine in ax.spines.values()):
        return False
    groups = fig._align_label_groups
    if any(len(groups[name].get_siblings(ax)) > 1 for name in ("x", "y", "title") if name in groups):
        return False
    if ax.xaxis.get_label_position() == "top" and ax.xaxis.label.get_text():
        return False
    titled = any(t.get_text() for t in (ax.title, ax._left_title, ax._right_title))
    return not titled or not any(
        twin.xaxis.get_ticks_position() in ("top", "unknown") for twin in ax._twinned_axes.get_siblings(ax)
    )


def _axis_boxes(ax: Axes, axis: Axis, renderer: Any) -> list[Bbox] | None:
    """The extents of an axis's tick labels and label (collapsed along the axis, as tight layout's).

    None for an axis with an offset text.
    """
    from matplotlib.ticker import NullFormatter, NullLocator

    if not axis.get_visible() or not axis.get_in_layout():
        return []
    low, high = sorted(axis.get_view_interval())
    sides: list[list[Bbox]] = [[], []]
    drawn_ticks = []
    for ticker, ticks in ((axis.major, axis.majorTicks), (axis.minor, axis.minorTicks)):
        if isinstance(ticker.locator, NullLocator):
            continue
        locs = [v for v in ticker.locator() if _close(v, low, high)]
        if not locs:
            continue
        tick = ticks[0]  # every tick is made like the first (matplotlib copies its properties)
        drawn_ticks.append(tick)
        if isinstance(ticker.formatter, NullFormatter):
            continue
        labels = ticker.formatter.format_ticks(locs)
        if ticker is axis.major and ticker.formatter.get_offset():
            return None
        for number, text in enumerate((tick.label1, tick.label2), 1):
            if not text.get_visible():
                continue
            pad = tick.get_pad() + tick.get_tick_padding()  # where matplotlib puts the label, drawn tick or not
            # The alignment is the label's own (set_xticks(..., ha="right") changes it), the offset matplotlib's.
            transform = getattr(ax, f"get_{axis.axis_name}axis_text{number}_transform")(pad)[0]
            probe = _probe(text, transform)
            edge = 0.0 if number == 1 else 1.0  # label1 sits on the bottom or left edge, label2 on the other
            for loc, label in zip(locs, labels, strict=True):
                if label:
                    probe.set_text(label)
                    probe.set_position((loc, edge) if axis.axis_name == "x" else (edge, loc))
                    sides[number - 1].append(probe.get_window_extent(renderer))
    spines = _spine_boxes(ax, axis, drawn_ticks)
    boxes = sides[0] + sides[1] + list(spines.values())
    if axis.label.get_visible() and axis.label.get_text():
        boxes.append(_label_box(ax, axis, sides, spines, renderer))
    return boxes


def _spine_boxes(ax: Axes, axis: Axis, drawn_ticks: list[Any]) -> dict[str, Bbox]:
    """The spines along ``axis`` with the ticks drawn outward from them, as ``Spine.get_window_extent`` gives."""
    from matplotlib.transforms import Bbox

    if not ax.axison or not ax.get_frame_on():
        return {}
    edge = ax.bbox
    dpi = ax.get_figure(root=True).dpi
    boxes = {}
    sides = ("bottom", "top") if axis.axis_name == "x" else ("left", "right")
    for number, side in enumerate(sides, 1):
        spine = ax.spines.get(side)
        if spine is None or not spine.get_visible():
            continue
        x0, y0, x1, y1 = edge.extents
        if side == "bottom":
            y1 = y0
        elif side == "top":
            y0 = y1
        elif side == "left":
            x1 = x0
        else:
            x0 = x1
        for tick in drawn_ticks:
            if (tick.tick1line if number == 1 else tick.tick2line).get_visible():
                out = tick.get_tick_padding() * dpi / 72  # the part of the tick outside the axes
                x0, y0 = x0 - out * (side == "left"), y0 - out * (side == "bottom")
                x1, y1 = x1 + out * (side == "right"), y1 + out * (side == "top")
        boxes[side] = Bbox.from_extents(x0, y0, x1, y1)
    return boxes


def _close(value: float, low: float, high: float) -> bool:
    """A tick in the view, or on its edge but off by rounding (matplotlib draws it)."""
    span = abs(high - low) or 1.0
    return low - 1e-10 * span <= value <= high + 1e-10 * span


def _probe(template: Any, transform: Any) -> Any:
    """A text made like ``template`` (font, size, rotation, alignment), to measure other strings with."""
    from matplotlib.text import Text

    probe = Text()
    probe.update_from(template)
    probe.set_figure(template.get_figure(root=False))
    probe.set_transform(transform)
    probe.set_rotation_mode(template.get_rotation_mode())
    return probe


def _label_box(ax: Axes, axis: Axis, sides: list[list[Bbox]], spines: dict[str, Bbox], renderer: Any) -> Bbox:
    """Where matplotlib puts the axis label: beyond the tick labels and the spine on its side.

    Collapsed along the axis, as tight layout measures it.
    """
    from matplotlib.transforms import Bbox

    box = axis.label.get_window_extent(renderer)
    gap = axis.labelpad * ax.get_figure(root=True).dpi / 72
    first = 0 if axis.label_position in ("bottom", "left") else 1
    side = {("x", 0): "bottom", ("x", 1): "top", ("y", 0): "left", ("y", 1): "right"}[axis.axis_name, first]
    edge = Bbox.union([*sides[first], spines.get(side, ax.bbox)])
    if side == "bottom":
        middle = box.x0 + box.width / 2
        return Bbox.from_extents(middle - 0.5, edge.y0 - gap - box.height, middle + 0.5, edge.y0 - gap)
    if side == "top":
        middle = box.x0 + box.width / 2
        return Bbox.from_extents(middle - 0.5, edge.y1 + gap, middle + 0.5, edge.y1 + gap + box.height)
    middle = box.y0 + box.height / 2
    if side == "left":
        return Bbox.from_extents(edge.x0 - gap - box.width, middle - 0.5, edge.x0 - gap, middle + 0.5)
    return Bbox.from_extents(edge.x1 + gap, middle - 0.5, edge.x1 + gap + box.width, middle + 0.5)
