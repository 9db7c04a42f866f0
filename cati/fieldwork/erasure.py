"""Erasure of a respondent's personal data, on request or after the project's retention
period (docs/privacy.md).

Erasure removes what identifies the respondent and keeps what the statistics need (answers,
outcome, attempts with their times and outcomes). Which variables are personal is
``personal_fields``; taking the cases out of every call is the lifecycle's (``cases``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cati import audit
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import cases, donotcall
from cati.fieldwork.personal_fields import is_personal
from cati.models import Appointment, CallAttempt, Case, CaseState, Phone, Project, User

ERASED_ID_PREFIX = "erased-"


@dataclass(frozen=True)
class Erasure:
    """What one erasure removed: names and counts only, never the values."""

    case_id: int
    already: bool = False
    fields: tuple[str, ...] = ()
    phones: int = 0
    attempts: int = 0  # call attempts whose number and notes were blanked


def find_case(session: Session, project: Project, external_id: str) -> Case:
    case = session.scalar(
        select(Case).where(Case.project_id == project.id, Case.external_id == external_id)
    )
    if case is None:
        raise CatiError(ErrorCode.CASE_NOT_FOUND, query=external_id, project=project.code)
    return case


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise CatiError(ErrorCode.REASON_REQUIRED)
    return reason[:500]


def _erase(
    session: Session,
    project: Project,
    members: list[Case],
    reason: str,
    now: datetime,
    by: User | None,
    actor: str | None,
) -> list[Erasure]:
    """Erase a project's cases inside the caller's transaction, a few statements for the
    whole list; returns what was erased. Cases already erased or held by a call are left
    out (compare the ids)."""
    taken = cases.take_for_erasure(session, project, members, now)
    if not taken:
        return []
    ids = [c.id for c in taken]
    phones = dict(
        session.execute(
            select(Phone.case_id, func.count())
            .where(Phone.case_id.in_(ids))
            .group_by(Phone.case_id)
        ).all()
    )
    attempts = dict(
        session.execute(
            select(CallAttempt.case_id, func.count())
            .where(CallAttempt.case_id.in_(ids))
            .group_by(CallAttempt.case_id)
        ).all()
    )
    session.execute(update(Phone).where(Phone.case_id.in_(ids)).values(number="", status="dead"))
    # Notes are free text about the person; the attempts' times and outcomes stay.
    session.execute(
        update(CallAttempt).where(CallAttempt.case_id.in_(ids)).values(number="", notes="")
    )
    session.execute(update(Appointment).where(Appointment.case_id.in_(ids)).values(notes=""))
    erasures = []
    for case in taken:
        personal = tuple(sorted(k for k in case.sample_vars if is_personal(project, k)))
        case.sample_vars = {k: v for k, v in case.sample_vars.items() if k not in personal}
        case.external_id = f"{ERASED_ID_PREFIX}{case.id}"
        case.web_token = None
        erasure = Erasure(
            case.id,
            fields=personal,
            phones=phones.get(case.id, 0),
            attempts=attempts.get(case.id, 0),
        )
        erasures.append(erasure)
        audit.record(
            session,
            "privacy.erase",
            user=by,
            actor=actor,
            object_type="case",
            object_id=case.id,
            reason=reason,
            fields=list(personal),
            phones=erasure.phones,
        )
    return erasures


def erase_case(
    session: Session,
    case: Case,
    reason: str,
    *,
    do_not_call: bool = False,
    by: User | None = None,
    actor: str | None = None,
    now: datetime | None = None,
) -> Erasure:
    """Erase the respondent's personal data on request; commits. ``do_not_call`` first
    lists the case's numbers as never to be called (the respondent also objects to calls).
    A second call changes nothing and says so (``already``)."""
    reason = _reason(reason)
    if case.erased_at is not None:
        return Erasure(case.id, already=True)
    project = session.get(Project, case.project_id)
    if do_not_call:
        numbers = [p.number for p in case.phones if p.number]
        donotcall.list_numbers(session, numbers, f"erasure on request, project {project.code}")
    erased = _erase(session, project, [case], reason, now or utcnow(), by, actor)
    if not erased:
        session.rollback()  # the numbers listed above go too: nothing changes
        raise CatiError(ErrorCode.PRIVACY_CASE_BUSY, case=case.external_id)
    (erasure,) = erased
    if do_not_call:
        audit.record(
            session,
            "case.opt_out",
            user=by,
            actor=actor,
            object_type="case",
            object_id=case.id,
            reason=reason,
        )
    session.commit()
    return erasure


# --- retention -----------------------------------------------------------------------------


def due_for_purge(session: Session, now: datetime, project: Project | None = None) -> list[int]:
    """Ids of the cases past their project's retention: finalized, not yet erased."""
    query = (
        select(Case.id, Case.finalized_at, Project.retention_days)
        .join(Project, Project.id == Case.project_id)
        .where(
            Project.retention_days.is_not(None),
            Case.state == CaseState.FINAL,
            Case.erased_at.is_(None),
            Case.finalized_at.is_not(None),
        )
        .order_by(Case.id)
    )
    if project is not None:
        query = query.where(Project.id == project.id)
    return [
        case_id
        for case_id, finalized_at, days in session.execute(query)
        if finalized_at <= now - timedelta(days=days)
    ]


@dataclass
class PurgeResult:
    erased: int = 0
    busy: int = 0  # in a call right now: the next run takes them


def purge(
    session: Session,
    case_ids: Iterable[int],
    *,
    now: datetime | None = None,
    actor: str = "system",
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
) -> PurgeResult:
    """Erase the given cases (``due_for_purge``), ``batch`` cases per statement and per
    commit; ``progress`` hears how many cases each batch took."""
    now = now or utcnow()
    result = PurgeResult()
    ids = list(case_ids)
    per_project: dict[int, int] = {}
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        by_project: dict[int, list[Case]] = {}
        for case in session.scalars(select(Case).where(Case.id.in_(chunk))):
            by_project.setdefault(case.project_id, []).append(case)
        for project_id, members in by_project.items():
            project = session.get(Project, project_id)
            reason = f"retention: {project.retention_days} days after the case was finalized"
            pending = [c for c in members if c.erased_at is None]
            erased = len(_erase(session, project, pending, reason, now, None, actor))
            result.erased += erased
            result.busy += len(pending) - erased
            per_project[project_id] = per_project.get(project_id, 0) + erased
        session.commit()
        if progress is not None:
            progress(len(chunk))
    for project_id, count in per_project.items():
        audit.record(
            session,
            "privacy.purge",
            actor=actor,
            object_type="project",
            object_id=project_id,
            cases=count,
        )
    session.commit()
    return result
