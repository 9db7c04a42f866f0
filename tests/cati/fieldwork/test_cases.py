"""The case lifecycle: the stored states, and one module that changes them."""

import re
from pathlib import Path

from cati.models import CaseState

ROOT = Path(__file__).parents[3]
STORED = ["unreleased", "active", "held", "final"]


def test_case_states_are_the_strings_the_database_stores():
    assert [state.value for state in CaseState] == STORED
    assert all(state == value for state, value in zip(CaseState, STORED, strict=True))
    # The check constraint written by the migration, unchanged: the enum needs none.
    migration = (ROOT / "cati/migrations/versions/0002_fieldwork.py").read_text()
    assert "state IN ('unreleased', 'active', 'held', 'final')" in migration


def test_only_the_lifecycle_module_changes_a_case_state():
    change = re.compile(r"\bcase\.state\s*=(?!=)|\.values\([^)]*\bstate=|\bCase\([^)]*\bstate=")
    writers = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "cati").rglob("*.py")
        if "migrations" not in path.parts and change.search(path.read_text())
    }
    assert writers == {"cati/fieldwork/cases.py"}
