"""Respondents calling in: any number format, released cases only, the supervisor's queue."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cati.errors import CatiError, ErrorCode
from cati.fieldwork import inbound, projects
from cati.fieldwork.disposition import record_outcome
from cati.models import AuditEntry, Case, CaseState, InboundCall
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

US = "+18405550196"
UK = "+447700900123"


def numbered(db, project, number, **kwargs):
    (case,) = make_cases(db, project, **kwargs)
    case.phones[0].number = number
    db.commit()
    return case


@pytest.fixture
def supervisor(db, project):
    user = make_user(db, "supervisor")
    projects.assign(db, project, user)
    return user


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("+1 840-555-0196", US),
        ("8405550196", US),
        ("1 (840) 555-0196", US),
        ("0018405550196", US),
        ("5550196", US),  # the last digits, within the project
        ("07700 900123", UK),  # national, with its trunk prefix
        ("+44 7700 900123", UK),
        ("0044 7700 900123", UK),
    ],
)
def test_a_caller_is_found_whatever_format_the_number_is_typed_in(
    db, project, interviewer, typed, number
):
    case = numbered(db, project, number)
    late = MONDAY_10.replace(hour=23)  # calling windows do not apply: the respondent called
    claim = inbound.claim_inbound(db, project, interviewer, typed, now=late)
    assert (claim.case.id, claim.phone.number) == (case.id, number)


def test_last_digits_matching_several_cases_ask_for_more(db, project, interviewer):
    numbered(db, project, US)
    numbered(db, project, "+12025550196")
    with pytest.raises(CatiError) as caught:
        inbound.claim_inbound(db, project, interviewer, "5550196", now=MONDAY_10)
    assert caught.value.code is ErrorCode.INBOUND_AMBIGUOUS
    assert inbound.claim_inbound(db, project, interviewer, "840 555 0196", now=MONDAY_10)


def test_another_projects_case_is_not_found(db, project, interviewer):
    numbered(db, make_project(db), US)
    with pytest.raises(CatiError) as caught:
        inbound.claim_inbound(db, project, interviewer, "5550196", now=MONDAY_10)
    assert caught.value.code is ErrorCode.INBOUND_UNKNOWN


def test_an_unreleased_case_waits_for_a_supervisor_to_let_it_in(
    db, project, interviewer, supervisor
):
    case = numbered(db, project, US, release=False)
    with pytest.raises(CatiError) as caught:
        inbound.claim_inbound(
            db, project, interviewer, "8405550196", note="saw the letter", now=MONDAY_10
        )
    assert caught.value.code is ErrorCode.INBOUND_UNRELEASED
    assert case.state == CaseState.UNRELEASED and case.claimed_by_id is None
    (call,) = inbound.open_calls(db, project)
    assert (call.case_id, call.number, call.note, call.reason) == (
        case.id,
        US,
        "saw the letter",
        "unreleased",
    )
    inbound.let_in(db, call, by=supervisor, reason="respondent on the line", now=MONDAY_10)
    assert (case.state, call.status) == (CaseState.ACTIVE, "done")
    assert inbound.claim_inbound(db, project, interviewer, US, now=MONDAY_10).case.id == case.id
    with pytest.raises(CatiError) as caught:
        inbound.let_in(db, call, by=supervisor, reason="again", now=MONDAY_10)
    assert caught.value.code is ErrorCode.INBOUND_DECIDED


def test_a_closed_case_calling_back_is_reopened_by_a_supervisor_with_its_phones(
    db, interviewer, supervisor
):
    project = make_project(db, rules={"max_attempts_case": 1, "max_attempts_phone": 1})
    for user in (interviewer, supervisor):
        projects.assign(db, project, user)
    case = numbered(db, project, US)
    claim = inbound.claim_inbound(db, project, interviewer, case.external_id, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, "NO_ANSWER", now=MONDAY_10)
    assert (case.final_outcome, case.phones[0].status) == ("MAX_ATTEMPTS", "exhausted")
    later = MONDAY_10 + timedelta(hours=3)
    with pytest.raises(CatiError) as caught:
        inbound.claim_inbound(db, project, interviewer, US, now=later)
    assert caught.value.code is ErrorCode.INBOUND_FINAL
    (call,) = inbound.open_calls(db, project)
    inbound.reopen_case(db, call, by=supervisor, reason="she called back", now=later)
    assert (case.state, case.phones[0].status, call.status) == (CaseState.ACTIVE, "active", "done")
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["inbound.pass_on", "inbound.reopen", "case.reopen"]
    assert inbound.claim_inbound(db, project, interviewer, US, now=later).case.id == case.id


def test_an_unknown_caller_is_recorded_and_becomes_a_case_where_the_project_allows(
    db, project, interviewer, supervisor
):
    at = MONDAY_10.replace(hour=20)
    with pytest.raises(CatiError) as caught:
        inbound.claim_inbound(
            db, project, interviewer, "+1 840 555 0196", note="heard about the study", now=at
        )
    assert caught.value.code is ErrorCode.INBOUND_UNKNOWN
    call = db.scalar(select(InboundCall))
    assert (call.number, call.at, call.note, call.case_id) == (
        US,
        at,
        "heard about the study",
        None,
    )
    with pytest.raises(CatiError) as caught:
        inbound.add_case(db, call, by=supervisor, reason="volunteer", now=at)
    assert caught.value.code is ErrorCode.INBOUND_NO_NEW_CASES
    db.rollback()
    project.inbound_new_cases = True
    db.commit()
    case = inbound.add_case(db, call, by=supervisor, reason="volunteer", now=at)
    assert (case.external_id, case.state, case.phones[0].number) == (
        f"IN-{call.id}",
        CaseState.ACTIVE,
        US,
    )
    assert case.time_zone.startswith("America/")
    assert inbound.claim_inbound(db, project, interviewer, "5550196", now=at).case.id == case.id
    assert db.scalar(select(Case.id).where(Case.id == call.case_id)) == case.id


def test_a_supervisor_dismisses_a_call_with_a_reason(db, project, interviewer, supervisor):
    with pytest.raises(CatiError):
        inbound.claim_inbound(db, project, interviewer, "5550123", now=MONDAY_10)
    (call,) = inbound.open_calls(db, project)
    with pytest.raises(CatiError) as caught:
        inbound.dismiss(db, call, by=supervisor, reason="")
    assert caught.value.code is ErrorCode.REASON_REQUIRED
    inbound.dismiss(db, call, by=supervisor, reason="wrong number")
    assert inbound.open_calls(db, project) == []
