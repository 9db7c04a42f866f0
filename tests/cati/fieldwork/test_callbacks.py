"""No call-back lost: appointments and the attempt limits, cancelling, reopening by hand."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cati.errors import CatiError, ErrorCode
from cati.fieldwork import dispatch, inbound, projects, supervision
from cati.fieldwork.disposition import AppointmentRequest, record_outcome
from cati.models import Appointment, AuditEntry, CaseState
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

TIGHT = {"max_attempts_case": 2, "max_attempts_phone": 2, "frequency_cap_calls": 10}


def call(db, project, interviewer, outcome, now, **kwargs):
    claim = dispatch.next_case(db, project, interviewer, now=now)
    assert claim is not None, f"no case due at {now}"
    record_outcome(db, claim.case, interviewer, outcome, phone=claim.phone, now=now, **kwargs)
    db.refresh(claim.case)
    return claim.case


@pytest.fixture
def tight(db, interviewer):
    project = make_project(db, rules=TIGHT)
    projects.assign(db, project, interviewer)
    return project


def test_an_appointment_booked_on_the_last_allowed_attempt_is_still_called(db, tight, interviewer):
    (case,) = make_cases(db, tight)
    call(db, tight, interviewer, "NO_ANSWER", MONDAY_10)
    at = case.next_call_at + timedelta(hours=1)
    call(
        db,
        tight,
        interviewer,
        "APPOINTMENT",
        case.next_call_at,
        appointment=AppointmentRequest("hard", at),
    )
    assert (case.state, case.phones[0].status) == (CaseState.ACTIVE, "active")
    claim = dispatch.next_case(db, tight, interviewer, now=at)
    assert claim is not None and claim.case.id == case.id
    record_outcome(db, case, interviewer, "COMPLETE", now=at + timedelta(minutes=15))
    assert db.scalar(select(Appointment.status)) == "kept"


def test_a_call_back_is_called_at_its_time_though_the_number_reached_the_frequency_cap(
    db, interviewer
):
    capped = make_project(db, rules={"frequency_cap_calls": 2, "frequency_cap_days": 7})
    projects.assign(db, capped, interviewer)
    (case,) = make_cases(db, capped)
    call(db, capped, interviewer, "NO_ANSWER", MONDAY_10)
    at = case.next_call_at + timedelta(days=1)
    call(
        db,
        capped,
        interviewer,
        "APPOINTMENT",
        case.next_call_at,
        appointment=AppointmentRequest("soft", at, at + timedelta(hours=1)),
    )
    # Two calls this week: the cap holds back calls nobody asked for, not this one.
    assert dispatch.due_now(db, capped, interviewer, at) == 1  # and the count says so
    claim = dispatch.next_case(db, capped, interviewer, now=at)
    assert claim is not None and claim.case.id == case.id
    record_outcome(db, case, interviewer, "NO_ANSWER", now=at + timedelta(minutes=1))
    assert db.scalar(select(Appointment.status)) == "kept"
    db.refresh(case)
    assert dispatch.next_case(db, capped, interviewer, now=case.next_call_at) is None
    db.refresh(case)
    assert case.next_call_at >= MONDAY_10 + timedelta(days=7)  # the cap is back


def test_the_call_at_the_appointment_then_counts_as_usual(db, tight, interviewer):
    (case,) = make_cases(db, tight)
    call(db, tight, interviewer, "NO_ANSWER", MONDAY_10)
    at = case.next_call_at + timedelta(hours=1)
    call(
        db,
        tight,
        interviewer,
        "APPOINTMENT",
        case.next_call_at,
        appointment=AppointmentRequest("hard", at),
    )
    call(db, tight, interviewer, "NO_ANSWER", at)
    assert db.scalar(select(Appointment.status)) == "kept"
    # Closed by the limit, keeping its strongest outcome (a contact: the call-back asked).
    assert (case.state, case.final_outcome) == (CaseState.FINAL, "APPOINTMENT")
    closing = db.scalar(select(AuditEntry).where(AuditEntry.action == "case.finalize"))
    assert closing.details["reason"] == "MAX_ATTEMPTS"


def test_a_call_before_the_call_back_keeps_it_booked_and_the_case_open(db, tight, interviewer):
    (case,) = make_cases(db, tight)
    call(db, tight, interviewer, "NO_ANSWER", MONDAY_10)
    tuesday_19 = MONDAY_10.replace(day=1, month=12, hour=19)
    call(
        db,
        tight,
        interviewer,
        "APPOINTMENT",
        case.next_call_at,
        appointment=AppointmentRequest("hard", tuesday_19, personal=True),
    )
    # Monday at 15:00 the respondent calls in; the line drops before anything is agreed.
    monday_15 = MONDAY_10.replace(hour=15)
    inbound.claim_inbound(db, tight, interviewer, case.external_id, now=monday_15)
    record_outcome(db, case, interviewer, "NO_ANSWER", now=monday_15)
    assert (case.state, case.next_call_at, case.rank) == (CaseState.ACTIVE, tuesday_19, 0)
    assert case.reserved_for_id == interviewer.id
    assert db.scalar(select(Appointment.status)) == "pending"
    assert dispatch.next_case(db, tight, interviewer, now=tuesday_19).case.id == case.id


def test_finalizing_a_case_cancels_its_future_call_back_in_the_audit_trail(
    db, project, interviewer
):
    (case,) = make_cases(db, project)
    later = MONDAY_10 + timedelta(days=1)
    call(
        db,
        project,
        interviewer,
        "APPOINTMENT",
        MONDAY_10,
        appointment=AppointmentRequest("hard", later),
    )
    supervisor = make_user(db, "supervisor")
    supervision.set_outcome(
        db, case, "REFUSAL_HARD", by=supervisor, reason="wrote in to refuse", now=MONDAY_10
    )
    assert db.scalar(select(Appointment.status)) == "cancelled"
    assert "appointment.cancel" in db.scalars(select(AuditEntry.action)).all()


def test_a_supervisor_reopens_a_case_closed_by_the_attempt_limit_with_its_phones(
    db, tight, interviewer
):
    (case,) = make_cases(db, tight)
    now = MONDAY_10
    for _ in range(2):
        call(db, tight, interviewer, "NO_ANSWER", now)
        now = case.next_call_at or now
    assert (case.final_outcome, case.phones[0].status) == ("MAX_ATTEMPTS", "exhausted")
    supervisor = make_user(db, "supervisor")
    reopened_at = now + timedelta(hours=1)
    given = supervision.reopen(
        db, case, by=supervisor, reason="she called the office", now=reopened_at
    )
    assert given == 1
    assert (case.state, case.final_outcome, case.phones[0].status) == (
        CaseState.ACTIVE,
        None,
        "active",
    )
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "case.reopen"))
    assert entry.details["reason"] == "she called the office"
    assert entry.details["before"] == "MAX_ATTEMPTS"
    # Dispatched again, not finalized again at the next dispatch; and a full new allowance.
    call(db, tight, interviewer, "NO_ANSWER", case.next_call_at)
    assert case.state == CaseState.ACTIVE
    call(db, tight, interviewer, "NO_ANSWER", case.next_call_at)
    assert case.final_outcome == "MAX_ATTEMPTS"


def test_an_erased_case_cannot_be_reopened_and_a_reason_is_needed(db, project, interviewer):
    (case,) = make_cases(db, project)
    call(db, project, interviewer, "REFUSAL_HARD", MONDAY_10)
    supervisor = make_user(db, "supervisor")
    with pytest.raises(CatiError) as caught:
        supervision.reopen(db, case, by=supervisor, reason=" ", now=MONDAY_10)
    assert caught.value.code is ErrorCode.REASON_REQUIRED
    case.erased_at = MONDAY_10
    db.commit()
    with pytest.raises(CatiError) as caught:
        supervision.reopen(db, case, by=supervisor, reason="asked", now=MONDAY_10)
    assert caught.value.code is ErrorCode.PRIVACY_CASE_ERASED
    assert case.state == CaseState.FINAL


# --- a time the respondent asks for, outside the calling windows ---------------------------

EVENING = MONDAY_10.replace(hour=22, minute=30)  # Monday 22:30 in Madrid: windows closed


def test_a_time_outside_the_windows_needs_the_respondents_reason(db, project, interviewer):
    (case,) = make_cases(db, project)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    with pytest.raises(CatiError) as caught:
        record_outcome(
            db,
            case,
            interviewer,
            "APPOINTMENT",
            phone=claim.phone,
            now=MONDAY_10,
            appointment=AppointmentRequest("hard", EVENING),
        )
    assert caught.value.code is ErrorCode.APPOINTMENT_OUTSIDE_WINDOW
    db.rollback()
    request = AppointmentRequest("hard", EVENING, requested_reason="works night shifts")
    record_outcome(
        db, case, interviewer, "APPOINTMENT", phone=claim.phone, now=MONDAY_10, appointment=request
    )
    booked = db.scalar(select(Appointment))
    assert (booked.starts_at, booked.requested_reason) == (EVENING, "works night shifts")
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "appointment.outside_windows"))
    assert entry.details["reason"] == "works night shifts"


def test_dispatch_offers_a_requested_time_outside_the_windows_until_its_grace_ends(
    db, project, interviewer
):
    make_cases(db, project, n=2)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    request = AppointmentRequest("hard", EVENING, requested_reason="works night shifts")
    record_outcome(
        db,
        claim.case,
        interviewer,
        "APPOINTMENT",
        phone=claim.phone,
        now=MONDAY_10,
        appointment=request,
    )
    # At 22:30 the booked case is offered (and counted as due); the other, due but not
    # asked for, is not.
    assert dispatch.due_now(db, project, interviewer, EVENING) == 1
    offered = dispatch.next_case(db, project, interviewer, now=EVENING)
    assert offered is not None and offered.case.id == claim.case.id
    assert dispatch.next_case(db, project, interviewer, now=EVENING) is None
    dispatch.release_claim(db, offered.case, by=interviewer, reason="test")
    # Past the grace period the windows apply again: it waits for Tuesday 09:00.
    grace = projects.rules_of(project).appointment_grace_minutes
    late = EVENING + timedelta(minutes=grace + 1)
    assert dispatch.next_case(db, project, interviewer, now=late) is None
    db.refresh(offered.case)
    assert offered.case.next_call_at == MONDAY_10.replace(day=1, month=12, hour=9)
