"""The ``flopcast`` command: reports, a model's own sections, sensitivity, model descriptions and the list of models.

::

    flopcast report [MODEL] [--n N] [--seed S] [--prob P] [--design D] [--out DIR] [--force] [--draws] [--json]
    flopcast audit [MODEL] [--wide] [--json]
    flopcast sensitivity [MODEL] [--output NAME] [--n N] [--seed S] [--json]
    flopcast describe [MODEL] [--wide] [--json] [--toml]
    flopcast models [--json]
    flopcast latency [--config FILE.toml] [--params P --width W --layers L --resolution WxH ...] [--json]

``MODEL`` is ``uncertain`` (the default), ``refined``, ``article`` (= ``article-low``), ``article-high``, or a
Python file, ``path/to/file.py`` or ``path/to/file.py:name`` (see :mod:`flopcast.cli_models`). Commands that
take a ``MODEL`` also take ``--assumptions FILE``, a TOML file of assumptions (see :mod:`flopcast.assumption_files`;
``flopcast describe MODEL --toml`` writes one).

Output: aligned tables with engineering notation and units on standard output; with ``--json``, one JSON
document on standard output and nothing else. A progress bar appears on standard error for runs longer than a
second when it is a terminal. User errors (a bad option, an unknown model or quantity, a file that does not
define a model: every :class:`~flopcast.errors.FlopcastError`) print one line, ``flopcast: error: ...``, on
standard error and exit with status 2; set ``FLOPCAST_DEBUG=1`` to see the traceback instead. An error raised
by the user's own model code (its traceback passes through the model file's folder, or a derived function raised
it) prints the user's frames and one line naming what raised it, with status 2. Any other error is a bug of
flopcast: its traceback is printed, with how to report it, and the status is 1. When the reader of the
output goes away (``flopcast audit | head -2``) the command ends quietly with status 0.

Examples
--------
>>> main(["models"])  # doctest: +ELLIPSIS
uncertain     the article's formulas, each assumption a sourced distribution, MACs x2 (default)
...
0
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import sys
import textwrap
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from flopcast.analysis.sobol import MIN_RELIABLE_N
from flopcast.cli_models import DEFAULT_MODEL, builtin_models, load_model
from flopcast.errors import FlopcastError, FlopcastTypeError, FlopcastValueError
from flopcast.formatting import WIDTH, count, fixed, interval, number, table
from flopcast.formatting import row as format_row
from flopcast.report import DEFAULT_SENSITIVITY_N

if TYPE_CHECKING:
    from flopcast.model import Model

__all__ = ["UsageError", "UserCodeError", "build_parser", "main"]

#: Exit status of user errors (as argparse uses).
USAGE_ERROR = 2


class UsageError(FlopcastValueError):
    """A mistake of the user on the command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, with errors as one line ``flopcast: error: ...`` (no usage block) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.split(" ", 1)[1] if " " in self.prog else ""
        hint = f" (see 'flopcast {command + ' ' if command else ''}--help')"
        raise UsageError(message + hint)


_MODEL_HELP = (
    "uncertain (default), refined, article (= article-low), article-high, "
    "or a Python file: path/to/file.py or path/to/file.py:name"
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the command, with one sub-parser per subcommand."""
    from flopcast.version import __version__

    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="flopcast",
        description="Probabilistic compute forecasting: honest intervals from uncertain assumptions.",
        epilog="examples:\n  flopcast report\n  flopcast report refined --n 200000 --out sora-refined\n"
        "  flopcast sensitivity --output peak_fleet_gpus\n  flopcast describe my_model.py:build --json",
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="version", version=f"flopcast {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_: str, example: str) -> argparse.ArgumentParser:
        # argparse %-formats help strings but prints descriptions as they are.
        description = help_.replace("%%", "%")
        p = sub.add_parser(
            name, help=help_, description=description, epilog=f"example:\n  {example}", formatter_class=fmt
        )
        return p

    def add_json(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout, nothing else")

    def add_wide(p: argparse.ArgumentParser, adds: str = "") -> None:
        p.add_argument("--wide", action="store_true", help=f"{adds}tables wider than {WIDTH} columns")

    def add_model(p: argparse.ArgumentParser) -> None:
        p.add_argument("model", nargs="?", default=DEFAULT_MODEL, metavar="MODEL", help=_MODEL_HELP)
        p.add_argument(
            "--assumptions",
            metavar="FILE",
            help="replace the model's assumptions by those of a TOML file (write one with 'flopcast describe --toml')",
        )

    p = command(
        "report",
        "run a model and write a report folder (Markdown, HTML, figures; draws with --draws)",
        "flopcast report uncertain --n 100000 --seed 2024 --out sora-report",
    )
    add_model(p)
    p.add_argument("--n", type=_positive_int, default=100_000, help="draws (default 100000)")
    p.add_argument("--seed", type=_seed, default=2024, help="seed of the run (default 2024)")
    p.add_argument("--prob", type=_probability, default=0.9, help="mass of the intervals (default 0.9)")
    p.add_argument("--design", choices=("random", "lhs", "sobol"), default="random", help="design (default random)")
    p.add_argument("--out", default="flopcast-report", help="output folder (default ./flopcast-report)")
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a folder that holds other files (they are kept; flopcast replaces only its own files)",
    )
    p.add_argument(
        "--output",
        action="append",
        metavar="NAME",
        help="a headline quantity (repeat for several; default: the model's headline, else its final quantities)",
    )
    p.add_argument("--sensitivity-output", metavar="NAME", help="output of the tornado chart and the ranking")
    p.add_argument(
        "--sensitivity-n",
        type=_power_of_two,
        default=DEFAULT_SENSITIVITY_N,
        help=f"Sobol' base samples (a power of two; {DEFAULT_SENSITIVITY_N})",
    )
    p.add_argument("--no-html", action="store_true", help="write report.md only, not report.html")
    p.add_argument("--draws", action="store_true", help="also write every draw to draws.nc (netCDF)")
    add_json(p)

    p = command(
        "audit",
        "the model's own report sections (for the Sora models: the article's numbers against what its inputs imply)",
        "flopcast audit article --json",
    )
    add_model(p)
    add_wide(p, "the sections' Markdown as they write it; ")
    add_json(p)

    p = command(
        "sensitivity",
        "rank the drivers of an output: Sobol' indices (of its log) and one-at-a-time swings",
        "flopcast sensitivity refined --output train_gpu_months",
    )
    add_model(p)
    p.add_argument(
        "--output", metavar="NAME", help="the output to explain (default: the first headline output that varies)"
    )
    p.add_argument(
        "--n",
        type=_power_of_two,
        default=DEFAULT_SENSITIVITY_N,
        help=f"Sobol' base samples, a power of two ({DEFAULT_SENSITIVITY_N}, as in the report)",
    )
    p.add_argument("--seed", type=_seed, default=2024, help="seed (default 2024)")
    p.add_argument("--no-log", action="store_true", help="analyse the output itself, not its logarithm")
    add_json(p)

    p = command(
        "describe",
        "the assumptions (distribution, 90%% interval, unit, source) and derived quantities",
        "flopcast describe refined",
    )
    add_model(p)
    add_wide(p, "add the sources; ")
    add_json(p)
    p.add_argument("--toml", action="store_true", help="print the assumptions as a TOML file to edit and read back")

    p = command("models", "the built-in models, one line each", "flopcast models")
    add_json(p)
    _add_latency(command("latency", "predict a video model's seconds per clip on one GPU from its configuration",
                         "flopcast latency --params 14e9 --width 5120 --layers 40 --resolution 1280x720 --frames 81 "
                         "--steps 50 --cfg 2 --vae 4x8x8 --patch-size 2"))  # fmt: skip
    return parser


def _add_latency(p: argparse.ArgumentParser) -> None:
    """Options of ``flopcast latency``: each key of a configuration (command-line values override --config)."""
    from flopcast.cli_models import latency_config_keys

    p.add_argument("--config", metavar="FILE", help="a TOML file of configuration keys (params = 14e9, ...)")
    flags = {"cfg_passes": "--cfg", "width_px": None, "height_px": None, "spatial_compression": None,
             "temporal_compression": None}  # fmt: skip
    for key, meaning in latency_config_keys().items():
        flag = flags.get(key, "--" + key.replace("_", "-"))
        if flag is not None:
            # Numbers are parsed by argparse, whose error then names the flag the user typed.
            kind: Callable[[str], Any] = str if key == "gpu" else _number
            p.add_argument(
                flag, dest=key, type=kind, metavar="NAME" if key == "gpu" else "X", help=meaning.replace("%", "%%")
            )
    p.add_argument("--resolution", metavar="WxH", help="frame size in pixels, e.g. 1280x720")
    p.add_argument("--vae", metavar="TxHxW", help="VAE compression, temporal x height x width, e.g. 4x8x8")
    p.add_argument("--n", type=_positive_int, default=20_000, help="draws (default 20000)")
    p.add_argument("--seed", type=_seed, default=0, help="seed (default 0)")
    p.add_argument("--prob", type=_probability, default=0.9, help="mass of the interval (default 0.9)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout, nothing else")


# ---------------------------------------------------------------------------------------------- argument types
def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}") from None
        if not number.is_integer():
            raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}") from None
        value = int(number)  # 1e5
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _power_of_two(text: str) -> int:
    value = _positive_int(text)
    if value < 2 or value & (value - 1):
        raise argparse.ArgumentTypeError(f"expected a power of two such as 1024 or 4096, got {text!r}")
    if value < MIN_RELIABLE_N:
        raise argparse.ArgumentTypeError(
            f"expected at least {MIN_RELIABLE_N} Sobol' base samples (fewer give unreliable indices), got {text!r}"
        )
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative whole number, got {text!r}")
    return value


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a probability in (0, 1) such as 0.9, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a probability in (0, 1) such as 0.9, got {text!r}")
    return value


# ---------------------------------------------------------------------------------------------- helpers
def _progress(args: argparse.Namespace) -> bool | None:
    """No bar with --json; otherwise the engine decides (a terminal, and a run longer than a second)."""
    return False if args.json else None


def _status(args: argparse.Namespace, message: str) -> None:
    """A short note on stderr for people at a terminal (never with --json)."""
    if not args.json and sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise FlopcastTypeError(f"not JSON serializable: {type(value).__name__}")


def _clean(value: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) by None, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


#: The command's standard output while the user's code runs with its prints sent to stderr (see :func:`_run`).
_document: list[TextIO] = []


def _print_document(text: str, end: str = "\n") -> None:
    """Print the one document of ``--json`` or ``--toml`` on the command's standard output."""
    print(text, end=end, file=_document[-1] if _document else sys.stdout)


def _print_json(data: Any) -> None:
    _print_document(json.dumps(_clean(json.loads(json.dumps(data, default=_json_default))), indent=2, allow_nan=False))


def _named(model: Model, name: str) -> str:
    """A quantity as people read it in the command's tables: ``label (name)``, or the name when it has no label.

    As in report.md, the label the model gives (``label=``) comes first and the name (what options take) after.
    """
    from flopcast.model.nodes import titled

    return titled(model[name])


def _check_output(model: Any, name: str | None) -> str:
    from flopcast.engine import check_runnable

    check_runnable(model)  # a model with no quantities has no output to name
    if name is None:
        return str(model.headline[0])
    if name not in model:
        raise UsageError(model.unknown_message(name, "quantity"))
    return name


# ---------------------------------------------------------------------------------------------- subcommands
def _cmd_models(args: argparse.Namespace) -> None:
    models = builtin_models()
    if args.json:
        _print_json(models)
        return
    width = max(map(len, models))
    for name, text in models.items():
        print(f"{name.ljust(width)}  {text}")
    print(f"\n{'file.py[:name]'.ljust(width)}  a Model (or a function returning one) in your own Python file")


def _model(args: argparse.Namespace) -> Model:
    """The model a command names, with the assumptions of ``--assumptions FILE`` when given."""
    with contextlib.redirect_stdout(sys.stderr):  # what the model file prints is not the command's output
        model = load_model(args.model)
    if getattr(args, "assumptions", None):
        from flopcast.assumption_files import replace_from

        model = replace_from(model, args.assumptions)
    return model


def _cmd_describe(args: argparse.Namespace) -> None:
    model = _model(args)
    if args.toml:
        from flopcast.assumption_files import dumps

        _print_document(dumps(model), end="")
        return
    desc = model.describe()
    if args.json:
        _print_json(
            {
                "model": desc.model,
                "description": model.description,
                "assumptions": [{**r, "interval_90": list(r["interval_90"])} for r in desc.assumptions],
                "derived": desc.derived,
            }
        )
        return
    from flopcast.describe import format_description

    print(format_description(desc, wide=args.wide))


def _cmd_audit(args: argparse.Namespace) -> None:
    from flopcast.report_html import Heading, Table, from_markdown, to_text

    model = _model(args)
    from flopcast.presentation import render_section

    sections = [(s.title, render_section(s, model, None)) for s in model.presentation.sections]
    if args.json:
        # Each section's Markdown, and its tables as rows of {header: cell} for programs.
        _print_json(
            {
                "model": model.name,
                "sections": [
                    {
                        "title": title,
                        "markdown": text,
                        "tables": [
                            [dict(zip(b.headers, row, strict=True)) for row in b.rows]
                            for b in from_markdown(text)
                            if isinstance(b, Table)
                        ],
                    }
                    for title, text in sections
                ],
            }
        )
        return
    if not sections:
        print(f"Model {model.name!r} declares no report sections of its own (Model.present(sections=...)).")
    if args.wide:  # the Markdown as the sections write it, one table row a line
        for title, text in sections:
            print(f"{title}\n{'=' * len(title)}\n\n{text}")
        return
    blocks = [block for title, text in sections for block in (Heading(title, 1), *from_markdown(text))]
    if blocks:
        print(to_text(blocks, WIDTH), end="")


def _cmd_sensitivity(args: argparse.Namespace) -> None:
    from flopcast.analysis.sobol import sobol
    from flopcast.analysis.tornado import tornado
    from flopcast.report import ranking_rows

    model = _model(args)
    output = _check_output(model, args.output)
    if not model.uncertain:
        raise UsageError(f"model {model.name!r} has no uncertain assumption: there is nothing to rank")
    output, positive = _sensitivity_output(model, args.output, args.seed)
    log = not args.no_log and positive
    _status(args, f"Sobol' indices of {'log(' + output + ')' if log else output}, n = {args.n:,} ...")
    try:
        indices = sobol(model, output, n=args.n, seed=args.seed, log=log)
    except FlopcastError as exc:  # the library's advice names its argument; give the command's option
        raise UsageError(str(exc).replace("(log=False)", "(--no-log)")) from exc
    swings = tornado(model, output)
    ranked = ranking_rows(indices, output)
    at = {
        str(name): (float(swings["output_at_low"].values[i]), float(swings["output_at_high"].values[i]))
        for i, name in enumerate(swings["input"].values.tolist())
    }
    unit = model[output].unit
    if args.json:
        for row in ranked:
            lo, hi = at.get(row["input"], (math.nan, math.nan))
            row.update({"label": model[row["input"]].label, "output_at_low": lo, "output_at_high": hi,
                        "swing": abs(hi - lo)})  # fmt: skip
        _print_json(
            {
                "model": model.name,
                "output": output,
                "label": model[output].label,
                "unit": unit,
                "log": log,
                "n": int(indices.attrs.get("n", args.n)),
                "seed": args.seed,
                "base": float(swings["base"]),
                "ranking": ranked,
            }
        )
        return
    rows = []
    for rank, row in enumerate(ranked, 1):
        lo, hi = at.get(row["input"], (math.nan, math.nan))
        rows.append(
            [str(rank), _named(model, row["input"]), fixed(row["ST"]),
             interval(row["ST_lower"], row["ST_upper"], decimals=3), fixed(row["S1"]),
             *format_row([lo, hi, abs(hi - lo)], unit)]
        )  # fmt: skip
    target = f"log({_named(model, output)})" if log else _named(model, output)
    base = number(float(swings["base"]), unit)
    intro = (  # one paragraph filled to the width: the output's label makes the first line longer
        f"Drivers of {target} [{unit}] in model {model.name!r}: total (ST) and first-order (S1) Sobol' indices "
        f"(n = {int(indices.attrs.get('n', args.n)):,} base samples, seed {args.seed}, 95% bootstrap intervals), "
        "and the "
        f"output with each input at its 5% / 95% quantile, the others at their medians (base {base})"
    )
    print(textwrap.fill(intro, WIDTH, break_on_hyphens=False) + "\n")
    headers = ["rank", "input", "ST", "ST 95%", "S1", "output at 5%", "output at 95%", "swing"]
    print(table(headers, rows, "rlrrrrrr", max_width=WIDTH, wrap=[1]))


#: Draws of the run that screens the outputs of ``flopcast sensitivity`` (NaN, constant, not positive).
SCREENING_N = 10_000


def _sensitivity_output(model: Model, name: str | None, seed: int, option: str = "--output") -> tuple[str, bool]:
    """The output sensitivity explains, and whether of its log (:func:`~flopcast.report_summary.log_scale`).

    Without a name, the first headline output that varies with finite draws, as the report chooses
    (:func:`flopcast.report_summary.screen_outputs` on a run of :data:`SCREENING_N` draws). A named output that
    cannot be ranked (constant, non-finite draws) is refused, by ``flopcast sensitivity --output`` and
    ``flopcast report --sensitivity-output`` alike, with the reason.
    """
    from flopcast.report_summary import log_scale, screen_outputs

    names = [name] if name is not None else list(model.headline)
    result = model.simulate(SCREENING_N, seed=seed, keep=names)
    kept, skipped = screen_outputs(result, names)
    if name is None:
        if not kept:
            reasons = "; ".join(f"{n!r}: {why}" for n, why in skipped.items())
            raise UsageError(
                f"no headline output of model {model.name!r} can be ranked ({reasons}); name one with --output"
            )
        name = kept[0]
    elif not kept:
        raise UsageError(f"{option} {name!r} cannot be ranked: it is {skipped[name]}")
    return name, log_scale(result[name])


def _cmd_report(args: argparse.Namespace) -> None:
    from flopcast.engine import MemoryLimitError
    from flopcast.output_folder import OutputFolderError
    from flopcast.report import write_report

    if not args.out.strip():
        raise UsageError("--out is empty: give a folder name (use --out . for the current folder)")
    model = _model(args)
    outputs = args.output
    if outputs:
        for name in outputs:
            _check_output(model, name)
    if args.sensitivity_output is not None:
        _check_output(model, args.sensitivity_output)
        if model.uncertain:  # refused before the run, as `flopcast sensitivity --output` refuses it
            _sensitivity_output(model, args.sensitivity_output, args.seed, "--sensitivity-output")
    _status(args, f"Running {model.name!r}: {count(args.n, 'draw')}, seed {args.seed}, {args.design} design ...")
    try:
        report = write_report(
            model,
            args.out,
            n=args.n,
            seed=args.seed,
            prob=args.prob,
            design=args.design,
            outputs=outputs,
            sensitivity_output=args.sensitivity_output,
            sensitivity_n=args.sensitivity_n,
            html=not args.no_html,
            draws=args.draws,
            progress=_progress(args),
            label=args.model,
            force=args.force,
        )
    except OutputFolderError as exc:  # the library's advice names Python arguments; give the command's options
        raise UsageError(f"{exc.problem}; {exc.cli_fix}") from exc
    except MemoryLimitError as exc:
        raise UsageError(f"{exc.problem}; lower --n (the report keeps every draw)") from exc
    if args.json:
        _print_json(report.to_json())
        return
    s = report.summary
    pct = f"{args.prob:.0%}"
    references = model.presentation.references
    shown = any(name in references for name in report.outputs)
    rows = []
    for name in report.outputs:
        r = s.loc[name]
        refs = references.get(name, {}) if shown else {}
        cells = format_row([r["median"], (r["eti_lower"], r["eti_upper"]), *refs.values()], r["unit"])
        row = [_named(model, name), str(r["unit"]), *cells[:2]]
        if shown:  # the references in the row's number style, one a line
            row.append("\n".join(f"{label}: {text}" for label, text in zip(refs, cells[2:], strict=True)))
        rows.append(row)
    headers = ["quantity", "unit", "median", f"{pct} interval"] + (["reference values"] if shown else [])
    print(f"{model.name}: {count(args.n, 'draw')}, seed {args.seed}, {args.design} design\n")
    wrap = [0, 1, *([len(headers) - 1] if shown else [])]  # names, units and references wrap; numbers never
    print(table(headers, rows, "llrr" + "l" * shown, max_width=WIDTH, wrap=wrap))
    figures = [k for k in ("forest", "distributions", "tornado", "sobol") if k in report.files]
    print(f"\nReport written to {report.files['markdown']}" + (" and report.html" if "html" in report.files else ""))
    kept = "draws in draws.nc" if "draws" in report.files else "--draws keeps every draw in draws.nc"
    print(f"({len(figures)} figures: {', '.join(f + '.png' for f in figures)}; {kept})")


def _cmd_latency(args: argparse.Namespace) -> None:
    from flopcast.cli_models import latency_config_keys, latency_prediction

    config: dict[str, Any] = {}
    if args.config:
        import tomllib

        try:
            with open(args.config, "rb") as fh:
                config.update(tomllib.load(fh))
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"--config {args.config}: not valid TOML ({exc})") from None
        except OSError as exc:
            raise UsageError(f"--config {args.config!r}: cannot read it ({exc.strerror or exc})") from None
    for key in (*latency_config_keys(), "resolution", "vae"):
        value = getattr(args, key, None)  # numbers are parsed by argparse (see _add_latency)
        if value is not None:
            config[key] = value
    if not config:
        raise UsageError("give the model's configuration: --config FILE or --params, --width, ... (see --help)")
    p, fit = latency_prediction(config, n=args.n, seed=args.seed, prob=args.prob)
    basis = f"a new model's utilization from the fit on {fit['observations']} latencies of {len(fit['models'])} models"
    if args.json:
        _print_json({"median_s": p.median, "lower_s": p.lower, "upper_s": p.upper, "prob": p.prob,
                     "settings": p.settings, "basis": basis})  # fmt: skip
        return
    print(p)
    print(f"({basis})")


_COMMANDS = {
    "report": _cmd_report,
    "audit": _cmd_audit,
    "sensitivity": _cmd_sensitivity,
    "describe": _cmd_describe,
    "models": _cmd_models,
    "latency": _cmd_latency,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    flopcast's own errors (:class:`~flopcast.errors.FlopcastError`: bad options, models, files) print one line and
    return 2. Anything else is a bug: its traceback is printed with a request to report it, and 1 is returned. A
    reader that stops early (``flopcast audit | head``) ends the command quietly with status 0.
    """
    debug = bool(os.environ.get("FLOPCAST_DEBUG"))
    try:
        try:
            with warnings.catch_warnings():
                if not debug:
                    warnings.showwarning = _warning_line
                    warnings.simplefilter("default")  # the command prints warnings; it never turns them into errors
                    # numpy's "invalid value encountered" is said again, with the quantity and its share, by
                    # flopcast's own NonFiniteWarning; on a terminal one line per fact is enough.
                    warnings.filterwarnings("ignore", message="invalid value encountered", category=RuntimeWarning)
                    warnings.filterwarnings("ignore", message="divide by zero encountered", category=RuntimeWarning)
                status = _run(argv)
        finally:
            sys.stdout.flush()  # a closed pipe shows here when the output fitted in the buffer
    except BrokenPipeError:
        # Checked before OSError (its base): the reader went away, which is not an error of the command.
        _silence_stdout()
        return 0
    except FlopcastError as exc:
        if debug:
            raise
        if isinstance(exc, UserCodeError):
            print(exc.details, file=sys.stderr)
        print(f"flopcast: error: {_one_line(exc)}", file=sys.stderr)
        return USAGE_ERROR
    except MemoryError:
        # Not a bug of flopcast's but a limit of the machine; runs too large to hold are refused earlier.
        if debug:
            raise
        print("flopcast: error: out of memory; lower --n", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("flopcast: interrupted", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        print(_BUG_REPORT, file=sys.stderr)
        return 1
    return status


def _warning_line(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
    """Print a warning as the command's one line (no source path), as errors are printed."""
    print(f"flopcast: warning: {_one_line(message)}", file=sys.stderr)


#: What the command says after the traceback of an error that is not the user's.
_BUG_REPORT = (
    "flopcast: internal error: this is a bug in flopcast, not a mistake of yours. Please report it with the "
    "command you ran, the traceback above and the output of 'flopcast --version'."
)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        raise UsageError(f"choose a command: {', '.join(_COMMANDS)} (see 'flopcast --help')")
    document = getattr(args, "json", False) or getattr(args, "toml", False)
    try:
        if document:
            # stdout holds the one document, nothing else: the user's code prints to stderr meanwhile.
            _document.append(sys.stdout)
            with contextlib.redirect_stdout(sys.stderr):
                _COMMANDS[args.command](args)
        else:
            _COMMANDS[args.command](args)
    except (FlopcastError, MemoryError):
        raise
    except Exception as exc:
        blamed = _users_error(exc, getattr(args, "model", None))
        if blamed is None:
            raise  # entirely inside flopcast: a bug of ours
        raise blamed from exc
    finally:
        if document:
            _document.pop()
    return 0


class UserCodeError(FlopcastError):
    """An error raised by the user's own code (a derived function, a report section): not a bug of flopcast.

    ``details`` holds the traceback from the user's first frame on, printed above the one-line message.
    """

    def __init__(self, message: str, details: str) -> None:
        super().__init__(message)
        self.details = details


def _users_error(exc: Exception, spec: str | None) -> UserCodeError | None:
    """``exc`` as the user's error when its traceback passes through their model's folder, else None.

    A derived function's error carries a note naming the quantity (added by the graph, even in a worker process).
    """
    from flopcast.cli_models import model_folder
    from flopcast.model.graph import DERIVED_NOTE

    folder = model_folder(spec) if spec else None
    if folder is None:
        return None  # a built-in model: its code is flopcast's
    tb = exc.__traceback__
    while tb is not None and not _is_users(tb.tb_frame.f_code.co_filename, folder):
        tb = tb.tb_next
    from flopcast.presentation import SECTION_NOTE

    all_notes = [n for n in getattr(exc, "__notes__", ()) if isinstance(n, str)]
    notes = [n for n in all_notes if n.startswith(DERIVED_NOTE)]
    hints = [n.removeprefix("flopcast: ") for n in all_notes if n.startswith(SECTION_NOTE)]
    if tb is None and not notes:
        return None
    # The user's frames only (flopcast's, above them, would hide them); the whole chain when they ran elsewhere.
    details = "".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__)).rstrip()
    what = "code"
    if notes:
        what = "derived quantity " + notes[0].removeprefix(DERIVED_NOTE).split(" ", 1)[0]
    where = ""
    if tb is not None:
        last = traceback.extract_tb(tb)[-1]
        for frame in reversed(traceback.extract_tb(tb)):
            if _is_users(frame.filename, folder):
                last = frame
                break
        where = f" at {os.path.basename(last.filename)}, line {last.lineno}, in {last.name}"
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return UserCodeError(
        f"your model's {what} raised {type(exc).__name__}{': ' + message if message else ''}{where} "
        f"(its traceback is above; this is not a bug of flopcast's){'; ' + hints[0] if hints else ''}",
        details,
    )


def _is_users(filename: str, folder: str) -> bool:
    """A source file of the user's: in their model's folder, not flopcast's package or an installed library."""
    import sysconfig

    path = os.path.abspath(filename)
    if not path.startswith(folder + os.sep):
        return False
    ours = os.path.dirname(os.path.abspath(__file__)) + os.sep
    libraries = {sysconfig.get_path(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    return not path.startswith(ours) and not any(lib and path.startswith(lib + os.sep) for lib in libraries)


def _one_line(exc: BaseException | str) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


def _silence_stdout() -> None:
    """Point the process's stdout at /dev/null, so that Python's flush at exit does not fail again."""
    stdout = sys.__stdout__
    if stdout is None or sys.stdout is not stdout:
        return  # redirected in-process (tests): nothing is flushed at exit
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def run() -> int:
    """Run the ``flopcast`` command (``python -m flopcast``, the ``flopcast`` script): :func:`main`, then exit fast.

    The process ends right after: ``gc.freeze()`` moves every live object out of the cyclic collector's reach, so
    that the interpreter's shutdown does not traverse the hundreds of thousands of objects of numpy, pandas and
    matplotlib again (about 0.5 s of the default report). Nothing is lost: memory goes back to the system with the
    process, objects are still freed by reference counting, open files are closed and the standard streams flushed
    as usual. Called in-process (tests, notebooks), use :func:`main`, which leaves the collector alone.
    """
    status = main()
    gc.freeze()
    return status


if __name__ == "__main__":
    sys.exit(run())
