"""The researcher's view of a project's outcome catalogue: uses, deactivation, deletion.

Editing and adding an outcome is ``projects.set_outcome``. An outcome that calls or cases
refer to is never deleted, only deactivated: interviewers no longer see it, the history
keeps its meaning. The outcomes the engine itself sets or relies on stay active.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import outcomes as oc
from cati.models import CallAttempt, Case, Outcome, Project, User

ENGINE_CODES = frozenset(
    {oc.COMPLETE, oc.PARTIAL, oc.APPOINTMENT, oc.QUOTA_FULL, oc.MAX_ATTEMPTS, oc.NO_PHONE_LEFT}
    | {oc.FIELD_CLOSED, oc.WEB_COMPLETE}
)


def catalogue_with_uses(session: Session, project: Project) -> list[tuple[Outcome, int]]:
    """Every outcome of the project with the number of calls that recorded it."""
    calls = dict(
        session.execute(
            select(CallAttempt.outcome, func.count())
            .join(Case, Case.id == CallAttempt.case_id)
            .where(Case.project_id == project.id)
            .group_by(CallAttempt.outcome)
        ).all()
    )
    outcomes = session.scalars(
        select(Outcome).where(Outcome.project_id == project.id).order_by(Outcome.id)
    )
    return [(o, int(calls.get(o.code, 0))) for o in outcomes]


def get_outcome(session: Session, project: Project, code: str) -> Outcome:
    outcome = session.scalar(
        select(Outcome).where(Outcome.project_id == project.id, Outcome.code == code)
    )
    if outcome is None:
        raise CatiError(ErrorCode.OUTCOME_UNKNOWN, outcome=code, project=project.code)
    return outcome


def uses(session: Session, project: Project, code: str) -> int:
    """Calls that recorded the outcome, or cases that carry it, whichever is more."""
    calls = session.scalar(
        select(func.count())
        .select_from(CallAttempt)
        .join(Case, Case.id == CallAttempt.case_id)
        .where(Case.project_id == project.id, CallAttempt.outcome == code)
    )
    cases = session.scalar(
        select(func.count())
        .select_from(Case)
        .where(
            Case.project_id == project.id,
            or_(Case.final_outcome == code, Case.last_outcome == code),
        )
    )
    return max(int(calls or 0), int(cases or 0))


def _refuse_engine_code(outcome: Outcome) -> None:
    if outcome.system or outcome.code in ENGINE_CODES:
        raise CatiError(ErrorCode.OUTCOME_NEEDED, outcome=outcome.code)


def set_active(
    session: Session, project: Project, code: str, active: bool, *, by: User | None = None
) -> Outcome:
    """Offer the outcome to interviewers again, or take it off their list."""
    outcome = get_outcome(session, project, code)
    if not active:
        _refuse_engine_code(outcome)
    outcome.active = active
    audit.record(
        session,
        "outcome.activate" if active else "outcome.deactivate",
        user=by,
        object_type="project",
        object_id=project.id,
        outcome=code,
    )
    session.commit()
    return outcome


def delete(session: Session, project: Project, code: str, *, by: User | None = None) -> None:
    """Delete an outcome nobody has used; a used one can only be deactivated."""
    outcome = get_outcome(session, project, code)
    _refuse_engine_code(outcome)
    used = uses(session, project, code)
    if used:
        raise CatiError(ErrorCode.OUTCOME_IN_USE, outcome=code, calls=used)
    session.delete(outcome)
    audit.record(
        session,
        "outcome.delete",
        user=by,
        object_type="project",
        object_id=project.id,
        outcome=code,
    )
    session.commit()
