"""No import cycles among the project's modules.

Every ``import`` counts, at module level or inside a function (a deferred import still ties the two
modules together), except those under ``if TYPE_CHECKING:``. A package's ``__init__`` importing its
own submodules is not a cycle by itself: the implicit import of a module's parent package is left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Source roots and the top-level packages they hold.
SOURCE_ROOTS: tuple[tuple[Path, str], ...] = (
    (ROOT / "shared" / "src", "docflow"),
    (ROOT / "devtools" / "src", "docflow_local"),
)


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    return {
        _module_name(root, path): path
        for root, package in SOURCE_ROOTS
        for path in sorted((root / package).rglob("*.py"))
    }


def _is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements, outside ``if TYPE_CHECKING:`` blocks."""
    for node in ast.iter_child_nodes(tree):
        if _is_type_checking_block(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports(node)


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports; ``from package import submodule`` counts the submodule only."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        if node.level:
            base = name.split(".") if is_package else name.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        submodules = {f"{target}.{alias.name}" for alias in node.names} & known
        found.update(submodules)
        if len(submodules) < len(node.names):  # some names are the package's own attributes
            found.add(target)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    """Module name -> the project modules it imports."""
    modules = project_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_given_project_packages_when_imports_followed_then_no_module_imports_itself_back() -> None:
    graph = import_graph()
    assert "docflow.ocr.engine" in graph
    assert import_cycles(graph) == []


def test_given_the_deployed_package_when_imports_followed_then_it_never_imports_the_local_stack() -> None:
    leaks = {
        name: sorted(imported for imported in imports if imported.startswith("docflow_local"))
        for name, imports in import_graph().items()
        if name == "docflow" or name.startswith("docflow.")
    }
    assert {name: imports for name, imports in leaks.items() if imports} == {}


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set(), "c": {"a", "b"}}, []),
        ({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, [["a", "b"], ["c", "d"]]),
    ],
)
def test_given_a_graph_when_cycles_searched_then_each_cycle_is_reported_once(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert sorted(import_cycles(graph)) == expected


def test_given_deferred_and_relative_imports_when_parsed_then_both_count(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from pkg.b import g\n    return g\n")
    (package / "b.py").write_text(
        "from . import a\nfrom pkg import c, x\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import pkg.d\n"
    )
    (package / "c.py").write_text("")
    known = {"pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d"}
    assert imported_modules("pkg.a", package / "a.py", known) == {"pkg.b"}
    assert imported_modules("pkg.b", package / "b.py", known) == {"pkg", "pkg.a", "pkg.c"}
