"""Separate processes claiming from one project never receive the same case.

The threaded test in test_dispatch.py shares one interpreter; here each interviewer is a
process of its own (spawned, with its own engine and connections), as web workers are.
"""

from __future__ import annotations

import multiprocessing as mp
from multiprocessing.synchronize import Barrier

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from cati.db import make_engine
from cati.fieldwork import dispatch, projects
from cati.fieldwork.disposition import record_outcome
from cati.models import CallAttempt, Project, User
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases
from tests.conftest import make_user

PROCESSES = 4
CASES = 2000


def claim_until_none(url: str, project_id: int, user_id: int, start: Barrier, out: mp.Queue):
    """Claim cases as fast as possible; close every fourth with a no-answer."""
    engine = make_engine(url)
    claimed = []
    with sessionmaker(engine, expire_on_commit=False)() as session:
        project = session.get(Project, project_id)
        user = session.get(User, user_id)
        start.wait()
        while (claim := dispatch.next_case(session, project, user, now=MONDAY_10)) is not None:
            claimed.append(claim.case.id)
            if len(claimed) % 4 == 1:
                record_outcome(session, claim.case, user, "NO_ANSWER", now=MONDAY_10)
    engine.dispose()
    out.put(claimed)


def test_interviewer_processes_never_receive_the_same_case(db, project, database_url):
    make_cases(db, project, n=CASES)
    users = []
    for _ in range(PROCESSES):
        user = make_user(db, "interviewer")
        projects.assign(db, project, user)
        users.append(user.id)
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(PROCESSES)
    out = ctx.Queue()
    workers = [
        ctx.Process(target=claim_until_none, args=(database_url, project.id, u, start, out))
        for u in users
    ]
    for w in workers:
        w.start()
    results = [out.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(30)
        assert w.exitcode == 0

    claimed = [case_id for r in results for case_id in r]
    assert len(claimed) == len(set(claimed)) == CASES
    assert all(results), "every process got cases, so they really competed"
    closed = db.scalar(select(func.count(func.distinct(CallAttempt.case_id))))
    assert (
        closed
        == db.scalar(select(func.count(CallAttempt.id)))
        == sum((len(r) + 3) // 4 for r in results)
    )
