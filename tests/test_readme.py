"""The README's library example runs as written."""

import re
from pathlib import Path


def test_readme_python_blocks_run():
    text = (Path(__file__).parents[1] / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README should show the library in a python block"
    namespace: dict[str, object] = {"__name__": "__main__"}  # guarded blocks run, as in a script
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the README is ours
    assert namespace["res"].n == 100_000  # type: ignore[attr-defined]
