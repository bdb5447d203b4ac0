"""flopcast's layout measures texts only, and must give the subplot parameters matplotlib's tight layout gives.

The reference is matplotlib itself: the same engine, forced onto its fallback (``TightLayoutEngine.execute``
with the same rect), on the same figure built twice. Tolerance: half a pixel at the report's 120 dpi.
"""

from pathlib import Path

import numpy as np
import pytest

import flopcast as fc
from flopcast.catalog import sora
from flopcast.cli_models import load_model
from flopcast.plots import layout

matplotlib = pytest.importorskip("matplotlib")

DPI = 120
KEYS = ("left", "right", "bottom", "top", "wspace", "hspace")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _laid_out(make, reference=False):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = make()
    fig.set_dpi(DPI)
    FigureCanvasAgg(fig)
    if reference:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(layout, "_subplot_params", lambda *args: layout._UNSUPPORTED)
            fig.get_layout_engine().execute(fig)
    else:
        fig.get_layout_engine().execute(fig)
    return fig


def _params_in_pixels(fig):
    width, height = fig.get_size_inches() * DPI
    sp = fig.subplotpars
    return np.array([sp.left * width, sp.right * width, sp.bottom * height, sp.top * height, sp.wspace, sp.hspace])


def assert_same_layout(make, measured_path=True):
    fig = _laid_out(make)
    if measured_path:  # the figure is one this module measures, not one it hands to matplotlib
        assert layout._subplot_params(fig, fig._get_renderer(), (0, 0, 1, 1)) is not layout._UNSUPPORTED
    measured = _params_in_pixels(fig)
    reference = _params_in_pixels(_laid_out(make, reference=True))
    np.testing.assert_allclose(measured[:4], reference[:4], atol=0.5, err_msg=f"{KEYS[:4]} in pixels")
    np.testing.assert_allclose(measured[4:], reference[4:], atol=2e-3, err_msg="wspace, hspace")


def _report_figures(model, n=4000):
    from flopcast.analysis.sobol import sobol
    from flopcast.analysis.tornado import tornado
    from flopcast.plots import distribution_plot, forest_plot, sobol_plot, tornado_plot
    from flopcast.report import headline_outputs

    result = model.simulate(n, seed=5)
    outputs = list(headline_outputs(model))
    figures = {
        "forest": lambda: forest_plot(result, outputs),
        "distributions": lambda: distribution_plot(result, outputs),
        "density": lambda: distribution_plot(result, outputs, kind="density", columns=3),
    }
    indices = sobol(model, outputs[:2], n=256, seed=1)
    swings = tornado(model, outputs[0])
    figures["tornado"] = lambda: tornado_plot(swings)
    figures["sobol"] = lambda: sobol_plot(indices, outputs[:2])
    return figures


@pytest.fixture(scope="module")
def sora_figures():
    return _report_figures(sora.uncertain())


@pytest.fixture(scope="module")
def llm_figures():
    return _report_figures(load_model(str(EXAMPLES / "llm_training.py")))


@pytest.mark.parametrize("name", ["forest", "distributions", "density", "tornado", "sobol"])
def test_report_figures_of_the_sora_model_are_laid_out_as_tight_layout(sora_figures, name):
    assert_same_layout(sora_figures[name])


@pytest.mark.parametrize("name", ["forest", "distributions", "density", "tornado", "sobol"])
def test_report_figures_of_a_user_model_with_money_are_laid_out_as_tight_layout(llm_figures, name):
    assert_same_layout(llm_figures[name])


def test_a_narrow_range_model_is_laid_out_as_tight_layout():
    m = fc.Model("narrow")
    m.assume("a", fc.uniform(600, 1400), unit="GPU", label="GPUs in the cluster")
    m.assume("b", fc.uniform(0.998, 0.9995), label="availability")
    m.derive(lambda a, b: a * b, name="c", unit="GPU", label="GPUs available")
    for make in _report_figures(m, n=2000).values():
        assert_same_layout(make)


def test_grids_with_rotated_labels_twins_minor_labels_and_figure_labels():
    from flopcast.plots import axes as pa

    def grid():
        fig = pa.figure(9, 6)
        axes = fig.subplots(2, 3)
        for k, ax in enumerate(axes.flat):
            ax.plot([1, 10, 1000], [k, 2 * k + 1, 3])
            ax.set_xscale("log")  # matplotlib's own locator and formatter, minor ticks included
            if k != 3:
                ax.set_title(f"panel {k}\nwith a second line")
            ax.set_ylabel("a long y label that matters" if k % 3 == 0 else "")
        axes[0, 1].set_xticks([1, 10, 1000], ["one", "ten", "a thousand"], rotation=40, ha="right")
        axes[1, 2].tick_params(axis="y", labelright=True, labelleft=False, labelsize=14, pad=9, length=8)
        axes[1, 0].twinx().set_ylabel("twin axis label")
        axes[0, 2].text(1.05, 0.5, "outside note", transform=axes[0, 2].transAxes, clip_on=False)
        axes[1, 1].legend(["line"], loc="upper left", bbox_to_anchor=(1.0, 1.0))
        axes[1, 1].yaxis.set_label_position("right")
        axes[1, 1].set_ylabel("right label")
        axes[1, 0].xaxis.set_tick_params(labeltop=True)  # an untitled axes: no title to push up
        fig.suptitle("a title")
        fig.supxlabel("a figure x label")
        fig.supylabel("a figure y label")
        fig.legend(["a legend along the bottom"], loc="outside lower center")
        return fig

    assert_same_layout(grid)


def _spans(offset):
    from flopcast.plots import axes as pa

    fig = pa.figure(7, 5)
    grid = fig.add_gridspec(2, 3)
    wide = fig.add_subplot(grid[0, :2])
    wide.plot([0, 1], [1e6, 1.000001e6] if offset else [0, 1000])  # an offset text ("+1e6") or none
    wide.set_title("two columns wide")
    fig.add_subplot(grid[:, 2]).plot([0, 1], [0, 1])
    low = fig.add_subplot(grid[1, :2])
    low.plot([0, 1e-7] if offset else [0, 1], [0, 1])
    low.set_xlabel("x")
    return fig


def test_spanning_cells():
    assert_same_layout(lambda: _spans(offset=False))


def test_offset_texts_and_top_labels_fall_back_to_tight_layout():
    assert_same_layout(lambda: _spans(offset=True), measured_path=False)

    def top_label():
        fig = _spans(offset=False)
        fig.axes[1].xaxis.set_label_position("top")
        fig.axes[1].set_xlabel("a label on top")
        return fig

    assert_same_layout(top_label, measured_path=False)


def test_figures_it_does_not_measure_fall_back_to_tight_layout():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from flopcast.plots import axes as pa

    fig = pa.figure(6, 4)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    inset = fig.add_axes((0.6, 0.6, 0.2, 0.2))  # not in the grid
    inset.plot([0, 1], [1, 0])
    FigureCanvasAgg(fig)
    assert layout._subplot_params(fig, fig._get_renderer(), (0, 0, 1, 1)) is layout._UNSUPPORTED
    ax.spines["left"].set_position(("outward", 10))
    fig.delaxes(inset)
    assert layout._subplot_params(fig, fig._get_renderer(), (0, 0, 1, 1)) is layout._UNSUPPORTED


def _drawn_texts(fig):
    """The figure's texts that are drawn: tick labels of the ticks in view only (matplotlib keeps the others)."""
    from matplotlib.text import Text

    ticklabels = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = high - low
            for tick, loc in zip(axis.get_major_ticks(), axis.get_majorticklocs(), strict=False):
                ticklabels.update({id(tick.label1), id(tick.label2)})
                if low - 1e-9 * span <= loc <= high + 1e-9 * span:
                    yield from (t for t in (tick.label1, tick.label2) if t.get_visible() and t.get_text())
    for text in fig.findobj(Text):
        if id(text) not in ticklabels and text.get_visible() and text.get_text():
            yield text


def test_every_text_of_the_report_figures_is_inside_the_figure(sora_figures, llm_figures):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for figures in (sora_figures, llm_figures):
        for name, make in figures.items():
            fig = make()
            fig.set_dpi(DPI)
            FigureCanvasAgg(fig).draw()
            renderer = fig._get_renderer()
            width, height = fig.bbox.width, fig.bbox.height
            for text in _drawn_texts(fig):
                box = text.get_window_extent(renderer)
                inside = box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1
                assert inside, (name, text.get_text(), box.extents)
