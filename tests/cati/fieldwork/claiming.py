"""The body of a spawned interviewer process (test_dispatch_processes.py).

A module of its own so that each spawned process imports only what claiming needs, not the
test modules, their conftest and the app: under load, that import was most of the wait.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime
from multiprocessing.synchronize import Barrier

from sqlalchemy.orm import sessionmaker

from cati.db import make_engine
from cati.fieldwork import dispatch
from cati.fieldwork.disposition import record_outcome
from cati.models import Project, User


def claim_until_none(
    url: str, project_id: int, user_id: int, now: datetime, start: Barrier, out: mp.Queue
) -> None:
    """Claim cases as fast as possible; close every fourth with a no-answer."""
    engine = make_engine(url)
    claimed = []
    with sessionmaker(engine, expire_on_commit=False)() as session:
        project = session.get(Project, project_id)
        user = session.get(User, user_id)
        start.wait()
        while (claim := dispatch.next_case(session, project, user, now=now)) is not None:
            claimed.append(claim.case.id)
            if len(claimed) % 4 == 1:
                record_outcome(session, claim.case, user, "NO_ANSWER", now=now)
    engine.dispose()
    out.put(claimed)
