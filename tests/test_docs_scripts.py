"""Every documented use of worker processes runs as a script: the pages show the ``__main__`` guard it needs.

Process pools and Dask's LocalCluster start fresh interpreters that import the main script; a script without
``if __name__ == "__main__":`` starts the run again in every worker and the pool breaks (BrokenProcessPool).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
USES_PROCESSES = re.compile(r"workers\s*=|LocalEngine\(|LocalCluster\(")


def blocks_with_processes() -> list[tuple[str, int, str]]:
    found = []
    for page in PAGES:
        blocks = re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.S)
        for i, block in enumerate(blocks):
            if USES_PROCESSES.search(block):
                found.append((page.relative_to(ROOT).as_posix(), i, block))
    return found


BLOCKS = blocks_with_processes()


def test_the_pages_show_worker_processes():
    pages = {page for page, _, _ in BLOCKS}
    assert {"README.md", "docs/dask.md"} <= pages


@pytest.mark.parametrize(("page", "index", "block"), BLOCKS, ids=[f"{p}-{i}" for p, i, _ in BLOCKS])
def test_every_block_with_worker_processes_has_the_main_guard(page: str, index: int, block: str):
    assert 'if __name__ == "__main__":' in block, f"{page} block {index} starts processes without the guard"


RUNNABLE = [(page, i, block) for page, i, block in BLOCKS if "workers=" in block and "Client(" not in block]


@pytest.mark.parametrize(("page", "index", "block"), RUNNABLE, ids=[f"{p}-{i}" for p, i, _ in RUNNABLE])
def test_blocks_with_a_process_pool_run_as_scripts(page: str, index: int, block: str, tmp_path: Path):
    script = tmp_path / "snippet.py"
    script.write_text(block)
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "BrokenProcessPool" not in proc.stderr and "Traceback" not in proc.stderr
