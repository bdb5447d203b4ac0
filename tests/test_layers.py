"""The import graph of ``src/flopcast``: no cycles, no import up the layers, and the catalog used by nobody.

Imports are read from the source (module level and inside functions, not those under ``if TYPE_CHECKING:``, which
never run). A module may import its own layer and the layers below it. The catalog is a user of the library,
like a user's model file: it may import anything below report/plots, and only the command's list of built-in
models imports it. The architecture section of docs/concepts.md states the same order.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: Lowest first. A module belongs to the first layer with a prefix that names it or one of its packages.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "distributions",
        (
            "flopcast.distributions", "flopcast.errors", "flopcast.validate", "flopcast._ppf_table",
            "flopcast._disk_cache", "flopcast.constructors", "flopcast.ops", "flopcast.stats", "flopcast.units",
            "flopcast.formatting",
            "flopcast.version", "flopcast.correlation", "flopcast.joint", "flopcast.output_folder",
            "flopcast.arithmetic", "flopcast.expr", "flopcast.events", "flopcast.html", "flopcast.report_html",
        ),
    ),
    ("model", ("flopcast.model", "flopcast.describe", "flopcast.presentation", "flopcast.assumption_files")),
    ("design/engine", ("flopcast.design", "flopcast.engine", "flopcast.streaming")),
    ("result", ("flopcast.result", "flopcast.simulation", "flopcast.sweep")),
    ("analysis", ("flopcast.analysis",)),
    ("catalog", ("flopcast.catalog",)),
    (
        "report/plots",
        ("flopcast.report", "flopcast.report_summary", "flopcast.plots", "flopcast.notebook"),
    ),
    ("cli", ("flopcast.cli", "flopcast.cli_models", "flopcast.__main__", "flopcast")),
)  # fmt: skip

#: The only module that imports the catalog: the command's list of built-in models.
CATALOG_USERS = frozenset({"flopcast.cli_models"})


def module_files() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "flopcast").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The flopcast modules ``name`` imports (``from pkg import sub`` counts as importing ``pkg.sub``)."""

    def resolve(target: str) -> str:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target

    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(resolve(a.name) for a in node.names if a.name.split(".")[0] == "flopcast")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if module.split(".")[0] == "flopcast":
                for alias in node.names:
                    sub = f"{module}.{alias.name}"
                    found.add(sub if sub in modules else resolve(module))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    found.discard(name)
    return found


def layer_of(module: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + ".") and prefix != "flopcast":
                return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_layers.py and docs/concepts.md")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def test_every_module_has_a_layer(graph):
    for module in graph:
        layer_of(module)


def test_no_import_cycles(graph):
    """Depth-first search for a back edge; the message shows the cycle."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep) :] + [dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def violations(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    out = set()
    for module, deps in graph.items():
        for dep in deps:
            if layer_of(dep) > layer_of(module):
                out.add((module, dep))
            elif dep.startswith("flopcast.catalog") and not module.startswith("flopcast.catalog"):
                if module not in CATALOG_USERS:
                    out.add((module, dep))
    return out


def test_imports_go_down_the_layers_and_only_the_command_uses_the_catalog(graph):
    found = sorted(violations(graph))
    assert not found, "imports up the layers (or of the catalog): " + "; ".join(f"{a} imports {b}" for a, b in found)


def test_the_checker_sees_function_level_imports(graph):
    """A guard on the test itself: an import inside a function counts (the model's describe() imports describe)."""
    assert "flopcast.describe" in graph["flopcast.model.model"]
    assert "flopcast.catalog.sora" in graph["flopcast.cli_models"]


def test_layer_order_is_the_documented_one():
    text = (SRC.parent / "docs" / "concepts.md").read_text()
    assert " < ".join(name for name, _ in LAYERS) in text
