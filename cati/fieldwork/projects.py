"""Projects: creation with the default outcome catalogue, staff, sample import, replicates."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

import yaml
from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cati import audit
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode, problem
from cati.fieldwork.outcomes import DEFAULT_OUTCOMES
from cati.fieldwork.rules import CallingRules, next_opening
from cati.fieldwork.sample_import import CaseRecord, SampleError
from cati.models import Case, Outcome, Phone, Project, ProjectMember, User
from cati.models.fieldwork import PROJECT_STATUSES
from cati.problems import Place

_CODE = re.compile(r"^[A-Za-z0-9_-]{2,40}$")
# Dispatch hands out no case of a project in these states (inbound calls still reach it).
NOT_CALLING = ("paused", "closed")


def check_time_zone(zone: str) -> str:
    if zone not in available_timezones():
        raise CatiError(ErrorCode.TIME_ZONE_INVALID, zone=zone)
    return zone


def parse_rules(document: dict[str, Any]) -> CallingRules:
    """Validate a rules document; errors name the place, e.g. ``windows.mon.0.end``."""
    try:
        return CallingRules.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise CatiError(ErrorCode.RULES_INVALID, place=place, reason=first["msg"]) from None


def rules_from_yaml(text: str) -> dict[str, Any]:
    """The rules document written in YAML (empty text: the defaults). The YAML's own errors,
    and values it cannot construct such as the date 0000-00-00, are RULES_INVALID too."""
    try:
        document = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:
        raise CatiError(
            ErrorCode.RULES_INVALID, place="(top)", reason=f"not valid YAML ({exc})"
        ) from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise CatiError(
            ErrorCode.RULES_INVALID, place="(top)", reason="the rules must be a mapping of settings"
        )
    return document


def rules_of(project: Project) -> CallingRules:
    return CallingRules.model_validate(project.rules)


def create_project(
    session: Session,
    code: str,
    name: str,
    *,
    client_name: str = "",
    time_zone: str = "Europe/Madrid",
    rules: dict[str, Any] | None = None,
    questionnaire_version_id: int | None = None,
    by: User | None = None,
    actor: str | None = None,
) -> Project:
    if not _CODE.match(code):
        raise CatiError(ErrorCode.PROJECT_CODE_INVALID, project=code)
    check_time_zone(time_zone)
    parsed = parse_rules(rules or {})
    if session.scalar(select(Project.id).where(Project.code == code)) is not None:
        raise CatiError(ErrorCode.PROJECT_EXISTS, project=code)
    project = Project(
        code=code,
        name=name,
        client_name=client_name,
        time_zone=time_zone,
        rules=parsed.model_dump(mode="json"),
        questionnaire_version_id=questionnaire_version_id,
    )
    project.outcomes = [Outcome(**spec.as_row()) for spec in DEFAULT_OUTCOMES]
    session.add(project)
    session.flush()
    audit.record(
        session,
        "project.create",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        code=code,
    )
    session.commit()
    return project


def update_project(
    session: Session,
    project: Project,
    *,
    name: str,
    client_name: str,
    time_zone: str,
    status: str,
    by: User | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Change a project's name, client, time zone or status; returns what changed (audited
    with the old and new values). Pausing or closing stops dispatch, not the interviews
    already on screen."""
    check_time_zone(time_zone)
    if status not in PROJECT_STATUSES:
        raise CatiError(
            ErrorCode.PROJECT_STATUS_INVALID, status=status, allowed=", ".join(PROJECT_STATUSES)
        )
    wanted = {"name": name, "client_name": client_name, "time_zone": time_zone, "status": status}
    changed = {k: [getattr(project, k), v] for k, v in wanted.items() if getattr(project, k) != v}
    for key, (_, value) in changed.items():
        setattr(project, key, value)
    if changed:
        audit.record(
            session,
            "project.update",
            user=by,
            actor=actor,
            object_type="project",
            object_id=project.id,
            **changed,
        )
    session.commit()
    return changed


def get_project(session: Session, code: str) -> Project:
    project = session.scalar(select(Project).where(Project.code == code))
    if project is None:
        raise CatiError(ErrorCode.PROJECT_NOT_FOUND, project=code)
    return project


def set_rules(
    session: Session, project: Project, rules: dict[str, Any], *, by: User | None = None
) -> CallingRules:
    parsed = parse_rules(rules)
    project.rules = parsed.model_dump(mode="json")
    audit.record(session, "project.rules", user=by, object_type="project", object_id=project.id)
    session.commit()
    return parsed


def _add_member(
    session: Session, project: Project, user: User, by: User | None, actor: str | None
) -> bool:
    if session.get(ProjectMember, (project.id, user.id)) is not None:
        return False
    session.add(ProjectMember(project_id=project.id, user_id=user.id))
    audit.record(
        session,
        "project.assign",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        username=user.username,
    )
    return True


def _remove_member(
    session: Session, project: Project, user: User, by: User | None, actor: str | None
) -> bool:
    member = session.get(ProjectMember, (project.id, user.id))
    if member is None:
        return False
    session.delete(member)
    audit.record(
        session,
        "project.unassign",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        username=user.username,
    )
    return True


def assign(
    session: Session,
    project: Project,
    user: User,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> None:
    if _add_member(session, project, user, by, actor):
        session.commit()


def unassign(
    session: Session,
    project: Project,
    user: User,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> None:
    """Take the user off the project: they no longer work on it or see it."""
    if _remove_member(session, project, user, by, actor):
        session.commit()


def set_projects(
    session: Session,
    user: User,
    wanted: list[Project],
    *,
    by: User | None = None,
    actor: str | None = None,
) -> tuple[int, int]:
    """Make ``wanted`` the user's projects in one transaction; returns (added, removed)."""
    keep = {p.id for p in wanted}
    added = sum(_add_member(session, p, user, by, actor) for p in wanted)
    removed = sum(
        _remove_member(session, p, user, by, actor)
        for p in projects_of(session, user)
        if p.id not in keep
    )
    session.commit()
    return added, removed


def projects_of(session: Session, user: User) -> list[Project]:
    """The projects the user is a member of, by name."""
    return list(
        session.scalars(
            select(Project)
            .join(ProjectMember, ProjectMember.project_id == Project.id)
            .where(ProjectMember.user_id == user.id)
            .order_by(Project.name, Project.code)
        )
    )


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


def is_member(session: Session, project: Project, user: User) -> bool:
    return session.get(ProjectMember, (project.id, user.id)) is not None


def import_cases(
    session: Session,
    project: Project,
    records: list[CaseRecord],
    file_name: str,
    *,
    not_personal: Iterable[str] = (),
    by: User | None = None,
    actor: str | None = None,
) -> int:
    """Add the records as unreleased cases in one transaction; nothing is written on error.

    The sample variables are noted on the project as personal, except those named in
    ``not_personal`` (analysis variables such as region or age group)."""
    from cati.fieldwork import privacy

    names = list(dict.fromkeys(k for r in records for k in r.sample_vars))
    privacy.check_fields(project.code, not_personal, names)
    ids = [r.external_id for r in records]
    existing = set()
    for start in range(0, len(ids), 1000):
        existing |= set(
            session.scalars(
                select(Case.external_id).where(
                    Case.project_id == project.id, Case.external_id.in_(ids[start : start + 1000])
                )
            )
        )
    if existing:
        clashes = [r for r in records if r.external_id in existing]
        raise SampleError(
            [
                problem(
                    ErrorCode.SAMPLE_CASE_EXISTS,
                    Place(file=file_name, row=r.row),
                    case=r.external_id,
                    project=project.code,
                )
                for r in clashes[:50]
            ]
        )
    for record in records:
        case = Case(
            project_id=project.id,
            external_id=record.external_id,
            time_zone=record.time_zone,
            sample_vars=record.sample_vars,
            replicate=record.replicate,
            inclusion_prob=record.inclusion_prob,
            design_weight=record.design_weight,
            state="unreleased",
        )
        case.phones = [
            Phone(position=i + 1, number=number, kind=kind)
            for i, (number, kind) in enumerate(record.phones)
        ]
        session.add(case)
    privacy.note_fields(project, names, not_personal)
    audit.record(
        session,
        "sample.import",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        file=file_name,
        cases=len(records),
    )
    session.commit()
    return len(records)


def release_replicate(
    session: Session,
    project: Project,
    replicate: int,
    *,
    now: datetime | None = None,
    by: User | None = None,
    actor: str | None = None,
) -> int:
    """Make a replicate's cases callable from their next calling-window opening."""
    count = _release(session, project, replicate, now or utcnow(), by=by, actor=actor)
    session.commit()
    return count


def _release(
    session: Session,
    project: Project,
    replicate: int,
    now: datetime,
    *,
    by: User | None,
    actor: str | None,
) -> int:
    from cati.fieldwork import quotas

    rules = rules_of(project)
    cases = session.scalars(
        select(Case).where(
            Case.project_id == project.id, Case.replicate == replicate, Case.state == "unreleased"
        )
    ).all()
    open_quotas = quotas.open_sample_quotas(session, project)
    openings: dict[str, datetime | None] = {}
    for case in cases:
        if case.time_zone not in openings:
            openings[case.time_zone] = next_opening(rules, case.time_zone, now)
        case.state = "active"
        case.released_at = now
        case.next_call_at = openings[case.time_zone] or now
        case.rank = 2
        case.priority = quotas.priority_for(case, open_quotas)
    if project.status == "setup" and cases:
        project.status = "fieldwork"
    audit.record(
        session,
        "replicate.release",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        replicate=replicate,
        cases=len(cases),
    )
    return len(cases)


def maybe_auto_release(session: Session, project: Project, now: datetime) -> int | None:
    """Release the next replicate once the set share of the released sample is final.

    Runs inside the caller's transaction; the caller commits.
    """
    rules = rules_of(project)
    if rules.auto_release_share is None:
        return None
    released, final = session.execute(
        select(
            func.count().filter(Case.state != "unreleased"),
            func.count().filter(Case.state == "final"),
        ).where(Case.project_id == project.id)
    ).one()
    if not released or final / released < rules.auto_release_share:
        return None
    following = session.scalar(
        select(func.min(Case.replicate)).where(
            Case.project_id == project.id, Case.state == "unreleased"
        )
    )
    if following is None:
        return None
    _release(session, project, following, now, by=None, actor="system")
    return following


def hold_cases(session: Session, project: Project, case_ids: list[int]) -> None:
    """Take cases out of dispatch (their quota cell is full) without finalizing them."""
    if case_ids:
        session.execute(
            update(Case)
            .where(Case.id.in_(case_ids), Case.state.in_(("active", "unreleased")))
            .values(state="held")
            .execution_options(synchronize_session=False)
        )
