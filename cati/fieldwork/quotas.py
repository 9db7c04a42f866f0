"""Quota cells: matching, counting completes, closing full cells, dispatch priority."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.models import Case, Project, Quota, User

# Dispatch priority: lower is called first. Replicates keep their order; within one, cases
# in cells that are furthest from their target come first.
REPLICATE_STEP = 100
MAX_QUOTA_BONUS = 50


def _allowed(values: Any) -> list[str]:
    return [str(v) for v in (values if isinstance(values, list) else [values])]


def matches(cell: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Every variable of the cell has one of its allowed values (compared as text)."""
    return all(
        var in values and str(values[var]) in _allowed(allowed) for var, allowed in cell.items()
    )


def is_sample_cell(cell: Mapping[str, Any], sample_vars: Mapping[str, Any]) -> bool:
    """Can the cell be judged before the interview, from sample variables alone?"""
    return all(var in sample_vars for var in cell)


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
        _hold_matching_cases(session, project, quota)
    elif was_full and not quota.full:
        session.flush()
        _release_held_cases(session, project)
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
        _release_held_cases(session, project)
    session.commit()


def _release_held_cases(session: Session, project: Project) -> None:
    """Held cases that no full cell holds any more: back to dispatch if their replicate was
    released, else back to waiting for its release. Read and written with plain statements,
    as ``hold_cases`` holds them: case objects in the session may not know they are held."""
    full = session.scalars(
        select(Quota).where(Quota.project_id == project.id, Quota.full.is_(True))
    ).all()
    freed: dict[str, list[int]] = {"active": [], "unreleased": []}
    for case_id, sample_vars, released_at in session.execute(
        select(Case.id, Case.sample_vars, Case.released_at).where(
            Case.project_id == project.id, Case.state == "held"
        )
    ):
        if not any(
            is_sample_cell(q.cell, sample_vars) and matches(q.cell, sample_vars) for q in full
        ):
            freed["active" if released_at is not None else "unreleased"].append(case_id)
    for state, ids in freed.items():
        if ids:
            session.execute(
                update(Case)
                .where(Case.id.in_(ids), Case.state == "held")
                .values(state=state)
                .execution_options(synchronize_session=False)
            )


def open_sample_quotas(session: Session, project: Project) -> list[Quota]:
    return list(
        session.scalars(select(Quota).where(Quota.project_id == project.id, Quota.full.is_(False)))
    )


def priority_for(case: Case, open_quotas: list[Quota]) -> int:
    need = 0.0
    for quota in open_quotas:
        if is_sample_cell(quota.cell, case.sample_vars) and matches(quota.cell, case.sample_vars):
            need = max(need, (quota.target - quota.achieved) / quota.target)
    return case.replicate * REPLICATE_STEP + MAX_QUOTA_BONUS - round(need * MAX_QUOTA_BONUS)


def full_cell(session: Session, project: Project, values: Mapping[str, Any]) -> Quota | None:
    """The first full quota cell these values (sample variables and answers) fall in."""
    for quota in session.scalars(
        select(Quota).where(Quota.project_id == project.id, Quota.full.is_(True))
    ):
        if matches(quota.cell, values):
            return quota
    return None


def count_complete(
    session: Session, project: Project, case: Case, answers: Mapping[str, Any] | None
) -> list[Quota]:
    """Count a complete in every matching cell; close and hold the cells it fills.

    Runs inside the caller's transaction. Returns the cells that became full.
    """
    values = {**case.sample_vars, **(answers or {})}
    quotas = session.scalars(
        select(Quota).where(Quota.project_id == project.id).with_for_update()
    ).all()
    filled = []
    for quota in quotas:
        if not matches(quota.cell, values):
            continue
        quota.achieved += 1
        if not quota.full and quota.achieved >= quota.target:
            quota.full = True
            filled.append(quota)
            audit.record(
                session,
                "quota.full",
                actor="system",
                object_type="quota",
                object_id=quota.id,
                name=quota.name,
            )
    for quota in filled:
        _hold_matching_cases(session, project, quota)
    return filled


def _hold_matching_cases(session: Session, project: Project, quota: Quota) -> None:
    from cati.fieldwork.projects import hold_cases

    rows = session.execute(
        select(Case.id, Case.sample_vars).where(
            Case.project_id == project.id, Case.state.in_(("active", "unreleased"))
        )
    )
    held = [
        case_id
        for case_id, sample_vars in rows
        if is_sample_cell(quota.cell, sample_vars) and matches(quota.cell, sample_vars)
    ]
    hold_cases(session, project, held)
