"""Quota cells: matching, counting completes, closing full cells, dispatch priority.

Which cases a full cell holds is said here (``holds``); holding and freeing them is the
lifecycle's (``cases``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati import audit
from cati.fieldwork import project_cache
from cati.models import Case, Project, Quota

# Dispatch priority: lower is called first. Replicates keep their order; within one, cases
# in cells that are furthest from their target come first.
REPLICATE_STEP = 100
MAX_QUOTA_BONUS = 50


def _allowed(values: Any) -> list[str]:
    return [str(v) for v in (values if isinstance(values, list) else [values])]


def _given(value: Any) -> list[str]:
    """A multiple-choice answer is the list of the options chosen; any other value is one."""
    return [str(v) for v in (value if isinstance(value, list | tuple) else [value])]


def matches(cell: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Every variable of the cell has one of its allowed values (compared as text). A
    multiple-choice answer matches when any option chosen is allowed: a respondent who
    chose two options counts in the cell of each."""
    return all(
        var in values and not set(_given(values[var])).isdisjoint(_allowed(allowed))
        for var, allowed in cell.items()
    )


def limit(quota: Quota) -> int:
    """The completes that close the cell: its target, and for a soft cell the share over."""
    return quota.target + quota.target * quota.over_percent // 100


def is_sample_cell(cell: Mapping[str, Any], sample_vars: Mapping[str, Any]) -> bool:
    """Can the cell be judged before the interview, from sample variables alone?"""
    return all(var in sample_vars for var in cell)


def holds(cell: Mapping[str, Any], sample_vars: Mapping[str, Any]) -> bool:
    """Does a full cell hold a case with these sample variables before any interview?"""
    return is_sample_cell(cell, sample_vars) and matches(cell, sample_vars)


def project_quotas(session: Session, project: Project) -> list[Quota]:
    return list(session.scalars(select(Quota).where(Quota.project_id == project.id)))


def full_quotas(session: Session, project: Project) -> list[Quota]:
    """The project's full cells (to read: see ``project_cache``)."""
    return project_cache.full_quotas(
        session,
        project,
        lambda: list(
            session.scalars(
                select(Quota).where(Quota.project_id == project.id, Quota.full.is_(True))
            )
        ),
    )


def open_sample_quotas(session: Session, project: Project) -> list[Quota]:
    return list(
        session.scalars(select(Quota).where(Quota.project_id == project.id, Quota.full.is_(False)))
    )


def priority_for(case: Case, open_quotas: list[Quota]) -> int:
    return priority_of(case.replicate, case.sample_vars, open_quotas)


def priority_of(replicate: int, sample_vars: Mapping[str, Any], open_quotas: list[Quota]) -> int:
    """The largest share of a target still missing among the case's open cells sets its
    priority; a soft cell past its target (still open) adds none."""
    need = 0.0
    for quota in open_quotas:
        if holds(quota.cell, sample_vars):
            need = max(need, (quota.target - quota.achieved) / quota.target)
    return replicate * REPLICATE_STEP + MAX_QUOTA_BONUS - round(need * MAX_QUOTA_BONUS)


def holding(quotas: list[Quota], sample_vars: Mapping[str, Any]) -> list[Quota]:
    """The cells a case with these sample variables falls in before any interview."""
    return [q for q in quotas if holds(q.cell, sample_vars)]


def cases_in_cells(session: Session, project: Project, quotas: list[Quota]) -> dict[int, int]:
    """How many of the project's cases each cell holds by their sample variables (none for a
    cell on answers: nobody knows before the interview), counted by kind of case in SQL."""
    variables = sorted({var for quota in quotas for var in quota.cell})
    counts = dict.fromkeys((q.id for q in quotas), 0)
    columns = [Case.sample_vars[v].as_string() for v in variables]
    for *values, n in session.execute(
        select(*columns, func.count()).where(Case.project_id == project.id).group_by(*columns)
    ):
        known = {v: value for v, value in zip(variables, values, strict=True) if value is not None}
        for quota in quotas:
            if holds(quota.cell, known):
                counts[quota.id] += n
    return counts


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
        if not quota.full and quota.achieved >= limit(quota):
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
