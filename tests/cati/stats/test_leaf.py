"""cati.stats is a leaf: of the rest of cati it imports only the shared problem shape."""

from __future__ import annotations

import ast
from pathlib import Path

import cati.stats

PACKAGE = Path(cati.stats.__file__).parent


def test_stats_imports_only_itself_and_the_problems_from_cati() -> None:
    outside = []
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            outside += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in {"cati", "flask", "sqlalchemy"}
                and not n.startswith("cati.stats")
                and n != "cati.problems"
            ]
    assert outside == []
