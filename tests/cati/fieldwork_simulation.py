"""A few days of simulated fieldwork on a project, through the real services (fictional)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from cati import interviewing
from cati.fieldwork import dispatch, disposition, presence
from cati.models import Project, User

GRID_SCALE = (1, 2, 3, 4, 5)
REASONS = ("Rápido y amable", "Buen precio", "La entrega tardó", "Todo correcto")
OUTCOMES = (("NO_ANSWER", 30), ("BUSY", 8), ("AM_MESSAGE", 8), ("REFUSAL_SOFT", 10))


def _pages(rng: random.Random, reason: str) -> list[dict]:
    nps = rng.choice(range(11))
    grid = {item: rng.choice(GRID_SCALE) for item in ("delivery", "installation", "staff", "value")}
    return [
        {},
        {"purchase_confirmed": 1},
        {"nps": nps},
        {"nps_reason": reason},
        {"sat": grid},
        {"contact_channels": rng.sample([1, 2, 3, 4], rng.randint(1, 3))},
        *_problem_pages(rng, reason),
        {},
    ]


def _problem_pages(rng: random.Random, reason: str) -> list[dict]:
    if rng.random() < 0.7:
        return [{"problem": 2}]
    solved = rng.choice((1, 2, 3))
    pages = [{"problem": 1}, {"problem_detail": reason}, {"problem_solved": solved}]
    return pages + ([{"recontact": rng.choice((1, 2))}] if solved != 1 else [])


def simulate(
    session: Session,
    project: Project,
    interviewers: list[User],
    start: datetime,
    *,
    days: int = 3,
    calls_per_day: int = 12,
    seed: int = 7,
    reason: str | None = None,
) -> None:
    """Each interviewer works ``calls_per_day`` calls a day; about a third end in interviews."""
    rng = random.Random(seed)
    for day in range(days):
        for user in interviewers:
            now = start + timedelta(days=day)
            presence.set_status(session, user, "available", now, project_id=project.id)
            session.commit()
            for _ in range(calls_per_day):
                claim = dispatch.next_case(session, project, user, now)
                if claim is None:
                    break
                if rng.random() < 0.35:
                    # The last page records the case's outcome and puts the interviewer in
                    # wrap-up; the next call finds them available again.
                    item = interviewing.start_by_phone(session, claim.case, user, now, None)
                    for answers in _pages(rng, reason or rng.choice(REASONS)):
                        now += timedelta(seconds=rng.randint(20, 60))
                        interviewing.submit_page(session, item, answers, item.seq, user, now)
                    assert item.status != "active", "the simulated interview did not end"
                    presence.set_status(session, user, "available", now, project_id=project.id)
                    session.commit()
                else:
                    begun = now
                    now += timedelta(seconds=rng.randint(20, 90))
                    codes, weights = zip(*OUTCOMES, strict=True)
                    code = rng.choices(codes, weights)[0]
                    disposition.record_outcome(
                        session, claim.case, user, code, started_at=begun, now=now
                    )
                now += timedelta(minutes=2)
            presence.set_status(session, user, "offline", now, project_id=project.id)
            session.commit()
