"""Figure text that comes from a user (labels, names, units, reference labels) is shown as written: no mathtext."""

import re

import pytest

import flopcast as fc

pytest.importorskip("matplotlib")

DOLLAR = re.compile(r"(?<!\\)\$")  # a '$' matplotlib would read as the start or end of math


def dollar_model() -> fc.Model:
    m = fc.Model("costs in $ and $$")
    m.assume("pue", fc.uniform(1.1, 1.4), label="PUE $x$")
    m.assume("load", fc.lognormal(1, 3), unit="MW", label="Load in $/MW and $5")

    @m.derive(unit="MW", label="Power $P$ in $MW")
    def power(pue, load):
        return pue * load

    m.present(references={"power": {"$old$ guess": 2.0}})
    return m


def texts(fig) -> list[str]:
    from matplotlib.text import Text

    fig.canvas.draw()  # tick labels exist once drawn
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_dollar_signs_in_user_text_are_not_math():
    from flopcast.analysis.sensitivity import sobol, tornado
    from flopcast.plots import distribution_plot, forest_plot, sobol_plot, tornado_plot

    m = dollar_model()
    res = m.simulate(2000, seed=1)
    figures = {
        "forest": forest_plot(res),
        "distributions": distribution_plot(res),
        "tornado": tornado_plot(tornado(m, "power")),
        "sobol": sobol_plot(sobol(m, "power", n=64, seed=0)),
    }
    for name, fig in figures.items():
        shown = texts(fig)
        assert not [t for t in shown if DOLLAR.search(t)], (name, shown)
        joined = "\n".join(shown)
        if name in ("tornado", "sobol"):
            assert "Load in \\$/MW" in joined and "and \\$5" in joined and "PUE \\$x\\$" in joined, (name, shown)
        else:
            assert "Power \\$P\\$ in \\$MW" in joined, (name, shown)
        if name in ("forest", "distributions"):
            assert "\\$old\\$ guess" in joined and "costs in \\$ and \\$\\$" in joined, (name, shown)


def test_upright_sobol_labels_wrap_under_their_bars():
    from flopcast.analysis.sensitivity import sobol
    from flopcast.plots import sobol_plot

    fig = sobol_plot(sobol(dollar_model(), "power", n=64, seed=0))
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "Load in \\$/MW\nand \\$5" in labels and "PUE \\$x\\$" in labels  # long labels on two lines, none overlap
    assert all(len(line) <= 14 for label in labels for line in label.split("\n"))
