"""Figures stay readable whatever the model: long labels wrapped, nothing cut off or overlapping, fitted views.

Each test draws the figures (Agg canvas, no pyplot) and checks what a reader would see: every text inside the
figure, tick labels apart, the view of a linear axis on the bulk of the draws, the legend listing what is drawn.
"""

import re
import warnings

import numpy as np
import pytest

import flopcast as fc
from flopcast import stats
from tests.plots.test_layout import DPI, _drawn_texts, _report_figures, assert_same_layout

matplotlib = pytest.importorskip("matplotlib")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from flopcast.plots import axes as pa  # noqa: E402
from flopcast.plots import distribution_plot, forest_plot, sobol_plot, tornado_plot  # noqa: E402

DOLLAR = re.compile(r"(?<!\\)\$")  # a '$' matplotlib would read as the start or end of math


SERVED = "number of tokens served per day across all regions and all customer tiers"
SHARE = "fraction of requests that are long-context generation with retrieval augmentation enabled"
PLANNED = "the planning estimate of the capacity team for the second half"


def long_label_model() -> fc.Model:
    """Labels of 70-90 characters, long units and reference labels, and one input spanning five decades."""
    m = fc.Model("longlab")
    m.assume("a", fc.lognormal(10, 1e6), unit="video_minute/GPU/hour", label=SERVED)
    m.assume("b", fc.uniform(0.2, 0.6), label=SHARE)
    m.assume("price", fc.uniform(0.5, 10), unit="USD/megatoken", label="price per megatoken")
    m.derive(lambda a, b: a * b, name="c", unit="video_minute/GPU/hour",
             label="long-context tokens per day served by the retrieval-augmented pipeline in production")  # fmt: skip
    m.derive(lambda a: a * 3, name="d", unit="video_minute/GPU/hour",
             label="tokens per day including speculative decoding drafts and rejected continuations")  # fmt: skip
    m.derive(lambda b, price: b * price, name="e", unit="USD/megatoken", label="price of the long-context share")
    m.present(references={"c": {f"{PLANNED} (low)": 50.0, f"{PLANNED} (high)": 5e4}})
    return m


@pytest.fixture(scope="module")
def long_figures():
    return _report_figures(long_label_model(), n=2000)


def _drawn(make):
    fig = make()
    fig.set_dpi(DPI)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib's "Tight layout not applied" among them
        FigureCanvasAgg(fig).draw()
    return fig


@pytest.mark.parametrize("name", ["forest", "distributions", "density", "tornado", "sobol"])
def test_every_text_of_a_long_label_model_is_inside_the_figure(long_figures, name):
    fig = _drawn(long_figures[name])
    renderer = fig._get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    texts = list(_drawn_texts(fig))
    for text in texts:
        box = text.get_window_extent(renderer)
        inside = box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1
        assert inside, (name, text.get_text(), box.extents, (width, height))
    # Long labels are wrapped to a few lines, the rest cut with an ellipsis.
    assert all(t.get_text().count("\n") < 2 * pa.MAX_LINES for t in texts), name
    assert any("\n" in t.get_text() for t in texts), name


@pytest.mark.parametrize("name", ["forest", "distributions", "tornado", "sobol"])
def test_a_long_label_model_is_laid_out_as_tight_layout(long_figures, name):
    assert_same_layout(long_figures[name])


def _tick_label_boxes(fig, ax):
    renderer = fig._get_renderer()
    low, high = sorted(ax.get_xlim())
    ticks = zip(ax.xaxis.get_major_ticks(), ax.xaxis.get_majorticklocs(), strict=False)
    shown = [(loc, tick.label1) for tick, loc in ticks if low <= loc <= high and tick.label1.get_text()]
    return [label.get_window_extent(renderer) for _, label in sorted(shown, key=lambda pair: pair[0])]


def test_tick_labels_of_forest_axes_do_not_overlap(long_figures):
    m = fc.Model("decades")
    m.assume("x", fc.lognormal(1e3, 1e10), unit="token", label="a quantity over seven decades " * 3)
    m.assume("y", fc.uniform(7.0805e17, 7.082e17), unit="FLOP", label="a narrow range with long tick labels " * 3)
    for fig in (_drawn(long_figures["forest"]), _drawn(lambda: forest_plot(m.simulate(2000, seed=0)))):
        for ax in fig.axes:
            boxes = _tick_label_boxes(fig, ax)
            assert len(boxes) >= pa.MIN_TICKS
            for left, right in zip(boxes, boxes[1:], strict=False):
                assert left.x1 < right.x0, [t.get_text() for t in ax.get_xticklabels()]


def test_tornado_ranges_are_escaped_and_inside_the_figure():
    m = long_label_model()
    from flopcast.analysis.sensitivity import tornado

    fig = _drawn(lambda: tornado_plot(tornado(m, "e")))
    ranges = [t for t in fig.axes[0].texts]
    shown = [t.get_text() for t in ranges]
    assert "\\$0.975 – \\$9.53 per megatoken" in shown, shown  # the dollars shown, not read as math
    assert not [t for t in shown if DOLLAR.search(t)], shown
    renderer = fig._get_renderer()
    assert all(t.get_window_extent(renderer).x1 <= fig.bbox.width for t in ranges)


def overrun_model() -> fc.Model:
    """A cost with a long right tail: its draws reach five times the 90% interval's upper end."""
    m = fc.Model("overrun")
    m.assume("budget", 1.5e6, unit="USD", label="planned budget")
    m.assume("overrun", fc.lognormal(0.01, 0.5), label="cost overrun share")
    m.derive(lambda budget, overrun: budget * (1 + overrun), name="cost", unit="USD", label="cost of the project")
    return m


def test_a_linear_money_axis_shows_the_bulk_of_the_draws():
    res = overrun_model().simulate(4000, seed=1)
    x = np.asarray(res["cost"])
    lo, hi = res.interval("cost", prob=0.9)
    for kind in ("cdf", "density"):
        ax = distribution_plot(res, "cost", kind=kind).axes[0]
        assert ax.get_xscale() == "linear"
        left, right = ax.get_xlim()
        assert left < lo < hi < right
        assert right < hi + 1.2 * (hi - lo) < x.max() / 3  # not squeezed against the largest draw
        assert left < stats.quantiles(x, [0.005])[0]
        FigureCanvasAgg(ax.figure).draw()
        ticks = [t.get_text() for t in ax.get_xticklabels() if left <= t.get_position()[0] <= right]
        assert len(ticks) >= 3 and all(t.startswith("$") and t.endswith("M") for t in ticks), ticks
    # A reference value is kept in view, however far out.
    ax = distribution_plot(res, "cost", reference={"cost": 6e6}).axes[0]
    assert ax.get_xlim()[1] > 6e6


def test_a_point_model_legends_only_what_is_drawn():
    m = fc.Model("point")
    m.assume("flop", 7.08e17, unit="FLOP", label="FLOP per minute of video")
    m.derive(lambda flop: flop * 1.0003, name="per_minute", unit="FLOP", label="FLOP per minute, adjusted")
    m.present(references={"per_minute": {"the article": 7.08e17}})
    res = m.simulate(500, seed=0)
    fig = forest_plot(res)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["value", "the article"]  # no interval drawn, none listed
    assert "fixed values" in fig._suptitle.get_text()
    for ax in fig.axes:
        left, right = ax.get_xlim()
        assert right - left >= 0.2 * 7.08e17 and left < 7.08e17 < right  # +-10%: 0.03% apart looks close
    assert not any(line.get_xdata()[0] != line.get_xdata()[-1] for line in fig.axes[0].lines)  # no interval line
    dist = distribution_plot(res)
    assert "90% interval" not in [t.get_text() for t in dist.legends[0].get_texts()]
    left, right = dist.axes[0].get_xlim()
    assert right - left >= 0.2 * 7.08e17


def test_sobol_title_writes_the_sample_size_with_thousands_separators():
    from flopcast.analysis.sensitivity import sobol

    m = fc.Model("m")
    m.assume("a", fc.uniform(0, 1))
    m.assume("b", fc.uniform(0, 1))
    m.derive(lambda a, b: a + 2 * b, name="y")
    fig = sobol_plot(sobol(m, "y", n=1024, seed=0))
    assert fig._suptitle.get_text() == "Sobol' indices (n = 1,024)"


def test_wrap_breaks_between_words_and_cuts_with_an_ellipsis():
    text = "fraction of requests that are long-context generation with retrieval augmentation enabled"
    lines = pa.wrap(text, 1.5).split("\n")
    assert len(lines) == pa.MAX_LINES and lines[-1].endswith(" …")
    assert all(pa.text_width(line) <= 1.5 for line in lines)
    assert " ".join(lines).replace(" …", "") in text  # whole words, in order
    assert pa.wrap(text, 20.0) == text
    assert pa.wrap("two\nlines", 0.5, max_lines=1) == "two …"


def test_slanted_sobol_labels_are_one_line_each_and_inside_the_figure():
    """Five or more inputs: slanted labels, one line each (a label's second line ran into its neighbours')."""
    from flopcast.analysis.sensitivity import sobol

    m = fc.Model("many")
    names = [f"x{k}" for k in range(6)]
    for k, name in enumerate(names):
        m.assume(name, fc.uniform(1.0, 2.0 + k), label=f"{SERVED} number {k}")
    m.derive(lambda x0, x1, x2, x3, x4, x5: x0 * x1 + x2 * x3 + x4 * x5, name="y", label=SHARE)
    fig = _drawn(lambda: sobol_plot(sobol(m, "y", n=256, seed=0)))
    ax = fig.axes[0]
    labels = [t for t in ax.get_xticklabels() if t.get_text()]
    assert len(labels) == 6 and all("\n" not in t.get_text() and t.get_rotation() == 30 for t in labels)
    assert all(t.get_text().endswith("…") for t in labels)  # cut, the whole label is in the report's table
    renderer = fig._get_renderer()
    for text in _drawn_texts(fig):
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.x1 <= fig.bbox.width + 1 and box.y0 >= -1, (text.get_text(), box.extents)
