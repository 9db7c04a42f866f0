"""What recomputing the dispatch priorities from the quota deficits costs, after a complete.

    .venv/bin/python -m benchmarks.quota_priority --backend sqlite --cases 100000
    .venv/bin/python -m benchmarks.quota_priority --backend postgresql --cases 100000

Seeds one project with N released cases over 5 regions × 2 sexes (and two more sample
variables, as a real sample has), adds the 10 crossed cells region × sex, then prints one
JSON line per measure, the median and worst of R runs: ``cases.reprioritize`` after a
complete in a cell of 50 (its tenth of the cases change priority) and over every case (as
after a cell is added; none changed), the sample cases in each cell (the quota cards) and
checking a new cell against the sample (``quota_cells.check_cell``).
PostgreSQL: a database ``cati_bench_quota`` is (re)created on ``--server``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cati import migrate
from cati.db import make_engine
from cati.fieldwork import cases, projects, quota_cells, quota_setup, quotas
from cati.models import Case, CaseState

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
REGIONS = ("Andalucía", "Madrid", "Cataluña", "Galicia", "Valencia")
BATCH = 10_000
CELL = {"region": ["Madrid", "Galicia"], "sex": ["f"]}


def database_url(backend: str, server: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp()}/quota.db"
    admin = make_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "cati_bench_quota" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "cati_bench_quota"'))
    admin.dispose()
    return make_url(server).set(database="cati_bench_quota").render_as_string(False)


def seed(session: Session, n_cases: int) -> None:
    project = projects.create_project(session, "BENCH-QUOTA", "Quota priority benchmark")
    project.personal_fields = {"region": False, "sex": False, "age": False, "town": True}
    rows = [
        {
            "project_id": project.id,
            "external_id": f"B{i:07d}",
            "time_zone": "Europe/Madrid",
            "state": CaseState.ACTIVE,
            "released_at": NOW.astimezone(UTC),
            "next_call_at": NOW.astimezone(UTC),
            "sample_vars": {
                "region": REGIONS[i % 5],
                "sex": "fm"[i // 5 % 2],
                "age": str(18 + i % 70),
                "town": f"T{i % 8000}",
            },
        }
        for i in range(n_cases)
    ]
    for k in range(0, n_cases, BATCH):
        session.execute(insert(Case), rows[k : k + BATCH])
    session.commit()
    for region in REGIONS:
        for sex in "fm":
            cell = {"region": [region], "sex": [sex]}
            # A target of 50: each complete moves the cell's priority by one point.
            quota_setup.add_quota(session, project, f"{region}-{sex}", cell, 50)


def timed(fn, runs: int) -> dict[str, float]:
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - began)
    return {
        "median_ms": round(1000 * statistics.median(seconds), 1),
        "max_ms": round(1000 * max(seconds), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = database_url(args.backend, args.server)
    migrate.upgrade(url)
    engine = make_engine(make_url(url))
    with Session(engine) as session:
        seed(session, args.cases)
        project = projects.get_project(session, "BENCH-QUOTA")
        madrid_women = next(
            q for q in quotas.project_quotas(session, project) if q.name == "Madrid-f"
        )
        common = {"backend": args.backend, "cases": args.cases, "cells": 10}

        def after_a_complete() -> None:
            # As a complete in the cell does: counted, then the cases in it re-ranked.
            madrid_women.achieved += 1
            cases.reprioritize(session, project, [madrid_women])
            session.commit()

        def unchanged() -> None:
            cases.reprioritize(session, project)
            session.commit()

        cells = quotas.project_quotas(session, project)
        measures = (
            ("after a complete", after_a_complete),
            ("every case, none changed", unchanged),
            ("sample cases in each cell", lambda: quotas.cases_in_cells(session, project, cells)),
            ("check a cell", lambda: quota_cells.check_cell(session, project, "x", CELL)),
        )
        for name, fn in measures:
            print(json.dumps({**common, "measure": name, **timed(fn, args.runs)}))


if __name__ == "__main__":
    main()
