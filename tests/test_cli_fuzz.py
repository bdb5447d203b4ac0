"""Command fuzz: random argument lists never give a traceback, only a result (exit 0) or one error line (exit 2).

Argument lists are drawn from the command's own vocabulary (subcommands, options, models, quantities) mixed with
odd values (negative, huge, empty, non-numeric, unknown names, paths that do not exist, very long text). Runs are
made fast by capping the draws (a run asked for more still goes through the memory check first), the Sobol' base
samples and by computing the audit once. ``FLOPCAST_FUZZ_EXAMPLES`` sets the number of argument lists (default
25); ``FLOPCAST_FUZZ_LOG=file.json`` writes the count of each outcome there.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flopcast import cli

EXAMPLES = int(os.environ.get("FLOPCAST_FUZZ_EXAMPLES", "25"))
MAX_DRAWS = 2000
MAX_SOBOL_N = 64

TOY = """
import flopcast as fc

def build() -> fc.Model:
    m = fc.Model("toy")
    m.assume("flop", fc.lognormal(1e20, 1e22), unit="FLOP", source="a guess")
    m.assume("rate", fc.uniform(2e14, 4e14), unit="FLOP/s/GPU", source="a guess")

    @m.derive(unit="GPU*second")
    def gpu_days(flop, rate):
        return flop / rate

    return m
"""
FILES = {
    "toy.py": TOY,
    "empty.py": "import flopcast as fc\nm = fc.Model('e')\n",
    "point.py": "import flopcast as fc\nm = fc.Model('p')\nm.assume('a', 2.0)\n",
    "broken.py": "raise RuntimeError('boom')\n",
    "nomodel.py": "x = 1\n",
}


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    for action in cli.build_parser()._actions:
        if isinstance(getattr(action, "choices", None), dict):
            return dict(action.choices)  # type: ignore[arg-type]
    raise AssertionError("the command has no subcommands")


#: Subcommands and their options as the parser has them (a new option is fuzzed without editing this file).
SUBPARSERS = _subparsers()
SUBCOMMANDS = sorted(SUBPARSERS)
PER_COMMAND = {
    name: sorted(option for option in p._option_string_actions if option not in ("-h", "--help"))
    for name, p in SUBPARSERS.items()
}
FLAGS = {option for p in SUBPARSERS.values() for option, a in p._option_string_actions.items() if a.nargs == 0}
TAKES_MODEL = {name for name, p in SUBPARSERS.items() if any(a.dest == "model" for a in p._actions)}
OPTIONS = [
    "--n", "--seed", "--prob", "--design", "--out", "--force", "--output", "--sensitivity-output",
    "--sensitivity-n", "--no-html", "--json", "--no-log", "--help", "--version", "--bogus", "-h", "--", "-",
]  # fmt: skip
MODELS = [
    "uncertain", "refined", "article", "article-high", "article-low", "toy.py", "toy.py:build", "toy.py:nope",
    "toy.py:1x", "empty.py", "point.py", "broken.py", "nomodel.py", "missing.py", "dir/", "x" * 3000 + ".py", "",
]  # fmt: skip
NAMES = ["gpu_days", "flop", "rate", "peak_fleet_gpus", "sora_train_flop", "a", "nope", "1x", ""]
ODD_NUMBERS = ["0", "1", "2", "3", "64", "1e5", "1.5", "0.9", "0.5", "1e400", "nan", "inf", "-0", "2**8", "1_000"]
NUMBERS = st.one_of(
    st.integers(-5, 10).map(str),
    st.integers(-(10**25), 10**25).map(str),
    st.sampled_from(ODD_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
OUTS = st.sampled_from(["rep", "rep2", "sub/dir", ".", "", " ", "toy.py", "rep/../rep", "\t"])
TOKENS = st.one_of(
    st.sampled_from(OPTIONS),
    st.sampled_from(OPTIONS),
    st.sampled_from(MODELS),
    st.sampled_from(NAMES),
    st.sampled_from(["random", "lhs", "sobol", "grid"]),
    NUMBERS,
    OUTS,
    st.text(max_size=8),
)
FIRST = st.one_of(*[st.sampled_from(SUBCOMMANDS)] * 4, st.sampled_from(["--help", "--version", "frobnicate", ""]))
#: Anything: the command's words and odd text in any order.
RANDOM = st.tuples(st.one_of(FIRST, st.text(max_size=6)), st.lists(TOKENS, max_size=7)).map(lambda t: [t[0], *t[1]])

PLAUSIBLE = st.one_of(st.sampled_from(["1", "2", "10", "100", "1000", "64", "128", "256", "1e3", "0.9"]), NUMBERS)
VALUES = {
    "--n": PLAUSIBLE,
    "--seed": PLAUSIBLE,
    "--prob": st.one_of(st.sampled_from(["0.5", "0.9", "0.99", "1e-9"]), NUMBERS),
    "--design": st.sampled_from(["random", "lhs", "sobol", "grid"]),
    "--out": OUTS,
    "--output": st.sampled_from(NAMES),
    "--sensitivity-output": st.sampled_from(NAMES),
    "--sensitivity-n": PLAUSIBLE,
}


@st.composite
def structured(draw: st.DrawFn) -> list[str]:
    """A subcommand with its own options and values (plausible or odd): more runs get past the parser."""
    command = draw(st.sampled_from(SUBCOMMANDS))
    argv = [command]
    if command in TAKES_MODEL and draw(st.booleans()):
        argv.append(draw(st.sampled_from(MODELS)))
    for option in draw(st.lists(st.sampled_from(PER_COMMAND[command]), max_size=4)):
        argv.append(option)
        if option not in FLAGS:
            argv.append(draw(VALUES.get(option, TOKENS)))
    return argv


ARGV = st.one_of(RANDOM, structured(), structured())

OUTCOMES: Counter[str] = Counter()


def _options_of(argv: list[str]) -> set[str]:
    """Every option the parser knows for this argument list's subcommand (and the top-level ones)."""
    parser = cli.build_parser()
    known = set(parser._option_string_actions)
    for action in parser._actions:
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict) and argv and argv[0] in choices:
            known |= set(choices[argv[0]]._option_string_actions)
    return known


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    for name, text in FILES.items():
        (folder / name).write_text(text)
    (folder / "dir").mkdir()
    return folder


@pytest.fixture(scope="module")
def fast(workdir: Path):
    """Small runs: the draws and the Sobol' samples capped, the audit computed once."""
    import flopcast.analysis.sobol as sobol_module
    import flopcast.catalog.sora_audit as audit_module
    import flopcast.engine as engine
    import flopcast.model.model as model_module
    import flopcast.simulation as simulation

    mp = pytest.MonkeyPatch()
    real_run, real_sobol = simulation.simulate, sobol_module.sobol

    def run(model, n, **kwargs):
        if isinstance(n, int) and n > MAX_DRAWS:
            engine.check_memory(model, n, simulation.resolve_keep(model, kwargs.get("keep")))  # still refused if huge
            n = MAX_DRAWS
        return real_run(model, n, **kwargs)

    def sobol(*args, n=MAX_SOBOL_N, **kwargs):
        return real_sobol(*args, n=min(n, MAX_SOBOL_N), **kwargs)

    mp.setattr(model_module, "_SIMULATOR", run)  # what Model.simulate runs
    mp.setattr(sobol_module, "sobol", sobol)
    mp.setattr(audit_module, "audit", functools.cache(audit_module.audit))
    mp.chdir(workdir)
    yield
    mp.undo()
    log = os.environ.get("FLOPCAST_FUZZ_LOG")
    if log:
        Path(log).write_text(json.dumps(dict(sorted(OUTCOMES.items())), indent=1))


def run_main(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(argv)
        except SystemExit as exc:  # argparse's --help and --version
            status = exc.code if isinstance(exc.code, int) else 0
    return status, out.getvalue(), err.getvalue()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(argv=ARGV)
def test_random_argument_lists_never_give_a_traceback(fast, argv: list[str]):
    status, out, err = run_main(argv)
    command = argv[0] if argv[0] in SUBCOMMANDS else "other"
    OUTCOMES[f"{command}: exit {status}"] += 1
    OUTCOMES["cases"] += 1
    assert "Traceback" not in err, f"{argv!r}\n{err}"
    assert status in (0, 2), f"{argv!r} exited {status}\n{err}"
    if status == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("flopcast: error: "), f"{argv!r}\n{err}"
        assert out == "", f"{argv!r} printed to stdout before failing"
        # advice names only the options of this command (an option the user typed may be quoted back)
        mentioned = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", lines[0])) - set(argv)
        assert mentioned <= _options_of(argv), f"{argv!r}: {lines[0]}"
