"""A project's outcome catalogue: its copy of the defaults, look-ups, edits, and the
researcher's view (uses, deactivation, deletion).

An outcome that calls or cases refer to is never deleted, only deactivated: interviewers no
longer see it, the history keeps its meaning. The outcomes the engine itself sets or relies
on stay active.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import default_outcomes as oc
from cati.fieldwork import project_cache
from cati.models import CallAttempt, Case, Outcome, Project, User

ENGINE_CODES = frozenset(
    {oc.COMPLETE, oc.PARTIAL, oc.APPOINTMENT, oc.QUOTA_FULL, oc.MAX_ATTEMPTS, oc.NO_PHONE_LEFT}
    | {oc.FIELD_CLOSED, oc.WEB_COMPLETE}
)


def default_catalogue() -> list[Outcome]:
    """A new project's own copy of the default outcomes."""
    return [Outcome(**spec.as_row()) for spec in oc.DEFAULT_OUTCOMES]


def by_code(session: Session, project: Project) -> dict[str, Outcome]:
    """The project's outcomes by code (to read, not to edit: a request that verified the
    project's revision gets this process's copy)."""
    return project_cache.outcomes(
        session,
        project,
        lambda: {
            o.code: o
            for o in session.scalars(select(Outcome).where(Outcome.project_id == project.id))
        },
    )


def with_uses(session: Session, project: Project) -> list[tuple[Outcome, int]]:
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


_AAPOR = re.compile(r"^[1-4](\.\d{1,3})?$")
_OUTCOME_FIELDS = {
    "label_en": str,
    "label_es": str,
    "aapor": str,
    "final": bool,
    "delay_minutes": int,
    "next_phone": bool,
    "dead_phone": bool,
    "contact": bool,
    "eligible": str,
    "precedence": int,
    "opt_out": bool,
}


def set_outcome(
    session: Session,
    project: Project,
    code: str,
    *,
    by: User | None = None,
    actor: str | None = None,
    **fields: Any,
) -> Outcome:
    """Edit an outcome of the project's catalogue, or add a new one; all fields checked first."""

    def refuse(field: str, reason: str) -> CatiError:
        return CatiError(ErrorCode.OUTCOME_INVALID, outcome=code, field=field, reason=reason)

    if not re.match(r"^[A-Z][A-Z0-9_]{1,31}$", code):
        raise refuse("code", "use 2 to 32 capital letters, digits or underscores")
    for name, value in fields.items():
        kind = _OUTCOME_FIELDS.get(name)
        if kind is None:
            raise refuse(name, "not an outcome setting")
        if not isinstance(value, kind):
            raise refuse(name, f"expected {kind.__name__}")
    if "aapor" in fields and not _AAPOR.match(fields["aapor"]):
        raise refuse("aapor", "expected an AAPOR code such as 2.111")
    if fields.get("eligible", "unknown") not in ("yes", "no", "unknown"):
        raise refuse("eligible", "expected yes, no or unknown")
    if fields.get("delay_minutes", 0) < 0:
        raise refuse("delay_minutes", "cannot be negative")
    outcome = session.scalar(
        select(Outcome).where(Outcome.project_id == project.id, Outcome.code == code)
    )
    if outcome is None:
        for required in ("label_en", "label_es", "aapor"):
            if required not in fields:
                raise refuse(required, "required for a new outcome")
        outcome = Outcome(project_id=project.id, code=code)
        session.add(outcome)
    for name, value in fields.items():
        setattr(outcome, name, value)
    audit.record(
        session,
        "outcome.set",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        outcome=code,
        **fields,
    )
    session.commit()
    return outcome
