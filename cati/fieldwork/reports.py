"""Fieldwork summaries computed with aggregate queries (no case is loaded one by one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from cati.fieldwork import dispatch
from cati.models import Appointment, Case, CaseState, Project, ProjectMember, Quota, User


@dataclass(frozen=True)
class ProjectSummary:
    by_state: dict[str, int]
    by_final_outcome: dict[tuple[str, str], int]
    quotas: list[tuple[str, int, int, bool]]
    attempts: int


def cases_by_state(session: Session, project: Project) -> dict[str, int]:
    return dict(
        session.execute(
            select(Case.state, func.count())
            .where(Case.project_id == project.id)
            .group_by(Case.state)
        ).all()
    )


def project_summary(session: Session, project: Project) -> ProjectSummary:
    by_state = cases_by_state(session, project)
    finals = session.execute(
        select(Case.final_outcome, Case.final_aapor, func.count())
        .where(Case.project_id == project.id, Case.state == CaseState.FINAL)
        .group_by(Case.final_outcome, Case.final_aapor)
    ).all()
    quotas = session.execute(
        select(Quota.name, Quota.achieved, Quota.target, Quota.full)
        .where(Quota.project_id == project.id)
        .order_by(Quota.name)
    ).all()
    attempts = session.scalar(
        select(func.coalesce(func.sum(Case.attempts), 0)).where(Case.project_id == project.id)
    )
    return ProjectSummary(
        by_state=by_state,
        by_final_outcome={(code, aapor): n for code, aapor, n in finals},
        quotas=[tuple(q) for q in quotas],
        attempts=int(attempts or 0),
    )


def project_summary_text(session: Session, project: Project) -> str:
    s = project_summary(session, project)
    total = sum(s.by_state.values())
    lines = [f"{project.code}: {project.name} ({project.status})", f"cases: {total}"]
    for state in CaseState:
        lines.append(f"  {state:<11} {s.by_state.get(state, 0):>8}")
    lines.append(f"call attempts: {s.attempts}")
    if s.by_final_outcome:
        lines.append("final outcomes:")
        for (code, aapor), n in sorted(s.by_final_outcome.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {code:<16} AAPOR {aapor:<6} {n:>8}")
    if s.quotas:
        lines.append("quotas:")
        for name, achieved, target, full in s.quotas:
            lines.append(f"  {name:<20} {achieved:>6} / {target:<6}{'  full' if full else ''}")
    return "\n".join(lines)


def assigned_projects(session: Session, user: User, now: datetime) -> list[tuple[Project, int]]:
    """The user's projects in fieldwork, each with the number of cases ``Next case`` could
    hand them now (``dispatch.due_now``: the same conditions)."""
    rows = session.scalars(
        select(Project)
        .join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(ProjectMember.user_id == user.id, Project.status == "fieldwork")
        .order_by(Project.name)
    )
    return [(project, dispatch.due_now(session, project, user, now)) for project in rows]


def appointments_today(
    session: Session, user: User, now: datetime, zone: ZoneInfo
) -> list[tuple[Appointment, Case, Project]]:
    """The pending appointments of the user's day (midnight to midnight in ``zone``, their
    own time): those booked for them and those of their projects open to anyone, in time
    order. Cases already finalized are left out."""
    start = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)  # wall-clock arithmetic: the next midnight, DST or not
    rows = session.execute(
        select(Appointment, Case, Project)
        .join(Case, Case.id == Appointment.case_id)
        .join(Project, Project.id == Case.project_id)
        .join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(
            ProjectMember.user_id == user.id,
            Appointment.status == "pending",
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Case.state != CaseState.FINAL,
            or_(Appointment.interviewer_id.is_(None), Appointment.interviewer_id == user.id),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return [tuple(row) for row in rows]
