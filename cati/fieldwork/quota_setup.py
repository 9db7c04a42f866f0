"""Setting up quota cells: adding, retargeting and removing them mid-field. A cell a new
target fills holds its cases, a cell given room again frees them (``cases``); every change
recomputes the dispatch priorities from the deficits. What a cell may name is checked by
``quota_cells``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import cases, quota_cells, quotas
from cati.models import Project, Quota, User

# The column is a 32-bit integer on PostgreSQL; no survey has a billion interviews.
MAX_TARGET = 1_000_000_000
# A soft cell takes at most twice its target.
MAX_OVER_PERCENT = 100


def add_quota(
    session: Session,
    project: Project,
    name: str,
    cell: dict[str, Any],
    target: int,
    *,
    over_percent: int = 0,
    by: User | None = None,
    actor: str | None = None,
) -> Quota:
    """A cell crossing the variables of ``cell`` ({variable: [values]}), hard or, with
    ``over_percent``, soft: it closes only that share past its target."""
    _check_target(name, target)
    if not 0 <= over_percent <= MAX_OVER_PERCENT:
        reason = f"the share over the target must be between 0 and {MAX_OVER_PERCENT} %"
        raise CatiError(ErrorCode.QUOTA_INVALID, name=name, reason=reason)
    taken = select(Quota.id).where(Quota.project_id == project.id, Quota.name == name)
    if session.scalar(taken) is not None:
        raise CatiError(ErrorCode.QUOTA_INVALID, name=name, reason="the project has one so named")
    cell = quota_cells.check_cell(session, project, name, cell)
    quota = Quota(
        project_id=project.id, name=name, cell=cell, target=target, over_percent=over_percent
    )
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
        over_percent=over_percent,
    )
    cases.reprioritize(session, project)
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
    quota.full = quota.achieved >= quotas.limit(quota)
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
    cases.reprioritize(session, project)
    session.commit()


def remove_quota(
    session: Session,
    project: Project,
    quota: Quota,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> None:
    """Drop a cell; the cases it alone held go back to dispatch (its completes stay)."""
    audit.record(
        session,
        "quota.remove",
        user=by,
        actor=actor,
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
    cases.reprioritize(session, project)
    session.commit()
