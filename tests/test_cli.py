"""The flopcast command end to end, in a subprocess: every subcommand, --json parsed and checked, exit codes."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flopcast.catalog import sora

CLI = [sys.executable, "-m", "flopcast.cli"]
FAST = ["--n", "4000", "--sensitivity-n", "256"]


def run(*args: str, cwd: Path | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def assert_user_error(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("flopcast: error: ")
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0]


USER_MODEL = textwrap.dedent(
    """
    import flopcast as fc

    def build() -> fc.Model:
        m = fc.Model("toy-gpu-days", description="GPU-days of a training run")
        m.assume("flop", fc.lognormal(1e22, 1e24), unit="FLOP", source="a guess")
        m.assume("rate", fc.uniform(2e14, 4e14), unit="FLOP/s/GPU", source="H100 at 20-40% of peak")
        m.assume("seconds_per_day", 86400, unit="s/day", source="definition")

        @m.derive(unit="GPU*day")
        def gpu_days(flop, rate, seconds_per_day):
            return flop / rate / seconds_per_day

        return m

    other = 3
    """
)


@pytest.fixture
def user_model(tmp_path: Path) -> Path:
    path = tmp_path / "toy_model.py"
    path.write_text(USER_MODEL)
    return path


# ---------------------------------------------------------------------------------------------- each subcommand
def test_models_lists_builtins_one_line_each():
    proc = run("models")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    for name in ("uncertain", "refined", "article", "article-low", "article-high"):
        assert any(line.split()[0] == name for line in lines)
    data = json.loads(run("models", "--json").stdout)
    assert set(data) >= {"uncertain", "refined", "article", "article-low", "article-high"}
    assert all(isinstance(v, str) and "\n" not in v for v in data.values())


def test_describe_table_and_json():
    proc = run("describe", "refined")
    assert proc.returncode == 0, proc.stderr
    assert "lognormal, 90% in" in proc.stdout and "Derived quantities" in proc.stdout
    assert max(len(line) for line in proc.stdout.splitlines()) <= 120
    assert "source" not in proc.stdout.splitlines()[3] and "--wide" in proc.stdout
    wide = run("describe", "refined", "--wide")
    assert wide.stdout.splitlines()[3].split()[-1] == "source"
    assert max(len(line) for line in wide.stdout.splitlines()) > 120  # the sources, unwrapped
    data = json.loads(run("describe", "--json").stdout)
    assert data["model"] == "sora-uncertain"
    names = {a["name"] for a in data["assumptions"]}
    assert {"param_scale", "diffusion_steps"} <= names
    row = next(a for a in data["assumptions"] if a["name"] == "param_scale")
    assert set(row) >= {"distribution", "interval_90", "unit", "source"}
    lo, hi = row["interval_90"]
    assert 0 < lo < hi
    assert {d["name"] for d in data["derived"]} >= set(sora.OUTPUTS)


def test_describe_article_alias_is_the_low_case():
    data = json.loads(run("describe", "article", "--json").stdout)
    assert data["model"] == "sora-article-low"
    high = json.loads(run("describe", "article-high", "--json").stdout)
    assert high["model"] == "sora-article-high"


def test_audit_table_and_json():
    proc = run("audit")
    assert proc.returncode == 0, proc.stderr
    assert "article says" in proc.stdout and "its inputs imply" in proc.stdout
    data = json.loads(run("audit", "--json").stdout)
    assert data["model"] == "sora-uncertain"
    (section,) = data["sections"]
    assert section["title"] == "Audit of the article" and "its inputs imply" in section["markdown"]
    (rows,) = section["tables"]
    finding = next(
        r for r in rows if r["#"] == "R" and r["quantity"] == "training H100-months (train_gpu_months) (low)"
    )
    assert finding["article says"] == "4,211" and finding["difference"] == "+0.0%"
    assert {r["#"] for r in rows} >= {"R", "1", "2", "3", "4", "5", "6"}


def test_audit_of_a_model_without_sections(tmp_path: Path):
    path = tmp_path / "toy.py"
    path.write_text(USER_MODEL)
    proc = run("audit", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "declares no report sections" in proc.stdout
    assert json.loads(run("audit", str(path), "--json").stdout)["sections"] == []


def test_sensitivity_and_report_use_the_same_default_n():
    from flopcast.cli import build_parser
    from flopcast.report import DEFAULT_SENSITIVITY_N

    parser = build_parser()
    assert parser.parse_args(["sensitivity"]).n == DEFAULT_SENSITIVITY_N
    assert parser.parse_args(["report"]).sensitivity_n == DEFAULT_SENSITIVITY_N


def test_sensitivity_ranks_drivers():
    proc = run("sensitivity", "--output", "sora_train_flop", "--n", "512")
    assert proc.returncode == 0, proc.stderr
    assert "dataset_multiplier" in proc.stdout and "ST" in proc.stdout
    data = json.loads(run("sensitivity", "--output", "sora_train_flop", "--n", "512", "--json").stdout)
    assert data["output"] == "sora_train_flop" and data["log"] is True
    ranking = data["ranking"]
    assert ranking[0]["input"] == "dataset_multiplier"
    st = [r["ST"] for r in ranking]
    assert st == sorted(st, reverse=True)
    assert all(r["ST_lower"] <= r["ST"] <= r["ST_upper"] for r in ranking)


def test_report_prints_table_and_json(tmp_path: Path):
    out = tmp_path / "rep"
    proc = run("report", "--out", str(out), *FAST)
    assert proc.returncode == 0, proc.stderr
    assert "sora_train_flop" in proc.stdout and "GPU*month" in proc.stdout and "article" in proc.stdout
    assert (out / "report.md").is_file() and not (out / "draws.nc").exists()
    assert "--draws keeps every draw" in proc.stdout
    data = json.loads(run("report", "--out", str(out), *FAST, "--draws", "--json").stdout)
    assert data["provenance"]["n"] == 4000 and data["provenance"]["seed"] == 2024
    assert data["outputs"] == list(sora.OUTPUTS)
    s = data["summary"]["sora_train_flop"]
    assert s["eti_lower"] < s["median"] < s["eti_upper"] and s["unit"] == "FLOP"
    for key in ("markdown", "html", "forest", "distributions", "tornado", "sobol", "draws"):
        assert Path(data["files"][key]).is_file()
    assert data["sensitivity"][0]["input"]


def test_report_json_is_only_json(tmp_path: Path):
    proc = run("report", "article", "--out", str(tmp_path), "--n", "1000", "--json")
    assert proc.returncode == 0, proc.stderr
    json.loads(proc.stdout)  # nothing else on stdout


def test_user_model_file_is_loaded_and_reported(tmp_path: Path, user_model: Path):
    out = tmp_path / "toy-report"
    proc = run("report", str(user_model), "--out", str(out), *FAST, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["provenance"]["model"] == "toy-gpu-days"
    assert data["outputs"] == ["gpu_days"]
    text = (out / "report.md").read_text()
    assert "toy-gpu-days" in text and "gpu_days" in text
    named = json.loads(run("describe", f"{user_model}:build", "--json").stdout)
    assert named["model"] == "toy-gpu-days"


# ---------------------------------------------------------------------------------------------- help and errors
@pytest.mark.parametrize("command", ["report", "audit", "sensitivity", "describe", "models"])
def test_help_of_every_command_has_an_example(command: str):
    proc = run(command, "--help")
    assert proc.returncode == 0
    assert "example" in proc.stdout and f"flopcast {command}" in proc.stdout


def test_top_level_help_and_version():
    assert "report" in run("--help").stdout
    assert run("--version").stdout.startswith("flopcast ")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["report", "--n", "abc"], ["--n"]),
        (["report", "--n", "0"], ["--n"]),
        (["report", "--prob", "1.5"], ["--prob"]),
        (["report", "--design", "grid"], ["--design"]),
        (["report", "--bogus"], ["--bogus"]),
        (["sensitivity", "--n", "1000"], ["power of two"]),
        (["frobnicate"], ["frobnicate"]),
        ([], ["command"]),
        (["describe", "no-such-model"], ["no-such-model", "uncertain"]),
        (["report", "no-such-model"], ["no-such-model"]),
        (["sensitivity", "--output", "no_such_quantity"], ["no_such_quantity"]),
        (["report", "--output", "no_such_quantity"], ["no_such_quantity"]),
        (["describe", "missing_file.py"], ["missing_file.py"]),
    ],
)
def test_user_errors_are_one_line_and_exit_2(args: list[str], words: list[str]):
    assert_user_error(run(*args), *words)


def test_file_errors_are_one_line(tmp_path: Path, user_model: Path):
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    assert_user_error(run("describe", str(empty)), "does not define a model")
    two = tmp_path / "two.py"
    two.write_text("import flopcast as fc\na = fc.Model('a')\nb = fc.Model('b')\n")
    assert_user_error(run("describe", str(two)), "a, b")
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('boom')\n")
    assert_user_error(run("describe", str(broken)), "RuntimeError", "boom")
    assert_user_error(run("describe", f"{user_model}:nothing"), "nothing", "build")
    assert_user_error(run("describe", f"{user_model}:other"), "other")


def test_article_model_has_nothing_to_rank():
    assert_user_error(run("sensitivity", "article"), "no uncertain")


def test_output_that_cannot_be_written_is_a_user_error(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert_user_error(run("report", "--n", "1000", "--out", str(blocker)), "is a file", "--out")
    assert_user_error(run("report", "--n", str(10**12), "--out", str(tmp_path / "r")), "lower --n")


def test_help_descriptions_print_percent_signs_once():
    proc = run("describe", "--help")
    assert "90% interval" in proc.stdout and "%%" not in proc.stdout


def test_assumption_files_from_describe_toml_into_report(tmp_path: Path, user_model: Path):
    toml = run("describe", str(user_model), "--toml")
    assert toml.returncode == 0, toml.stderr
    assert '[assumptions.flop]\nfamily = "lognormal"' in toml.stdout
    mine = tmp_path / "mine.toml"
    mine.write_text('[assumptions.rate]\nfamily = "point"\nvalue = 1e15\nunit = "FLOP/s/GPU"\n')
    out = tmp_path / "rep"
    both = ["--output", "flop", "--output", "gpu_days", "--out", str(out), *FAST, "--json"]
    data = json.loads(run("report", str(user_model), "--assumptions", str(mine), *both).stdout)
    base = json.loads(run("report", str(user_model), *both).stdout)
    # The file fixes the rate at 1e15 FLOP/s/GPU: the median GPU-days are the flop median / 1e15 / 86400.
    assert data["summary"]["gpu_days"]["median"] == pytest.approx(data["summary"]["flop"]["median"] / 1e15 / 86400)
    assert data["summary"]["flop"]["median"] == base["summary"]["flop"]["median"]
    bad = tmp_path / "bad.toml"
    bad.write_text('[assumptions.rate]\nfamily = "point"\nvalue = 1e15\nunit = "FLOP"\n')
    assert_user_error(run("describe", str(user_model), "--assumptions", str(bad)), "bad.toml", "assumptions.rate.unit")


NOISY = """import flopcast as fc

print("hello from my model")
m = fc.Model("noisy")
m.assume("x", fc.lognormal(1, 10))


@m.derive
def y(x):
    print("computing y")
    return x * 2
"""


@pytest.mark.parametrize(
    "args",
    [["describe", "--json"], ["describe", "--toml"], ["sensitivity", "--n", "256", "--json"], ["audit", "--json"],
     ["report", "--n", "1000", "--sensitivity-n", "256", "--no-html", "--json"]],
)  # fmt: skip
def test_what_the_users_model_prints_goes_to_stderr_with_json(tmp_path: Path, capsys, args: list[str]):
    """stdout holds the one document (docs/cli.md: 'nothing else'), even when the model file prints."""
    from flopcast.cli import main

    (tmp_path / "noisy.py").write_text(NOISY)
    extra = ["--out", str(tmp_path / "out")] if args[0] == "report" else []
    assert main([args[0], str(tmp_path / "noisy.py"), *args[1:], *extra]) == 0
    out, err = capsys.readouterr()
    assert "hello from my model" in err and "hello" not in out
    if "--toml" in args:
        import tomllib

        assert tomllib.loads(out)["model"] == "noisy"
    else:
        assert json.loads(out)["model" if args[0] != "report" else "provenance"]
    if args[0] != "describe":
        assert "computing y" in err


NANM = """import flopcast as fc

m = fc.Model("nanny")
m.assume("margin", fc.normal(-1, 3), unit="USD")
m.assume("scale", fc.lognormal(1, 10))
m.assume("fixed", 7, unit="USD")


@m.derive(unit="USD**0.5")
def root(margin):
    return fc.sqrt(margin)


@m.derive(unit="USD")
def const(fixed):
    return fixed * 2


@m.derive(unit="USD")
def fine(margin, scale):
    return margin * scale
"""


def test_sensitivity_explains_the_output_the_report_would(tmp_path: Path, capsys, monkeypatch):
    """Not the first headline output whose draws are NaN (root) nor a constant one, but the first that varies;
    an output that is not always positive is analysed itself, and the error that advises log=False names --no-log.
    """
    import warnings

    from flopcast import cli

    (tmp_path / "nanm.py").write_text(NANM)
    model = str(tmp_path / "nanm.py")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert cli.main(["sensitivity", model, "--n", "256", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert (data["output"], data["log"]) == ("fine", False)
        monkeypatch.setattr(cli, "_sensitivity_output", lambda model, name, seed: ("fine", True))
        assert cli.main(["sensitivity", model, "--output", "fine", "--n", "256"]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert "(--no-log)" in err and "log=False" not in err


LABELLED = """import flopcast as fc

m = fc.Model("labelled")
m.assume("params", fc.lognormal(7e10, 4e11), unit="parameter", label="Parameters <N>")
m.assume("tokens", fc.lognormal(5e12, 2e13), unit="token")


@m.derive(unit="parameter*token", label="Parameter-tokens of the training run, a label long enough to wrap")
def work(params, tokens):
    return params * tokens
"""


@pytest.mark.parametrize("command", ["report", "sensitivity"])
def test_terminal_tables_show_the_labels_the_user_gave(tmp_path: Path, capsys, command: str):
    """As report.md does ('label (`name`)'): the label a reader knows, and the name the options take."""
    from flopcast.cli import main

    (tmp_path / "lab.py").write_text(LABELLED)
    extra = ["--out", str(tmp_path / "out"), "--n", "2000", "--no-html"] if command == "report" else ["--n", "256"]
    assert main([command, str(tmp_path / "lab.py"), *extra]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 120
    assert "Parameter-tokens of the training run" in out and "(work)" in out
    if command == "sensitivity":
        assert "Parameters <N> (params)" in out and "  tokens  " in out  # no label: the name alone


def test_a_report_of_one_draw_says_1_draw(tmp_path: Path):
    proc = run("report", "uncertain", "--n", "1", "--sensitivity-n", "64", "--no-html", "--out", str(tmp_path / "o"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("sora-uncertain: 1 draw, seed 2024")
    assert "1 draws" not in proc.stdout + (tmp_path / "o" / "report.md").read_text()


NARROW_MODEL = textwrap.dedent(
    """
    import flopcast as fc

    m = fc.Model("narrow")
    m.assume("a", fc.uniform(1, 2), source="guess")
    m.assume("k", 3.0, source="definition")
    m.derive(lambda k: 2 * k, name="node")
    m.derive(lambda a, node: a * node, name="latency")
    m.present(headline=["node", "latency"])
    """
)


def test_a_constant_output_is_refused_by_sensitivity_and_report_alike(tmp_path: Path):
    path = tmp_path / "narrow.py"
    path.write_text(NARROW_MODEL)
    reason = "cannot be ranked: it is constant (every draw is 6)"
    assert_user_error(run("sensitivity", str(path), "--output", "node", "--n", "64"), f"--output 'node' {reason}")
    out = tmp_path / "out"
    proc = run("report", str(path), "--sensitivity-output", "node", "--out", str(out), *FAST)
    assert_user_error(proc, f"--sensitivity-output 'node' {reason}")
    assert not out.exists()  # refused before the run
    proc = run("report", str(path), "--out", str(out), *FAST)  # unasked, the report skips it with a note
    assert proc.returncode == 0, proc.stderr
    assert "`node` is constant (every draw is 6)" in (out / "report.md").read_text()


def test_a_report_section_that_returns_no_text_is_a_user_error(tmp_path: Path):
    path = tmp_path / "bad.py"
    path.write_text(NARROW_MODEL + 'm.present(sections=[fc.ReportSection("Bad", lambda model, result: 42)])\n')
    message = "report section 'Bad' of model 'narrow': its render function returned int; it must return Markdown"
    assert_user_error(run("audit", str(path)), message)
    assert_user_error(run("report", str(path), "--out", str(tmp_path / "out"), *FAST), message)


def test_audit_says_result_is_none_when_a_section_reads_the_run(tmp_path: Path):
    path = tmp_path / "run.py"
    path.write_text(NARROW_MODEL + textwrap.dedent(
        """
        def render(model, result):
            return f"median {result.summary().loc['latency', 'median']}"

        m.present(sections=[fc.ReportSection("Uses the run", render)])
        """
    ))  # fmt: skip
    proc = run("audit", str(path))
    assert proc.returncode == 2 and "Traceback" in proc.stderr  # the user's frames, then one line
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("flopcast: error: your model's code raised AttributeError")
    assert "report section 'Uses the run' of model 'narrow' was rendered without a run: result is None" in last


def test_audit_table_breaks_names_at_underscores_within_the_width():
    proc = run("audit", "article")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(map(len, lines)) <= 120
    # The quantity cells, their wrapped lines joined again: a break falls at a space or after an underscore.
    header = next(line for line in lines if line.startswith("#  quantity"))
    start, end = header.index("quantity"), header.index("article says")
    cells: list[str] = []
    for line in lines[lines.index(header) + 2 :]:
        if not line.strip():
            break
        piece = line[start:end].strip()
        if line[:start].strip():
            cells.append(piece)
        elif piece:
            cells[-1] += piece if cells[-1].endswith("_") else " " + piece
    assert "minutes of video per H100-hour (video_minutes_per_gpu_hour)" in cells
