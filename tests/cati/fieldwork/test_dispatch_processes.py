"""Separate processes claiming from one project never receive the same case.

The threaded test in test_dispatch.py shares one interpreter; here each interviewer is a
process of its own (spawned, with its own engine and connections), as web workers are.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import time

import pytest
from sqlalchemy import func, select

from cati.fieldwork import projects
from cati.models import CallAttempt
from tests.cati.fieldwork.claiming import claim_until_none
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases
from tests.conftest import make_user

pytestmark = pytest.mark.slow
PROCESSES = 4
# Each process still claims a hundred cases or more while the others claim too; 2,000 took
# nearly two minutes a backend on a loaded machine.
CASES = 600
# Generous, since spawned interpreters start slowly on a loaded machine, but bounded; a
# process that dies fails the test at once instead.
WAIT_SECONDS = 600


def collect(out: mp.Queue, workers: list, seconds: float) -> list[list[int]]:
    """One result per worker; fails as soon as one exits with an error, or at the deadline."""
    deadline = time.monotonic() + seconds
    results: list[list[int]] = []
    while len(results) < len(workers):
        try:
            results.append(out.get(timeout=1))
        except queue.Empty:
            failed = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
            assert not failed, f"a claiming process failed with exit code {failed}"
            assert time.monotonic() < deadline, f"no result from every process in {seconds} s"
    return results


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
        ctx.Process(
            target=claim_until_none, args=(database_url, project.id, u, MONDAY_10, start, out)
        )
        for u in users
    ]
    for w in workers:
        w.start()
    results = collect(out, workers, WAIT_SECONDS)
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
