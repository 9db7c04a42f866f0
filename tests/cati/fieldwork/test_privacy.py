"""Privacy: personal-field marks, pseudonymized exports, erasure, retention and opt-outs."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from cati import interviewing, questionnaire_store, reporting
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import catalogue, dispatch, projects
from cati.fieldwork.cases import import_cases, release_replicate
from cati.fieldwork.disposition import AppointmentRequest, record_outcome
from cati.fieldwork.erasure import due_for_purge, erase_case, purge
from cati.fieldwork.personal_fields import (
    analysis_fields,
    pseudonymizer,
    set_personal_fields,
    set_retention,
)
from cati.fieldwork.sample_import import CaseRecord
from cati.models import (
    Appointment,
    AuditEntry,
    CallAttempt,
    Case,
    CaseState,
    DoNotCall,
    Interview,
    Phone,
)
from tests.cati.fieldwork.conftest import MONDAY_10, fictional_number, make_cases, make_project
from tests.conftest import make_user

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"
PERSON = {"name": "Ana Pérez (fictional)", "street": "Calle Falsa 123", "region": "Norte"}
# opinion_poll.yaml declares the sample variable district: its cases carry it.
POLL_PERSON = {**PERSON, "district": "Centro"}


def audit_of(db, action):
    # In order of writing: without ORDER BY, PostgreSQL may return rows in any order (it
    # reuses the space of rows an earlier test deleted).
    return db.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def record(external_id, **sample_vars):
    return CaseRecord(
        external_id=external_id,
        phones=[(fictional_number(), "mobile")],
        time_zone="Europe/Madrid",
        sample_vars=sample_vars,
    )


# --- marks ---------------------------------------------------------------------------------


def test_sample_variables_are_personal_unless_marked_at_import(db, project):
    import_cases(db, project, [record("A1", **PERSON)], "s.csv", not_personal=["region"])
    assert project.personal_fields == {"name": True, "street": True, "region": False}
    assert analysis_fields(project) == ["region"]
    # A later import keeps the marks and notes its new variables as personal.
    import_cases(db, project, [record("A2", region="Sur", email="a@example.org")], "t")
    db.refresh(project)
    assert project.personal_fields == {
        "name": True,
        "street": True,
        "region": False,
        "email": True,
    }


def test_a_mark_for_a_variable_the_sample_lacks_imports_nothing(db, project):
    with pytest.raises(CatiError) as error:
        import_cases(db, project, [record("A1", **PERSON)], "s.csv", not_personal=["rgn"])
    assert error.value.code == ErrorCode.PRIVACY_FIELD_UNKNOWN and "rgn" in str(error.value)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Case)) == 0


def test_marks_are_set_exactly_and_audited(db, project):
    import_cases(db, project, [record("A1", **PERSON)], "s.csv")
    set_personal_fields(db, project, ["region", "street"], actor="cli")
    assert project.personal_fields == {"name": True, "street": False, "region": False}
    set_personal_fields(db, project, ["region"], actor="cli")
    assert project.personal_fields["street"] is True
    assert [e.details["not_personal"] for e in audit_of(db, "privacy.fields")] == [
        ["region", "street"],
        ["region"],
    ]
    with pytest.raises(CatiError, match="nope is not a sample variable"):
        set_personal_fields(db, project, ["nope"])


# --- pseudonyms ----------------------------------------------------------------------------


def test_pseudonyms_are_stable_per_project_and_differ_between_projects(db):
    first, second = make_project(db), make_project(db)
    assert first.pseudonym_key != second.pseudonym_key
    assert len(first.pseudonym_key) == 64
    one = pseudonymizer(first)
    assert one(42) == pseudonymizer(first)(42)
    assert one(42) != pseudonymizer(second)(42) and one(42) != one(43)
    assert len(one(42)) == 16 and int(one(42), 16) >= 0


@pytest.fixture
def interviewed(db, project, interviewer):
    """Two completed interviews; the sample carries a name, a street and a region."""
    questionnaire_store.pin(db, project, LIBRARY / "opinion_poll.yaml")
    for n in (1, 2):
        import_cases(
            db,
            project,
            [record(f"R{n}", **POLL_PERSON)],
            "s.csv",
            not_personal=["region", "district"],
        )
    release_replicate(db, project, 1, now=MONDAY_10)
    for _ in range(2):
        claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
        interview = interviewing.open_interview(db, claim.case, MONDAY_10, interviewer=interviewer)
        interview.status, interview.ended_at = "completed", MONDAY_10 + timedelta(minutes=9)
        record_outcome(db, claim.case, interviewer, "COMPLETE", now=MONDAY_10, notes="rang twice")
    return project


def test_data_files_carry_pseudonyms_and_analysis_variables_only(db, interviewed, tmp_path):
    out = tmp_path / "data.csv"
    reporting.export_data(db, interviewed, "csv", out)
    data = pd.read_csv(out, dtype=str)
    cases = db.scalars(select(Case).order_by(Case.id)).all()
    pseudonym = pseudonymizer(interviewed)
    assert sorted(data["case_id"]) == sorted(pseudonym(c.id) for c in cases)
    assert "region" in data.columns and not {"name", "street"} & set(data.columns)
    assert not data.isin(["R1", "R2", PERSON["name"]]).any().any()
    reporting.export_data(db, interviewed, "csv", tmp_path / "again.csv")
    assert pd.read_csv(tmp_path / "again.csv", dtype=str)["case_id"].tolist() == list(
        data["case_id"]
    )
    assert audit_of(db, "export.personal") == []


def test_personal_data_in_an_export_is_audited_with_who_and_when(db, interviewed, tmp_path):
    researcher = make_user(db, "researcher")
    out = tmp_path / "data.csv"
    reporting.export_data(db, interviewed, "csv", out, include_personal=True, by=researcher)
    data = pd.read_csv(out, dtype=str)
    assert sorted(data["case_id"]) == ["R1", "R2"] and set(data["name"]) == {PERSON["name"]}
    (entry,) = audit_of(db, "export.personal")
    assert (entry.actor, entry.details["what"]) == (researcher.username, "data:csv")
    assert entry.at is not None


def test_paradata_names_cases_by_the_same_pseudonyms_and_dials_no_number(db, interviewed):
    frame = reporting.paradata_frame(db, interviewed)
    pseudonym = pseudonymizer(interviewed)
    assert set(frame["case_id"]) == {pseudonym(c) for c in db.scalars(select(Case.id))}
    assert "number" not in frame.columns
    full = reporting.paradata_frame(db, interviewed, include_personal=True)
    assert set(full["case_id"]) == {"R1", "R2"}
    assert set(full["number"]) == set(db.scalars(select(Phone.number)))


# --- erasure -------------------------------------------------------------------------------


def test_erasure_removes_personal_data_and_keeps_the_statistics(db, interviewed, tmp_path):
    case = db.scalar(select(Case).where(Case.external_id == "R1"))
    number = case.phones[0].number
    case.web_token = "t" * 32
    db.add(
        Appointment(
            case_id=case.id,
            kind="hard",
            starts_at=MONDAY_10,
            ends_at=MONDAY_10,
            notes="ask for Ana",
        )
    )
    db.commit()
    answers = db.scalar(select(Interview.answers).where(Interview.case_id == case.id))
    before = reporting.paradata_frame(db, interviewed)

    erasure = erase_case(db, case, "request 2026-41", actor="cli", now=MONDAY_10)

    db.refresh(case)
    assert erasure.fields == ("name", "street") and erasure.phones == 1
    assert case.sample_vars == {"region": "Norte", "district": "Centro"}  # analysis variables
    assert case.external_id == f"erased-{case.id}" and case.web_token is None
    assert [p.number for p in case.phones] == [""]
    attempt = db.scalar(select(CallAttempt).where(CallAttempt.case_id == case.id))
    assert (attempt.number, attempt.notes, attempt.outcome) == ("", "", "COMPLETE")
    assert db.scalar(select(Appointment.notes)) == ""
    assert (case.state, case.final_outcome, case.erased_at) == (
        CaseState.FINAL,
        "COMPLETE",
        MONDAY_10,
    )
    assert db.scalar(select(Interview.answers).where(Interview.case_id == case.id)) == answers
    # The statistics do not move, and the pseudonym survives the new external id.
    assert reporting.paradata_frame(db, interviewed).equals(before)
    (entry,) = audit_of(db, "privacy.erase")
    logged = json.dumps(entry.details, ensure_ascii=False)
    assert entry.details["reason"] == "request 2026-41"
    assert PERSON["name"] not in logged and number not in logged and "R1" not in logged


def test_erasing_twice_changes_nothing_the_second_time(db, interviewed):
    case = db.scalar(select(Case).where(Case.external_id == "R1"))
    erase_case(db, case, "request", actor="cli")
    again = erase_case(db, case, "request", actor="cli")
    assert again.already and len(audit_of(db, "privacy.erase")) == 1


def test_erasure_needs_a_reason(db, interviewed):
    case = db.scalar(select(Case).where(Case.external_id == "R1"))
    with pytest.raises(CatiError) as error:
        erase_case(db, case, "  ")
    assert error.value.code == ErrorCode.REASON_REQUIRED


def test_a_case_in_a_call_or_an_interview_is_not_erased(db, project, interviewer):
    questionnaire_store.pin(db, project, LIBRARY / "opinion_poll.yaml")
    (case,) = make_cases(db, project, sample_vars=dict(POLL_PERSON))
    dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    with pytest.raises(CatiError) as error:
        erase_case(db, case, "request", do_not_call=True, now=MONDAY_10)
    assert error.value.code == ErrorCode.PRIVACY_CASE_BUSY
    db.refresh(case)
    assert case.erased_at is None and case.sample_vars == POLL_PERSON
    assert db.scalar(select(func.count()).select_from(DoNotCall)) == 0
    # A web respondent in the middle of the questionnaire holds it just the same.
    interviewing.open_interview(db, case, MONDAY_10, interviewer=interviewer)
    dispatch.release_claim(db, case, by=interviewer, reason="test")
    with pytest.raises(CatiError, match="in a call or an interview"):
        erase_case(db, case, "request", now=MONDAY_10)


def test_an_erased_case_still_in_fieldwork_is_closed_and_never_dialled(db, project, interviewer):
    (case,) = make_cases(db, project, sample_vars=dict(PERSON))
    record_outcome(
        db,
        dispatch.next_case(db, project, interviewer, now=MONDAY_10).case,
        interviewer,
        "REFUSAL_SOFT",
        now=MONDAY_10,
    )
    erase_case(db, case, "request", do_not_call=True, now=MONDAY_10)
    db.refresh(case)
    # The strongest outcome of its calls stays its disposition (AAPOR 2.111).
    assert (case.state, case.final_outcome, case.final_aapor) == (
        CaseState.FINAL,
        "REFUSAL_SOFT",
        "2.111",
    )
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10 + timedelta(days=4)) is None
    assert db.scalar(select(func.count()).select_from(DoNotCall)) == 1
    assert len(audit_of(db, "case.opt_out")) == 1


# --- retention -----------------------------------------------------------------------------


def test_the_purge_erases_cases_past_retention_once(db, interviewer):
    kept, short = make_project(db), make_project(db)
    set_retention(db, short, 30, actor="cli")
    for project in (kept, short):
        projects.assign(db, project, interviewer)
        make_cases(db, project, n=2, sample_vars=dict(PERSON))
        for _ in range(2):
            claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
            record_outcome(db, claim.case, interviewer, "REFUSAL_HARD", now=MONDAY_10)
    (unfinished,) = make_cases(db, short, sample_vars=dict(PERSON))

    assert due_for_purge(db, MONDAY_10 + timedelta(days=29)) == []
    later = MONDAY_10 + timedelta(days=31)
    due = due_for_purge(db, later)
    assert len(due) == 2 and due_for_purge(db, later, kept) == []
    ticks = []
    result = purge(db, due, now=later, progress=ticks.append)
    assert (result.erased, result.busy, sum(ticks)) == (2, 0, 2)
    erased = db.scalars(select(Case).where(Case.erased_at.is_not(None))).all()
    assert {c.project_id for c in erased} == {short.id}
    assert all(c.sample_vars == {} for c in erased)
    db.refresh(unfinished)
    assert unfinished.erased_at is None  # still in fieldwork: its clock has not started
    assert [e.details["cases"] for e in audit_of(db, "privacy.purge")] == [2]
    assert due_for_purge(db, later) == []


@pytest.mark.parametrize("days", [-1, 36501])
def test_a_retention_out_of_range_is_refused(db, project, days):
    with pytest.raises(CatiError) as error:
        set_retention(db, project, days)
    assert error.value.code == ErrorCode.PRIVACY_RETENTION_INVALID
    db.refresh(project)
    assert project.retention_days is None


# --- opt-outs ------------------------------------------------------------------------------


def test_an_opt_out_is_a_final_refusal_offered_to_interviewers(db, project):
    opt_out = catalogue.by_code(db, project)["OPT_OUT"]
    assert (opt_out.aapor, opt_out.final, opt_out.system, opt_out.opt_out) == (
        "2.11",
        True,
        False,
        True,
    )


def test_an_opt_out_puts_every_number_of_the_case_on_the_do_not_call_list(db, project, interviewer):
    (case,) = make_cases(db, project, phones=2)
    numbers = {p.number for p in case.phones}
    # Another project's case shares the first number: it is not dialled either.
    other = make_project(db)
    projects.assign(db, other, interviewer)
    shared = CaseRecord("S1", [(case.phones[0].number, "mobile")], "Europe/Madrid")
    import_cases(db, other, [shared], "o.csv")
    release_replicate(db, other, 1, now=MONDAY_10)

    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, "OPT_OUT", now=MONDAY_10)
    db.refresh(case)
    assert (case.state, case.final_aapor) == (CaseState.FINAL, "2.11")
    assert set(db.scalars(select(DoNotCall.number))) == numbers
    assert {p.status for p in case.phones} == {"dnc"}
    (entry,) = audit_of(db, "case.opt_out")
    assert entry.details == {"numbers": 2, "newly_listed": 2}
    assert dispatch.next_case(db, other, interviewer, now=MONDAY_10) is None


def test_an_appointment_note_is_kept_until_erasure(db, project, interviewer):
    (case,) = make_cases(db, project, sample_vars=dict(PERSON))
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    booked = AppointmentRequest("hard", MONDAY_10 + timedelta(days=1), notes="ask for Ana")
    record_outcome(db, claim.case, interviewer, "APPOINTMENT", now=MONDAY_10, appointment=booked)
    assert db.scalar(select(Appointment.notes)) == "ask for Ana"
    erase_case(db, case, "request", now=MONDAY_10)
    assert db.scalar(select(Appointment.notes)) == ""


def test_a_supervisor_cannot_reopen_an_erased_case_and_an_opt_out_set_by_hand_lists_numbers(
    db, project
):
    from cati.fieldwork import supervision

    supervisor = make_user(db, "supervisor")
    erased, refusing = make_cases(db, project, n=2, sample_vars=dict(PERSON))
    erase_case(db, erased, "request", now=MONDAY_10)
    with pytest.raises(CatiError) as error:
        supervision.set_outcome(
            db, erased, "NO_ANSWER", by=supervisor, reason="call again", now=MONDAY_10
        )
    assert error.value.code == ErrorCode.PRIVACY_CASE_ERASED
    db.rollback()
    db.refresh(erased)
    assert erased.state == CaseState.FINAL
    number = refusing.phones[0].number
    supervision.set_outcome(
        db, refusing, "OPT_OUT", by=supervisor, reason="asked by e-mail", now=MONDAY_10
    )
    assert list(db.scalars(select(DoNotCall.number))) == [number]
    assert (refusing.state, refusing.final_aapor) == (CaseState.FINAL, "2.11")


def test_the_purge_leaves_a_case_in_a_call_for_the_next_run(db, project, interviewer):
    set_retention(db, project, 0)
    held, free = make_cases(db, project, n=2, sample_vars=dict(PERSON))
    for _ in range(2):
        claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
        record_outcome(db, claim.case, interviewer, "REFUSAL_HARD", now=MONDAY_10)
    later = MONDAY_10 + timedelta(days=1)
    held.claimed_by_id, held.claim_expires_at = interviewer.id, later + timedelta(minutes=5)
    db.commit()
    result = purge(db, due_for_purge(db, later), now=later)
    assert (result.erased, result.busy) == (1, 1)
    db.refresh(held)
    db.refresh(free)
    assert held.erased_at is None and held.sample_vars == PERSON
    assert free.erased_at == later
    assert due_for_purge(db, later) == [held.id]


def test_a_console_export_with_personal_data_is_audited_in_its_submitters_name(
    app, db, interviewed
):
    import cati.job_kinds  # noqa: F401  (registers the data runner)
    from cati import jobs

    researcher = make_user(db, "researcher")
    plain = jobs.submit(db, interviewed, "data", {"format": "csv"}, by=researcher)
    full = jobs.submit(db, interviewed, "data", {"format": "csv", "personal": True}, by=researcher)
    factory = app.extensions["cati.sessionmaker"]
    assert jobs.run(factory, plain.id) == jobs.run(factory, full.id) == "done"
    (entry,) = audit_of(db, "export.personal")
    assert (entry.actor, entry.user_id) == (researcher.username, researcher.id)
    db.refresh(plain)
    assert "R1" not in jobs.output_of(db, plain).decode("utf-8-sig")


def test_the_paradata_command_names_numbers_only_when_asked_and_audits_it(
    db, interviewed, tmp_path, monkeypatch, database_url
):
    from click.testing import CliRunner

    from cati import cli
    from cati.export_commands import export

    monkeypatch.setenv("CATI_DATABASE_URL", database_url)
    monkeypatch.setenv("CATI_INSTANCE_PATH", str(tmp_path))
    cli._app.cache_clear()
    try:
        out = tmp_path / "calls.csv"
        args = ["paradata", interviewed.code, "--out", str(out)]
        assert CliRunner().invoke(export, args).exit_code == 0
        assert "number" not in pd.read_csv(out).columns and audit_of(db, "export.personal") == []
        assert CliRunner().invoke(export, [*args, "--include-personal"]).exit_code == 0
        assert "number" in pd.read_csv(out).columns
        (entry,) = audit_of(db, "export.personal")
        assert (entry.actor, entry.details["what"]) == ("cli", "paradata")
    finally:
        cli._app.cache_clear()
