"""Closing attempts: final outcomes, rescheduling, phones, appointments and the final logic."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from cati.errors import CatiError, ErrorCode
from cati.fieldwork import dispatch, presence, projects
from cati.fieldwork.catalogue import set_outcome
from cati.fieldwork.disposition import AppointmentRequest, close_call, record_outcome
from cati.fieldwork.rules import slot_of
from cati.models import Appointment, AuditEntry, CallAttempt, CaseState
from tests.cati.fieldwork.conftest import MADRID, MONDAY_10, make_cases, make_project
from tests.conftest import make_user


def call(db, project, interviewer, outcome, now, **kwargs):
    claim = dispatch.next_case(db, project, interviewer, now=now)
    assert claim is not None, f"no case due at {now}"
    record_outcome(db, claim.case, interviewer, outcome, phone=claim.phone, now=now, **kwargs)
    db.refresh(claim.case)
    return claim.case


def test_a_complete_finalizes_the_case_with_aapor_1_1(db, project, interviewer):
    make_cases(db, project)
    case = call(db, project, interviewer, "COMPLETE", MONDAY_10)
    assert (case.state, case.final_outcome, case.final_aapor) == (
        CaseState.FINAL,
        "COMPLETE",
        "1.1",
    )
    assert case.claimed_by_id is None
    attempt = db.scalar(select(CallAttempt))
    assert (attempt.outcome, attempt.slot, attempt.interviewer_id) == (
        "COMPLETE",
        "morning",
        interviewer.id,
    )


def test_no_answer_is_called_again_exactly_its_delay_later_inside_the_window(
    db, project, interviewer
):
    make_cases(db, project)
    case = call(db, project, interviewer, "NO_ANSWER", MONDAY_10)
    assert case.state == CaseState.ACTIVE
    assert case.next_call_at == MONDAY_10 + timedelta(hours=2)


def test_busy_at_thursday_18_37_is_called_at_18_52_not_in_a_later_slot(db, project, interviewer):
    """Issue 19: the evening window is open, so the 15-minute delay holds to the minute,
    though the case was tried in the evening and afternoon already."""
    make_cases(db, project)
    thursday = MONDAY_10 + timedelta(days=3)
    call(db, project, interviewer, "NO_ANSWER", thursday + timedelta(hours=5))  # afternoon
    case = call(db, project, interviewer, "BUSY", thursday + timedelta(hours=8, minutes=37))
    assert case.next_call_at.astimezone(MADRID).strftime("%a %H:%M") == "Thu 18:52"
    assert slot_of(projects.rules_of(project), "Europe/Madrid", case.next_call_at) == "evening"


def test_a_refusal_is_not_overwritten_by_maximum_attempts(db, interviewer):
    project = make_project(db, rules={"max_attempts_case": 3})
    projects.assign(db, project, interviewer)
    (case,) = make_cases(db, project)
    now = MONDAY_10
    for outcome in ["REFUSAL_SOFT", "NO_ANSWER", "NO_ANSWER"]:
        db.refresh(case)
        now = max(now, case.next_call_at)
        call(db, project, interviewer, outcome, now)
    db.refresh(case)
    assert (case.state, case.final_outcome, case.final_aapor) == (
        CaseState.FINAL,
        "REFUSAL_SOFT",
        "2.111",
    )


def test_only_no_answers_end_as_maximum_attempts(db, interviewer):
    project = make_project(db, rules={"max_attempts_case": 2})
    projects.assign(db, project, interviewer)
    (case,) = make_cases(db, project)
    call(db, project, interviewer, "NO_ANSWER", MONDAY_10)
    db.refresh(case)
    call(db, project, interviewer, "NO_ANSWER", case.next_call_at)
    db.refresh(case)
    assert (case.final_outcome, case.final_aapor) == ("MAX_ATTEMPTS", "3.13")


def test_a_wrong_number_moves_straight_to_the_next_phone(db, project, interviewer):
    make_cases(db, project, phones=2)
    first = call(db, project, interviewer, "WRONG_NUMBER", MONDAY_10)
    assert first.state == CaseState.ACTIVE
    assert first.next_call_at == MONDAY_10
    assert [p.status for p in first.phones] == ["dead", "active"]
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    assert claim.phone.position == 2


def test_a_case_with_no_callable_phone_left_is_finalized_with_its_strongest_outcome(
    db, project, interviewer
):
    make_cases(db, project, phones=1)
    case = call(db, project, interviewer, "NON_WORKING", MONDAY_10)
    assert (case.state, case.final_outcome, case.final_aapor) == (
        CaseState.FINAL,
        "NON_WORKING",
        "4.30",
    )


def test_a_phone_reaching_its_own_maximum_is_set_aside(db, interviewer):
    project = make_project(db, rules={"max_attempts_phone": 1})
    projects.assign(db, project, interviewer)
    make_cases(db, project, phones=2)
    case = call(db, project, interviewer, "BUSY", MONDAY_10)
    assert [p.status for p in case.phones] == ["exhausted", "active"]
    assert case.state == CaseState.ACTIVE


def test_system_and_unknown_outcomes_are_refused_and_change_nothing(db, project, interviewer):
    make_cases(db, project)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    for code, expected in [
        ("MAX_ATTEMPTS", ErrorCode.OUTCOME_SYSTEM),
        ("NOPE", ErrorCode.OUTCOME_UNKNOWN),
    ]:
        with pytest.raises(CatiError) as caught:
            record_outcome(db, claim.case, interviewer, code, now=MONDAY_10)
        assert caught.value.code is expected
    db.rollback()
    assert db.scalars(select(CallAttempt)).all() == []


def test_only_the_claiming_interviewer_may_close_the_attempt(db, project, interviewer):
    make_cases(db, project)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    other = make_user(db, "interviewer")
    with pytest.raises(CatiError) as caught:
        record_outcome(db, claim.case, other, "NO_ANSWER", now=MONDAY_10)
    assert caught.value.code is ErrorCode.CASE_NOT_CLAIMED


def test_every_close_is_audited(db, project, interviewer):
    make_cases(db, project)
    call(db, project, interviewer, "BUSY", MONDAY_10)
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["case.claim", "call.close"]


# --- appointments -----------------------------------------------------------------------


def book(db, project, interviewer, request, now=MONDAY_10):
    claim = dispatch.next_case(db, project, interviewer, now=now)
    record_outcome(
        db, claim.case, interviewer, "APPOINTMENT", phone=claim.phone, now=now, appointment=request
    )
    db.refresh(claim.case)
    return claim.case


def test_a_hard_appointment_comes_before_every_waiting_case(db, project, interviewer):
    make_cases(db, project, n=5)
    at = MONDAY_10 + timedelta(hours=3)
    booked = book(db, project, interviewer, AppointmentRequest("hard", at))
    assert (booked.rank, booked.next_call_at) == (0, at)
    assert dispatch.next_case(db, project, interviewer, now=at).case.id == booked.id


def test_a_soft_appointment_comes_after_hard_ones_and_before_the_rest(db, project, interviewer):
    make_cases(db, project, n=4)
    at = MONDAY_10 + timedelta(hours=1)
    soft = book(db, project, interviewer, AppointmentRequest("soft", at, at + timedelta(hours=2)))
    hard = book(db, project, interviewer, AppointmentRequest("hard", at + timedelta(minutes=30)))
    later = at + timedelta(hours=1)
    assert dispatch.next_case(db, project, interviewer, now=later).case.id == hard.id
    assert dispatch.next_case(db, project, interviewer, now=later).case.id == soft.id


def test_a_personal_appointment_waits_for_its_interviewer_then_falls_back(db, project, interviewer):
    make_cases(db, project, n=1)
    colleague = make_user(db, "interviewer")
    projects.assign(db, project, colleague)
    at = MONDAY_10 + timedelta(hours=2)
    booked = book(db, project, interviewer, AppointmentRequest("hard", at, personal=True))
    assert dispatch.next_case(db, project, colleague, now=at) is None
    grace = projects.rules_of(project).appointment_grace_minutes
    after_grace = at + timedelta(minutes=grace + 1)
    assert dispatch.next_case(db, project, colleague, now=after_grace).case.id == booked.id


def test_appointments_outside_the_window_or_in_the_past_are_refused(db, project, interviewer):
    make_cases(db, project)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    sunday = MONDAY_10 + timedelta(days=6)
    for when, code in [
        (sunday, ErrorCode.APPOINTMENT_OUTSIDE_WINDOW),
        (MONDAY_10 - timedelta(hours=1), ErrorCode.APPOINTMENT_IN_PAST),
    ]:
        with pytest.raises(CatiError) as caught:
            record_outcome(
                db,
                claim.case,
                interviewer,
                "APPOINTMENT",
                now=MONDAY_10,
                appointment=AppointmentRequest("hard", when),
            )
        assert caught.value.code is code
    db.rollback()
    assert db.scalars(select(Appointment)).all() == []


def test_a_hard_appointment_not_called_within_the_rules_minutes_is_missed(db, project, interviewer):
    """missed_appointment_minutes: 30. Booked for 11:00, not called by 11:30: the
    appointment is missed (audited) and its case goes back in line with normal priority,
    behind the cases that were waiting longer; a later call leaves it missed."""
    projects.set_rules(db, project, {"missed_appointment_minutes": 30})
    make_cases(db, project, n=3)
    at = MONDAY_10 + timedelta(hours=1)
    booked = book(db, project, interviewer, AppointmentRequest("hard", at, personal=True))
    assert dispatch.mark_missed_appointments(db, now=at + timedelta(minutes=29)) == 0
    assert db.scalar(select(Appointment.status)) == "pending"
    later = at + timedelta(minutes=31)
    assert dispatch.mark_missed_appointments(db, now=later) == 1
    db.refresh(booked)
    assert db.scalar(select(Appointment.status)) == "missed"
    assert (booked.rank, booked.reserved_for_id, booked.next_call_at) == (2, None, at)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "appointment.missed"))
    assert (entry.object_id, entry.details["minutes"]) == (str(booked.id), 30)
    others = [dispatch.next_case(db, project, interviewer, now=later) for _ in range(2)]
    assert booked.id not in {claim.case.id for claim in others}  # released at 10:00, first
    claim = dispatch.next_case(db, project, interviewer, now=later)
    assert claim.case.id == booked.id  # due again all the same
    record_outcome(db, claim.case, interviewer, "COMPLETE", now=later)
    assert db.scalar(select(Appointment.status)) == "missed"
    assert dispatch.mark_missed_appointments(db, now=later + timedelta(hours=1)) == 0


def test_a_case_on_a_call_and_a_soft_window_still_open_are_not_missed(db, project, interviewer):
    projects.set_rules(db, project, {"claim_minutes": 120})  # a long call
    make_cases(db, project, n=2)
    hard, soft = MONDAY_10 + timedelta(hours=1), MONDAY_10 + timedelta(hours=2)
    on_call = book(db, project, interviewer, AppointmentRequest("hard", hard))
    book(db, project, interviewer, AppointmentRequest("soft", soft, soft + timedelta(hours=2)))
    assert dispatch.next_case(db, project, interviewer, now=hard).case.id == on_call.id
    # 65 minutes after the hard one (rules: 60) its call goes on; the soft window is open
    assert dispatch.mark_missed_appointments(db, now=hard + timedelta(minutes=65)) == 0
    assert db.scalar(select(func.count()).where(Appointment.status == "missed")) == 0
    # window end + 59 minutes: only the hard one, its claim lapsed at 13:00 unkept
    assert dispatch.mark_missed_appointments(db, now=soft + timedelta(minutes=179)) == 1
    assert db.scalar(select(Appointment.kind).where(Appointment.status == "missed")) == "hard"
    assert dispatch.mark_missed_appointments(db, now=soft + timedelta(minutes=181)) == 1
    assert db.scalar(select(Appointment.status).where(Appointment.kind == "soft")) == "missed"


def test_an_appointment_time_is_reported_in_the_respondents_zone(db, project, interviewer):
    make_cases(db, project)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    sunday_noon = MONDAY_10.replace(day=6, month=12, hour=12).astimezone(MADRID)
    with pytest.raises(CatiError) as caught:
        record_outcome(
            db,
            claim.case,
            interviewer,
            "APPOINTMENT",
            now=MONDAY_10,
            appointment=AppointmentRequest("hard", sunday_noon),
        )
    message = str(caught.value)
    assert "2026-12-06 12:00 CET" in message
    assert "2026-12-07 09:00 CET" in message


def test_a_project_can_edit_its_catalogue_and_add_outcomes(db, project, interviewer):
    set_outcome(db, project, "BUSY", delay_minutes=30)
    set_outcome(
        db,
        project,
        "CALLBACK_SUPERVISOR",
        label_en="Supervisor to call",
        label_es="Llamará el supervisor",
        aapor="2.30",
        delay_minutes=24 * 60,
        contact=True,
    )
    make_cases(db, project)
    case = call(db, project, interviewer, "CALLBACK_SUPERVISOR", MONDAY_10)
    assert case.state == CaseState.ACTIVE
    assert case.next_call_at >= MONDAY_10 + timedelta(days=1)


@pytest.mark.parametrize(
    ("code", "fields", "field"),
    [
        ("BUSY", {"delay_minutes": -1}, "delay_minutes"),
        ("BUSY", {"aapor": "9.9"}, "aapor"),
        ("BUSY", {"eligible": "maybe"}, "eligible"),
        ("BUSY", {"colour": "red"}, "colour"),
        ("NEW_ONE", {"label_en": "New"}, "label_es"),
        ("bad code", {}, "code"),
    ],
)
def test_bad_outcome_settings_are_refused_naming_the_field(db, project, code, fields, field):
    with pytest.raises(CatiError) as caught:
        set_outcome(db, project, code, **fields)
    assert caught.value.code is ErrorCode.OUTCOME_INVALID
    assert caught.value.params["field"] == field


def test_a_number_whose_attempts_ran_out_ends_as_maximum_attempts_not_as_non_working(
    db, interviewer
):
    """Unanswered is eligibility unknown (AAPOR 3.13), not a non-working number (4.30)."""
    project = make_project(db, rules={"max_attempts_phone": 2})
    projects.assign(db, project, interviewer)
    (case,) = make_cases(db, project)
    call(db, project, interviewer, "NO_ANSWER", MONDAY_10)
    db.refresh(case)
    case = call(db, project, interviewer, "NO_ANSWER", case.next_call_at)
    assert [p.status for p in case.phones] == ["exhausted"]
    assert (case.state, case.final_outcome, case.final_aapor) == (
        CaseState.FINAL,
        "MAX_ATTEMPTS",
        "3.13",
    )


def test_closing_a_call_records_the_outcome_and_frees_the_interviewer_in_one_commit(
    db, project, interviewer
):
    make_cases(db, project)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    presence.set_status(db, interviewer, "on_call", MONDAY_10, project_id=project.id)
    db.commit()
    commits = []
    count = commits.append
    event.listen(db, "after_commit", count)
    try:
        close_call(db, claim.case, interviewer, "NO_ANSWER", now=MONDAY_10, notes="rang out")
    finally:
        event.remove(db, "after_commit", count)
    assert len(commits) == 1
    assert [a.outcome for a in db.scalars(select(CallAttempt))] == ["NO_ANSWER"]
    assert presence.current(db, interviewer).status == "available"


def test_a_refused_outcome_leaves_the_interviewer_on_the_call(db, project, interviewer):
    make_cases(db, project)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    presence.set_status(db, interviewer, "on_call", MONDAY_10, project_id=project.id)
    db.commit()
    with pytest.raises(CatiError) as caught:
        close_call(db, claim.case, interviewer, "NOPE", now=MONDAY_10)
    assert caught.value.code is ErrorCode.OUTCOME_UNKNOWN
    assert presence.current(db, interviewer).status == "on_call"
    assert db.scalars(select(CallAttempt)).all() == []


@pytest.mark.parametrize("code", ["COMPLETE", "PARTIAL", "QUOTA_FULL", "NOT_ELIGIBLE"])
def test_the_case_screen_cannot_record_an_outcome_only_an_interview_gives(
    db, project, interviewer, code
):
    make_cases(db, project)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    presence.set_status(db, interviewer, "on_call", MONDAY_10, project_id=project.id)
    db.commit()
    with pytest.raises(CatiError) as caught:
        close_call(db, claim.case, interviewer, code, now=MONDAY_10)
    assert caught.value.code is ErrorCode.OUTCOME_NEEDS_INTERVIEW
    assert db.scalars(select(CallAttempt)).all() == []
    assert claim.case.state != CaseState.FINAL
    assert presence.current(db, interviewer).status == "on_call"
