"""What each interviewer is doing, as timed spells: available, on call, interviewing,
wrap-up, break, offline. The supervisor's monitor and productivity figures read these."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.models import StatusSpell, User

WORKING = ("available", "on_call", "interviewing", "wrap_up")


def current(session: Session, user: User) -> StatusSpell | None:
    return session.scalar(
        select(StatusSpell)
        .where(StatusSpell.user_id == user.id, StatusSpell.ended_at.is_(None))
        .order_by(StatusSpell.id.desc())
        .limit(1)
    )


def set_status(
    session: Session,
    user: User,
    status: str,
    now: datetime,
    *,
    project_id: int | None = None,
    case_id: int | None = None,
) -> StatusSpell:
    """Close the open spell and open one in ``status``; the caller commits.

    Setting the status it already has (same case) keeps the open spell, so a page reload
    does not split a spell in two.
    """
    spell = current(session, user)
    if spell is not None:
        if spell.status == status and spell.case_id == case_id:
            return spell
        spell.ended_at = now
    new = StatusSpell(
        user_id=user.id, status=status, project_id=project_id, case_id=case_id, started_at=now
    )
    session.add(new)
    return new


def working_since(session: Session, user: User, now: datetime) -> datetime | None:
    """Start of the present run of work without a break (None when on break or offline)."""
    spells = session.scalars(
        select(StatusSpell)
        .where(StatusSpell.user_id == user.id, StatusSpell.started_at > now - timedelta(days=1))
        .order_by(StatusSpell.started_at.desc())
    )
    since = None
    for spell in spells:
        if spell.status not in WORKING:
            break
        since = spell.started_at
    return since


def needs_break(session: Session, user: User, now: datetime, after_minutes: int) -> bool:
    since = working_since(session, user, now)
    return since is not None and now - since >= timedelta(minutes=after_minutes)
