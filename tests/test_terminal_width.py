"""The command's terminal output fits in 120 columns (issue 12), for the Sora model and for long names and labels.

Long cells wrap (names, units, labels, reference values, one a line); numbers never do. ``describe --wide`` lifts
the limit and adds the sources; ``audit --wide`` prints the sections' Markdown as they write it.
"""

import textwrap
from pathlib import Path

import pytest

from flopcast.cli import main

WIDTH = 120
FAST = ["--n", "2000", "--sensitivity-n", "64"]

LONG_MODEL = textwrap.dedent(
    """
    import flopcast as fc

    m = fc.Model("wide")
    m.assume("a_really_long_assumption_name_for_testing_width", fc.lognormal(1e3, 1e5), unit="FLOP/s/GPU",
             source="a very long source text " * 8, label="a very long label that goes on and on and on for a while")
    m.assume("b", fc.lognormal(1, 2), unit="s", label="b")

    @m.derive(unit="FLOP/GPU", label="an equally long label for a derived quantity that is read by people")
    def a_derived_quantity_with_a_long_name_that_keeps_going(a_really_long_assumption_name_for_testing_width, b):
        return a_really_long_assumption_name_for_testing_width * b

    m.present(references={"a_derived_quantity_with_a_long_name_that_keeps_going": {
        "a long reference label one": 1e4, "another long reference label two": 2e5, "third": 3}})
    """
)


@pytest.fixture
def long_model(tmp_path: Path) -> str:
    path = tmp_path / "wide.py"
    path.write_text(LONG_MODEL)
    return str(path)


def output_of(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(args) in (0, None)
    return capsys.readouterr().out.splitlines()


def widest(lines: list[str]) -> int:
    return max(len(line) for line in lines)


@pytest.mark.parametrize("command", ["report", "describe", "sensitivity"])
@pytest.mark.parametrize("model", ["sora", "long"])
def test_default_output_fits_in_120_columns(
    command: str, model: str, long_model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    args = [command, *([long_model] if model == "long" else [])]
    if command == "report":
        args += ["--out", str(tmp_path / "out"), *FAST]
    elif command == "sensitivity":
        args += ["--n", "64"]
    lines = output_of(args, capsys)
    assert widest(lines) <= WIDTH, "\n".join(line for line in lines if len(line) > WIDTH)


def test_long_cells_wrap_and_numbers_stay_whole(long_model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    lines = output_of(["report", long_model, "--out", str(tmp_path / "out"), *FAST], capsys)
    text = "\n".join(lines)
    # one reference value a line, each whole
    for reference in ("a long reference label one: 10,000", "another long reference label two: 200,000", "third: 3"):
        assert sum(line.rstrip().endswith(reference) for line in lines) == 1, text
    described = output_of(["describe", long_model], capsys)
    assert widest(described) <= WIDTH
    assert any("an equally long" in line for line in described)  # the label column wraps
    wide = output_of(["describe", long_model, "--wide"], capsys)
    assert widest(wide) > WIDTH and any(("a very long source text " * 8).strip() in line for line in wide)


@pytest.mark.parametrize("model", ["article", "uncertain", "refined"])
def test_audit_fits_in_120_columns_and_wide_prints_the_markdown(model: str, capsys: pytest.CaptureFixture[str]):
    lines = output_of(["audit", model], capsys)
    assert widest(lines) <= WIDTH, "\n".join(line for line in lines if len(line) > WIDTH)
    assert lines[:2] == ["Audit of the article", "===================="]
    assert not any(line.startswith("|") for line in lines)  # tables as text, not Markdown
    assert any(line.startswith("R  training H100-months") and "4,211" in line for line in lines)
    wide = output_of(["audit", model, "--wide"], capsys)
    assert widest(wide) > WIDTH and any(line.startswith("| R ") for line in wide)
