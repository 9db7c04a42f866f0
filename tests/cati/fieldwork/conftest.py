"""Factories for fieldwork tests. Phone numbers are NANP 555-01xx: fictional by design."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cati.fieldwork import projects
from cati.fieldwork.cases import import_cases, release_replicate
from cati.fieldwork.sample_import import CaseRecord
from cati.models import Case, Project
from tests.conftest import make_user

MADRID = ZoneInfo("Europe/Madrid")
# Monday 30 November 2026, 10:00 in Madrid: inside the default weekday window.
MONDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=MADRID)
AREA_CODES = [
    201,
    202,
    203,
    205,
    206,
    207,
    208,
    209,
    210,
    212,
    213,
    214,
    215,
    216,
    217,
    218,
    219,
    220,
    224,
    225,
    228,
    229,
    231,
    234,
    239,
    240,
    248,
    251,
    252,
    253,
    254,
    256,
    260,
    262,
    267,
    269,
    270,
    272,
    276,
    281,
]
# 4,000 numbers, reused once the session has used them all (tables are emptied between tests).
_numbers = itertools.cycle(
    [f"+1{area}555{line:04d}" for area in AREA_CODES for line in range(100, 200)]
)
_ids = itertools.count(1)


def fictional_number() -> str:
    return next(_numbers)


def make_project(db, code: str | None = None, name: str = "Test study", **overrides) -> Project:
    return projects.create_project(db, code or f"P{next(_ids)}", name, **overrides)


def make_cases(
    db,
    project: Project,
    n: int = 1,
    *,
    phones: int = 1,
    release: bool = True,
    now: datetime = MONDAY_10,
    **overrides,
) -> list[Case]:
    records = []
    for _ in range(n):
        values = {"time_zone": "Europe/Madrid", "replicate": 1, "sample_vars": {}, **overrides}
        numbers = [(fictional_number(), "fixed_or_mobile") for _ in range(phones)]
        records.append(CaseRecord(external_id=f"C{next(_ids):06d}", phones=numbers, **values))
    import_cases(db, project, records, "test.csv")
    if release:
        for replicate in sorted({r.replicate for r in records}):
            release_replicate(db, project, replicate, now=now)
    ids = [r.external_id for r in records]
    from sqlalchemy import select

    return list(
        db.scalars(select(Case).where(Case.project_id == project.id, Case.external_id.in_(ids)))
    )


@pytest.fixture
def project(db) -> Project:
    return make_project(db)


@pytest.fixture
def interviewer(db, project):
    user = make_user(db, "interviewer")
    projects.assign(db, project, user)
    return user
