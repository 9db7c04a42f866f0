"""The retention purge: how fast ``erasure.purge`` erases finalized cases.

    python -m benchmarks.privacy_purge --cases 20000
    python -m benchmarks.privacy_purge --cases 20000 --url postgresql+psycopg://postgres@127.0.0.1/cati_bench_purge

Seeds N finalized cases, each with a name, a street and a region in its sample, two phones,
two call attempts with notes and an appointment (Core ``insert()`` in batches), sets a
retention of 30 days, then times ``due_for_purge`` and ``purge`` as ``cati privacy purge``
runs them. Prints one JSON line. The database (a SQLite file by default) must be empty
or absent; PostgreSQL URLs name a database this script creates and drops.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from benchmarks.fictional import numbers
from cati import migrate
from cati.db import make_engine
from cati.fieldwork import projects
from cati.fieldwork.erasure import due_for_purge, purge
from cati.fieldwork.personal_fields import note_fields
from cati.models import Appointment, CallAttempt, Case, CaseState, Phone

FINALIZED = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
BATCH = 5_000


def seed(engine, n_cases: int) -> int:
    with sessionmaker(engine)() as session:
        project = projects.create_project(session, "BENCH-PURGE", "Purge benchmark")
        note_fields(project, ["name", "street", "region"], ["region"])
        project.retention_days = 30
        session.commit()
        project_id = project.id
    phone_numbers = numbers()
    for first in range(1, n_cases + 1, BATCH):
        ids = range(first, min(first + BATCH, n_cases + 1))
        with engine.begin() as conn:
            conn.execute(
                insert(Case),
                [
                    {
                        "id": i,
                        "project_id": project_id,
                        "external_id": f"B{i:08d}",
                        "time_zone": "Europe/Madrid",
                        "sample_vars": {
                            "name": f"Person {i} (fictional)",
                            "street": "Calle Falsa 123",
                            "region": "Norte",
                        },
                        "state": CaseState.FINAL,
                        "final_outcome": "REFUSAL_HARD",
                        "final_aapor": "2.112",
                        "finalized_at": FINALIZED,
                        "attempts": 2,
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Phone),
                [
                    {"case_id": i, "position": p, "number": next(phone_numbers)}
                    for i in ids
                    for p in (1, 2)
                ],
            )
            conn.execute(
                insert(CallAttempt),
                [
                    {
                        "case_id": i,
                        "number": "+12025550100",
                        "started_at": FINALIZED,
                        "ended_at": FINALIZED,
                        "outcome": "REFUSAL_HARD",
                        "notes": "asked for Person",
                    }
                    for i in ids
                    for _ in (1, 2)
                ],
            )
            conn.execute(
                insert(Appointment),
                [
                    {
                        "case_id": i,
                        "kind": "hard",
                        "starts_at": FINALIZED,
                        "ends_at": FINALIZED,
                        "status": "kept",
                        "notes": "call after 6",
                    }
                    for i in ids
                ],
            )
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('cases', 'id'), :n)"), {"n": n_cases}
            )
            conn.execute(text("ANALYZE"))
    return project_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--url", default=None, help="Default: a new SQLite file.")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/purge.db"
    admin = None
    if url.startswith("postgresql"):
        target = make_url(url)
        admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        began = time.perf_counter()
        seed(engine, args.cases)
        seeded = time.perf_counter() - began
        now = FINALIZED + timedelta(days=31)
        with sessionmaker(engine)() as session:
            began = time.perf_counter()
            due = due_for_purge(session, now)
            found = time.perf_counter() - began
            began = time.perf_counter()
            result = purge(session, due, now=now)
            purged = time.perf_counter() - began
        print(
            json.dumps(
                {
                    "benchmark": "privacy_purge",
                    "backend": engine.dialect.name,
                    "cases": args.cases,
                    "seed_s": round(seeded, 1),
                    "due_s": round(found, 2),
                    "purge_s": round(purged, 1),
                    "erased": result.erased,
                    "cases_per_s": round(result.erased / purged),
                }
            )
        )
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(
                    text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
                )
            admin.dispose()


if __name__ == "__main__":
    main()
