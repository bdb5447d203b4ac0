"""Execute the example notebook in a Jupyter kernel and write it, with its outputs, as a docs page.

Run ``python scripts/notebook_page.py`` after editing ``examples/flopcast_notebook.ipynb``; the test suite executes
the notebook again and checks that ``docs/notebook.md`` shows its current cells. Code is fenced as ``py`` (not
``python``): the notebook is executed by its own test, not a second time by the docs test.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "flopcast_notebook.ipynb"
PAGE = ROOT / "docs" / "notebook.md"
HEADER = """<!-- Generated from examples/flopcast_notebook.ipynb by scripts/notebook_page.py: edit the notebook. -->

# Notebook: a quick estimate and the Sora estimate

The notebook `examples/flopcast_notebook.ipynb` of the repository, executed: what a reader sees in Jupyter. CI runs
it in a real kernel and fails on any error.

"""


def execute(path: Path = NOTEBOOK, timeout: int = 900) -> Any:
    """Run every cell of the notebook in a fresh ``python3`` kernel (in a scratch folder); errors raise."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": scratch}}).execute()
    return nb


def _output(out: Any) -> str:
    if out.output_type == "stream":
        return f"```text\n{out.text.rstrip()}\n```\n"
    data = out.get("data", {})
    if "image/png" in data:
        png = data["image/png"].strip()
        return f'<div class="nb-output"><img alt="figure" src="data:image/png;base64,{png}"></div>\n'
    if "text/html" in data:
        html = "".join(data["text/html"]).strip().replace("\n\n", "\n")
        return f'<div class="nb-output" markdown="0">\n{html}\n</div>\n'
    if "text/plain" in data:
        return f"```text\n{''.join(data['text/plain']).rstrip()}\n```\n"
    return ""


def to_markdown(nb: Any) -> str:
    """The executed notebook as Markdown: markdown cells as they are, code fenced as ``py``, outputs after it."""
    parts = [HEADER]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source.strip() + "\n")
        elif cell.cell_type == "code":
            parts.append(f"```py\n{cell.source.strip()}\n```\n")
            parts += [_output(o) for o in cell.get("outputs", [])]
    return "\n".join(p for p in parts if p)


def main() -> int:
    """Execute the notebook and write the page."""
    PAGE.write_text(to_markdown(execute()), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
