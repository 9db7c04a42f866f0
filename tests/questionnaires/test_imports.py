"""The package's import graph: no circles, no imports hidden inside functions to dodge one,
and nothing of the house but the shared problem shape (``cati.problems``)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "questionnaires"
HOUSE = ("cati", "sampling", "exports", "questionnaires")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, in_function: bool = False):
    """(imported module, inside a function?) for every import run at import or call time;
    imports under ``if TYPE_CHECKING:`` serve annotations only and are left out."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from _imports(ast.Module(body=node.orelse, type_ignores=[]), in_function)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, in_function
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                yield (submodule if submodule in MODULES else node.module), in_function
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        yield from _imports(node, inner)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        found = _imports(ast.parse(path.read_text(encoding="utf-8")))
        graph[name] = {target for target, _ in found if target in MODULES and target != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> list[str] | None:
        if node in stack:
            return [*stack[stack.index(node) :], node]
        if node in done:
            return None
        for target in sorted(graph[node]):
            found = visit(target, [*stack, node])
            if found:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start, [])
        if found:
            return found
    return None


def test_the_package_import_graph_has_no_cycle():
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()) or [])


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_module_of_the_package_imports_inside_a_function():
    hidden = [
        (name, target)
        for name, path in MODULES.items()
        for target, in_function in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if in_function and target.split(".")[0] in HOUSE
    ]
    assert hidden == []


def test_the_package_imports_nothing_of_the_house_but_the_problem_shape():
    outside = {
        (name, target)
        for name, path in MODULES.items()
        for target, _ in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if target.split(".")[0] in HOUSE
        and not target.startswith("questionnaires")
        and target != "cati.problems"
    }
    assert outside == set()
