"""The layers of the house hold: the contracts of .importlinter are kept, every module of
cati is placed in a layer, and no import circle exists, not even one hidden in a function.

Run the contracts alone with `lint-imports --no-cache` from the repository root.
"""

from __future__ import annotations

import ast
import itertools
import sys
from pathlib import Path

import grimp
import pytest
from importlinter import api
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / ".importlinter")
HOUSE = ("cati", "questionnaires", "sampling", "exports")
# Where a circle is reported: the packages of cati with their own test first, then the roots.
AREAS = ("cati.fieldwork", "cati.web", "cati.models", "cati.stats", *HOUSE)
# The modules of cati above the domain: the app factory, the web and the commands.
EDGES = {
    "cati.app",
    "cati.cli",
    "cati.cli_output",
    "cati.design_commands",
    "cati.estimate_commands",
    "cati.export_commands",
    "cati.privacy_commands",
    "cati.quota_commands",
    "cati.web",
}

CONTRACTS = {c["id"]: c for c in api.read_configuration(CONFIG)["contracts_options"]}


@pytest.mark.parametrize("contract", sorted(CONTRACTS))
def test_import_contract_is_kept(contract: str, capsys: pytest.CaptureFixture[str]) -> None:
    # What `lint-imports` runs, in process; its report names the chain that breaks a contract.
    kept = use_cases.lint_imports(
        config_filename=CONFIG, limit_to_contracts=(contract,), cache_dir=None, no_logo=True
    )
    report = capsys.readouterr().out
    assert kept, f"{CONTRACTS[contract]['name']}: broken (.importlinter)\n{report}"


def test_every_module_of_cati_has_a_layer() -> None:
    """A new top-level module of cati is either domain (the `domain` contract) or an edge."""
    graph = grimp.build_graph("cati", cache_dir=None)
    domain = set(CONTRACTS["domain"]["source_modules"])
    unplaced = sorted(graph.find_children("cati") - domain - EDGES)
    assert not unplaced, (
        f"{unplaced}: add each to the domain contract's source_modules in .importlinter, "
        "or, if it is web or CLI, to EDGES in tests/test_layers.py"
    )


def test_problems_imports_only_the_standard_library() -> None:
    graph = grimp.build_graph(*HOUSE, include_external_packages=True, cache_dir=None)
    imported = graph.find_modules_directly_imported_by("cati.problems")
    outside = sorted(m for m in imported if m.split(".")[0] not in sys.stdlib_module_names)
    assert not outside, f"cati.problems imports {outside}; it may import the standard library only"


@pytest.fixture(scope="module")
def runtime_graph() -> grimp.ImportGraph:
    """Every import that runs, at module level or inside a function (not TYPE_CHECKING)."""
    return grimp.build_graph(*HOUSE, cache_dir=None, exclude_type_checking_imports=True)


def _circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            component = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    return found


def _shortest_cycle(graph: grimp.ImportGraph, start: str, members: set[str]) -> list[str]:
    """The shortest way from start back to itself through the members (breadth first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while start not in came_from:
        step = []
        for module in frontier:
            for imported in sorted(graph.find_modules_directly_imported_by(module) & members):
                if imported not in came_from:
                    came_from[imported] = module
                    step.append(imported)
        frontier = step
    path = [start]
    while len(path) == 1 or path[-1] != start:
        path.append(came_from[path[-1]])
    return path[::-1]


def _describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    """Each module's shortest cycle in the component, once each, with the lines that import."""
    cycles: list[list[str]] = []
    for module in component:
        cycle = _shortest_cycle(graph, module, set(component))
        if not any(set(cycle) == set(seen) for seen in cycles):
            cycles.append(cycle)
    described = []
    for cycle in cycles:
        links = []
        for importer, imported in itertools.pairwise(cycle):
            details = graph.get_import_details(importer=importer, imported=imported)
            lines = ", ".join(f"l.{d['line_number']}" for d in details)
            links.append(f"{importer} -> {imported} ({lines})")
        described.append("\n    ".join(links))
    return "\n  and\n    ".join(described)


def _area(module: str) -> str:
    return next(a for a in AREAS if module == a or module.startswith(f"{a}."))


@pytest.mark.parametrize("area", AREAS)
def test_no_import_circles(area: str, runtime_graph: grimp.ImportGraph) -> None:
    circles = [c for c in _circles(runtime_graph) if any(_area(m) == area for m in c)]
    described = "\n".join(f"- {', '.join(c)}:\n    {_describe(runtime_graph, c)}" for c in circles)
    assert not circles, f"import circles in {area}:\n{described}"


# Where an import of the house inside a function is refused: it would hide a circle from a
# reader. The commands keep theirs (they load what a subcommand needs, for a fast start-up).
NO_LAZY_IMPORTS = (
    "cati/fieldwork",
    "cati/interviewing.py",
    "cati/dataset.py",
    "cati/web",
    "questionnaires",
    "sampling",
    "cati/stats",
)
# Heavy optional libraries a function may load when it needs them.
LAZY_ALLOWED = ("sampling.maps",)
# The leaf packages' own command lines are commands too: `cati sample --help` loads nothing.
COMMAND_FILES = ("sampling/commands.py",)


def _imports_inside_functions(tree: ast.AST, inside: bool = False):
    """The house modules imported inside a function, but not under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            continue
        if inside and isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            yield from (n for n in names if n and n.split(".")[0] in HOUSE)
        nested = inside or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        yield from _imports_inside_functions(node, nested)


def test_the_check_for_imports_inside_functions_finds_one() -> None:
    tree = ast.parse("def f():\n    from cati.fieldwork import cases\n")
    assert list(_imports_inside_functions(tree)) == ["cati.fieldwork"]


@pytest.mark.parametrize("where", NO_LAZY_IMPORTS)
def test_no_import_of_the_house_inside_a_function(where: str) -> None:
    path = ROOT / where
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    hidden = [
        f"{file.relative_to(ROOT)}: {name}"
        for file in files
        if str(file.relative_to(ROOT)) not in COMMAND_FILES
        for name in _imports_inside_functions(ast.parse(file.read_text(encoding="utf-8")))
        if not name.startswith(LAZY_ALLOWED)
    ]
    assert not hidden, "imports inside functions:\n" + "\n".join(hidden)
