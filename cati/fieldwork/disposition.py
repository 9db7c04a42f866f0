"""Closing a call attempt: record the outcome and decide the case's next state in one go.

The rules, in the order they apply:
1. A final outcome (complete, hard refusal, screen-out…) finalizes the case with it.
2. An appointment schedules the case at the agreed time, ahead of every other case. A hard
   one outside the calling windows needs the respondent's reason (they asked for that
   time); dispatch then offers the case at that time, windows or not.
3. Otherwise a call-back still ahead keeps the case at its time; else it is called again
   after the outcome's delay, in the least-used time
   slot, inside the respondent's calling window; unless its attempts are used up, no
   callable phone is left, or the field period has no opening left. Then the engine
   finalizes it, keeping the strongest outcome seen (a refusal is never overwritten by
   "maximum attempts reached").

A call that ends in an appointment does not count against the attempt limits (of the case
or of the phone): the call-back booked on the last allowed attempt is still made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati import audit
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import cases, catalogue, donotcall, presence, quotas
from cati.fieldwork import default_outcomes as oc
from cati.fieldwork.projects import rules_of
from cati.fieldwork.rules import CallingRules, in_window, next_opening, schedule_after, slot_of
from cati.models import Appointment, CallAttempt, Case, CaseState, Outcome, Phone, Project, User


@dataclass(frozen=True)
class AppointmentRequest:
    """A call-back: hard at ``starts_at``, or soft anywhere from ``starts_at`` to ``ends_at``."""

    kind: Literal["hard", "soft"]
    starts_at: datetime
    ends_at: datetime | None = None
    personal: bool = False
    notes: str = ""
    # Why the respondent wants a time outside the calling windows; needed for one.
    requested_reason: str = ""


# The phone statuses a booked call-back is made on: any number not dead nor on do-not-call.
CALL_BACK_PHONES = ("active", "exhausted")


def callable_phones(case: Case, rules: CallingRules) -> list[Phone]:
    """The numbers to dial: active with attempts left; for a booked call-back (rank 0 or 1)
    with none such, also those whose attempts ran out: the call the respondent asked for is
    made whatever the count."""
    usual = [
        p for p in case.phones if p.status == "active" and p.attempts < rules.max_attempts_phone
    ]
    if usual or case.rank == 2:
        return usual
    return [p for p in case.phones if p.status in CALL_BACK_PHONES]


@dataclass(frozen=True)
class CallHistory:
    """What closing a call needs of the case's past, read in one statement before the
    call is added: whether call-backs are pending (due now, or still ahead), the attempts
    that count against the case's limit (those since a supervisor last reopened it, but
    for calls that ended in a call-back) and the attempts per time slot."""

    due_appointments: bool
    booked_ahead: bool
    counted: int
    slots: Counter[str]

    def with_call(self, attempt: CallAttempt, reopened_at: datetime | None) -> CallHistory:
        """The history with this call added."""
        counts = attempt.outcome != oc.APPOINTMENT and (
            reopened_at is None or attempt.started_at >= reopened_at
        )
        return replace(
            self,
            counted=self.counted + counts,
            slots=self.slots + Counter({attempt.slot: 1}),
        )


SLOT_SEPARATOR = "\x1f"  # no slot name has it


def call_history(session: Session, case: Case, now: datetime) -> CallHistory:
    pending = select(Appointment.id).where(
        Appointment.case_id == case.id, Appointment.status == "pending"
    )
    counted = select(func.count()).where(
        CallAttempt.case_id == case.id, CallAttempt.outcome != oc.APPOINTMENT
    )
    if case.reopened_at is not None:
        counted = counted.where(CallAttempt.started_at >= case.reopened_at)
    slots = select(func.aggregate_strings(CallAttempt.slot, SLOT_SEPARATOR)).where(
        CallAttempt.case_id == case.id
    )
    due, ahead, n, joined = session.execute(
        select(
            pending.where(Appointment.starts_at <= now).exists(),
            pending.where(Appointment.starts_at > now).exists(),
            counted.scalar_subquery(),
            slots.scalar_subquery(),
        )
    ).one()
    return CallHistory(
        due_appointments=bool(due),
        booked_ahead=bool(ahead),
        counted=n,
        slots=Counter(joined.split(SLOT_SEPARATOR)) if joined is not None else Counter(),
    )


def no_phone_code(case: Case) -> str:
    """The system outcome for a case with no callable phone left.

    Numbers whose attempts ran out were never found non-working: that is "maximum attempts"
    (AAPOR 3.13, eligibility unknown), not "no phone left" (4.30, not eligible).
    """
    if any(p.status == "exhausted" for p in case.phones):
        return oc.MAX_ATTEMPTS
    return oc.NO_PHONE_LEFT


def _check_appointment(
    rules: CallingRules, case: Case, request: AppointmentRequest, now: datetime
) -> None:
    ends_at = request.ends_at or request.starts_at
    if ends_at <= now:
        raise CatiError(ErrorCode.APPOINTMENT_IN_PAST, at=local_time_text(request.starts_at, case))
    if request.kind == "soft" and (request.ends_at is None or request.ends_at <= request.starts_at):
        raise CatiError(ErrorCode.APPOINTMENT_WINDOW_INVALID)
    if (
        request.kind == "hard"
        and not request.requested_reason.strip()
        and not in_window(rules, case.time_zone, request.starts_at)
    ):
        opening = next_opening(rules, case.time_zone, request.starts_at)
        raise CatiError(
            ErrorCode.APPOINTMENT_OUTSIDE_WINDOW,
            at=local_time_text(request.starts_at, case),
            next=local_time_text(opening, case) if opening else "none",
        )


def local_time_text(at: datetime | None, case: Case) -> str:
    """A time as the respondent reads it, for messages: 2026-12-01 19:30 CET."""
    if at is None:
        return "—"
    return at.astimezone(ZoneInfo(case.time_zone)).strftime("%Y-%m-%d %H:%M %Z")


def _book(
    session: Session,
    case: Case,
    interviewer: User,
    request: AppointmentRequest,
    rules: CallingRules,
    now: datetime,
) -> Appointment:
    _check_appointment(rules, case, request, now)
    ends_at = request.ends_at or request.starts_at
    for pending in session.scalars(
        select(Appointment).where(Appointment.case_id == case.id, Appointment.status == "pending")
    ):
        pending.status = "cancelled"  # a new call-back replaces the old one
    appointment = Appointment(
        case_id=case.id,
        kind=request.kind,
        starts_at=request.starts_at,
        ends_at=ends_at,
        interviewer_id=interviewer.id if request.personal else None,
        notes=request.notes,
        requested_reason=request.requested_reason.strip()[:500],
        created_by_id=interviewer.id,
    )
    session.add(appointment)
    if appointment.requested_reason and not in_window(rules, case.time_zone, request.starts_at):
        audit.record(
            session,
            "appointment.outside_windows",
            user=interviewer,
            object_type="case",
            object_id=case.id,
            at=request.starts_at.isoformat(),
            reason=appointment.requested_reason,
        )
    case.next_call_at = max(request.starts_at, now)
    case.rank = 0 if request.kind == "hard" else 1
    if request.personal:
        case.reserved_for_id = interviewer.id
        case.reserved_until = request.starts_at + timedelta(minutes=rules.appointment_grace_minutes)
    else:
        case.reserved_for_id = None
        case.reserved_until = None
    return appointment


def _keep_due_appointments(
    session: Session, case: Case, history: CallHistory, now: datetime
) -> None:
    due = (
        ()
        if not history.due_appointments
        else session.scalars(
            select(Appointment).where(
                Appointment.case_id == case.id,
                Appointment.status == "pending",
                Appointment.starts_at <= now,
            )
        )
    )
    for pending in due:
        pending.status = "kept"
    case.rank = 2  # no longer booked, unless a call-back still ahead keeps it (_keep_booked)
    case.reserved_for_id = None
    case.reserved_until = None


def close_call(
    session: Session,
    case: Case,
    interviewer: User,
    outcome_code: str,
    *,
    now: datetime,
    notes: str = "",
    appointment: AppointmentRequest | None = None,
) -> CallAttempt:
    """The interviewer ends a call on the case screen: the outcome recorded and the
    interviewer available again, in one commit (or nothing changed). The outcomes an
    interview gives (complete, partial, quota full, screen-out) come only from the
    questionnaire engine, never from this screen."""
    presence.set_status(session, interviewer, "available", now)
    try:
        if outcome_code in oc.INTERVIEW_ONLY:
            raise CatiError(ErrorCode.OUTCOME_NEEDS_INTERVIEW, outcome=outcome_code)
        return record_outcome(
            session, case, interviewer, outcome_code, now=now, notes=notes, appointment=appointment
        )
    except CatiError:
        session.rollback()
        raise


def record_outcome(
    session: Session,
    case: Case,
    interviewer: User,
    outcome_code: str,
    *,
    phone: Phone | None = None,
    started_at: datetime | None = None,
    now: datetime | None = None,
    notes: str = "",
    appointment: AppointmentRequest | None = None,
    answers: Mapping[str, Any] | None = None,
) -> CallAttempt:
    """Close the interviewer's attempt on a claimed case; commits once, or changes nothing."""
    now = now or utcnow()
    project = session.get(Project, case.project_id)
    assert project is not None
    if case.claimed_by_id != interviewer.id:
        raise CatiError(
            ErrorCode.CASE_NOT_CLAIMED, case=case.external_id, username=interviewer.username
        )
    table = catalogue.by_code(session, project)
    outcome = table.get(outcome_code)
    if outcome is None:
        raise CatiError(ErrorCode.OUTCOME_UNKNOWN, outcome=outcome_code, project=project.code)
    if outcome.system and outcome_code != oc.WEB_COMPLETE:
        raise CatiError(ErrorCode.OUTCOME_SYSTEM, outcome=outcome_code)
    if not outcome.active:
        raise CatiError(ErrorCode.OUTCOME_INACTIVE, outcome=outcome_code, project=project.code)
    rules = rules_of(project)
    if outcome_code == oc.APPOINTMENT and appointment is not None:
        _check_appointment(rules, case, appointment, now)
    phone = phone or (callable_phones(case, rules) or case.phones)[0]
    started_at = started_at or case.claimed_at or now
    history = call_history(session, case, now)

    attempt = CallAttempt(
        case_id=case.id,
        phone_id=phone.id,
        number=phone.number,
        interviewer_id=interviewer.id,
        started_at=started_at,
        ended_at=now,
        outcome=outcome.code,
        notes=notes,
        slot=slot_of(rules, case.time_zone, started_at),
    )
    session.add(attempt)
    case.attempts += 1
    if outcome.code != oc.APPOINTMENT:  # a call-back is not an attempt used up
        phone.attempts += 1
    case.last_outcome = outcome.code
    if outcome.dead_phone:
        phone.status = "dead"
    elif phone.attempts >= rules.max_attempts_phone:
        phone.status = "exhausted"
    _keep_due_appointments(session, case, history, now)
    history = history.with_call(attempt, case.reopened_at)

    if outcome.opt_out:
        opt_out(session, project, case, interviewer)
    if outcome.final:
        cases.finalize(session, case, outcome, now)
        _count_complete(session, project, case, outcome, answers)
    elif outcome.code == oc.APPOINTMENT and appointment is not None:
        _book(session, case, interviewer, appointment, rules, now)
    else:
        _schedule(session, case, outcome, rules, table, history, now)
    case.claimed_by_id = None
    case.claimed_at = None
    case.claim_expires_at = None
    audit.record(
        session,
        "call.close",
        user=interviewer,
        object_type="case",
        object_id=case.id,
        outcome=outcome.code,
        attempt=case.attempts,
    )
    if case.state == CaseState.FINAL:
        cases.maybe_auto_release(session, project, now)
    session.commit()
    return attempt


def _count_complete(
    session: Session,
    project: Project,
    case: Case,
    outcome: Outcome,
    answers: Mapping[str, Any] | None,
) -> None:
    """A complete, by phone or on the web, counts in its quota cells; those it fills hold
    their cases."""
    if outcome.code in (oc.COMPLETE, oc.WEB_COMPLETE):
        cases.hold_for_cells(
            session, project, quotas.count_complete(session, project, case, answers)
        )
        touched = quotas.holding(quotas.project_quotas(session, project), case.sample_vars)
        if touched:
            cases.reprioritize(session, project, touched)


def opt_out(session: Session, project: Project, case: Case, by: User) -> None:
    """The respondent objects to any further call: every number of the case goes on the
    do-not-call list, in the caller's transaction (the one that records the outcome)."""
    numbers = [p.number for p in case.phones if p.number]
    listed = donotcall.list_numbers(session, numbers, f"opt-out, project {project.code}")
    for phone in case.phones:
        phone.status = "dnc"
    audit.record(
        session,
        "case.opt_out",
        user=by,
        object_type="case",
        object_id=case.id,
        numbers=len(numbers),
        newly_listed=listed,
    )


def _schedule(
    session: Session,
    case: Case,
    outcome: Outcome,
    rules: CallingRules,
    table: dict[str, Outcome],
    history: CallHistory,
    now: datetime,
) -> None:
    if history.booked_ahead and _keep_booked(session, case, rules, now):
        return
    if history.counted >= rules.max_attempts_case:
        cases.finalize_by_engine(session, case, oc.MAX_ATTEMPTS, table, now)
        return
    if not callable_phones(case, rules):
        cases.finalize_by_engine(session, case, no_phone_code(case), table, now)
        return
    if outcome.next_phone:  # another number of the same person: try it straight away
        when = next_opening(rules, case.time_zone, now)
    else:
        earliest = now + timedelta(minutes=outcome.delay_minutes)
        when = schedule_after(rules, case.time_zone, earliest, history.slots)
    if when is None:
        cases.finalize_by_engine(session, case, oc.FIELD_CLOSED, table, now)
        return
    cases.schedule(case, when)


def _keep_booked(session: Session, case: Case, rules: CallingRules, now: datetime) -> bool:
    """A call before the case's call-back (the respondent called in, say) leaves the call-back
    as booked: the case stays due at its time, first in line, and the attempt limit does not
    close it before then. False when there is none, or no phone left to keep it on."""
    booked = session.scalar(
        select(Appointment)
        .where(
            Appointment.case_id == case.id,
            Appointment.status == "pending",
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    )
    if booked is None or not any(p.status in CALL_BACK_PHONES for p in case.phones):
        return False
    case.next_call_at = booked.starts_at
    case.rank = 0 if booked.kind == "hard" else 1
    if booked.interviewer_id is not None:
        case.reserved_for_id = booked.interviewer_id
        case.reserved_until = booked.starts_at + timedelta(minutes=rules.appointment_grace_minutes)
    return True


def record_self_completion(
    session: Session,
    case: Case,
    outcome_code: str,
    now: datetime,
    answers: Mapping[str, Any] | None = None,
) -> None:
    """A respondent finished the questionnaire on the web: no call, no interviewer.

    The case takes the outcome (WEB_COMPLETE, a screen-out…) if it is final; a web
    complete counts in the quotas like a phone one. Commits.
    """
    project = session.get(Project, case.project_id)
    table = catalogue.by_code(session, project)
    outcome = table[outcome_code]
    case.last_outcome = outcome.code
    if outcome.final and case.state != CaseState.FINAL:
        cases.finalize(session, case, outcome, now)
        _count_complete(session, project, case, outcome, answers)
        cases.maybe_auto_release(session, project, now)
    audit.record(
        session,
        "web.close",
        actor="respondent",
        object_type="case",
        object_id=case.id,
        outcome=outcome.code,
    )
    session.commit()
