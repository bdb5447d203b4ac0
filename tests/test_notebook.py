"""The example notebook runs in a real Jupyter kernel without error, and the docs page shows its current cells."""

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("nbclient") is None or importlib.util.find_spec("ipykernel") is None,
    reason="nbclient and ipykernel are in the test extra (pip install -e .[test])",
)


def test_notebook_executes_in_a_kernel_and_the_docs_page_is_current():
    import notebook_page

    nb = notebook_page.execute()  # raises CellExecutionError on any error in any cell
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any('<table class="flopcast">' in h and "<svg" in h for h in html)  # a Result's rich display
    page = notebook_page.PAGE.read_text()
    blocks = re.findall(r"```py\n(.*?)\n```", page, flags=re.S)
    assert blocks == [c.source.strip() for c in code], "docs/notebook.md is stale: run python scripts/notebook_page.py"
