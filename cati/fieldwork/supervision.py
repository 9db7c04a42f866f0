"""A supervisor's actions on a case: reschedule, reassign, set an outcome, reopen.

Each needs a reason, is checked like the interviewer's own actions (calling windows, the
outcome catalogue), and is written to the audit log in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import cases, catalogue
from cati.fieldwork.disposition import local_time_text, opt_out
from cati.fieldwork.projects import is_member, rules_of
from cati.fieldwork.rules import in_window, next_opening
from cati.models import Case, CaseState, Project, User

REASSIGN_DAYS = 3


def need_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise CatiError(ErrorCode.REASON_REQUIRED)
    return reason[:500]


def reschedule(
    session: Session, case: Case, when: datetime, *, by: User, reason: str, now: datetime
) -> None:
    reason = need_reason(reason)
    project = session.get(Project, case.project_id)
    rules = rules_of(project)
    if when <= now:
        raise CatiError(ErrorCode.APPOINTMENT_IN_PAST, at=local_time_text(when, case))
    if not in_window(rules, case.time_zone, when):
        opening = next_opening(rules, case.time_zone, when)
        raise CatiError(
            ErrorCode.APPOINTMENT_OUTSIDE_WINDOW,
            at=local_time_text(when, case),
            next=local_time_text(opening, case) if opening else "—",
        )
    if case.state == CaseState.FINAL:
        raise CatiError(ErrorCode.CASE_FINAL, case=case.external_id, outcome=case.final_outcome)
    previous = case.next_call_at
    case.next_call_at = when
    audit.record(
        session,
        "case.reschedule",
        user=by,
        object_type="case",
        object_id=case.id,
        reason=reason,
        before=previous.isoformat() if previous else None,
        after=when.isoformat(),
    )
    session.commit()


def reassign(
    session: Session, case: Case, interviewer: User, *, by: User, reason: str, now: datetime
) -> None:
    """Reserve the case for one interviewer for a few days (then anyone may get it)."""
    reason = need_reason(reason)
    project = session.get(Project, case.project_id)
    if interviewer.role != "interviewer" or not is_member(session, project, interviewer):
        raise CatiError(ErrorCode.NOT_ASSIGNED, username=interviewer.username, project=project.code)
    case.reserved_for_id = interviewer.id
    case.reserved_until = now + timedelta(days=REASSIGN_DAYS)
    audit.record(
        session,
        "case.reassign",
        user=by,
        object_type="case",
        object_id=case.id,
        reason=reason,
        to=interviewer.username,
    )
    session.commit()


def set_outcome(
    session: Session, case: Case, outcome_code: str, *, by: User, reason: str, now: datetime
) -> None:
    """Finalize with a final outcome, or reopen a case with a non-final one."""
    reason = need_reason(reason)
    project = session.get(Project, case.project_id)
    table = catalogue.by_code(session, project)
    outcome = table.get(outcome_code)
    if outcome is None:
        raise CatiError(ErrorCode.OUTCOME_UNKNOWN, outcome=outcome_code, project=project.code)
    if case.erased_at is not None and not outcome.final:
        raise CatiError(ErrorCode.PRIVACY_CASE_ERASED, case=case.external_id)
    if not outcome.active:
        raise CatiError(ErrorCode.OUTCOME_INACTIVE, outcome=outcome_code, project=project.code)
    before = case.final_outcome or case.last_outcome
    if outcome.opt_out:
        opt_out(session, project, case, by)
    if outcome.final:
        cases.finalize(session, case, outcome, now)
    else:
        _reopen(project, case, now)
    case.last_outcome = outcome.code
    audit.record(
        session,
        "case.set_outcome",
        user=by,
        object_type="case",
        object_id=case.id,
        reason=reason,
        before=before,
        after=outcome.code,
    )
    session.commit()


def _reopen(project: Project, case: Case, now: datetime) -> int:
    case.reopened_at = now
    return cases.reopen(case, next_opening(rules_of(project), case.time_zone, now) or now)


def reopen(
    session: Session,
    case: Case,
    *,
    by: User | None = None,
    actor: str | None = None,
    reason: str,
    now: datetime,
) -> int:
    """Put a case back in dispatch with its phones, whatever closed it (an outcome, the
    attempt limit, the engine): its exhausted numbers get their attempts back and its
    attempt limit counts afresh from now. An erased case stays closed. Commits; returns the
    numbers given back."""
    reason = need_reason(reason)
    if case.erased_at is not None:
        raise CatiError(ErrorCode.PRIVACY_CASE_ERASED, case=case.external_id)
    project = session.get(Project, case.project_id)
    before = case.final_outcome or case.state
    given_back = _reopen(project, case, now)
    audit.record(
        session,
        "case.reopen",
        user=by,
        actor=actor,
        object_type="case",
        object_id=case.id,
        reason=reason,
        before=before,
        phones=given_back,
    )
    session.commit()
    return given_back
