"""The supervisor's charts over time: the marker (what a 304 costs) and the pipeline.

    .venv/bin/python -m benchmarks.monitor_charts --backend sqlite --cases 100000
    .venv/bin/python -m benchmarks.monitor_charts --backend postgresql --cases 100000

Seeds one project with N released cases, three calls per case spread over the 14 days
before Monday 30 November 2026 10:00 in Madrid (a third of the cases finished), and 20
interviewers working 09:00-14:00 on each day. Prints one JSON line per measure: the median
and worst of R runs of ``pipeline.marker`` (the cost of an unchanged chart), of
``pipeline.pipeline`` (the queries behind a changed chart) and of drawing one chart.
PostgreSQL: a database ``cati_bench_charts`` is (re)created on ``--server``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cati import migrate
from cati.db import make_engine
from cati.fieldwork import pipeline, projects
from cati.models import CallAttempt, Case, CaseState, StatusSpell, User
from exports import charts

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
DAYS = 14
OUTCOMES = ["NO_ANSWER"] * 5 + ["BUSY", "AM_MESSAGE", "REFUSAL_SOFT", "COMPLETE", "APPOINTMENT"]
BATCH = 10_000


def database_url(backend: str, server: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp()}/charts.db"
    admin = make_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "cati_bench_charts" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "cati_bench_charts"'))
    admin.dispose()
    return make_url(server).set(database="cati_bench_charts").render_as_string(False)


def seed(session: Session, n_cases: int) -> None:
    rng = random.Random(2026)
    project = projects.create_project(session, "BENCH-CHARTS", "Charts benchmark")
    users = [User(username=f"bench{i}", role="interviewer", password_hash="x") for i in range(20)]
    session.add_all(users)
    session.flush()
    for user in users:
        projects.assign(session, project, user)
    start = NOW - timedelta(days=DAYS)
    spells = [
        {
            "user_id": u.id,
            "status": "available",
            "started_at": (start + timedelta(days=d, hours=-1)).astimezone(UTC),
            "ended_at": (start + timedelta(days=d, hours=4)).astimezone(UTC),
        }
        for u in users
        for d in range(DAYS)
    ]
    session.execute(insert(StatusSpell), spells)
    rows = []
    for i in range(n_cases):
        final = i % 3 == 0
        rows.append(
            {
                "project_id": project.id,
                "external_id": f"B{i:07d}",
                "time_zone": "Europe/Madrid",
                "state": CaseState.FINAL if final else CaseState.ACTIVE,
                "released_at": start.astimezone(UTC),
                "final_aapor": "1.1" if final else None,
                "finalized_at": (NOW - timedelta(hours=rng.uniform(1, 24 * DAYS))).astimezone(UTC)
                if final
                else None,
            }
        )
    for k in range(0, n_cases, BATCH):
        session.execute(insert(Case), rows[k : k + BATCH])
    ids = [i for (i,) in session.execute(text("SELECT id FROM cases ORDER BY id"))]
    attempts = []
    for case_id in ids:
        for _ in range(3):
            ended = NOW - timedelta(minutes=rng.uniform(1, 60 * 24 * DAYS))
            attempts.append(
                {
                    "case_id": case_id,
                    "number": "+12015550100",
                    "interviewer_id": rng.choice(users).id,
                    "started_at": (ended - timedelta(minutes=2)).astimezone(UTC),
                    "ended_at": ended.astimezone(UTC),
                    "outcome": rng.choice(OUTCOMES),
                }
            )
        if len(attempts) >= BATCH:
            session.execute(insert(CallAttempt), attempts)
            attempts = []
    if attempts:
        session.execute(insert(CallAttempt), attempts)
    session.commit()


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
        began = time.perf_counter()
        seed(session, args.cases)
        seeded = time.perf_counter() - began
        project = projects.get_project(session, "BENCH-CHARTS")
        common = {"backend": args.backend, "cases": args.cases, "attempts": 3 * args.cases}
        print(json.dumps({**common, "measure": "seed", "seconds": round(seeded, 1)}))
        for name, fn in (
            ("marker", lambda: pipeline.marker(session, project, NOW)),
            ("pipeline", lambda: pipeline.pipeline(session, project, NOW)),
        ):
            print(json.dumps({**common, "measure": name, **timed(fn, args.runs)}))
        data = pipeline.pipeline(session, project, NOW)
        labels = [b.start.strftime("%d %b") for b in data.days]
        calls = [("Calls", [b.attempts for b in data.days], charts.LIGHT)]

        def draw() -> bytes:
            return charts.columns(labels, calls)

        print(json.dumps({**common, "measure": "draw one chart", **timed(draw, args.runs)}))


if __name__ == "__main__":
    main()
