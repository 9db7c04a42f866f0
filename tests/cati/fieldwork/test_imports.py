"""The fieldwork package and the domain modules that use it import one way: no circle, and
none held open by an import inside a function."""

import ast
from pathlib import Path

ROOT = Path(__file__).parents[3]
DOMAIN = [
    *sorted((ROOT / "cati" / "fieldwork").glob("*.py")),
    ROOT / "cati" / "interviewing.py",
    ROOT / "cati" / "dataset.py",
]
# Heavy optional libraries a function may load when it needs them.
LAZY_ALLOWED = {"sampling.maps", "matplotlib", "weasyprint"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    # "from cati.fieldwork import cases" imports the module cati.fieldwork.cases.
    return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(every module the file imports, those imported inside a function)."""
    tree = ast.parse(path.read_text())
    every, lazy = set(), set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    lazy.update(_imported(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            every.update(_imported(node))
    return every, lazy


def _graph() -> dict[str, set[str]]:
    names = {_module_name(p): p for p in DOMAIN}
    return {
        name: {m for m in _imports(path)[0] if m in names and m != name}
        for name, path in names.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> list[str] | None:
        if name in trail:
            return [*trail[trail.index(name) :], name]
        if name in done:
            return None
        for target in sorted(graph[name]):
            found = visit(target, [*trail, name])
            if found:
                return found
        done.add(name)
        return None

    for name in sorted(graph):
        found = visit(name, [])
        if found:
            return found
    return None


def test_the_fieldwork_modules_import_each_other_without_a_circle():
    graph = _graph()
    assert "cati.fieldwork.projects" in graph["cati.fieldwork.dispatch"]  # the graph is read
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_no_import_inside_a_function_but_a_heavy_optional_library():
    lazy = {
        f"{_module_name(path)}: {name}"
        for path in DOMAIN
        for name in _imports(path)[1]
        if not any(name == a or name.startswith(f"{a}.") for a in LAZY_ALLOWED)
    }
    assert lazy == set()
