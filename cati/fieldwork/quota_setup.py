"""Setting up quota cells: adding, retargeting and removing them mid-field. A cell a new
target fills holds its cases, a cell given room again frees them (``cases``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import cases
from cati.models import Project, Quota, User

# The column is a 32-bit integer on PostgreSQL; no survey has a billion interviews.
MAX_TARGET = 1_000_000_000


def add_quota(
    session: Session,
    project: Project,
    name: str,
    cell: dict[str, Any],
    target: int,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> Quota:
    if not cell:
        raise CatiError(ErrorCode.QUOTA_INVALID, name=name, reason="the cell names no variable")
    _check_target(name, target)
    taken = select(Quota.id).where(Quota.project_id == project.id, Quota.name == name)
    if session.scalar(taken) is not None:
        raise CatiError(ErrorCode.QUOTA_INVALID, name=name, reason="the project has one so named")
    quota = Quota(project_id=project.id, name=name, cell=cell, target=target)
    session.add(quota)
    session.flush()
    audit.record(
        session,
        "quota.create",
        user=by,
        actor=actor,
        object_type="quota",
        object_id=quota.id,
        name=name,
        cell=cell,
        target=target,
    )
    session.commit()
    return quota


def _check_target(name: str, target: int) -> None:
    if not 1 <= target <= MAX_TARGET:
        reason = f"the target must be between 1 and {MAX_TARGET:,}"
        raise CatiError(ErrorCode.QUOTA_INVALID, name=name, reason=reason)


def set_target(
    session: Session,
    project: Project,
    quota: Quota,
    target: int,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> None:
    """Change a cell's target mid-field: a cell the new target fills closes and holds its
    cases; a full cell given room again reopens, and its held cases go back to dispatch."""
    _check_target(quota.name, target)
    old, was_full = quota.target, quota.full
    quota.target = target
    quota.full = quota.achieved >= target
    if quota.full and not was_full:
        cases.hold_for_cells(session, project, [quota])
    elif was_full and not quota.full:
        session.flush()
        cases.free_held(session, project)
    audit.record(
        session,
        "quota.target",
        user=by,
        actor=actor,
        object_type="quota",
        object_id=quota.id,
        name=quota.name,
        target=[old, target],
    )
    session.commit()


def remove_quota(
    session: Session, project: Project, quota: Quota, *, by: User | None = None
) -> None:
    """Drop a cell; the cases it alone held go back to dispatch (its completes stay)."""
    audit.record(
        session,
        "quota.remove",
        user=by,
        object_type="quota",
        object_id=quota.id,
        name=quota.name,
        cell=quota.cell,
        target=quota.target,
        achieved=quota.achieved,
    )
    was_full = quota.full
    session.delete(quota)
    session.flush()
    if was_full:
        cases.free_held(session, project)
    session.commit()
