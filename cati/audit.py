"""The audit log: an append-only record that services write to within their transaction."""

from __future__ import annotations

from typing import Any

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
