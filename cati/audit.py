"""The audit log: an append-only record that services write to within their transaction,
and read back page by page. Nothing here edits or deletes an entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.models import AuditEntry, User


def record(
    session: Session,
    action: str,
    *,
    user: User | None = None,
    actor: str | None = None,
    object_type: str | None = None,
    object_id: object = None,
    **details: Any,
) -> AuditEntry:
    """Add an entry; the caller commits it together with the change it describes.

    ``actor`` names who acted when no user is logged in (``"cli"``, ``"system"``).
    """
    entry = AuditEntry(
        user_id=user.id if user is not None else None,
        actor=user.username if user is not None else (actor or "system"),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
    )
    session.add(entry)
    return entry


def record_view(session: Session, user: User, case_id: int, shown: list[str]) -> None:
    """A member of staff saw a respondent's personal data (``shown``: "phones", "answers"):
    logged and committed at once, as the page that shows it is sent."""
    record(session, "case.view", user=user, object_type="case", object_id=case_id, shown=shown)
    session.commit()


@dataclass(frozen=True)
class AuditQuery:
    """Filters for reading the log; each one left as None does not filter."""

    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    before: datetime | None = None


def entries(
    session: Session, query: AuditQuery, *, offset: int = 0, limit: int = 50
) -> tuple[int, list[AuditEntry]]:
    """How many entries match, and one page of them, newest first."""
    conditions = []
    if query.actor:
        conditions.append(AuditEntry.actor == query.actor)
    if query.action:
        conditions.append(AuditEntry.action == query.action)
    if query.since is not None:
        conditions.append(AuditEntry.at >= query.since)
    if query.before is not None:
        conditions.append(AuditEntry.at < query.before)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    page = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return total or 0, list(page)


def actions(session: Session) -> list[str]:
    """Every action the log holds, for a filter's choices."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
