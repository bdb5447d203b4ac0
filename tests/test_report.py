"""The report folder: every section and figure, numbers equal to the Result's, valid PNGs, provenance."""

import re
import struct
from pathlib import Path

import numpy as np
import pytest

from flopcast.catalog import sora
from flopcast.formatting import row
from flopcast.report import Report, headline_outputs, write_report

SECTIONS = ("# flopcast report", "## Summary", "## Headline intervals", "## Sensitivity", "## Assumptions",
            "## Provenance")  # fmt: skip
FIGURES = ("forest.png", "distributions.png", "tornado.png", "sobol.png")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    out = tmp_path_factory.mktemp("report")
    return write_report(sora.uncertain(), out, n=20_000, seed=7, sensitivity_n=512, label="uncertain", draws=True)


def test_folder_holds_every_section_and_figure(report: Report):
    text = (report.path / "report.md").read_text()
    for section in (*SECTIONS, "## Audit of the article"):  # the Sora models declare the audit as a section
        assert section in text
    for name in FIGURES:
        assert (report.path / name).is_file()
        assert f"]({name})" in text
    assert (report.path / "draws.nc").is_file() and (report.path / "summary.csv").is_file()


def test_figures_are_pngs_of_sensible_size(report: Report):
    for name in FIGURES:
        width, height = png_size(report.path / name)
        assert 400 <= width <= 4000 and 300 <= height <= 4000, (name, width, height)
        assert (report.path / name).stat().st_size > 10_000


def test_headline_numbers_equal_the_results(report: Report):
    text = (report.path / "report.md").read_text()
    summary = report.result.summary(0.9, sora.OUTPUTS)
    references = report.result.model.presentation.references
    for name in sora.OUTPUTS:
        line = next(line for line in text.splitlines() if f"(`{name}`)" in line and line.startswith("|"))
        x = report.result[name]
        lo, lo50, med, hi50, hi = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95])
        cells = [c.strip() for c in line.strip("|").split("|")]
        refs = references[name]
        # one style for the whole row, the article's values included: '8.9e4' beside '5.03e5', not '89,000'
        expected = row([med, (lo, hi), (lo50, hi50), np.mean(x), *refs.values()], report.result.unit(name))
        assert cells[2:6] == expected[:4]
        assert cells[-1] == "; ".join(f"{label}: {text}" for label, text in zip(refs, expected[4:], strict=True))
        assert summary.loc[name, "median"] == pytest.approx(med)
        low, high = sora.ARTICLE_VALUES[name]
        assert sorted(refs.values()) == sorted({low, high})


def test_draws_in_netcdf_are_the_results(report: Report):
    import xarray as xr

    with xr.open_datatree(report.path / "draws.nc", engine="h5netcdf") as tree:
        draws = tree["prior"]["peak_fleet_gpus"].values.ravel()
        assert tree.attrs["seed"] == "7" and tree.attrs["n"] == 20_000
    np.testing.assert_array_equal(draws, report.result["peak_fleet_gpus"])


def test_summary_csv_is_the_summary(report: Report):
    import pandas as pd

    table = pd.read_csv(report.path / "summary.csv", index_col=0)
    assert list(table.index) == list(sora.OUTPUTS)
    np.testing.assert_allclose(table["eti_upper"], report.summary["eti_upper"], rtol=1e-12)


def test_sections_hold_audit_sensitivity_assumptions_and_provenance(report: Report):
    text = (report.path / "report.md").read_text()
    assert "its inputs imply" in text and "ai_minutes_per_day" in text
    sens = text.split("## Sensitivity")[1].split("## Assumptions")[0]
    assert report.sensitivity_output == sora.OUTPUTS[0]  # the first headline output, for any model
    st = report.sobol["ST"].sel(output=report.sensitivity_output)
    top = str(st["input"].values[int(np.argmax(st.values))])
    rows = [line for line in sens.splitlines() if line.startswith("|")]
    assert f"`{top}`" in rows[2]  # rank 1 of the ranking table
    assumptions = text.split("## Assumptions")[1]
    assert "Peebles & Xie" in assumptions and "`param_scale`" in assumptions
    prov = text.split("## Provenance")[1]
    for word in ("flopcast version", "sora-uncertain", "20000", "seed", "7", "design", "random", "date"):
        assert word in prov


def test_html_is_self_contained(report: Report):
    html = (report.path / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("data:image/png;base64,") == len(FIGURES)
    assert 'src="forest.png"' not in html and "<link" not in html and "<script" not in html
    for section in ("Headline intervals", "Audit of the article", "Sensitivity", "Assumptions", "Provenance"):
        assert section in html


def test_model_without_uncertainty_says_so(tmp_path: Path):
    rep = write_report(sora.article("low"), tmp_path, n=500, html=False)
    text = (tmp_path / "report.md").read_text()
    assert "nothing to rank" in text
    assert not (tmp_path / "tornado.png").exists() and "html" not in rep.files
    line = next(line for line in text.splitlines() if "(`train_gpu_months`)" in line and line.startswith("|"))
    assert "4,211" in line


def test_user_model_report_has_every_section(tmp_path: Path, product_model):
    rep = write_report(product_model, tmp_path, n=2000, sensitivity_n=256)
    text = (tmp_path / "report.md").read_text()
    for section in SECTIONS:
        assert section in text
    assert rep.outputs == headline_outputs(product_model) == ("ratio",)
    assert "Audit" not in text and "article" not in text  # sections come from the model, not from the report
    for name in FIGURES:
        png_size(tmp_path / name)


def _table_rows(markdown: str) -> list[list[str]]:
    """The cells of every row of the Markdown tables in ``markdown`` (separator rows left out)."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in markdown.splitlines()]
    return [r for r in rows if len(r) > 1 and not set("".join(r)) <= set("-: ")]


def test_tables_show_labels_and_summary_csv_keeps_names(tmp_path: Path):
    import pandas as pd

    import flopcast as fc

    m = fc.Model("labelled")
    m.assume("mfu", fc.uniform(0.3, 0.5), label="model FLOPs utilization", source="runs")
    m.assume("flop", fc.lognormal(1e24, 1e25), unit="FLOP", source="guess")  # no label: shown by name
    m.assume("peak", 1e15, unit="FLOP/s/GPU", label="peak throughput", source="datasheet")
    m.derive(lambda flop, peak, mfu: flop / (peak * mfu), name="gpu_s", unit="GPU*s", label="GPU-seconds")
    rep = write_report(m, tmp_path, n=2000, sensitivity_n=128, html=False)
    text = (tmp_path / "report.md").read_text()
    sens = text.split("## Sensitivity")[1].split("## Assumptions")[0]
    ranking = {cells[1]: cells[0] for cells in _table_rows(sens) if cells[0].isdigit()}
    assert set(ranking) == {"model FLOPs utilization (`mfu`)", "`flop`"}  # a quantity without a label: its name
    assert "drivers of **log(GPU-seconds)**" in sens and "Tornado chart of GPU-seconds" in sens
    rows = {cells[0]: cells[1:] for cells in _table_rows(text.split("## Assumptions")[1].split("## Provenance")[0])}
    assert rows["model FLOPs utilization (`mfu`)"] == ["uniform, 90% in 0.31 – 0.49", "1", "runs"]
    assert rows["peak throughput (`peak`)"] == ["fixed at 1e15", "FLOP/s/GPU", "datasheet"]
    assert rows["GPU-seconds (`gpu_s`)"][-1] == "`flop`, peak throughput, model FLOPs utilization"
    assert rows["quantity"][0] in ("distribution", "point value")  # both tables head their first column so
    table = pd.read_csv(tmp_path / "summary.csv", index_col=0)
    assert list(table.index) == ["gpu_s"] and table.loc["gpu_s", "label"] == "GPU-seconds"
    np.testing.assert_allclose(table["median"], rep.summary["median"], rtol=1e-12)
    assert "label" not in rep.summary  # the Report's own table is left as it was


def test_draws_only_when_asked_and_stale_draws_removed(tmp_path: Path, product_model):
    write_report(product_model, tmp_path, n=500, sensitivity_n=64, draws=True, html=False)
    assert (tmp_path / "draws.nc").is_file()
    rep = write_report(product_model, tmp_path, n=500, sensitivity_n=64, html=False)
    assert "draws" not in rep.files and not (tmp_path / "draws.nc").exists()
    assert "--draws" in (tmp_path / "report.md").read_text()


def test_each_stage_is_named_and_timed(tmp_path: Path, product_model, capsys: pytest.CaptureFixture[str]):
    rep = write_report(product_model, tmp_path, n=500, sensitivity_n=64, html=False, progress=True)
    assert list(rep.timings) == ["simulation", "sensitivity", "figures", "files"]
    assert all(t >= 0 for t in rep.timings.values())
    err = capsys.readouterr().err
    # Each stage's line ends with its time (rewritten after the run's own progress bar, if one was drawn).
    lines = [line.rsplit("\r", 1)[-1] for line in err.split("\n") if line]
    lines = [line for line in lines if line.startswith("report: ")]
    assert [line.split(" ... ")[0] for line in lines] == [
        "report: [1/4] simulation (500 draws)",
        "report: [2/4] sensitivity (Sobol' n = 64)",
        "report: [3/4] figures",
        "report: [4/4] files",
    ]
    assert all(line.endswith(" s") for line in lines)
    write_report(product_model, tmp_path, n=500, sensitivity_n=64, html=False, progress=False)
    assert capsys.readouterr().err == ""


def test_bad_arguments(tmp_path: Path):
    with pytest.raises(TypeError, match="Model"):
        write_report("uncertain", tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not_there"):
        write_report(sora.uncertain(), tmp_path, n=100, outputs=["not_there"])


def test_summary_sentences_use_the_table_row_style(tmp_path: Path):
    """The opening sentence reads its numbers in the headline row's one style, money as money."""
    import flopcast as fc

    m = fc.Model("fleet")
    m.assume("gpus", fc.lognormal(7e4, 3.6e6), unit="GPU", source="guess")
    m.assume("price", fc.lognormal(2e5, 2.4e6), unit="USD", source="guess")
    m.derive(lambda gpus: 2 * gpus, name="fleet", unit="GPU")
    m.derive(lambda price: 1.0 * price, name="bill", unit="USD")
    rep = write_report(m, tmp_path, n=4000, sensitivity_n=64, html=False)
    text = (tmp_path / "report.md").read_text()
    for name in ("fleet", "bill"):
        s = rep.summary.loc[name]
        med, lo, hi = row([s["median"], s["eti_lower"], s["eti_upper"], s["eti50_lower"], s["eti50_upper"],
                           s["mean"]], s["unit"])[:3]  # fmt: skip
        table_cell = row([s["median"], (s["eti_lower"], s["eti_upper"])], s["unit"])[1]
        assert table_cell == f"{lo} – {hi}"
        lo, hi = (t.replace("$", "\\$") for t in (lo, hi))  # money escaped: '$' starts math on GitHub
        tail = f"{hi} GPU" if name == "fleet" else hi
        assert f"between {lo} and {tail}." in text, (lo, hi)
    assert "between 1.3" in text or "e5 and" in text  # the fleet's interval spans a million: scientific at both ends
    assert "between \\$" in text and " USD" not in text.split("## Headline")[0]
    # Every '$' of money is escaped, in the summary, the headline table and the assumptions alike.
    assert re.findall(r"(?<!\\)\$", text) == []
    assert text.count("\\$") > 6


def test_user_text_is_escaped_in_markdown(tmp_path: Path):
    """Labels, the model's name and description are text: report.md shows them as written, HTML tags included."""
    import flopcast as fc

    m = fc.Model("<sum> model", description="Power & cost.\n# not a heading\n<script>alert(1)</script>\n\nMore.")
    m.assume("params", fc.lognormal(7e10, 4e11), unit="parameter", source="a <b>guess</b>", label="Parameters <N>")
    m.assume("mfu", fc.uniform(0.3, 0.5), source="guess", label="MFU | *util*")
    m.derive(lambda params, mfu: params / mfu, name="load", unit="parameter", label="Load in $/MW and $5")
    write_report(m, tmp_path, n=2000, sensitivity_n=64)
    text = (tmp_path / "report.md").read_text()
    assert "<script>" not in text and "<N>" not in text and "<b>" not in text and "*util*" not in text
    assert [line for line in text.splitlines() if line.startswith("# ")] == ["# flopcast report: &lt;sum&gt; model"]
    assert "Power & cost. \\# not a heading &lt;script&gt;alert(1)&lt;/script&gt;\n\nMore." in text
    assert "MFU \\| \\*util\\* (`mfu`)" in text and "Load in \\$/MW and \\$5" in text  # '|' escaped once, in tables
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(text)
    for shown in ("&lt;sum&gt; model", "Parameters &lt;N&gt;", "MFU | *util*", "&lt;script&gt;alert(1)&lt;/script&gt;",
                  "a &lt;b&gt;guess&lt;/b&gt;", "Load in $/MW and $5"):  # fmt: skip
        assert shown in rendered, shown
    assert "<script" not in rendered and "<em>util" not in rendered and rendered.count("<h1>") == 1
    page = (tmp_path / "report.html").read_text()  # the HTML page shows the same text, escaped once
    for shown in ("&lt;sum&gt; model", "Parameters &lt;N&gt;", "MFU | *util*", "Load in $/MW and $5"):
        assert shown in page, shown
    assert "\\*" not in page and "&amp;lt;" not in page


def test_prob_one_half_gives_one_50_percent_interval(tmp_path: Path, product_model):
    rep = write_report(product_model, tmp_path, n=2000, sensitivity_n=64, prob=0.5, html=False)
    text = (tmp_path / "report.md").read_text()
    header = next(line for line in text.splitlines() if line.startswith("| quantity"))
    assert [c.strip() for c in header.strip("|").split("|")] == ["quantity", "unit", "median", "50% interval", "mean"]
    assert "*Medians, 50% intervals (log axes beyond a decade)*" in text and "50% and 50%" not in text
    s = rep.summary.loc["ratio"]
    assert (s["eti_lower"], s["eti_upper"]) == (s["eti50_lower"], s["eti50_upper"])


def test_forest_plot_draws_each_mass_once(product_model):
    pytest.importorskip("matplotlib")
    from flopcast.plots import forest_plot

    fig = forest_plot(product_model.simulate(500, seed=1), probs=(0.5, 0.5))
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["50% interval", "median"]


def test_single_draw_says_intervals_need_two_draws(tmp_path: Path, product_model):
    from flopcast.errors import SmallSampleWarning

    with pytest.warns(SmallSampleWarning):
        rep = write_report(product_model, tmp_path, n=1, sensitivity_n=64, html=False)
    text = (tmp_path / "report.md").read_text()
    import re

    assert not re.search(r"\bnan\b", text) and "constant" not in text and "depends on no uncertain" not in text
    assert "1 draw," in text and "1 draws" not in text
    assert "in the single finite draw; an interval needs at least 2 draws" in text
    assert "An interval needs at least 2 draws (this run has 1 draw)" in text
    assert rep.skipped["ratio"].startswith("a single draw: variance-based indices need at least 2 draws")
    row_cells = next(line for line in text.splitlines() if line.startswith("| `ratio`")).strip("|").split("|")
    assert [c.strip() for c in row_cells][3:5] == ["-", "-"]


def test_a_users_draws_file_is_never_removed(tmp_path: Path, product_model):
    """docs/cli.md: a rerun without draws removes flopcast's own draws.nc, never one of the user's."""
    from flopcast.output_folder import OutputFolderError

    (tmp_path / "draws.nc").write_text("my own draws")
    with pytest.raises(OutputFolderError, match="draws.nc"):
        write_report(product_model, tmp_path, n=200, sensitivity_n=64, html=False)
    write_report(product_model, tmp_path, n=200, sensitivity_n=64, html=False, force=True)
    assert (tmp_path / "draws.nc").read_text() == "my own draws"


# ---------------------------------------------------------------------------------------------- what the text says
def _narrow_model():
    """A constant output ``node``, one that can be negative (``w``) and one always positive (``pos``)."""
    import flopcast as fc

    m = fc.Model("narrow")
    m.assume("a", fc.uniform(1, 2), source="guess")
    m.assume("b", fc.uniform(0, 1), source="guess")
    m.assume("k", 3.0, unit="GPU", source="definition")
    m.derive(lambda k: 2 * k, name="node", unit="GPU", label="nodes of the cluster")
    m.derive(lambda a, b: a - 1.5 + 0.1 * b, name="w")
    m.derive(lambda a, b: a * (1 + b), name="pos")
    m.present(headline=["node", "w", "pos"],
              references={"node": {"a count": 6.0, "a guess": 6.15, "far off": 1e6}})  # fmt: skip
    return m


def test_summary_keeps_a_name_as_written_and_capitalizes_only_labels(tmp_path: Path):
    import flopcast as fc

    m = fc.Model("m")
    m.assume("a", fc.uniform(1, 2), source="guess")
    m.derive(lambda a: 2 * a, name="gpu_days")
    m.derive(lambda a: 3 * a, name="train_flop", label="training compute")
    write_report(m, tmp_path, n=1000, sensitivity_n=64, html=False)
    summary = (tmp_path / "report.md").read_text().split("## Summary")[1].split("##")[0]
    assert "\n`gpu_days`: a median of" in summary and "\n**Training compute** (`train_flop`): a median" in summary
    assert "Gpu_days" not in summary and "Train_flop" not in summary


def test_a_fixed_output_is_compared_with_its_reference_not_placed_among_draws(tmp_path: Path):
    write_report(_narrow_model(), tmp_path, n=1000, sensitivity_n=64, html=False)
    text = (tmp_path / "report.md").read_text()
    line = next(p for p in text.splitlines() if p.startswith("**Nodes of the cluster**"))
    assert "is fixed at 6 GPU in every draw" in line
    assert "A count's 6 equals it; a guess's 6.15 is 2.5% above it;" in line  # 6, not 6e0 beside far off's 1e6
    assert "every draw." not in line.replace("in every draw.", "") and "percentile" not in line


def test_sensitivity_decides_the_log_per_output_as_the_command_does(tmp_path: Path):
    """``w`` can be negative, ``pos`` cannot: the report analyses log(pos) as `flopcast sensitivity` does."""
    from flopcast.analysis.sobol import sobol
    from flopcast.cli import _sensitivity_output

    m = _narrow_model()
    rep = write_report(m, tmp_path, n=2000, seed=3, sensitivity_n=128, html=False)
    assert dict(zip(rep.sobol["output"].values.tolist(), rep.sobol["log"].values.tolist(), strict=True)) == {
        "w": False,
        "pos": True,
    }
    assert _sensitivity_output(m, "pos", 3)[1] is True and _sensitivity_output(m, "w", 3)[1] is False
    alone = sobol(m, "pos", n=128, seed=3, log=True)  # what `flopcast sensitivity --output pos` ranks
    np.testing.assert_allclose(rep.sobol["ST"].sel(output="pos").values, alone["ST"].sel(output="pos").values)
    text = (tmp_path / "report.md").read_text()
    assert "| input | log(`pos`) |" in text.replace("  ", " ").replace("  ", " ") or "log(`pos`)" in text
    assert "The drivers of **`w`**" in text  # the first output that varies, itself: it can be negative
    summary = text.split("## Summary")[1].split("##")[0]
    assert summary.count("Top drivers (total Sobol' index):") == 1  # w
    assert summary.count("Top drivers (total Sobol' index of its logarithm):") == 1  # pos


def test_a_sensitivity_output_that_cannot_be_ranked_is_replaced_with_a_note(tmp_path: Path):
    from flopcast.errors import FlopcastWarning

    with pytest.warns(FlopcastWarning, match="'node' cannot be ranked .*constant.* of 'w'"):
        rep = write_report(_narrow_model(), tmp_path, n=1000, sensitivity_n=64, sensitivity_output="node", html=False)
    assert rep.sensitivity_output == "w" and "'node' cannot be ranked (constant" in (rep.sensitivity_note or "")
    text = (tmp_path / "report.md").read_text()
    assert "Sensitivity output 'node' cannot be ranked (constant (every draw is 6)" in text
    assert "the ranking and the tornado are of 'w'." in text


def test_estimates_no_true_index_can_take_get_a_note():
    from flopcast.report import _monte_carlo_note

    m = _narrow_model()
    fine = [{"input": "a", "ST": 0.9, "ST_lower": 0.8, "ST_upper": 1.0, "S1": 0.85}]
    assert _monte_carlo_note(m, fine, 256) == []
    odd = [
        {"input": "a", "ST": 1.021, "ST_lower": 0.9, "ST_upper": 1.15, "S1": 1.504},
        {"input": "b", "ST": 0.01, "ST_lower": 0.0, "ST_upper": 0.02, "S1": -0.004},
        {"input": "k", "ST": 0.3, "ST_lower": 0.2, "ST_upper": 0.4, "S1": 0.35},  # S1 above ST, within its interval
    ]
    (note,) = _monte_carlo_note(m, odd, 256)
    assert "`a` (ST 1.021, S1 1.504, S1 1.504 above ST 1.021); `b` (S1 -0.004)" in note.text
    assert "`k`" not in note.text and "Monte Carlo error of the 256 base samples" in note.text
    assert "--sensitivity-n" in note.text


def test_a_section_that_returns_no_text_is_a_type_error_naming_it(tmp_path: Path):
    import flopcast as fc
    from flopcast.errors import FlopcastTypeError

    m = _narrow_model()
    m.present(sections=[fc.ReportSection("Bad", lambda model, result: 42)])
    message = "report section 'Bad' of model 'narrow': its render function returned int; it must return Markdown"
    with pytest.raises(FlopcastTypeError, match=message):
        write_report(m, tmp_path, n=100, sensitivity_n=64, html=False)


def test_versions_counts_and_drivers_read_plainly(tmp_path: Path):
    write_report(_narrow_model(), tmp_path, n=2000, sensitivity_n=64, html=False)
    text = (tmp_path / "report.md").read_text()
    provenance = text.split("## Provenance")[1]
    assert "| n " in provenance and "| 2,000 " in provenance and "--n 2000" in provenance
    assert "\\." not in provenance  # versions (0.1.0, 3.13.0) are not ordered-list markers
    assert "Top drivers (total Sobol' index" in text and "index of it)" not in text


def test_the_summary_keeps_a_label_written_with_its_own_capitals():
    from flopcast.report_summary import _sentence

    assert _sentence("iOS time per request") == "iOS time per request"
    assert _sentence("H100-days") == "H100-days"
    assert _sentence("training compute") == "Training compute"
