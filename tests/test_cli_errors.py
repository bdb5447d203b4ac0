"""How the command ends: flopcast's errors as one line (exit 2), bugs with their traceback, a closed pipe quietly."""

from __future__ import annotations

import subprocess
import sys

import pytest

from flopcast import cli
from flopcast.errors import FlopcastKeyError, FlopcastTypeError, FlopcastValueError

CLI = [sys.executable, "-m", "flopcast"]


@pytest.mark.parametrize("args", [["models"], ["models", "--json"], ["audit"]])
def test_a_reader_that_goes_away_ends_the_command_quietly(args: list[str]):
    """``flopcast audit | head -2``: the reader closes the pipe; the command exits 0 and says nothing."""
    proc = subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # before the command writes anything: its first write meets a closed pipe
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert err == b""


def test_head_reads_the_first_lines_and_the_command_exits_0():
    proc = subprocess.Popen([*CLI, "audit"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=300)
    assert first.startswith(b"Audit of the article")
    assert proc.returncode == 0 and err == b"", err.decode()


def test_errors_mention_only_options_the_command_has():
    """describe has no --out: an unreadable model path must not advise one."""
    proc = subprocess.run([*CLI, "describe", "x" * 5000 + ".py"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("flopcast: error: model file 'xxx"), proc.stderr
    assert "--out" not in proc.stderr and len(lines[0]) < 300


@pytest.mark.parametrize(
    "bug", [TypeError("unsupported operand"), KeyError("missing"), ValueError("bad"), IndexError(0), AttributeError()]
)
def test_an_internal_error_shows_its_traceback_and_how_to_report_it(
    bug: Exception, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    def broken(args):
        raise bug

    monkeypatch.setitem(cli._COMMANDS, "models", broken)
    status = cli.main(["models"])
    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback (most recent call last)" in err and type(bug).__name__ in err
    assert "bug in flopcast" in err and "report it" in err


@pytest.mark.parametrize(
    "error", [FlopcastValueError("bad value"), FlopcastTypeError("bad type"), FlopcastKeyError("unknown name")]
)
def test_flopcast_errors_are_one_line_and_exit_2(
    error: Exception, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    def failing(args):
        raise error

    monkeypatch.setitem(cli._COMMANDS, "models", failing)
    assert cli.main(["models"]) == 2
    err = capsys.readouterr().err
    assert err == f"flopcast: error: {error.args[0]}\n"


def test_debug_shows_the_traceback_of_a_user_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FLOPCAST_DEBUG", "1")
    with pytest.raises(FlopcastValueError):
        cli.main(["describe", "no-such-model"])


def test_a_folder_of_the_users_is_refused_with_the_commands_options(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    proc = subprocess.run(
        [*CLI, "report", "--n", "500", "--out", str(folder)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"flopcast: error: output folder {str(folder)!r} holds files that flopcast did not write (notes.txt); "
        "choose a new or empty --out, or add --force to write beside them (they are kept)"
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["latency", "--config", "no-such.toml"], "flopcast: error: --config 'no-such.toml': cannot read it"),
        (["latency", "--cfg", "two"], "flopcast: error: argument --cfg: expected a number, got 'two'"),
    ],
)
def test_latency_option_errors_found_by_the_fuzz(args, expected, capsys: pytest.CaptureFixture[str]):
    """Two cases the command fuzz found: a missing --config file was a traceback; --cfg was named --cfg-passes."""
    assert cli.main(args) == 2
    assert capsys.readouterr().err.startswith(expected)


def test_warnings_are_one_line_each_without_source_paths(tmp_path, capsys):
    """A model whose draws are partly NaN: the command says so in its own lines, not numpy's or Python's."""
    (tmp_path / "nanm.py").write_text(
        "import flopcast as fc\n\nm = fc.Model('nan-model')\nm.assume('margin', fc.normal(mean=1, sd=3))\n\n\n"
        "@m.derive\ndef root(margin):\n    return fc.sqrt(margin)\n"
    )
    from flopcast.cli import main

    status = main(["report", str(tmp_path / "nanm.py"), "--out", str(tmp_path / "out"), "--n", "2000", "--no-html"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 0
    assert err and all(line.startswith("flopcast: warning: ") for line in err), err
    assert any("'root'" in line and "not finite" in line for line in err)


RARE = """import flopcast as fc
import numpy as np

m = fc.Model("rare")
m.assume("x", fc.lognormal(1, 10))


@m.derive
def y(x):
    if np.any(x > 40):
        raise ValueError("too big")
    return x * 2
"""

SECTION = """import flopcast as fc

m = fc.Model("sec")
m.assume("x", fc.lognormal(1, 10))


def boom(model, result):
    raise RuntimeError("section bug")


m.present(sections=[fc.ReportSection("Boom", boom)])
"""


@pytest.mark.parametrize(
    ("source", "command", "message"),
    [
        (RARE, "report", "your model's derived quantity 'y' raised ValueError: too big at model.py, line 11, in y"),
        (SECTION, "audit", "your model's code raised RuntimeError: section bug at model.py, line 8, in boom"),
    ],
)
def test_an_error_of_the_users_code_is_theirs_with_their_traceback(tmp_path, capsys, source, command, message):
    """Not 'a bug in flopcast': the user's frames (to debug), one line naming what raised, exit status 2."""
    (tmp_path / "model.py").write_text(source)
    args = [command, str(tmp_path / "model.py")]
    if command == "report":
        args += ["--out", str(tmp_path / "out"), "--n", "100000", "--no-html"]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "bug in flopcast" not in err
    assert err.startswith(f'Traceback (most recent call last):\n  File "{tmp_path / "model.py"}"')
    assert "flopcast/" not in err  # flopcast's own frames, above the user's, are left out
    assert err.strip().splitlines()[-1].startswith(f"flopcast: error: {message}")
