"""The documentation site builds in strict mode (a broken reference or link fails it)."""

import importlib.util
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def require_mkdocs(environ: Mapping[str, str]) -> None:
    """Skip without mkdocs on a developer's machine; in CI (``CI=true``) a missing mkdocs is a failure."""
    if importlib.util.find_spec("mkdocs") is not None:
        return
    message = "mkdocs is not installed (pip install -e .[docs])"
    if environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}: the strict docs build must run in CI")
    pytest.skip(message)


def test_missing_mkdocs_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        require_mkdocs({"CI": "true"})
    with pytest.raises(pytest.skip.Exception, match="mkdocs is not installed"):
        require_mkdocs({})


def test_mkdocs_build_strict(tmp_path: Path):
    require_mkdocs(os.environ)
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
            continue  # needs a Dask cluster: the same calls run on a LocalCluster in tests/engine/test_dask.py
        exec(compile(block, f"docs/{page} block {i}", "exec"), namespace)  # noqa: S102 - our own docs
