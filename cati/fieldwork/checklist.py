"""What a project still needs before (and while) it is called: one line per step of the
set-up, each done, missing or optional, with the figure that says so."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.models import AuditEntry, Case, CaseState, Project, ProjectMember, Quota, Role, User

DONE, MISSING, OPTIONAL = "done", "missing", "optional"


@dataclass(frozen=True)
class Step:
    key: str  # questionnaire, sample, quotas, rules, staff, release, web_links
    status: str  # DONE, MISSING or OPTIONAL (not done, and calling can go without it)
    count: int = 0  # the figure behind it: cases, quotas, interviewers, released, links


def _count(session: Session, *where) -> int:
    return session.scalar(select(func.count()).select_from(Case).where(*where)) or 0


def checklist(session: Session, project: Project) -> list[Step]:
    in_project = Case.project_id == project.id
    cases = _count(session, in_project)
    released = _count(session, in_project, Case.state != CaseState.UNRELEASED)
    links = _count(session, in_project, Case.web_token.is_not(None))
    quotas = session.scalar(select(func.count()).where(Quota.project_id == project.id)) or 0
    interviewers = session.scalar(
        select(func.count())
        .select_from(ProjectMember)
        .join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id == project.id, User.role == Role.INTERVIEWER)
    )
    rules_saved = session.scalar(
        select(func.count()).where(
            AuditEntry.action == "project.rules",
            AuditEntry.object_type == "project",
            AuditEntry.object_id == str(project.id),
        )
    )

    def step(key: str, done: bool, count: int = 0, needed: bool = True) -> Step:
        return Step(key, DONE if done else MISSING if needed else OPTIONAL, count)

    return [
        step("questionnaire", project.questionnaire_version_id is not None),
        step("sample", cases > 0, cases),
        step("quotas", quotas > 0, quotas, needed=False),
        # The defaults call; a project that never looked at its rules is worth a check.
        step("rules", bool(rules_saved), needed=False),
        step("staff", bool(interviewers), interviewers or 0),
        step("release", released > 0, released),
        step("web_links", links > 0, links, needed=False),
    ]
