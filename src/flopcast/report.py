"""Reports: run a model and write its summary, intervals, own sections, sensitivity, assumptions and figures.

:func:`write_report` is what ``flopcast report`` runs. The folder it writes holds:

===================  ==========================================================================================
``report.md``        a computed summary, headline intervals beside the model's reference values, the model's own
                     sections, sensitivity ranking, assumptions with sources, provenance; figures linked beside it
``report.html``      the same page, self-contained (figures embedded, no external files)
``forest.png``       medians and 90%/50% intervals, the reference values marked
``distributions.png``  the empirical CDF of each headline output
``tornado.png``      one-at-a-time swings of the main sensitivity output
``sobol.png``        Sobol' indices (of the log of each output) with their intervals
``summary.csv``      the headline summary at full precision (the numbers of ``report.md``, unrounded), by name
                     with a ``label`` column
``draws.nc``         with ``draws=True``: every draw as an xarray DataTree in netCDF (``xarray.open_datatree``)
===================  ==========================================================================================

The report knows no particular model: what it leads with, the values it compares against and any extra section
come from the model's presentation (:meth:`flopcast.Model.present`), readable names from ``label=``. Models with
no uncertain assumption have no sensitivity: that section says so and the two sensitivity figures are not drawn;
outputs that are constant (or have non-finite draws) are left out of the sensitivity analysis with a note why.
"""

from __future__ import annotations

import datetime as _dt
import platform
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.engine.progress import Stages
from flopcast.errors import FlopcastTypeError
from flopcast.formatting import count, fixed, interval, number
from flopcast.formatting import row as format_row
from flopcast.model import Model
from flopcast.output_folder import OutputFolder
from flopcast.presentation import render_section
from flopcast.report_html import Block, Figure, Heading, Paragraph, Table, from_markdown, to_html, to_markdown
from flopcast.report_html import escape_markdown as md
from flopcast.report_summary import is_log, log_scale, md_number, screen_outputs, summary_paragraphs
from flopcast.validate import check_int, check_probability

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from flopcast.result import Result

__all__ = [
    "DEFAULT_N",
    "DEFAULT_PROB",
    "DEFAULT_SEED",
    "DEFAULT_SENSITIVITY_N",
    "Report",
    "headline_outputs",
    "write_report",
]

DEFAULT_N = 100_000
DEFAULT_SEED = 2024
DEFAULT_PROB = 0.9
#: Base samples of the Sobol' design inside a report (the model runs ``n * (d + 2)`` times).
DEFAULT_SENSITIVITY_N = 2**11

FIGURES = ("forest", "distributions", "tornado", "sobol")
#: Every file a report may write (the folder refuses to replace a user's file of one of these names).
REPORT_FILES = (*(f"{name}.png" for name in FIGURES), "summary.csv", "draws.nc", "report.md", "report.html")


def headline_outputs(model: Model) -> tuple[str, ...]:
    """The quantities a report leads with: :attr:`flopcast.Model.headline` (declared, or the model's leaves).

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(1, 2))
    >>> @m.derive
    ... def b(a):
    ...     return 2 * a
    >>> @m.derive
    ... def c(b):
    ...     return b + 1
    >>> headline_outputs(m)
    ('c',)
    """
    return model.headline


@dataclass
class Report:
    """What :func:`write_report` wrote and computed.

    Attributes
    ----------
    path : Path
        The report's folder.
    result : Result
        The run, with every draw (also in ``draws.nc`` with ``draws=True``).
    outputs : tuple of str
        The headline quantities.
    summary : pandas.DataFrame
        ``result.summary(prob, outputs)`` with the 50% interval added (``eti50_lower``, ``eti50_upper``).
    files : dict of str to Path
        ``markdown``, ``html``, ``summary``, ``draws`` (with ``draws=True``) and each figure drawn (``forest``,
        ``distributions``, ``tornado``, ``sobol``).
    provenance : dict
        flopcast version, model, n, seed, design, prob, date, engine, Python and numpy versions.
    sobol, tornado : xarray.Dataset or None
        The sensitivity analysis (None when the model has no uncertain assumption).
    sensitivity_output : str or None
        The output of the tornado chart and the ranking.
    sensitivity_note : str or None
        Why the ranking is not of the ``sensitivity_output`` asked for (it cannot be ranked: constant, say), when
        another output was analysed instead; the report says it, and a :class:`~flopcast.errors.FlopcastWarning`.
    skipped : dict of str to str
        Headline outputs left out of the sensitivity analysis, each with the reason (constant, non-finite draws).
    sections : list of (str, str)
        The model's own sections (:attr:`flopcast.Model.presentation`), as (title, Markdown).
    timings : dict of str to float
        Seconds spent in each stage: ``simulation``, ``sensitivity`` (models with an uncertain assumption),
        ``figures`` and ``files`` (the model's own sections, the text and the files).
    """

    path: Path
    result: Result
    outputs: tuple[str, ...]
    summary: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    sobol: xr.Dataset | None = None
    tornado: xr.Dataset | None = None
    sensitivity_output: str | None = None
    sensitivity_note: str | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    sections: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: folder, files, provenance, the summary of each output and the sensitivity ranking."""
        summary = {
            name: {k: (v if isinstance(v, str) else float(v)) for k, v in row.items()}
            for name, row in self.summary.to_dict(orient="index").items()
        }
        return {
            "path": str(self.path),
            "files": {k: str(v) for k, v in self.files.items()},
            "provenance": self.provenance,
            "outputs": list(self.outputs),
            "summary": summary,
            "sensitivity": None if self.sobol is None else ranking_rows(self.sobol, self.sensitivity_output),
        }


def ranking_rows(sobol: xr.Dataset, output: str | None) -> list[dict[str, Any]]:
    """The inputs ranked by total Sobol' index on ``output``, as JSON-ready rows."""
    import numpy as np

    sub = sobol.sel(output=output)
    st = np.nan_to_num(sub["ST"].values, nan=-np.inf)
    rows = []
    for i in np.argsort(-st, kind="stable"):
        row: dict[str, Any] = {"input": str(sub["input"].values[i])}
        for var in ("S1", "S1_lower", "S1_upper", "ST", "ST_lower", "ST_upper"):
            if var in sub:
                row[var] = float(sub[var].values[i])
        rows.append(row)
    return rows


def write_report(
    model: Model,
    out: str | Path = "flopcast-report",
    *,
    n: int = DEFAULT_N,
    seed: int | None = DEFAULT_SEED,
    prob: float = DEFAULT_PROB,
    design: str = "random",
    outputs: Iterable[str] | str | None = None,
    sensitivity_output: str | None = None,
    sensitivity_n: int = DEFAULT_SENSITIVITY_N,
    html: bool = True,
    draws: bool = False,
    progress: bool | None = None,
    label: str | None = None,
    force: bool = False,
) -> Report:
    """Run ``model`` and write a report folder: Markdown and HTML pages, PNG figures (netCDF draws if asked).

    Parameters
    ----------
    model : Model
        The model to run.
    out : str or Path, default "flopcast-report"
        The folder to write: created if needed; an existing folder must be empty or hold an earlier flopcast
        report (see :mod:`flopcast.output_folder`: files are replaced atomically, a user's files never).
    n : int, default 100_000
        Draws of the run.
    seed : int, default 2024
        Seed of the run and of the sensitivity analysis.
    prob : float, default 0.9
        Mass of the headline intervals (the forest plot also shows the 50% interval).
    design : {"random", "lhs", "sobol"}
        Design of the run.
    outputs : str or iterable of str, optional
        Headline quantities (default: :func:`headline_outputs`).
    sensitivity_output : str, optional
        The output of the tornado chart and the ranking (default: the first headline output that is not constant).
    sensitivity_n : int, default 2**11
        Base samples of the Sobol' design (a power of two).
    html : bool, default True
        Also write ``report.html``.
    draws : bool, default False
        Also write every draw to ``draws.nc`` (netCDF; as large as ``n`` times the quantities, times 8 bytes).
        Without it, a ``draws.nc`` that an earlier report wrote in ``out`` is removed (it would hold another
        run's draws); one that flopcast did not write is never removed (see :mod:`flopcast.output_folder`).
    progress : bool, optional
        Name each stage (simulation, sensitivity, figures, files) with its time on standard error, and show the
        progress bar of the run (default: on a terminal; the bar only for runs longer than a second).
    label : str, optional
        How the model was named (e.g. ``"uncertain"`` or ``"my_model.py:build"``), for the provenance.
    force : bool, default False
        Write into a folder that also holds other files (they are kept; a file of the user's with the name of a
        report file is still refused).

    Returns
    -------
    Report

    Examples
    --------
    >>> import tempfile
    >>> import flopcast as fc
    >>> m = fc.Model("toy")
    >>> _ = m.assume("flop", fc.lognormal(1e20, 1e22), unit="FLOP", source="a guess")
    >>> _ = m.assume("rate", fc.uniform(2e14, 4e14), unit="FLOP/s/GPU", source="H100 at 20-40% of peak")
    >>> _ = m.assume("seconds_per_day", 86400, unit="s/day", source="definition")
    >>> @m.derive(unit="GPU*day")
    ... def gpu_days(flop, rate, seconds_per_day):
    ...     return flop / rate / seconds_per_day
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     rep = write_report(m, tmp, n=2000, sensitivity_n=256)
    ...     sorted(p.name for p in rep.files.values())  # doctest: +NORMALIZE_WHITESPACE
    ['distributions.png', 'forest.png', 'report.html', 'report.md', 'sobol.png', 'summary.csv', 'tornado.png']
    """
    import numpy as np

    from flopcast.engine import check_runnable
    from flopcast.version import __version__

    if not isinstance(model, Model):
        raise FlopcastTypeError(f"write_report() needs a flopcast Model, got {type(model).__name__}")
    n = check_int(n, "n", minimum=1)
    prob = check_probability(prob, "prob")
    sensitivity_n = check_int(sensitivity_n, "sensitivity_n", minimum=2)
    check_runnable(model)  # a model with no quantities has nothing to report
    names = headline_outputs(model) if outputs is None else model.check_names(outputs, "output")
    if sensitivity_output is not None:
        model.check_names([sensitivity_output], "output")
    # Only the files this run can write: a draws.nc of the user's beside a report without draws is left alone.
    output = OutputFolder(out, [name for name in REPORT_FILES if draws or name != "draws.nc"], force=force)
    output.check()  # refuse a folder of the user's before the run, not after it
    stages = Stages(progress, total=4 if model.uncertain else 3, prefix="report: ")

    with stages("simulation", count(n, "draw")):
        result = model.simulate(n, seed=seed, design=design, progress=progress)
        summary = _summary(result, names, prob)
    provenance = {
        "flopcast_version": __version__,
        "model": model.name,
        "model_label": label or model.name,
        "n": n,
        "seed": result.seed if isinstance(result.seed, int) else str(result.seed),
        "design": design,
        "prob": prob,
        "engine": result.engine,
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    report = Report(output.path, result, tuple(names), summary, provenance=provenance, timings=stages.times)
    if model.uncertain:
        with stages("sensitivity", f"Sobol' n = {sensitivity_n:,}"):
            _sensitivity(report, sensitivity_output, sensitivity_n, seed)

    with output:  # locked: another run writing there waits, then the folder holds one complete report
        _write(report, output, html, draws, stages)
    return report


# ---------------------------------------------------------------------------------------------- writing
def _write(report: Report, output: OutputFolder, html: bool, draws: bool, stages: Stages) -> None:
    """Write every file under a temporary name, then put them all in place at once (see output_folder)."""
    with stages("figures"):
        _figures(report, output)
    with stages("files", "with every draw" if draws else ""):
        # The model's own sections are part of the page's text (the Sora models' audit rebuilds the article).
        model = report.result.model
        report.sections = [(s.title, render_section(s, model, report.result)) for s in model.presentation.sections]
        _write_files(report, output, html, draws)


def _write_files(report: Report, output: OutputFolder, html: bool, draws: bool) -> None:
    # Keyed by name (machines read it), with the label a reader sees in report.md beside it.
    labels = [report.result.model[name].label for name in report.summary.index]
    report.files["summary"] = output.stage("summary.csv", report.summary.assign(label=labels).to_csv)
    if draws:
        report.files["draws"] = output.stage("draws.nc", report.result.to_netcdf)
    report.files["markdown"] = output.path / "report.md"
    if html:
        report.files["html"] = output.path / "report.html"
    blocks = _blocks(report)
    output.stage("report.md", lambda path: path.write_text(to_markdown(blocks), encoding="utf-8"))
    if html:
        # The page embeds the figures: read them from where they are staged (they take their place at commit).
        embedded = [replace(b, path=output.staged(b.path.name)) if isinstance(b, Figure) else b for b in blocks]
        page = to_html(embedded, title=f"flopcast report: {report.result.model.name}")
        output.stage("report.html", lambda path: path.write_text(page, encoding="utf-8"))
    output.commit()  # also removes the files of the previous report that this one has not (figures)


# ---------------------------------------------------------------------------------------------- computations
def _summary(result: Result, names: Sequence[str], prob: float) -> pd.DataFrame:
    """``result.summary(prob, full=True)`` with the 50% interval added (``eti50_lower``, ``eti50_upper``).

    Every statistic comes from :class:`~flopcast.result.Result`, so from the finite draws (the summary counts
    and warns of the others): the 50% interval is ``result.interval(name, 0.5)``, blank where the summary's
    interval is (a quantity with fewer than two finite draws).
    """
    import warnings

    import numpy as np

    from flopcast.errors import NonFiniteWarning

    table = result.summary(prob, names, full=True)
    half = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonFiniteWarning)  # the summary above has said it, once per quantity
        for name in names:
            undefined = np.isnan(table.loc[name, "eti_lower"])
            half.append((np.nan, np.nan) if undefined else result.interval(name, 0.5))
    table["eti50_lower"] = [lo for lo, _ in half]
    table["eti50_upper"] = [hi for _, hi in half]
    return table


def _sensitivity(report: Report, output: str | None, n: int, seed: int | None) -> None:
    """Sobol' indices of the headline outputs that vary (each of its log when all its draws are positive), a tornado.

    Outputs left out are recorded in ``report.skipped`` with the reason: no single output stops the report. When
    the output asked for cannot be ranked, the first one that can is analysed, and ``report.sensitivity_note``
    (and a warning) says so.
    """
    import warnings

    import xarray as xr

    from flopcast.analysis.sobol import sobol
    from flopcast.analysis.tornado import tornado
    from flopcast.errors import FlopcastError, FlopcastWarning

    model, result = report.result.model, report.result
    wanted = list(dict.fromkeys([*report.outputs, *([output] if output else [])]))
    targets, report.skipped = screen_outputs(result, wanted)
    asked = output
    if output is None or output not in targets:
        output = targets[0] if targets else None
    if output is None:
        return
    # Per output, as `flopcast sensitivity` decides: of its log when every draw is positive.
    logs = {t: log_scale(result[t]) for t in targets}
    parts = []
    for log in (True, False):
        group = [t for t in targets if logs[t] == log]
        if not group:
            continue
        try:
            parts.append(sobol(model, group, n=n, seed=seed, log=log))
        except FlopcastError:
            # One output the run did not reveal (NaN or constant on the Sobol' design only): analyse each alone.
            for t in group:
                try:
                    parts.append(sobol(model, t, n=n, seed=seed, log=log))
                except FlopcastError as exc:
                    report.skipped[t] = str(exc).removeprefix("sobol: ")
    if not parts:
        return
    indices = xr.concat(parts, dim="output", combine_attrs="override") if len(parts) > 1 else parts[0]
    analysed = [t for t in targets if t in indices["output"].values.tolist()]
    indices = indices.sel(output=analysed).assign_coords(log=("output", [logs[t] for t in analysed]))
    indices.attrs["log"] = all(logs[t] for t in analysed)  # the coordinate 'log' says it per output
    if output not in analysed:
        output = analysed[0]
    if asked is not None and asked != output:
        why = report.skipped.get(asked, "not among the outputs analysed")
        report.sensitivity_note = f"{asked!r} cannot be ranked ({why}); the ranking and the tornado are of {output!r}"
        warnings.warn(f"sensitivity output {report.sensitivity_note}", FlopcastWarning, stacklevel=4)
    report.sensitivity_output = output
    report.sobol, report.tornado = indices, tornado(model, output)


def _figures(report: Report, folder: OutputFolder) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:  # the core install: the report is written without figures (flopcast[plots] draws them)
        return
    from flopcast.plots.results import distribution_plot, forest_plot

    result = report.result  # the figures mark the model's own reference values, each with its label
    fig = forest_plot(result, report.outputs, probs=sorted({report.provenance["prob"], 0.5}, reverse=True))
    _save(report, folder, "forest", fig)
    _save(report, folder, "distributions", distribution_plot(result, report.outputs))
    if report.tornado is not None and report.sobol is not None:
        from flopcast.plots.sensitivity import sobol_plot, tornado_plot

        output = report.sensitivity_output or report.outputs[0]
        _save(report, folder, "tornado", tornado_plot(report.tornado))
        # The main output and the first headline output: a panel per output of 8 would be a poster.
        panels = list(dict.fromkeys([output, report.outputs[0]]))
        panels = [p for p in panels if p in report.sobol["output"].values.tolist()]
        _save(report, folder, "sobol", sobol_plot(report.sobol, panels))


def _save(report: Report, folder: OutputFolder, name: str, fig: Any) -> None:
    # PNG compression level 1: files about 10% larger, encoded faster than at the default level 6.
    png = {"compress_level": 1}
    report.files[name] = folder.stage(f"{name}.png", lambda path: fig.savefig(path, dpi=120, pil_kwargs=png))


# ---------------------------------------------------------------------------------------------- the page
def _blocks(report: Report) -> list[Block]:
    result, prov = report.result, report.provenance
    model = result.model
    # The model's name, description, labels, units and sources are the user's text, not Markdown: escaped.
    blocks: list[Block] = [Heading(f"flopcast report: {md(model.name)}", 1)]
    for part in re.split(r"\n\s*\n", model.description.strip()) if model.description.strip() else ():
        blocks.append(Paragraph(md(part)))  # its paragraphs kept, each on one line
    blocks.append(
        Paragraph(
            f"{count(result.n, 'draw')}, seed {prov['seed']}, {prov['design']} design; intervals are equal-tailed "
            f"(the {prov['prob']:.0%} interval runs from the {(1 - prov['prob']) / 2 * 100:g}% to the "
            f"{(1 + prov['prob']) / 2 * 100:g}% quantile). Generated by flopcast {prov['flopcast_version']} on "
            f"{prov['date']}."
        )
    )
    blocks += _summary_blocks(report)
    blocks += _headline(report)
    for title, markdown in report.sections:
        blocks += [Heading(title, 2), *from_markdown(markdown)]
    blocks += _sensitivity_blocks(report)
    blocks += _assumption_blocks(model)
    blocks += _provenance_blocks(report)
    return blocks


def _summary_blocks(report: Report) -> list[Block]:
    """The opening: each headline output in words, where each reference value falls, its top drivers."""
    model, prob = report.result.model, report.provenance["prob"]
    paragraphs = summary_paragraphs(
        report.result, report.outputs, report.summary, prob, model.presentation.references, report.sobol,
        report.skipped,
    )  # fmt: skip
    return [Heading("Summary", 2, "summary"), *(Paragraph(p) for p in paragraphs)]


def _quantity_cell(model: Model, name: str) -> str:
    """A quantity as a table row shows it: ``label (`name`)``, or ```name``` when it has no label of its own."""
    label = model[name].label
    return f"`{name}`" if label == name else f"{md(label)} (`{name}`)"


def _label(model: Model, name: str) -> str:
    """A quantity where a reader sees it in passing (a column, a list of inputs): its label, else ```name```."""
    label = model[name].label
    return f"`{name}`" if label == name else md(label)


def _headline(report: Report) -> list[Block]:
    s, prob = report.summary, report.provenance["prob"]
    model = report.result.model
    references = model.presentation.references
    pct = f"{prob:.0%}"
    half = prob != 0.5  # the 50% interval beside the headline one, unless that is the 50% interval
    headers = ["quantity", "unit", "median", f"{pct} interval", *(["50% interval"] if half else []), "mean"]
    shown = any(name in references for name in report.outputs)
    if shown:
        headers.append("reference values")
    rows = []
    for name in report.outputs:
        r = s.loc[name]
        refs = references.get(name, {}) if shown else {}
        stats = [r["median"], (r["eti_lower"], r["eti_upper"]), (r["eti50_lower"], r["eti50_upper"]), r["mean"]]
        # The references in the row's number style; escaped ('$' of money starts math in GitHub's Markdown).
        cells = [md_number(c) for c in format_row([*stats, *refs.values()], r["unit"])]
        row = [_quantity_cell(model, name), md(r["unit"]), *(cells[:4] if half else [cells[0], cells[1], cells[3]])]
        if shown:
            row.append("; ".join(f"{md(label)}: {text}" for label, text in zip(refs, cells[4:], strict=True)))
        rows.append(row)
    blocks: list[Block] = [
        Heading("Headline intervals", 2, "headline"),
        Table(headers, rows, "ll" + "r" * (len(headers) - 2)),
        Paragraph(
            f"Medians and equal-tailed intervals of {count(report.result.n, 'draw')} (3 significant digits; "
            "`summary.csv` has them unrounded, with highest-density intervals and Monte Carlo standard errors)."
            + (" Reference values are the values the model declares to compare against." if shown else "")
        ),
    ]
    dropped = [(name, report.result.nonfinite(name)) for name in report.outputs]
    dropped = [(name, bad) for name, bad in dropped if bad.count]
    if dropped:
        blocks.append(
            Paragraph(
                "Draws that are NaN or infinite are left out of these statistics: "
                + "; ".join(
                    f"`{name}`: {bad.count:,} of {bad.total:,} ({100 * bad.share:.3g}%)" for name, bad in dropped
                )
                + "."
            )
        )
    if report.summary.loc[list(report.outputs), "eti_lower"].isna().any():
        blocks.append(Paragraph(f"An interval needs at least 2 draws (this run has {count(report.result.n, "draw")}): "
                                "run with a larger n, thousands for stable intervals."))  # fmt: skip
    if "forest" in report.files:
        masses = f"{pct} and 50% intervals" if half else f"{pct} intervals"
        blocks.append(Figure(report.files["forest"], f"Medians, {masses} (log axes beyond a decade)"
                             + (" (marked: the reference values, one shape each)" if shown else "")))  # fmt: skip
    if "distributions" in report.files:
        blocks.append(Figure(report.files["distributions"], "Cumulative distribution of each headline output"))
    return blocks


def _sensitivity_blocks(report: Report) -> list[Block]:
    import numpy as np

    blocks: list[Block] = [Heading("Sensitivity", 2, "sensitivity")]
    ds, output = report.sobol, report.sensitivity_output
    model = report.result.model
    if report.skipped:
        blocks.append(
            Paragraph(
                "Left out of the sensitivity analysis: "
                + "; ".join(f"`{name}` is {md(why)}" if why.startswith("constant") else f"`{name}`: {md(why)}"
                            for name, why in report.skipped.items())
                + "."
            )
        )  # fmt: skip
    if ds is None or output is None:
        if not model.uncertain:
            reason = "every input is a point value, so there is nothing to rank"
        elif report.skipped:
            reason = "none of its headline outputs can be ranked (see above)"
        else:
            reason = "none of its headline outputs has a variance to share out"
        blocks.append(Paragraph(f"Model {md(repr(model.name))}: {reason}."))
        return blocks
    if report.sensitivity_note:
        blocks.append(Paragraph(md(f"Sensitivity output {report.sensitivity_note}.")))
    log = is_log(ds, output)
    target = f"log({_label(model, output)})" if log else _label(model, output)
    level = float(ds.attrs.get("conf_level", 0.95))
    ranked = ranking_rows(ds, output)
    swings = {}
    if report.tornado is not None:
        t = report.tornado
        swings = {
            str(name): (float(t["output_at_low"].values[i]), float(t["output_at_high"].values[i]))
            for i, name in enumerate(t["input"].values.tolist())
        }
    output_unit = report.result.unit(output)
    rows = []
    for rank, r in enumerate(ranked, 1):
        lo, hi = swings.get(r["input"], (np.nan, np.nan))
        rows.append(
            [str(rank), _quantity_cell(model, r["input"]), fixed(r["ST"]),
             interval(r["ST_lower"], r["ST_upper"], decimals=3), fixed(r["S1"]),
             *(md_number(c) for c in format_row([lo, hi], output_unit))]
        )  # fmt: skip
    blocks += [
        Paragraph(
            f"The drivers of **{target}**, ranked by total Sobol' index ST (its share of the variance, with "
            f"interactions; S1 alone), from {count(int(ds.attrs['n']), 'base sample')} with {level:.0%} bootstrap "
            "intervals; the last two columns are the tornado: the output with that input at its 5% and 95% "
            "quantiles, the others at their medians."
            + (" Indices are of the logarithm: shares of the variance of orders of magnitude." if log else "")
        ),
        Table(["rank", "input", "ST", f"ST {level:.0%}", "S1", "output at 5%", "output at 95%"], rows, "rlrrrrr"),
    ]
    blocks += _monte_carlo_note(model, ranked, int(ds.attrs["n"]))
    others = [o for o in ds["output"].values.tolist() if o != output]
    if others:
        st = ds["ST"]
        order = [r["input"] for r in ranked]
        matrix = [[_quantity_cell(model, name), *(fixed(float(st.sel(input=name, output=o)), 2) for o in others)]
                  for name in order]  # fmt: skip
        logged = [o for o in others if is_log(ds, o)]
        scale = (
            "each of its logarithm (its draws are all positive), as the column says"
            if len(logged) == len(others)
            else "of the logarithm where the column says log(...) (all its draws positive), else of the output "
            "itself (it can be zero or negative)"
        )
        blocks += [
            Paragraph(f"Total Sobol' index of each input on the other headline outputs, {scale}:"),
            Table(["input", *(f"log({_label(model, o)})" if o in logged else _label(model, o) for o in others)],
                  matrix, "l" + "r" * len(others)),
        ]  # fmt: skip
    if "tornado" in report.files:
        caption = f"Tornado chart of {_label(model, output)}: one-at-a-time swings"
        blocks.append(Figure(report.files["tornado"], caption))
    if "sobol" in report.files:
        blocks.append(Figure(report.files["sobol"], f"Sobol' indices with their {level:.0%} intervals"))
    return blocks


def _monte_carlo_note(model: Model, ranked: Sequence[dict[str, Any]], n: int) -> list[Block]:
    """A note under the ranking when an estimate is one no true index can be: Monte Carlo error, said as such.

    True indices lie in [0, 1] and S1 <= ST; an estimate shown outside [0, 1], or an S1 above the upper end of its
    ST's interval, is the error of a finite design (the indices are differences of noisy variances).
    """
    odd = []
    for r in ranked:
        shown = {key: float(fixed(r[key])) for key in ("ST", "S1") if fixed(r[key]) != "-"}
        outside = [f"{key} {fixed(r[key])}" for key, v in shown.items() if not 0 <= v <= 1]
        if r["S1"] > r.get("ST_upper", r["ST"]) and "S1" in shown:
            outside.append(f"S1 {fixed(r['S1'])} above ST {fixed(r['ST'])}")
        if outside:
            odd.append(f"{_label(model, r['input'])} ({', '.join(dict.fromkeys(outside))})")
    if not odd:
        return []
    return [
        Paragraph(
            f"Some estimates are not shares a true index can take (in [0, 1], S1 at most ST): {'; '.join(odd)}. They "
            f"are Monte Carlo error of the {count(n, 'base sample')}; a larger `--sensitivity-n` (`sensitivity_n=`) "
            "narrows them."
        )
    ]


def _assumption_blocks(model: Model) -> list[Block]:
    desc = model.describe()
    a_rows = [[_quantity_cell(model, r["name"]), md(r["summary"]), md(r["unit"]), md(r["source"])]
              for r in desc.assumptions]  # fmt: skip
    d_rows = [
        [_quantity_cell(model, r["name"]), md_number(number(r["point"], r["unit"])), md(r["unit"]),
         ", ".join(_label(model, i) for i in r["inputs"])]
        for r in desc.derived
    ]  # fmt: skip
    blocks: list[Block] = [
        Heading("Assumptions", 2, "assumptions"),
        Paragraph(
            f"{len(desc.assumptions)} assumptions ({len(model.uncertain)} uncertain): each with its distribution, "
            "its 90% interval, its unit and its source."
        ),
        Table(["quantity", "distribution", "unit", "source"], a_rows, "llll"),
    ]
    if d_rows:
        blocks += [
            Heading("Derived quantities", 3),
            Table(["quantity", "point value", "unit", "inputs"], d_rows, "lrll"),
        ]
    return blocks


def _provenance_blocks(report: Report) -> list[Block]:
    prov = report.provenance
    # Counts with thousands separators as in the text (the command below keeps the digits an option takes).
    rows = [[key.replace("_", " "), f"{value:,}" if key == "n" else md(value)] for key, value in prov.items()]
    files = ", ".join(f"`{p.name}`" for p in report.files.values())
    return [
        Heading("Provenance", 2, "provenance"),
        Table(["", "value"], rows, "ll"),
        Paragraph(
            f"Files: {files}. Repeat the "
            f"run with `flopcast report {prov['model_label']} --n {prov['n']} --seed {prov['seed']} --design "
            f"{prov['design']} --prob {prov['prob']:g}{' --draws' if 'draws' in report.files else ''}`"
            + (
                "; read the draws with `xarray.open_datatree('draws.nc')`."
                if "draws" in report.files
                else " (add `--draws` to keep every draw in `draws.nc`)."
            )
        ),
    ]
