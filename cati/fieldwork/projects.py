"""Projects: creation with the default outcome catalogue, settings, calling rules, staff.

A project's cases live in ``cases``, its outcomes in ``catalogue``. Who may be its staff is
cati.organisations' rule; the memberships that a change of organisation ends are ended here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cati import audit, organisations
from cati.db import utcnow
from cati.errors import RULE_REASONS, CatiError, CatiErrors, ErrorCode
from cati.fieldwork import cases, catalogue
from cati.fieldwork.rules import CallingRules, rules_of
from cati.models import Organisation, Project, ProjectMember, Role, User
from cati.models.fieldwork import PROJECT_STATUSES
from cati.problems import Place, Problem

_CODE = re.compile(r"^[A-Za-z0-9_-]{2,40}$")
# Dispatch hands out no case of a project in these states (inbound calls still reach it).
NOT_CALLING = ("paused", "closed")


def check_time_zone(zone: str) -> str:
    if zone not in available_timezones():
        raise CatiError(ErrorCode.TIME_ZONE_INVALID, zone=zone)
    return zone


def _rule_problem(error: Any, source: str | None) -> Problem:
    """One pydantic error as a problem at its place (``windows.mon.0.end``), translatable."""
    kind = error["type"]
    key = kind if kind in RULE_REASONS else kind.split("_")[0]
    params = {
        k: int(v) if isinstance(v, float) and v.is_integer() else v
        for k, v in (error.get("ctx") or {}).items()
    }
    if key not in RULE_REASONS:
        key, params = "other", {"reason": error["msg"].removeprefix("Value error, ")}
    place = Place(file=source, path=".".join(str(p) for p in error["loc"]) or "(top)")
    return Problem(ErrorCode.RULES_INVALID, RULE_REASONS[key], params, place)


def parse_rules(document: dict[str, Any], source: str | None = None) -> CallingRules:
    """Validate a rules document; every error at once, each naming its place, e.g.
    ``windows.mon.0.end: must be a clock time such as 21:00`` (``source``: the file)."""
    try:
        return CallingRules.model_validate(document)
    except ValidationError as exc:
        raise CatiErrors([_rule_problem(e, source) for e in exc.errors()]) from None


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


def create_project(
    session: Session,
    code: str,
    name: str,
    *,
    client_name: str = "",
    time_zone: str = "Europe/Madrid",
    rules: dict[str, Any] | None = None,
    questionnaire_version_id: int | None = None,
    client_organisation: Organisation | None = None,
    by: User | None = None,
    actor: str | None = None,
) -> Project:
    if not _CODE.match(code):
        raise CatiError(ErrorCode.PROJECT_CODE_INVALID, project=code)
    check_time_zone(time_zone)
    if client_organisation is not None:
        organisations.check_fits(Role.CLIENT, client_organisation)
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
        client_organisation=client_organisation,
    )
    project.outcomes = catalogue.default_catalogue()
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


# The rules that decide when a case may be called: changing one reschedules the cases.
WINDOW_FIELDS = ("windows", "holidays", "field_start", "field_end")


# The longest delay an outcome may ask for: 60 days, as far as windows are looked ahead.
MAX_DELAY_MINUTES = 60 * 24 * 60


def _checked_delays(
    project: Project, delays: Mapping[str, Any]
) -> tuple[dict[str, int], list[Problem]]:
    """The delays asked (outcome code: minutes) that can be kept, and the problems of the rest."""
    known = {o.code for o in project.outcomes if o.active and not o.final}
    wanted: dict[str, int] = {}
    problems = []
    for code, value in delays.items():
        place = Place(path=f"delays.{code}")
        if code not in known:
            params: dict[str, Any] = {"outcome": code}
            problems.append(
                Problem(ErrorCode.RULES_INVALID, RULE_REASONS["outcome"], params, place)
            )
        elif type(value) is not int or not 0 <= value <= MAX_DELAY_MINUTES:
            params = {"most": MAX_DELAY_MINUTES}
            problems.append(Problem(ErrorCode.RULES_INVALID, RULE_REASONS["delay"], params, place))
        else:
            wanted[code] = value
    return wanted, problems


def set_rules(
    session: Session,
    project: Project,
    rules: dict[str, Any],
    *,
    delays: Mapping[str, Any] | None = None,
    source: str | None = None,
    by: User | None = None,
    now: datetime | None = None,
) -> int:
    """Replace the project's calling rules and, if given, the delays of its outcomes (code:
    minutes). When the windows (or holidays, field period) change, the open cases are
    rescheduled to the new windows. Every problem is raised at once and changes nothing;
    one commit; returns the number of cases rescheduled."""
    old = rules_of(project)
    problems: list[Problem] = []
    try:
        parsed = parse_rules(rules, source)
    except CatiErrors as exc:
        problems = exc.problems
    wanted, delay_problems = _checked_delays(project, delays or {})
    if problems or delay_problems:
        raise CatiErrors([*problems, *delay_problems])
    project.rules = parsed.model_dump(mode="json")
    delayed = {}
    for outcome in project.outcomes:
        if outcome.code in wanted and outcome.delay_minutes != wanted[outcome.code]:
            delayed[outcome.code] = [outcome.delay_minutes, wanted[outcome.code]]
            outcome.delay_minutes = wanted[outcome.code]
    moved = 0
    if any(getattr(old, name) != getattr(parsed, name) for name in WINDOW_FIELDS):
        moved = cases.reschedule_for_rules(session, project, old, now or utcnow())
    audit.record(
        session,
        "project.rules",
        user=by,
        object_type="project",
        object_id=project.id,
        rescheduled=moved,
        delays=delayed,
    )
    session.commit()
    return moved


def _refuse_unless_may_join(
    session: Session, project: Project, user: User, by: User | None, actor: str | None
) -> None:
    """Raise, with the refusal audited and committed, when ``user`` may not be given
    ``project`` (a client of another company, or of none the project names). Called before
    any change of the transaction, so that the commit writes the audit entry alone."""
    if organisations.may_join(user, project):
        return
    belongs = user.organisation.name if user.organisation is not None else "—"
    audit.record(
        session,
        "project.assign_refused",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        username=user.username,
        organisation=belongs,
    )
    session.commit()
    if user.role == Role.CLIENT and project.client_organisation is None:
        raise CatiError(
            ErrorCode.PROJECT_NO_CLIENT_ORGANISATION, project=project.code, username=user.username
        )
    raise CatiError(
        ErrorCode.MEMBER_OTHER_ORGANISATION,
        username=user.username,
        organisation=belongs,
        project=project.code,
    )


def _add_member(
    session: Session, project: Project, user: User, by: User | None, actor: str | None
) -> bool:
    if session.get(ProjectMember, (project.id, user.id)) is not None:
        return False
    _refuse_unless_may_join(session, project, user, by, actor)
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
    released = cases.take_from(session, project, user)  # access ends at once, claims too
    audit.record(
        session,
        "project.unassign",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        username=user.username,
        released=released,
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
    """Take the user off the project: they no longer work on it or see it, and the cases
    they held in it are given back (``cases.take_from``)."""
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
    """Make ``wanted`` the user's projects in one transaction; returns (added, removed).
    One project the user may not be given refuses them all."""
    for project in wanted:
        _refuse_unless_may_join(session, project, user, by, actor)
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


def is_member(session: Session, project: Project, user: User) -> bool:
    return session.get(ProjectMember, (project.id, user.id)) is not None


def set_client_organisation(
    session: Session,
    project: Project,
    organisation: Organisation | None,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> list[str]:
    """Name the project's client organisation (None: no client may see it); the clients of
    any other organisation are taken off the project. Commits; returns their user names."""
    if organisation is not None:
        organisations.check_fits(Role.CLIENT, organisation)
    if project.client_organisation_id == (organisation.id if organisation else None):
        return []
    old = project.client_organisation
    project.client_organisation = organisation
    clients = session.scalars(
        select(User)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project.id, User.role == Role.CLIENT)
    ).all()
    misfits = [u for u in clients if not organisations.may_join(u, project)]
    for user in misfits:
        _remove_member(session, project, user, by, actor)
    audit.record(
        session,
        "project.client_organisation",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        old=old.name if old else None,
        new=organisation.name if organisation else None,
        taken_off=[u.username for u in misfits],
    )
    session.commit()
    return [u.username for u in misfits]


def move_user(
    session: Session,
    user: User,
    organisation: Organisation,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> list[str]:
    """Move ``user`` to ``organisation`` (staff stay in the agency: ORGANISATION_AGENCY_ONLY
    otherwise); a client is taken off the projects of their old organisation. Commits;
    returns the codes of the projects left."""
    organisations.check_fits(user.role, organisation)
    if user.organisation_id == organisation.id:
        return []
    old = user.organisation
    user.organisation = organisation
    left = [p for p in projects_of(session, user) if not organisations.may_join(user, p)]
    for project in left:
        _remove_member(session, project, user, by, actor)
    audit.record(
        session,
        "user.organisation",
        user=by,
        actor=actor,
        object_type="user",
        object_id=user.id,
        old=old.name if old else None,
        new=organisation.name,
        projects_left=[p.code for p in left],
    )
    session.commit()
    return [p.code for p in left]
