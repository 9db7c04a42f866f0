"""Handing out cases: the best callable case now, claimed atomically.

``next_case`` reads candidates in dispatch order from the ``ix_cases_dispatch`` index
(rank: due hard appointments, then soft ones, then the rest; then priority; then longest
waiting), locking them with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so that concurrent
interviewers skip each other's rows. The claim itself is a conditional UPDATE checked by
row count, which makes it atomic on SQLite too. Candidates that turn out not to be callable
now (window closed since they were scheduled, number on the do-not-call list, frequency cap
reached) are corrected on the spot and the next candidate is tried. A call-back the
respondent asked for outside the windows is offered at its time all the same, until its
grace period ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from cati import audit
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import catalogue, presence
from cati.fieldwork import default_outcomes as oc
from cati.fieldwork.cases import finalize_by_engine
from cati.fieldwork.disposition import CALL_BACK_PHONES, callable_phones, no_phone_code
from cati.fieldwork.projects import NOT_CALLING, is_member, rules_of
from cati.fieldwork.rules import CallingRules, in_window, next_opening
from cati.models import (
    Appointment,
    CallAttempt,
    Case,
    CaseState,
    DoNotCall,
    Interview,
    Phone,
    Project,
    ProjectMember,
    User,
)

BATCH = 8
MAX_ROUNDS = 50


@dataclass(frozen=True)
class Claim:
    case: Case
    phone: Phone
    expires_at: datetime


def _due(project: Project, interviewer: User, now: datetime) -> tuple[ColumnElement[bool], ...]:
    """The cases this interviewer may be handed now, as far as the database tells: released
    and not held (active), due, not claimed, not reserved for a colleague. Whether the
    respondent's window is open is judged per time zone (``in_window``)."""
    return (
        Case.project_id == project.id,
        Case.state == CaseState.ACTIVE,
        Case.next_call_at <= now,
        or_(Case.claimed_by_id.is_(None), Case.claim_expires_at < now),
        or_(
            Case.reserved_for_id.is_(None),
            Case.reserved_for_id == interviewer.id,
            Case.reserved_until < now,
        ),
    )


def _dialable(rules: CallingRules, now: datetime) -> ColumnElement[bool]:
    """The case has a number ``_choose_phone`` would dial now: active with attempts left (or
    any not dead for a booked call-back), not on the do-not-call list, under its frequency
    cap unless a call-back is booked (index look-ups per due case)."""
    since = now - timedelta(days=rules.frequency_cap_days)
    recent = (
        select(func.count())
        .select_from(CallAttempt)
        .where(CallAttempt.number == Phone.number, CallAttempt.started_at > since)
        .scalar_subquery()
    )
    return (
        select(Phone.id)
        .where(
            Phone.case_id == Case.id,
            or_(
                and_(Phone.status == "active", Phone.attempts < rules.max_attempts_phone),
                and_(Case.rank < 2, Phone.status.in_(CALL_BACK_PHONES)),
            ),
            ~select(DoNotCall.id).where(DoNotCall.number == Phone.number).exists(),
            or_(Case.rank < 2, recent < rules.frequency_cap_calls),
        )
        .exists()
    )


def _asked_for_now(rules: CallingRules, now: datetime) -> ColumnElement[bool]:
    """The case has a hard call-back the respondent asked for outside the windows, due now
    and not past its grace period: it is offered though its window is closed."""
    since = now - timedelta(minutes=rules.appointment_grace_minutes)
    return and_(
        Case.rank == 0,
        select(Appointment.id)
        .where(
            Appointment.case_id == Case.id,
            Appointment.status == "pending",
            Appointment.requested_reason != "",
            Appointment.starts_at <= now,
            Appointment.starts_at >= since,
        )
        .exists(),
    )


def _requested_now(session: Session, case: Case, rules: CallingRules, now: datetime) -> bool:
    return (
        case.rank == 0
        and session.scalar(select(Case.id).where(Case.id == case.id, _asked_for_now(rules, now)))
        is not None
    )


# Up to this many due cases, due_now also checks their numbers (a few ms); above it the
# check would cost more than the page (0.4 s for 100,000 on PostgreSQL) for a difference
# nobody reads in such a number.
EXACT_UP_TO = 1000


def due_now(session: Session, project: Project, interviewer: User, now: datetime) -> int:
    """How many cases ``next_case`` could hand this interviewer now: the due cases of a
    calling project whose respondents' windows are open (or that have a call-back asked for
    now, outside them) and, up to ``EXACT_UP_TO`` of them, that have a number to dial (the
    cases ``next_case`` would set aside on the spot)."""
    if project.status in NOT_CALLING:
        return 0
    rules = rules_of(project)

    asked_for = _asked_for_now(rules, now).label("asked_for")

    def count(*conditions: ColumnElement[bool]) -> int:
        by_zone = session.execute(
            select(Case.time_zone, asked_for, func.count())
            .where(*_due(project, interviewer, now), *conditions)
            .group_by(Case.time_zone, asked_for)
        )
        return sum(n for zone, asked, n in by_zone if asked or in_window(rules, zone, now))

    due = count()
    return count(_dialable(rules, now)) if 0 < due <= EXACT_UP_TO else due


def _candidates(session: Session, project: Project, interviewer: User, now: datetime) -> list[Case]:
    query = (
        select(Case)
        .where(*_due(project, interviewer, now))
        .order_by(Case.rank, Case.priority, Case.next_call_at, Case.id)
        .limit(BATCH)
        # A long-lived session must see the cases and phones as they are now, not as it
        # loaded them earlier (the app's sessions do not expire objects on commit).
        .options(selectinload(Case.phones))
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Case)
    return list(session.scalars(query))


def _numbers_now(
    session: Session, phones: list[Phone], rules: CallingRules, now: datetime
) -> dict[int, tuple[bool, int, datetime | None]]:
    """For each phone: is its number on the do-not-call list, and its calls within the
    frequency cap's days (how many, the oldest), in one statement."""
    since = now - timedelta(days=rules.frequency_cap_days)
    recent = (CallAttempt.number == Phone.number, CallAttempt.started_at > since)
    rows = session.execute(
        select(
            Phone.id,
            select(DoNotCall.id).where(DoNotCall.number == Phone.number).exists(),
            select(func.count()).select_from(CallAttempt).where(*recent).scalar_subquery(),
            select(func.min(CallAttempt.started_at)).where(*recent).scalar_subquery(),
        ).where(Phone.id.in_([p.id for p in phones]))
    )
    return {phone_id: (bool(listed), count, oldest) for phone_id, listed, count, oldest in rows}


def _choose_phone(
    session: Session, case: Case, rules: CallingRules, now: datetime
) -> Phone | datetime | None:
    """The phone to dial; or when to come back (frequency cap); or None (none left).

    A booked call-back (rank 0 hard, 1 soft) is called whatever the cap: the cap spares
    respondents calls they did not ask for, and this one they asked for."""
    phones = callable_phones(case, rules)
    if not phones:
        return None
    facts = _numbers_now(session, phones, rules, now)
    for phone in phones:
        if facts[phone.id][0]:
            phone.status = "dnc"
    phones = [p for p in phones if not facts[p.id][0]]
    if not phones:
        return None
    if case.rank < 2:
        return phones[0]
    come_back = []
    for phone in phones:
        _, count, oldest = facts[phone.id]
        if count < rules.frequency_cap_calls:
            return phone
        come_back.append(oldest + timedelta(days=rules.frequency_cap_days, seconds=1))
    return min(come_back)


def _claim(session: Session, case: Case, interviewer: User, now: datetime, minutes: int) -> bool:
    """Claim the case if it is still as read: due, unclaimed and with no attempt since.

    Without a row lock (SQLite) a colleague may claim and close the case between our read
    and this update; the attempt count tells, and the phone we chose may be used up.
    """
    expires = now + timedelta(minutes=minutes)
    won = session.execute(
        update(Case)
        .where(
            Case.id == case.id,
            Case.state == CaseState.ACTIVE,
            Case.attempts == case.attempts,
            Case.next_call_at <= now,
            or_(Case.claimed_by_id.is_(None), Case.claim_expires_at < now),
        )
        .values(claimed_by_id=interviewer.id, claimed_at=now, claim_expires_at=expires)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won == 1:  # the object now says what the row says, without another read
        for name, value in (
            ("claimed_by_id", interviewer.id),
            ("claimed_at", now),
            ("claim_expires_at", expires),
        ):
            set_committed_value(case, name, value)
    return won == 1


def _reschedule(
    session: Session,
    case: Case,
    rules: CallingRules,
    after: datetime,
    table: Callable[[], dict],
    now: datetime,
) -> None:
    opening = next_opening(rules, case.time_zone, after)
    if opening is None:
        finalize_by_engine(session, case, oc.FIELD_CLOSED, table(), now)
    else:
        case.next_call_at = opening


def next_case(
    session: Session, project: Project, interviewer: User, now: datetime | None = None
) -> Claim | None:
    """Claim the best case to call now for this interviewer, or None when none is due."""
    now = now or utcnow()
    if not is_member(session, project, interviewer):
        raise CatiError(ErrorCode.NOT_ASSIGNED, username=interviewer.username, project=project.code)
    if project.status in NOT_CALLING:
        raise CatiError(ErrorCode.PROJECT_NOT_CALLING, project=project.code)
    rules = rules_of(project)

    @cache
    def table() -> dict:  # read only when a case is finalized here, rarely
        return catalogue.by_code(session, project)

    for _ in range(MAX_ROUNDS):
        candidates = _candidates(session, project, interviewer, now)
        if not candidates:
            break
        for case in candidates:
            if not in_window(rules, case.time_zone, now) and not _requested_now(
                session, case, rules, now
            ):
                _reschedule(session, case, rules, now, table, now)
                continue
            phone = _choose_phone(session, case, rules, now)
            if phone is None:
                finalize_by_engine(session, case, no_phone_code(case), table(), now)
                continue
            if isinstance(phone, datetime):
                _reschedule(session, case, rules, phone, table, now)
                continue
            session.flush()
            if not _claim(session, case, interviewer, now, rules.claim_minutes):
                continue
            audit.record(
                session,
                "case.claim",
                user=interviewer,
                object_type="case",
                object_id=case.id,
                phone=phone.position,
            )
            session.commit()
            return Claim(case=case, phone=phone, expires_at=case.claim_expires_at)
        session.flush()
    session.commit()
    return None


def held_case(session: Session, interviewer: User, now: datetime) -> Case | None:
    """The open case this interviewer holds (claimed, claim not expired) in a project they
    still work on, if any."""
    return session.scalar(
        select(Case)
        .options(selectinload(Case.phones))
        .join(
            ProjectMember,
            (ProjectMember.project_id == Case.project_id)
            & (ProjectMember.user_id == interviewer.id),
        )
        .where(
            Case.claimed_by_id == interviewer.id,
            Case.claim_expires_at >= now,
            Case.state != CaseState.FINAL,
        )
        .order_by(Case.claimed_at.desc(), Case.id)
        .limit(1)
        .execution_options(populate_existing=True)
    )


def _calling_projects_by_best_case(
    session: Session, interviewer: User, now: datetime
) -> list[Project]:
    """The interviewer's calling projects that have a due case, the one whose best due case
    comes first in dispatch order (rank, priority, longest waiting) first."""
    members = session.scalars(
        select(Project)
        .join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(ProjectMember.user_id == interviewer.id, Project.status.not_in(NOT_CALLING))
    ).all()
    firsts = []
    for project in members:
        first = session.execute(
            select(Case.rank, Case.priority, Case.next_call_at, Case.id)
            .where(*_due(project, interviewer, now))
            .order_by(Case.rank, Case.priority, Case.next_call_at, Case.id)
            .limit(1)
        ).first()
        if first is not None:
            firsts.append((tuple(first), project))
    return [project for _key, project in sorted(firsts, key=lambda pair: pair[0])]


def take_next(
    session: Session,
    interviewer: User,
    project: Project | None = None,
    now: datetime | None = None,
) -> Claim | None:
    """What the interviewer's N does: the open case they hold, if any (an interviewer holds
    one case at a time); otherwise the best due case of the chosen project, or, with no
    project chosen, across all their calling projects. None when nothing is due."""
    now = now or utcnow()
    held = held_case(session, interviewer, now)
    if held is not None:
        rules = rules_of(session.get(Project, held.project_id))
        phones = callable_phones(held, rules) or held.phones
        return Claim(case=held, phone=phones[0], expires_at=held.claim_expires_at)
    if project is not None:
        return next_case(session, project, interviewer, now)
    for candidate in _calling_projects_by_best_case(session, interviewer, now):
        claim = next_case(session, candidate, interviewer, now)
        if claim is not None:
            return claim
    return None


def release_expired_claims(session: Session, now: datetime | None = None) -> int:
    """Free the cases whose interviewer vanished; they are dispatched again as they were."""
    now = now or utcnow()
    released = session.execute(
        update(Case)
        .where(Case.claimed_by_id.is_not(None), Case.claim_expires_at < now)
        .values(claimed_by_id=None, claimed_at=None, claim_expires_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if released:
        audit.record(session, "claims.expire", actor="system", released=released)
    session.commit()
    return released


def leave_case(session: Session, case: Case, interviewer: User, now: datetime) -> bool:
    """The interviewer left the case screen without an outcome: the claim ends now, and the
    case is due again for anyone as it was. The claim keeps their name until someone else
    claims the case, so that coming back to the screen (a reload, Back) takes it up again
    (``take_up``). An interview under way keeps its claim (its pages extend it; the system
    closes it when left untouched). An interviewer shown on call for it is available again.
    Commits; False when nothing was theirs to give back."""
    if case.claimed_by_id != interviewer.id or case.state == CaseState.FINAL:
        return False
    if session.scalar(
        select(Interview.id).where(Interview.case_id == case.id, Interview.status == "active")
    ):
        return False
    case.claim_expires_at = min(case.claim_expires_at or now, now - timedelta(seconds=1))
    spell = presence.current(session, interviewer)
    if spell is not None and spell.status == "on_call" and spell.case_id == case.id:
        presence.set_status(session, interviewer, "available", now)
    audit.record(session, "case.leave", user=interviewer, object_type="case", object_id=case.id)
    session.commit()
    return True


def take_up(session: Session, case: Case, interviewer: User, now: datetime) -> bool:
    """The interviewer is back on a case whose claim they let lapse (left the screen, a
    reload) and nobody claimed since: the claim is theirs again for its full time. Commits;
    False when the case is no longer theirs."""
    if case.claimed_by_id != interviewer.id or case.state == CaseState.FINAL:
        return False
    if case.claim_expires_at is not None and case.claim_expires_at >= now:
        return True
    project = session.get(Project, case.project_id)
    expires = now + timedelta(minutes=rules_of(project).claim_minutes)
    won = session.execute(
        update(Case)
        .where(
            Case.id == case.id,
            Case.claimed_by_id == interviewer.id,
            Case.state != CaseState.FINAL,
            Case.attempts == case.attempts,
        )
        .values(claim_expires_at=expires)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    session.refresh(case)
    return won == 1


def release_claim(session: Session, case: Case, *, by: User, reason: str = "") -> None:
    """A supervisor frees a stuck claim by hand."""
    case.claimed_by_id = None
    case.claimed_at = None
    case.claim_expires_at = None
    audit.record(
        session, "case.release", user=by, object_type="case", object_id=case.id, reason=reason
    )
    session.commit()


def mark_missed_appointments(session: Session, now: datetime | None = None) -> int:
    """An appointment not kept within its project's ``missed_appointment_minutes`` after its
    time (a soft one's: after its window closed) is missed: flagged, audited, and its case
    back in line with the others (due now with its usual priority, no longer reserved). A
    case being called right now is left to that call."""
    now = now or utcnow()
    overdue = session.execute(
        select(Appointment, Case, Project)
        .join(Case, Case.id == Appointment.case_id)
        .join(Project, Project.id == Case.project_id)
        .where(
            Appointment.status == "pending",
            Appointment.ends_at < now - timedelta(minutes=1),  # the shortest allowed
            or_(Case.claimed_by_id.is_(None), Case.claim_expires_at < now),
        )
    ).all()
    minutes_of: dict[int, int] = {}
    missed = 0
    for appointment, case, project in overdue:
        if project.id not in minutes_of:
            minutes_of[project.id] = rules_of(project).missed_appointment_minutes
        minutes = minutes_of[project.id]
        if appointment.ends_at + timedelta(minutes=minutes) > now:
            continue
        appointment.status = "missed"
        case.rank = 2
        case.reserved_for_id = case.reserved_until = None
        audit.record(
            session,
            "appointment.missed",
            actor="system",
            object_type="case",
            object_id=case.id,
            appointment=appointment.id,
            at=appointment.starts_at.isoformat(),
            minutes=minutes,
        )
        missed += 1
    session.commit()
    return missed


# A claim kept alive by the pages of an interview is written at most this often: a write
# per page would be a quarter of a page's statements. Each write gives the full claim and
# this much on top, so the claim still runs a full claim past the last page.
EXTEND_EVERY = timedelta(minutes=1)


def extend_claim(session: Session, case: Case, interviewer: User, now: datetime) -> bool:
    """Keep an interviewer's claim alive while they work the case: after each page it runs
    at least the project's claim time (``claim_minutes``) on.

    False when the claim was lost (expired and taken by someone else).
    """
    if case.claimed_by_id != interviewer.id:
        return False
    project = session.get(Project, case.project_id)
    full = now + timedelta(minutes=rules_of(project).claim_minutes)
    if case.claim_expires_at is None or case.claim_expires_at < full:
        case.claim_expires_at = full + EXTEND_EVERY
    return True
