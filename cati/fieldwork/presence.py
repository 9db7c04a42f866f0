"""What each interviewer is doing, as timed spells: available, on call, interviewing,
wrap-up, break, offline. The supervisor's monitor and productivity figures read these."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, literal, select, update
from sqlalchemy.orm import Session

from cati.models import StatusSpell, User

WORKING = ("available", "on_call", "interviewing", "wrap_up")


def current(session: Session, user: User) -> StatusSpell | None:
    return session.scalar(
        select(StatusSpell)
        .where(StatusSpell.user_id == user.id, StatusSpell.ended_at.is_(None))
        .order_by(StatusSpell.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)  # set_status writes without the objects
    )


def set_status(
    session: Session,
    user: User,
    status: str,
    now: datetime,
    *,
    project_id: int | None = None,
    case_id: int | None = None,
) -> None:
    """Close the open spell and open one in ``status``; the caller commits.

    Setting the status it already has (same case) keeps the open spell, so a page reload
    does not split a spell in two. Two statements and no read: the open spell is closed
    unless it is already this one, and the new one is opened where none is left open.
    """
    open_spell = (StatusSpell.user_id == user.id) & StatusSpell.ended_at.is_(None)
    session.execute(
        update(StatusSpell)
        .where(
            open_spell,
            (StatusSpell.status != status) | StatusSpell.case_id.is_distinct_from(case_id),
        )
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
    row = {
        "user_id": user.id,
        "status": status,
        "project_id": project_id,
        "case_id": case_id,
        "started_at": now,
    }
    columns = list(row)
    session.execute(
        insert(StatusSpell).from_select(
            columns,
            select(*(literal(v, StatusSpell.__table__.c[k].type) for k, v in row.items())).where(
                ~select(StatusSpell.id).where(open_spell).exists()
            ),
        )
    )


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
