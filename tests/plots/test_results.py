"""Forest and distribution plots: Figures, log axes with units, reference marks, no global matplotlib state."""

import subprocess
import sys

import pytest

from flopcast.catalog import sora


@pytest.fixture(scope="module")
def result():
    return sora.uncertain().simulate(5000, seed=3)


def test_import_flopcast_plots_does_not_import_matplotlib():
    code = "import sys, flopcast.plots as fp; print('matplotlib' in sys.modules, callable(fp.forest_plot))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_plots_namespace_lists_every_plot():
    import flopcast.plots as fp

    for name in ("forest_plot", "distribution_plot", "tornado_plot", "sobol_plot", "prior_posterior_plot"):
        assert name in fp.__all__ and callable(getattr(fp, name))
    with pytest.raises(AttributeError, match="plots"):
        fp.no_such_plot  # noqa: B018


def test_forest_plot(result):
    from matplotlib.figure import Figure

    from flopcast.plots import forest_plot

    fig = forest_plot(result, sora.OUTPUTS, reference=sora.ARTICLE_VALUES, reference_label="article")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == len(sora.OUTPUTS)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert "[FLOP]" in ax.get_yticklabels()[0].get_text()
    lo, hi = ax.get_xlim()
    assert lo < 1.1e25 < hi and lo < 2.7e25 < hi  # the article's values are on the axis
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["90% interval", "50% interval", "median", "article (low)", "article (high)", "article"]


def test_distribution_plot_cdf_and_density(result):
    from flopcast.plots import distribution_plot

    fig = distribution_plot(result, ["train_gpu_months", "peak_fleet_gpus"], reference=sora.ARTICLE_VALUES)
    assert [ax.get_xlabel() for ax in fig.axes] == [
        "training H100-months [GPU*month]",  # the label (label=), then the unit
        "peak inference fleet (H100) [GPU]",
    ]
    assert all(ax.get_xscale() == "log" for ax in fig.axes)
    dens = distribution_plot(result, "sora_video_flop", kind="density")
    assert len(dens.axes) == 1 and dens.axes[0].get_ylabel() == "density of log10"
    with pytest.raises(ValueError, match="kind"):
        distribution_plot(result, kind="violin")


def test_linear_axis_for_values_that_are_not_positive(product_model):
    import flopcast as fc
    from flopcast.plots import distribution_plot, forest_plot

    m = fc.Model("signed")
    m.assume("x", fc.normal(0, 1))
    res = m.simulate(1000, seed=0)
    assert forest_plot(res).axes[0].get_xscale() == "linear"
    assert distribution_plot(res).axes[0].get_xscale() == "linear"
    with pytest.raises(ValueError, match="log=True"):
        forest_plot(res, log=True)


def test_unknown_quantity_is_refused(result):
    from flopcast.plots import forest_plot

    with pytest.raises(KeyError, match="no_such"):
        forest_plot(result, ["no_such"])


def test_global_matplotlib_state_is_unchanged(result):
    import matplotlib
    import matplotlib.pyplot as plt

    from flopcast.plots import distribution_plot, forest_plot

    before = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    figures = plt.get_fignums()
    forest_plot(result)
    distribution_plot(result, kind="density")
    assert plt.get_fignums() == figures
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == before


def test_figures_save_as_png(tmp_path, result):
    from flopcast.plots import forest_plot

    path = tmp_path / "forest.png"
    forest_plot(result).savefig(path, dpi=80)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_each_plot_has_one_name():
    import flopcast.plots as fp

    for short in ("forest", "distribution", "tornado", "sobol", "prior_posterior"):
        assert callable(getattr(fp, f"{short}_plot"))
        with pytest.raises(AttributeError, match=f"no attribute '{short}' .*{short}_plot"):
            getattr(fp, short)


@pytest.mark.filterwarnings("ignore::flopcast.errors.SmallSampleWarning")  # one draw has no interval
@pytest.mark.parametrize("n", [1, 5000])
def test_titles_count_the_draws_in_singular_and_plural(n: int, result):
    from flopcast.plots import distribution_plot, forest_plot

    if n == 1:
        result = sora.uncertain().simulate(1, seed=3)
    words = "1 draw)" if n == 1 else "5,000 draws)"
    assert forest_plot(result, sora.OUTPUTS[:2])._suptitle.get_text().endswith(words)
    assert distribution_plot(result, sora.OUTPUTS[:2])._suptitle.get_text().endswith(words.rstrip(")"))
