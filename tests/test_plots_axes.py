"""Figures readable for any range: scales, limits, at least three labelled ticks, labels and references.

Each test draws the figure (Agg canvas, no pyplot) and reads back what a reader would see: the scale of each
axis, its limits against the data, and the tick labels inside the limits.
"""

from __future__ import annotations

import numpy as np
import pytest

import flopcast as fc
from flopcast import stats

matplotlib = pytest.importorskip("matplotlib")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from flopcast.analysis.sensitivity import sobol, tornado  # noqa: E402
from flopcast.plots import axes as pa  # noqa: E402
from flopcast.plots import distribution_plot, forest_plot, sobol_plot, tornado_plot  # noqa: E402


def labelled_ticks(ax, axis: str = "x") -> list[str]:
    """The tick labels a reader sees: drawn, inside the limits, not empty."""
    FigureCanvasAgg(ax.figure).draw()
    target = ax.xaxis if axis == "x" else ax.yaxis
    lo, hi = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
    return [
        t.get_text()
        for t, v in zip(target.get_majorticklabels(), target.get_majorticklocs(), strict=True)
        if lo <= v <= hi and t.get_text()
    ]


def narrow_model() -> fc.Model:
    """Every value within a factor of three: a serving throughput."""
    m = fc.Model("serving")
    m.assume("batch", fc.uniform(16, 48), label="batch size")
    m.assume("step_ms", fc.lognormal(20, 35), unit="ms", label="decode step time")
    m.assume("ms_per_s", 1000, unit="ms/s")

    @m.derive(unit="1/s", label="tokens per second")
    def tokens_per_s(batch, step_ms, ms_per_s):
        return batch * ms_per_s / step_ms

    return m


def money_model() -> fc.Model:
    m = fc.Model("cost")
    m.assume("gpu_hours", fc.lognormal(3e5, 3e6), unit="GPU*hour", label="GPU-hours")
    m.assume("price", fc.lognormal(1.8, 3.5), unit="USD/GPU/hour", label="price per GPU-hour")

    @m.derive(unit="USD", label="cost of the run")
    def cost(gpu_hours, price):
        return gpu_hours * price

    return m


@pytest.fixture(scope="module")
def narrow() -> fc.Result:
    return narrow_model().simulate(20_000, seed=1)


@pytest.fixture(scope="module")
def money() -> fc.Result:
    return money_model().simulate(20_000, seed=1)


def test_log_only_beyond_a_decade():
    assert pa.use_log([1e24, 1e26]) and pa.use_log([1, 10.5])
    assert not pa.use_log([1, 9.9]) and not pa.use_log([-1, 100]) and not pa.use_log([0, 100])


def test_narrow_range_is_linear_with_labels_and_fitted_limits(narrow: fc.Result):
    lo, hi = narrow.interval("tokens_per_s", prob=0.9)
    fig = forest_plot(narrow)
    ax = fig.axes[0]
    assert ax.get_xscale() == "linear"  # less than a decade: no log axis
    left, right = ax.get_xlim()
    assert left < lo < hi < right and (right - left) < 1.2 * (hi - lo)  # fitted: 6% padding on each side
    ticks = labelled_ticks(ax)
    assert len(ticks) >= 3 and all("e" not in t for t in ticks)
    assert ax.get_yticklabels()[0].get_text() == "tokens per second\n[1/s]"  # the label, then the unit

    dist = distribution_plot(narrow).axes[0]
    assert dist.get_xscale() == "linear" and len(labelled_ticks(dist)) >= 3 and len(labelled_ticks(dist, "y")) >= 3
    assert dist.get_xlabel() == "tokens per second [1/s]"
    # A linear view: the 0.5% to 99.5% quantiles, no farther than the 90% interval's width beyond it.
    v_lo, v_hi = stats.quantiles(np.asarray(narrow["tokens_per_s"]), [0.005, 0.995])
    v_lo, v_hi = max(v_lo, lo - (hi - lo)), min(v_hi, hi + (hi - lo))
    left, right = dist.get_xlim()
    assert left < v_lo and v_hi < right and (right - left) < 1.1 * (v_hi - v_lo)


def test_money_reads_as_money_on_every_axis(money: fc.Result):
    ax = forest_plot(money).axes[0]
    ticks = labelled_ticks(ax)
    assert ax.get_xscale() == "log"  # the cost spans more than a decade
    assert len(ticks) >= 3 and all(t.startswith("$") for t in ticks), ticks
    assert set(ticks) <= {"$100k", "$200k", "$500k", "$1M", "$2M", "$5M", "$10M", "$20M", "$50M"}
    dist = distribution_plot(money).axes[0]
    assert all(t.startswith("$") for t in labelled_ticks(dist)) and len(labelled_ticks(dist)) >= 3
    assert dist.get_xlabel() == "cost of the run [USD]"


@pytest.mark.parametrize(("low", "high"), [(1e24, 1e26), (2e6, 3e7), (600, 1400), (0.2, 0.55), (0.999, 1.001)])
def test_at_least_three_labelled_ticks_for_any_range(low: float, high: float):
    m = fc.Model("m")
    m.assume("x", fc.loguniform(low, high))  # a 90% interval over a decade for the first two
    res = m.simulate(2000, seed=0)
    for fig in (forest_plot(res), distribution_plot(res)):
        ax = fig.axes[0]
        assert ax.get_xscale() == ("log" if high / low > 10 else "linear")
        ticks = labelled_ticks(ax)
        assert len(ticks) >= 3, (low, high, ticks)
        assert len(set(ticks)) == len(ticks)  # distinct labels: enough digits for a narrow range


def test_references_are_labelled_and_told_apart(money: fc.Result):
    refs = {"cost": {"vendor quote": 2e6, "press estimate": 8e6}}
    fig = forest_plot(money, reference=refs)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[-2:] == ["vendor quote", "press estimate"]
    markers = [line.get_marker() for line in fig.axes[0].lines if line.get_label() in legend[-2:] or True][-2:]
    assert markers[0] != markers[1]  # two references, two shapes
    dist = distribution_plot(money, reference={"cost": (2e6, 8e6)}, reference_label="article")
    legend = [t.get_text() for t in dist.legends[0].get_texts()]
    assert legend[-2:] == ["article (low)", "article (high)"]
    styles = [line.get_linestyle() for line in dist.axes[0].lines[-2:]]
    assert styles[0] != styles[1]  # low and high lines are told apart
    left, right = dist.axes[0].get_xlim()
    assert left < 2e6 and 8e6 < right


def test_the_models_own_references_are_the_default(money: fc.Result):
    model = money_model()
    model.present(references={"cost": {"budget": 5e6}})
    res = model.simulate(2000, seed=0)
    legend = [t.get_text() for t in forest_plot(res).legends[0].get_texts()]
    assert legend[-1] == "budget"
    assert "budget" not in [t.get_text() for t in forest_plot(res, reference={}).legends[0].get_texts()]


def test_tornado_log_axis_when_swings_multiply():
    ds = tornado(money_model(), "cost")
    fig = tornado_plot(ds)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"  # a product: x2 and /2 read as ratios
    ticks = labelled_ticks(ax)
    assert len(ticks) >= 3 and all(t.startswith("$") for t in ticks)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["GPU-hours", "price per GPU-hour"]
    assert ax.get_xlabel().startswith("cost of the run [USD]")
    left, right = ax.get_xlim()
    values = np.concatenate([ds["output_at_low"].values, ds["output_at_high"].values])
    assert left < values.min() and values.max() < right
    assert np.log10(right / left) < 1.2 * np.log10(values.max() / values.min())  # fitted, in log space


def test_tornado_linear_when_swings_add():
    m = fc.Model("m")
    m.assume("a", fc.uniform(1, 2))
    m.assume("b", fc.uniform(1, 2))

    @m.derive
    def y(a, b):
        return 10 + a + 3 * b

    ax = tornado_plot(tornado(m, "y")).axes[0]
    assert ax.get_xscale() == "linear" and len(labelled_ticks(ax)) >= 3


def test_tornado_lists_inputs_without_effect_under_the_axis():
    m = fc.Model("m")
    m.assume("a", fc.uniform(1, 2))
    m.assume("b", fc.uniform(1, 2))

    @m.derive
    def y(a):
        return 2 * a

    @m.derive
    def z(b):
        return b

    ax = tornado_plot(tornado(m, "y", inputs=["a", "b"])).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a"]
    assert "no effect: b" in ax.get_xlabel()


def test_sobol_panels_use_labels():
    ds = sobol(narrow_model(), "tokens_per_s", n=256, seed=0, log=True)
    ax = sobol_plot(ds).axes[0]
    FigureCanvasAgg(ax.figure).draw()
    # Upright labels wrap under their bars: compare the words.
    assert {" ".join(t.get_text().split()) for t in ax.get_xticklabels()} == {"batch size", "decode step time"}
    assert ax.get_title() == "log(tokens per second)"
    assert len(labelled_ticks(ax, "y")) >= 3


@pytest.mark.parametrize(
    "text",
    ["minutes of video per H100-hour [video_minute/GPU/hour]", "$1.5 – $4 per GPU/hour", "1e25", "100,000",
     "Sora's size / DiT-XL/2's", "AVAVAV", "iiiii"],
)  # fmt: skip
@pytest.mark.parametrize("fontsize", [9.0, "medium", 14.0])
def test_text_width_is_matplotlibs_measure_or_a_little_wider(text, fontsize):
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    from flopcast.plots.axes import text_width

    reference = text_to_path.get_text_width_height_descent(text, FontProperties(size=fontsize), ismath=False)[0] / 72
    assert reference * (1 - 1e-3) <= text_width(text, fontsize) <= reference * 1.1
