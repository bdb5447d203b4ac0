"""The documentation site builds in strict mode (a broken reference or link fails it)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None, reason="mkdocs is not installed (pip install -e .[docs])"
)
def test_mkdocs_build_strict(tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "reference" / "flopcast" / "index.html").is_file()


PAGES = sorted(p.name for p in (ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_docs_code_runs(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every python block of a page runs, in order, in one namespace (a reader's session)."""
    import re

    monkeypatch.chdir(tmp_path)  # pages save figures and files where the reader stands

    namespace: dict[str, object] = {"__name__": "__main__"}  # guarded blocks run, as in a script
    for i, block in enumerate(re.findall(r"```python\n(.*?)```", (ROOT / "docs" / page).read_text(), flags=re.S)):
        if "Client(" in block or "DaskEngine(client)" in block:
            continue  # needs a Dask cluster: the same calls run on a LocalCluster in tests/test_scale.py
        exec(compile(block, f"docs/{page} block {i}", "exec"), namespace)  # noqa: S102 - our own docs
