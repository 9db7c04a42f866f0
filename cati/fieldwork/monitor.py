"""What the supervisor's live monitor shows, computed with a handful of aggregate queries.

"Today" is the calendar day in the project's time zone. Productivity per interviewer comes
from their status spells (hours worked = time available, on call, interviewing or in
wrap-up), their call attempts and their finished interviews.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.fieldwork.presence import WORKING
from cati.fieldwork.reports import cases_by_state
from cati.models import (
    Appointment,
    CallAttempt,
    Case,
    CaseState,
    Interview,
    Outcome,
    Project,
    ProjectMember,
    Quota,
    StatusSpell,
    User,
)
from cati.stats.aapor import DispositionCounts, outcome_rates

REFUSALS = ("2.11",)  # AAPOR refusal codes start so (2.111 soft, 2.112 hard)
NOT_ATTEMPTED = "3.11"


@dataclass(frozen=True)
class InterviewerRow:
    user_id: int
    name: str
    status: str
    since: datetime | None
    case: str | None
    attempts: int
    completes: int
    hours: float
    mean_length_min: float | None
    refusals: int
    contacts: int

    @property
    def completes_per_hour(self) -> float | None:
        return self.completes / self.hours if self.hours >= 0.05 else None

    @property
    def calls_per_hour(self) -> float | None:
        return self.attempts / self.hours if self.hours >= 0.05 else None

    @property
    def refusal_rate(self) -> float | None:
        return self.refusals / self.contacts if self.contacts else None


@dataclass(frozen=True)
class Monitor:
    project: Project
    now: datetime
    interviewers: list[InterviewerRow]
    by_state: dict[str, int]
    appointments_next_hour: int
    quotas: list[tuple[str, int, int, bool]]
    rates_overall: dict[str, float]
    rates_today: dict[str, float]


def day_start(project: Project, now: datetime) -> datetime:
    zone = ZoneInfo(project.time_zone)
    return datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)


def _rates(codes: list[str]) -> dict[str, float]:
    return outcome_rates(DispositionCounts.from_codes(codes)) if codes else {}


def interim_codes(session: Session, project: Project, since: datetime | None = None) -> list[str]:
    """AAPOR codes of every released case: final ones, else the last outcome's, else 3.11.

    Mid-field rates need a disposition for cases still being worked; AAPOR's temporary
    dispositions are the last call's result.
    """
    aapor_of = dict(
        session.execute(
            select(Outcome.code, Outcome.aapor).where(Outcome.project_id == project.id)
        ).all()
    )
    query = select(Case.state, Case.final_aapor, Case.last_outcome).where(
        Case.project_id == project.id, Case.state != CaseState.UNRELEASED
    )
    if since is not None:
        query = query.where(Case.finalized_at >= since)
    codes = []
    for state, final, last in session.execute(query):
        if state == CaseState.FINAL and final:
            codes.append(final)
        else:
            codes.append(aapor_of.get(last, NOT_ATTEMPTED) if last else NOT_ATTEMPTED)
    return codes


def _interviewer_rows(session: Session, project: Project, now: datetime) -> list[InterviewerRow]:
    start = day_start(project, now)
    staff = session.execute(
        select(User.id, User.full_name, User.username)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project.id, User.role == "interviewer")
        .order_by(User.full_name, User.username)
    ).all()
    ids = [s.id for s in staff]
    if not ids:
        return []
    spells = session.execute(
        select(
            StatusSpell.user_id,
            StatusSpell.status,
            StatusSpell.started_at,
            StatusSpell.ended_at,
            StatusSpell.case_id,
        )
        .where(
            StatusSpell.user_id.in_(ids),
            (StatusSpell.ended_at.is_(None)) | (StatusSpell.ended_at > start),
        )
        .order_by(StatusSpell.started_at)
    ).all()
    hours: Counter[int] = Counter()
    current: dict[int, tuple[str, datetime, int | None]] = {}
    for user_id, status, started, ended, case_id in spells:
        if status in WORKING:
            hours[user_id] += ((ended or now) - max(started, start)).total_seconds() / 3600
        if ended is None:
            current[user_id] = (status, started, case_id)
    outcome_info = {
        code: (aapor, contact)
        for code, aapor, contact in session.execute(
            select(Outcome.code, Outcome.aapor, Outcome.contact).where(
                Outcome.project_id == project.id
            )
        )
    }
    attempts: Counter[int] = Counter()
    completes: Counter[int] = Counter()
    refusals: Counter[int] = Counter()
    contacts: Counter[int] = Counter()
    for user_id, outcome in session.execute(
        select(CallAttempt.interviewer_id, CallAttempt.outcome)
        .join(Case, Case.id == CallAttempt.case_id)
        .where(
            Case.project_id == project.id,
            CallAttempt.interviewer_id.in_(ids),
            CallAttempt.ended_at >= start,
        )
    ):
        aapor, contact = outcome_info.get(outcome, ("", False))
        attempts[user_id] += 1
        completes[user_id] += aapor == "1.1"
        refusals[user_id] += aapor.startswith(REFUSALS)
        contacts[user_id] += bool(contact)
    lengths: dict[int, list[float]] = {}
    for user_id, started, ended in session.execute(
        select(Interview.interviewer_id, Interview.started_at, Interview.ended_at)
        .join(Case, Case.id == Interview.case_id)
        .where(
            Case.project_id == project.id,
            Interview.interviewer_id.in_(ids),
            Interview.status == "completed",
            Interview.ended_at >= start,
        )
    ):
        lengths.setdefault(user_id, []).append((ended - started).total_seconds() / 60)
    case_ids = {c for _s, _t, c in current.values() if c}
    # An interviewer on several projects may be on a case of another: it names its project.
    external = {
        case_id: name if code == project.code else f"{name} ({code})"
        for case_id, name, code in session.execute(
            select(Case.id, Case.external_id, Project.code)
            .join(Project, Project.id == Case.project_id)
            .where(Case.id.in_(case_ids))
        )
    }
    rows = []
    for user_id, full_name, username in staff:
        status, since, case_id = current.get(user_id, ("offline", None, None))
        spent = lengths.get(user_id)
        rows.append(
            InterviewerRow(
                user_id=user_id,
                name=full_name or username,
                status=status,
                since=since,
                case=external.get(case_id) if status in ("on_call", "interviewing") else None,
                attempts=attempts[user_id],
                completes=completes[user_id],
                hours=hours[user_id],
                mean_length_min=sum(spent) / len(spent) if spent else None,
                refusals=refusals[user_id],
                contacts=contacts[user_id],
            )
        )
    return rows


def monitor(session: Session, project: Project, now: datetime) -> Monitor:
    by_state = cases_by_state(session, project)
    due_soon = session.scalar(
        select(func.count())
        .select_from(Appointment)
        .join(Case, Case.id == Appointment.case_id)
        .where(
            Case.project_id == project.id,
            Appointment.status == "pending",
            Appointment.starts_at <= now + timedelta(hours=1),
        )
    )
    quotas = [
        tuple(q)
        for q in session.execute(
            select(Quota.name, Quota.achieved, Quota.target, Quota.full)
            .where(Quota.project_id == project.id)
            .order_by(Quota.name)
        )
    ]
    return Monitor(
        project=project,
        now=now,
        interviewers=_interviewer_rows(session, project, now),
        by_state=by_state,
        appointments_next_hour=due_soon or 0,
        quotas=quotas,
        rates_overall=_rates(interim_codes(session, project)),
        rates_today=_rates(interim_codes(session, project, since=day_start(project, now))),
    )
