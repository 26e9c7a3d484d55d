"""The layout ARCHITECTURE.md draws is the one the code has.

The layer contract itself is import-linter's (``lint-imports``, run by CI,
configured in pyproject.toml); these tests add what it does not check: no
module imports another that imports it back, even through others and even
inside a function, and every import inside a function says why it is there.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "parledger"
LAYERS = ["model", "rules", "store", "track", "present", "cli"]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, modules: set[str]) -> list[tuple[ast.stmt, str, bool]]:
    """Each import of a parledger module: (statement, module, inside a function).
    Imports under ``if TYPE_CHECKING:`` never run and are left out."""
    found: list[tuple[ast.stmt, str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name in modules:
                        found.append((child, alias.name, in_function))
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:
                    target = f"{child.module}.{alias.name}"
                    name = target if target in modules else child.module
                    if name in modules:
                        found.append((child, name, in_function))
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(tree, False)
    return found


def _graph() -> tuple[dict[str, set[str]], dict[str, list[tuple[int, str, bool]]]]:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    graph: dict[str, set[str]] = {}
    details: dict[str, list[tuple[int, str, bool]]] = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = _imports(tree, modules)
        graph[name] = {target for _, target, _ in found if target != name}
        details[name] = [(stmt.lineno, target, inner) for stmt, target, inner in found]
    return graph, details


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph, _ = _graph()
    # A package's __init__ importing its own modules is not a cycle through
    # them; parledger's layer packages hold only docstrings anyway.
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    # The test above can fail: a graph with a cycle through three modules.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def _function_imports(path: Path) -> list[int]:
    """The lines of every import inside a function (any module's)."""
    found: list[int] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function:
                found.append(child.lineno)
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _explained(lines: list[str], lineno: int) -> bool:
    """A comment on the import's line, or heading the run of imports it is in."""
    if "#" in lines[lineno - 1]:
        return True
    above = lineno - 2
    while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
        above -= 1
    return above >= 0 and lines[above].strip().startswith("#")


def test_every_import_inside_a_function_says_why() -> None:
    # Imports inside functions are for start-up time only (a command imports
    # what it uses; --help stays light), never to break a cycle: each
    # carries a comment saying why.
    silent = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for lineno in _function_imports(path):
            if not _explained(lines, lineno):
                silent.append(f"{_module_name(path)}:{lineno}: {lines[lineno - 1].strip()}")
    assert silent == []


def test_an_unexplained_import_is_found() -> None:
    lines = ["def f():", "    import json", "    # Lazy: csv is slow.", "    import csv"]
    assert not _explained(lines, 2)
    assert _explained(lines, 4)


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_is_a_package_with_a_docstring(layer: str) -> None:
    init = PACKAGE / layer / "__init__.py"
    assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
