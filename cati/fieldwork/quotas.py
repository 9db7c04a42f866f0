"""Quota cells: matching, counting completes, closing full cells, dispatch priority.

Which cases a full cell holds is said here (``holds``); holding and freeing them is the
lifecycle's (``cases``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati import audit
from cati.models import Case, Project, Quota

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


def holds(cell: Mapping[str, Any], sample_vars: Mapping[str, Any]) -> bool:
    """Does a full cell hold a case with these sample variables before any interview?"""
    return is_sample_cell(cell, sample_vars) and matches(cell, sample_vars)


def full_quotas(session: Session, project: Project) -> list[Quota]:
    return list(
        session.scalars(select(Quota).where(Quota.project_id == project.id, Quota.full.is_(True)))
    )


def open_sample_quotas(session: Session, project: Project) -> list[Quota]:
    return list(
        session.scalars(select(Quota).where(Quota.project_id == project.id, Quota.full.is_(False)))
    )


def priority_for(case: Case, open_quotas: list[Quota]) -> int:
    need = 0.0
    for quota in open_quotas:
        if holds(quota.cell, case.sample_vars):
            need = max(need, (quota.target - quota.achieved) / quota.target)
    return case.replicate * REPLICATE_STEP + MAX_QUOTA_BONUS - round(need * MAX_QUOTA_BONUS)


def full_cell(session: Session, project: Project, values: Mapping[str, Any]) -> Quota | None:
    """The first full quota cell these values (sample variables and answers) fall in."""
    return next((q for q in full_quotas(session, project) if matches(q.cell, values)), None)


def count_complete(
    session: Session, project: Project, case: Case, answers: Mapping[str, Any] | None
) -> list[Quota]:
    """Count a complete in every matching cell and close the cells it fills (the caller
    holds their cases). Runs inside the caller's transaction. Returns the cells that became
    full."""
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
    return filled
