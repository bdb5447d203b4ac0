"""Report folders and draw files are written safely: the four ways a report used to lose data, each a test.

1. a folder holding the user's own files (same names as report files, or others);
2. symbolic links in the folder (to a file outside it, dangling);
3. an interrupted write (the previous report must stay whole and readable);
4. two runs on one folder at once (never a mix of two runs).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import flopcast as fc
from flopcast.errors import FlopcastError
from flopcast.report import write_report
from flopcast.result import Result

FAST = {"n": 500, "sensitivity_n": 128, "draws": True}  # every file of a report, the draws included
REPORT_NAMES = ("report.md", "summary.csv", "draws.nc", "forest.png", "distributions.png", "tornado.png", "sobol.png")


def tiny() -> fc.Model:
    m = fc.Model("tiny")
    m.assume("flop", fc.lognormal(1e20, 1e22), unit="FLOP", source="a guess")
    m.assume("rate", fc.uniform(2e14, 4e14), unit="FLOP/s/GPU", source="a guess")

    @m.derive(unit="GPU*second")
    def gpu_days(flop, rate):
        return flop / rate

    return m


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry of a folder: file bytes, or the target of a link."""
    out = {}
    for path in sorted(folder.iterdir()):
        out[path.name] = ("-> " + str(path.readlink())).encode() if path.is_symlink() else path.read_bytes()
    return out


def assert_one_run(folder: Path) -> int:
    """The files of a report folder all come from one run; return its seed."""
    import xarray as xr

    md_seed = int(re.search(r"draws, seed (\d+)", (folder / "report.md").read_text()).group(1))
    with xr.open_datatree(folder / "draws.nc") as tree:
        nc_seed = int(tree.attrs["seed"])
        draws = np.asarray(tree["prior"]["gpu_days"].values).ravel()
    summary = pd.read_csv(folder / "summary.csv", index_col=0)
    assert md_seed == nc_seed, "report.md and draws.nc come from different runs"
    # summary.csv is the summary of these very draws (to full precision)
    assert summary.loc["gpu_days", "median"] == pytest.approx(float(np.median(draws)), rel=1e-12)
    return md_seed


# ---------------------------------------------------------------------------------------------- 1. user files
@pytest.mark.parametrize("names", [("tornado.png", "sobol.png"), ("report.md", "summary.csv")])
def test_user_files_with_report_names_are_never_replaced_or_deleted(tmp_path: Path, names: tuple[str, ...]):
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes(b"the user's own " + name.encode())
    before = snapshot(folder)
    with pytest.raises(FlopcastError, match="did not write"):
        write_report(tiny(), folder, **FAST)
    assert snapshot(folder) == before


def test_user_files_with_other_names_are_kept_and_only_with_force(tmp_path: Path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(FlopcastError, match="notes.txt"):
        write_report(tiny(), folder, **FAST)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    write_report(tiny(), folder, force=True, **FAST)
    assert (folder / "notes.txt").read_text() == "keep me"
    assert assert_one_run(folder) == 2024
    # the folder is now flopcast's (with the user's file beside): a later run replaces only flopcast's files
    rep = write_report(tiny(), folder, seed=5, force=True, **FAST)
    assert (folder / "notes.txt").read_text() == "keep me" and assert_one_run(folder) == 5
    assert set(rep.files.values()) <= set(folder.iterdir())


def test_with_force_a_user_file_with_a_report_name_is_still_refused(tmp_path: Path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "summary.csv").write_text("my numbers")
    with pytest.raises(FlopcastError, match="summary.csv"):
        write_report(tiny(), folder, force=True, **FAST)
    assert (folder / "summary.csv").read_text() == "my numbers"


def test_a_flopcast_folder_is_reused_and_stale_figures_of_its_own_go(tmp_path: Path):
    folder = tmp_path / "rep"
    write_report(tiny(), folder, seed=1, **FAST)
    assert (folder / "tornado.png").exists()
    point = tiny().replace(flop=1e21, rate=3e14)  # no uncertain assumption: no sensitivity figures
    write_report(point, folder, seed=2, **FAST)
    assert not (folder / "tornado.png").exists() and not (folder / "sobol.png").exists()
    assert assert_one_run(folder) == 2


@pytest.mark.parametrize("force", [False, True])
def test_a_user_file_put_where_an_old_report_file_was_removed_is_never_deleted(tmp_path: Path, force: bool):
    """Run 1 writes draws.nc, run 2 (no draws) removes it; the user then saves a draws.nc of their own there."""
    folder = tmp_path / "rep"
    write_report(tiny(), folder, seed=1, **FAST)
    write_report(tiny(), folder, seed=2, **{**FAST, "draws": False})
    assert not (folder / "draws.nc").exists()
    (folder / "draws.nc").write_text("my own run")
    with pytest.raises(FlopcastError, match=r"did not write and would replace: draws\.nc"):
        write_report(tiny(), folder, seed=3, force=force, **FAST)
    write_report(tiny(), folder, seed=4, force=True, **{**FAST, "draws": False})  # a report that has no draws.nc
    assert (folder / "draws.nc").read_text() == "my own run"
    write_report(tiny(), folder, seed=5, force=True, **{**FAST, "draws": False})  # and again
    assert (folder / "draws.nc").read_text() == "my own run"


def test_a_leftover_of_the_previous_report_edited_by_the_user_is_kept(tmp_path: Path):
    """A stale figure is removed only while it holds what flopcast wrote."""
    folder = tmp_path / "rep"
    write_report(tiny(), folder, seed=1, **FAST)
    point = tiny().replace(flop=1e21, rate=3e14)  # no sensitivity figures: tornado.png is left to remove
    manifest = folder / ".flopcast-manifest.json"
    import json

    record = json.loads(manifest.read_text())
    record["previous"] = {"tornado.png": record["files"].pop("tornado.png")}  # as if the removal was interrupted
    manifest.write_text(json.dumps(record))
    (folder / "tornado.png").write_bytes(b"my figure")
    for force in (False, True):
        with pytest.raises(FlopcastError, match=r"did not write and would replace: tornado\.png"):
            write_report(point, folder, seed=2, force=force, **FAST)
    assert (folder / "tornado.png").read_bytes() == b"my figure"


@pytest.mark.parametrize("force", [False, True])
def test_a_report_file_edited_since_flopcast_wrote_it_is_never_replaced(tmp_path: Path, force: bool):
    folder = tmp_path / "rep"
    write_report(tiny(), folder, **FAST)
    with (folder / "report.md").open("a") as f:
        f.write("\nmy notes on this run\n")
    before = snapshot(folder)
    with pytest.raises(FlopcastError, match=r"report\.md changed since flopcast wrote it"):
        write_report(tiny(), folder, seed=5, force=force, **FAST)
    assert snapshot(folder) == before


def test_empty_out_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.md").write_text("not a report")
    with pytest.raises(FlopcastError, match="empty"):
        write_report(tiny(), "", **FAST)
    assert (tmp_path / "report.md").read_text() == "not a report"
    proc = subprocess.run(
        [sys.executable, "-m", "flopcast", "report", "--n", "500", "--out", ""], capture_output=True, text=True
    )
    assert proc.returncode == 2 and proc.stderr.startswith("flopcast: error: --out is empty"), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------------------------------------- 2. symlinks
@pytest.mark.parametrize("dangling", [False, True])
def test_symlinks_in_the_folder_are_never_followed(tmp_path: Path, dangling: bool):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "notes.txt"
    if not dangling:
        target.write_text("precious notes")
    folder = tmp_path / "rep"
    folder.mkdir()
    (folder / "report.md").symlink_to(Path("..") / "elsewhere" / "notes.txt")
    for force in ({}, {"force": True}):
        with pytest.raises(FlopcastError, match="report.md"):
            write_report(tiny(), folder, **force, **FAST)
    assert (folder / "report.md").is_symlink()
    if dangling:
        assert not target.exists(), "a dangling link's target was created"
    else:
        assert target.read_text() == "precious notes"


def test_a_link_put_in_place_of_a_report_file_is_refused(tmp_path: Path):
    folder = tmp_path / "rep"
    write_report(tiny(), folder, seed=1, **FAST)
    outside = tmp_path / "outside.csv"
    outside.write_text("outside")
    (folder / "summary.csv").unlink()
    (folder / "summary.csv").symlink_to(outside)
    with pytest.raises(FlopcastError, match="summary.csv"):
        write_report(tiny(), folder, seed=2, **FAST)
    assert outside.read_text() == "outside"


def test_the_folder_itself_as_a_link_is_refused(tmp_path: Path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    with pytest.raises(FlopcastError, match="symbolic link"):
        write_report(tiny(), tmp_path / "link", **FAST)
    assert list(real.iterdir()) == []


def test_to_netcdf_replaces_a_link_not_its_target(tmp_path: Path):
    res = tiny().simulate(100, seed=1)
    target = tmp_path / "target.txt"
    target.write_text("precious")
    (tmp_path / "draws.nc").symlink_to(target)
    res.to_netcdf(tmp_path / "draws.nc")
    assert target.read_text() == "precious"
    assert not (tmp_path / "draws.nc").is_symlink()
    import xarray as xr

    with xr.open_datatree(tmp_path / "draws.nc") as tree:
        assert int(tree.attrs["n"]) == 100


# ---------------------------------------------------------------------------------------------- 3. interrupts
def _interrupted_to_netcdf(self, path):
    """A Result.to_netcdf that writes half a file where it is told to, then gets Ctrl-C."""
    Path(path).write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)  # a truncated file
    raise KeyboardInterrupt


def test_interrupted_report_leaves_the_previous_report_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "rep"
    write_report(tiny(), folder, seed=1, **FAST)
    before = snapshot(folder)
    monkeypatch.setattr(Result, "to_netcdf", _interrupted_to_netcdf)
    with pytest.raises(KeyboardInterrupt):
        write_report(tiny(), folder, seed=2, **FAST)
    monkeypatch.undo()
    assert snapshot(folder) == before, "an interrupted run changed the previous report"
    assert assert_one_run(folder) == 1
    # and the folder still works
    write_report(tiny(), folder, seed=3, **FAST)
    assert assert_one_run(folder) == 3


def test_interrupted_to_netcdf_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import xarray as xr

    path = tmp_path / "draws.nc"
    tiny().simulate(200, seed=1).to_netcdf(path)
    before = path.read_bytes()

    def half_then_interrupt(self, filepath, *args, **kwargs):
        Path(filepath).write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
        raise KeyboardInterrupt

    monkeypatch.setattr(xr.DataTree, "to_netcdf", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        tiny().simulate(300, seed=2).to_netcdf(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draws.nc"], "a temporary file was left behind"
    with xr.open_datatree(path) as tree:
        assert int(tree.attrs["n"]) == 200


# ---------------------------------------------------------------------------------------------- 4. two runs
def test_a_second_run_during_the_writing_of_the_first_never_mixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run B starts writing the same folder while run A is in the middle of writing its files."""
    try:
        from flopcast.output_folder import OutputFolder

        monkeypatch.setitem(OutputFolder.__init__.__kwdefaults__, "wait", 0.5)  # do not wait a minute in a test
    except ImportError:  # the code before the fix had no lock to wait for
        pass
    folder = tmp_path / "rep"
    original = Result.to_netcdf
    second: list[BaseException | None] = []
    started: list[bool] = []

    def to_netcdf_with_a_rival(self, path):
        if not started:  # the first run, halfway through writing its files: the rival run writes now
            started.append(True)
            try:
                write_report(tiny(), folder, seed=99, **FAST)
                second.append(None)
            except FlopcastError as exc:
                second.append(exc)
        original(self, path)

    monkeypatch.setattr(Result, "to_netcdf", to_netcdf_with_a_rival)
    write_report(tiny(), folder, seed=1, **FAST)
    monkeypatch.undo()
    seed = assert_one_run(folder)
    assert second and isinstance(second[0], FlopcastError), "the rival run was not refused"
    assert "another flopcast run" in str(second[0])
    assert seed == 1


CONCURRENT = textwrap.dedent(
    """
    import sys
    import flopcast as fc
    from flopcast.report import write_report

    m = fc.Model("tiny")
    m.assume("flop", fc.lognormal(1e20, 1e22), unit="FLOP", source="a guess")
    m.assume("rate", fc.uniform(2e14, 4e14), unit="FLOP/s/GPU", source="a guess")

    @m.derive(unit="GPU*second")
    def gpu_days(flop, rate):
        return flop / rate

    write_report(m, sys.argv[1], seed=int(sys.argv[2]), n=20_000, sensitivity_n=128, draws=True)
    """
)


def test_two_processes_on_one_folder_give_one_complete_report(tmp_path: Path):
    script = tmp_path / "run.py"
    script.write_text(CONCURRENT)
    folder = tmp_path / "rep"
    procs = [
        subprocess.Popen([sys.executable, str(script), str(folder), str(seed)], stderr=subprocess.PIPE, text=True)
        for seed in (11, 22)
    ]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    outcomes = [(p.returncode, err) for p, err in zip(procs, errors, strict=True)]
    for status, err in outcomes:
        assert status == 0 or "another flopcast run" in err, err
    assert any(status == 0 for status, _ in outcomes)
    assert assert_one_run(folder) in (11, 22)
    manifest = (folder / ".flopcast-manifest.json").read_text()
    import json

    for name, digest in json.loads(manifest)["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
