"""Sensitivity figures: they return a Figure, draw what the Dataset says, and leave matplotlib's state alone."""

import re

import numpy as np
import pytest

import flopcast as fc
from flopcast.analysis.sensitivity import sobol, tornado

matplotlib = pytest.importorskip("matplotlib")

from matplotlib.figure import Figure  # noqa: E402

from flopcast.plots.sensitivity import sobol_plot, tornado_plot  # noqa: E402


@pytest.fixture
def model() -> fc.Model:
    m = fc.Model("m")
    m.assume("a", fc.uniform(1, 2))
    m.assume("b", fc.lognormal(1, 100))
    m.assume("c", fc.beta(4, 6))

    @m.derive
    def y(a, b, c):
        return a * b + c

    @m.derive
    def z(a, c):
        return a + 3 * c

    return m


def test_tornado_plot(model, tmp_path):
    ds = tornado(model, "y")
    fig = tornado_plot(ds)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ds["input"].values.tolist()
    assert len(ax.patches) == 2 * len(ds["input"])
    # bars span output_at_low .. output_at_high around the base
    lows = sorted(p.get_x() + min(0, p.get_width()) for p in ax.patches)
    assert min(lows) == pytest.approx(float(ds["output_at_low"].min()))
    assert ax.get_xscale() == "log"  # positive outputs spanning more than a factor 10
    assert tornado_plot(ds, log=False, title="t").axes[0].get_xscale() == "linear"
    fig.savefig(tmp_path / "tornado.png")
    assert (tmp_path / "tornado.png").stat().st_size > 1000


def test_tornado_plot_shows_each_input_range_with_its_unit():
    m = fc.Model("cost")
    m.assume("flop", fc.lognormal(1e24, 1e25), unit="FLOP")
    m.assume("price", fc.uniform(1.5, 4.0), unit="USD/GPU/hour")
    m.assume("mfu", fc.uniform(0.3, 0.5))
    m.assume("rate", 989e12, unit="FLOP/s/GPU")
    m.assume("seconds_per_hour", 3600, unit="s/hour")
    m.derive(lambda flop, rate, mfu, price, seconds_per_hour: flop / (rate * mfu) / seconds_per_hour * price,
             name="cost", unit="USD")  # fmt: skip
    ds = tornado(m, "cost")
    assert ds["input_unit"].sel(input="flop").item() == "FLOP"
    ranges = {t.get_text() for t in tornado_plot(ds).axes[0].texts}
    low, high = (float(ds[end].sel(input="flop")) for end in ("low", "high"))
    assert fc.formatting.interval(low, high) + " FLOP" in ranges
    # Money keeps its symbol, escaped: matplotlib would read "$1.62 – $3.88" as math and drop the dollars.
    assert any(text.startswith("\\$") and text.endswith(" per GPU/hour") for text in ranges), ranges
    assert not [text for text in ranges if re.search(r"(?<!\\)\$", text)], ranges
    mfu = fc.formatting.interval(float(ds["low"].sel(input="mfu")), float(ds["high"].sel(input="mfu")))
    assert mfu in ranges  # a share: no unit


def test_sobol_plot(model, tmp_path):
    ds = sobol(model, ["y", "z"], n=2**8, seed=0)
    fig = sobol_plot(ds)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    ax = fig.axes[1]
    assert ax.get_title() == "z"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    st = ds["ST"].sel(output="z").to_series()
    assert labels == st.sort_values(ascending=False).index.tolist()
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(sorted(heights[len(labels) :], reverse=True), st.sort_values(ascending=False).values)
    one = sobol_plot(ds, outputs="y", sort=False)
    assert len(one.axes) == 1 and [t.get_text() for t in one.axes[0].get_xticklabels()] == ["a", "b", "c"]
    fig.savefig(tmp_path / "sobol.png")


def test_plots_do_not_touch_global_state(model):
    import matplotlib as mpl

    rc = dict(mpl.rcParams)
    backend = mpl.get_backend()
    tornado_plot(tornado(model, "y"))
    sobol_plot(sobol(model, "y", n=2**6, seed=0))
    assert mpl.get_backend() == backend
    assert dict(mpl.rcParams) == rc
    import sys

    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        assert plt.get_fignums() == []


def test_plots_refuse_other_datasets(model):
    with pytest.raises(ValueError, match="tornado"):
        tornado_plot(sobol(model, "y", n=2**6, seed=0))
    with pytest.raises(ValueError, match="sobol"):
        sobol_plot(tornado(model, "y"))
    with pytest.raises(ValueError, match="'w' is not an output"):
        sobol_plot(sobol(model, "y", n=2**6, seed=0), outputs="w")


def test_sobol_panels_say_log_per_output_from_the_log_coordinate(model):
    ds = sobol(model, ["y", "z"], n=2**8, seed=0).assign_coords(log=("output", [True, False]))
    assert [ax.get_title() for ax in sobol_plot(ds).axes] == ["log(y)", "z"]
