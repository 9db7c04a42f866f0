"""Dispatch under load: next_case latency, claims per second and double claims.

    .venv/bin/python -m benchmarks.dispatch --backend postgresql --cases 1000000 --workers 200
    .venv/bin/python -m benchmarks.dispatch --backend sqlite --cases 100000 --workers 20

Seeds N released, due cases (Core ``insert()`` executemany, in batches), prints the query
plan of the dispatch candidate query, then runs two timed phases and prints one JSON line
for each: ``paced`` (W interviewers, each claiming a case with ``dispatch.next_case`` and
closing it with ``record_outcome`` as a no-answer, once every P seconds) and
``saturation`` (S interviewers claiming and closing with no pause). Interviewers are
threads spread over a few processes (``--processes``): 200 processes would not fit two
cores, and each thread opens a session per claim, as a web request does.

The clock is virtual but runs at real speed: ``now`` is Monday 30 November 2026, 16:00 in
Madrid, plus the seconds elapsed, so every zone's calling window is open (10:00 in New
York) whatever the hour the benchmark is run.

PostgreSQL: a database ``cati_bench_dispatch`` is (re)created on ``--server``; SQLite: a
file at ``--sqlite-path``. ``--reuse`` skips seeding when the database already holds the
cases from an earlier run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import random
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from benchmarks.fictional import numbers
from cati import migrate
from cati.db import make_engine
from cati.fieldwork import dispatch, project_cache, projects
from cati.fieldwork.disposition import record_outcome
from cati.models import Case, CaseState, Phone, Project, ProjectMember, User

BASE = datetime(2026, 11, 30, 16, 0, tzinfo=ZoneInfo("Europe/Madrid")).astimezone(UTC)
ZONES = ("Europe/Madrid", "Atlantic/Canary", "America/New_York")
PROJECT_CODE = "BENCH-DISPATCH"
PG_DATABASE = "cati_bench_dispatch"
BATCH = 10_000
# The fictional number pool (about 45,000) repeats across a million cases: lift the
# frequency cap so that shared numbers do not turn claims into reschedules.
RULES = {"frequency_cap_calls": 1_000_000, "frequency_cap_days": 1}


def database_url(args: argparse.Namespace) -> str:
    if args.backend == "sqlite":
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{args.sqlite_path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{args.sqlite_path}"
    server = make_url(args.server)
    if not args.reuse:
        admin = make_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
        admin.dispose()
    return server.set(database=PG_DATABASE).render_as_string(hide_password=False)


def seed(engine: Engine, n_cases: int, n_users: int) -> float:
    """Project, interviewers and N due cases with one phone each; returns seconds taken.

    Every case is due at BASE, as a replicate released at once is: ties on
    (rank, priority, next_call_at) are the normal case, not the exception.
    """
    began = time.perf_counter()
    with sessionmaker(engine)() as session:
        project = projects.create_project(session, PROJECT_CODE, "Dispatch benchmark", rules=RULES)
        project_id = project.id
    with engine.begin() as conn:
        users = conn.execute(
            insert(User).returning(User.id),
            [
                {"username": f"bench{k}", "role": "interviewer", "password_hash": "!"}
                for k in range(n_users)
            ],
        ).scalars()
        conn.execute(
            insert(ProjectMember), [{"project_id": project_id, "user_id": u} for u in users]
        )
    rng = random.Random(1)
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
                        "time_zone": rng.choice(ZONES),
                        "sample_vars": {},
                        "replicate": 1,
                        "state": CaseState.ACTIVE,
                        "released_at": BASE,
                        "next_call_at": BASE,
                        "rank": 2,
                        "priority": 150,
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Phone),
                [
                    {"id": i, "case_id": i, "position": 1, "number": next(phone_numbers)}
                    for i in ids
                ],
            )
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("cases", "phones"):
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n_cases})")
                )
        conn.execute(text("ANALYZE"))
    return time.perf_counter() - began


def seeded_cases(engine: Engine) -> tuple[int, int]:
    with sessionmaker(engine)() as session:
        project = projects.get_project(session, PROJECT_CODE)
        count = session.scalar(select(func.count()).where(Case.project_id == project.id))
        return project.id, count


def interviewer_ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(select(User.id).order_by(User.id)))


def query_plan(engine: Engine, project_id: int, user_id: int) -> str:
    """EXPLAIN the candidate query exactly as next_case sends it (captured on the wire)."""
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if "ORDER BY cases.rank" in statement and not captured:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    with sessionmaker(engine, expire_on_commit=False)() as session:
        project, user = session.get(Project, project_id), session.get(User, user_id)
        claim = dispatch.next_case(session, project, user, now=BASE)
        record_outcome(session, claim.case, user, "NO_ANSWER", phone=claim.phone, now=BASE)
    event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = captured[0]
    explain = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if engine.dialect.name == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(explain + statement, parameters).all()
        conn.rollback()  # EXPLAIN ANALYZE took the row locks; let them go
    return statement + "\n\n" + "\n".join(row[-1] for row in rows)  # the plan's text


# --- the load --------------------------------------------------------------------------


@dataclass
class Samples:
    """What one process measured."""

    next_case_ms: list[float] = field(default_factory=list)
    close_ms: list[float] = field(default_factory=list)
    claimed: list[int] = field(default_factory=list)  # case ids, in claim order
    empty: int = 0
    errors: list[str] = field(default_factory=list)
    statements: int = 0  # sent by the claims and closes measured (not the warm-up's)
    cpu_s: float = 0.0  # the process's CPU time over the phase (its threads' claims)


def virtual_now(started_wall: float) -> datetime:
    return BASE + timedelta(seconds=time.time() - started_wall)


def interviewer_loop(
    factory: sessionmaker,
    project_id: int,
    user_id: int,
    pause: float,
    started_wall: float,
    deadline: float,
    samples: Samples,
    lock: threading.Lock,
) -> None:
    """Claim and close a case once every ``pause`` seconds (or back to back) until the end."""
    next_start = time.monotonic() + random.Random(user_id).uniform(0, pause)  # spread them
    warm = False
    while True:
        if pause:
            if next_start >= deadline:
                return
            time.sleep(max(0.0, next_start - time.monotonic()))
            next_start += pause
        elif time.monotonic() >= deadline:
            return
        try:
            with factory() as session:  # one session per claim, as one per web request
                # As the web's Next case: the revision read with the project's membership,
                # the project, its outcomes and rules from this process's copy.
                revision = session.scalar(select(Project.revision).where(Project.id == project_id))
                project = project_cache.project(session, project_id, revision)
                user = session.get(User, user_id)
                began = time.perf_counter()
                claim = dispatch.next_case(session, project, user, now=virtual_now(started_wall))
                claimed = time.perf_counter()
                if claim is not None:
                    record_outcome(
                        session,
                        claim.case,
                        user,
                        "NO_ANSWER",
                        phone=claim.phone,
                        now=virtual_now(started_wall),
                    )
                closed = time.perf_counter()
            with lock:
                if claim is None:
                    samples.empty += 1
                    continue
                if warm:  # the first claim also opens the connection: not a dispatch cost
                    samples.next_case_ms.append((claimed - began) * 1000)
                    samples.close_ms.append((closed - claimed) * 1000)
                samples.claimed.append(claim.case.id)
            warm = True
        except Exception as exc:  # counted and reported; the run goes on
            with lock:
                samples.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")


def worker_process(
    url: str,
    project_id: int,
    user_ids: list[int],
    pause: float,
    seconds: float,
    start: Any,  # a multiprocessing Barrier
    out: Any,  # a multiprocessing Queue
) -> None:
    """One process: a thread per interviewer, sharing a small connection pool."""
    engine = make_engine(url, pool_size=min(len(user_ids), 12), max_overflow=0, pool_timeout=60)
    factory = sessionmaker(engine, expire_on_commit=False)
    samples, lock = Samples(), threading.Lock()
    sent = itertools.count()
    event.listen(engine, "before_cursor_execute", lambda *_: next(sent))
    start.wait()
    cpu_before = time.process_time()
    start_wall = time.time()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=interviewer_loop,
            args=(factory, project_id, u, pause, start_wall, deadline, samples, lock),
        )
        for u in user_ids
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    samples.cpu_s = time.process_time() - cpu_before
    samples.statements = next(sent)
    engine.dispose()
    out.put(samples)


def run_phase(
    url: str, project_id: int, users: list[int], processes: int, pause: float, seconds: float
) -> tuple[Samples, float]:
    ctx = mp.get_context("spawn")
    start, out = ctx.Barrier(processes + 1), ctx.Queue()
    shares = [users[k::processes] for k in range(processes)]
    workers = [
        ctx.Process(
            target=worker_process, args=(url, project_id, share, pause, seconds, start, out)
        )
        for share in shares
    ]
    for w in workers:
        w.start()
    start.wait()
    began = time.perf_counter()
    merged = Samples()
    for _ in workers:
        part = out.get()
        merged.next_case_ms += part.next_case_ms
        merged.close_ms += part.close_ms
        merged.claimed += part.claimed
        merged.empty += part.empty
        merged.errors += part.errors
        merged.statements += part.statements
        merged.cpu_s += part.cpu_s
    for w in workers:
        w.join()
    return merged, time.perf_counter() - began


def percentile(values: list[float], q: int) -> float | None:
    if len(values) < 2:
        return None
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 2)


def report(phase: str, args, workers: int, processes: int, pause: float, samples, elapsed):
    claims_per_case = defaultdict(int)
    for case_id in samples.claimed:
        claims_per_case[case_id] += 1
    errors = sorted(set(samples.errors))
    return {
        "benchmark": "dispatch",
        "phase": phase,
        "backend": args.backend,
        "cases": args.cases,
        "workers": workers,
        "processes": processes,
        "pause_s": pause,
        "seconds": round(elapsed, 1),
        "claims": len(samples.claimed),
        "claims_per_s": round(len(samples.claimed) / elapsed, 1),
        "next_case_p50_ms": percentile(samples.next_case_ms, 50),
        "next_case_p95_ms": percentile(samples.next_case_ms, 95),
        "next_case_p99_ms": percentile(samples.next_case_ms, 99),
        "next_case_max_ms": round(max(samples.next_case_ms, default=0), 2),
        "close_p95_ms": percentile(samples.close_ms, 95),
        # Every close moves its case hours ahead, so a case claimed twice in one run was
        # handed out twice: whether or not the two holds overlapped, it is a double claim.
        "double_claims": sum(n - 1 for n in claims_per_case.values()),
        # Per claim and its close, all in: the look-ups before the claim, pool pings, the
        # first claims that open connections, and the empty claims.
        "statements_per_claim": round(samples.statements / max(1, len(samples.claimed)), 1),
        "client_cpu_ms_per_claim": round(1000 * samples.cpu_s / max(1, len(samples.claimed)), 2),
        "client_cpu_s": round(samples.cpu_s, 1),
        "empty_claims": samples.empty,
        "errors": len(samples.errors),
        "load_avg_1m": round(os.getloadavg()[0], 2),  # the machine is shared: say how busy
        "error_kinds": errors[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sqlite-path", default="/tmp/cati-bench-dispatch.db")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=20, help="paced interviewers")
    parser.add_argument("--pause", type=float, default=5.0, help="seconds between claims")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--saturation-workers", type=int, default=8)
    parser.add_argument("--processes", type=int, default=4, help="processes per phase")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier seeded database")
    parser.add_argument("--phases", default="plan,paced,saturation")
    args = parser.parse_args()

    url = database_url(args)
    engine = make_engine(url)
    users_needed = max(args.workers, args.saturation_workers)
    if args.reuse:
        project_id, count = seeded_cases(engine)
        args.cases = count
    else:
        migrate.upgrade(url)
        took = seed(engine, args.cases, users_needed)
        project_id, _ = seeded_cases(engine)
        print(
            json.dumps(
                {
                    "benchmark": "dispatch",
                    "phase": "seed",
                    "backend": args.backend,
                    "cases": args.cases,
                    "seconds": round(took, 1),
                    "rows_per_s": round(2 * args.cases / took),
                }
            ),
            flush=True,
        )
    users = interviewer_ids(engine)
    phases = args.phases.split(",")
    if "plan" in phases:
        print(query_plan(engine, project_id, users[0]), flush=True)
    engine.dispose()
    for phase, workers, pause in (
        ("paced", args.workers, args.pause),
        ("saturation", args.saturation_workers, 0.0),
    ):
        if phase not in phases:
            continue
        processes = max(1, min(args.processes, workers))
        samples, elapsed = run_phase(
            url, project_id, users[:workers], processes, pause, args.seconds
        )
        line = report(phase, args, workers, processes, pause, samples, elapsed)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
