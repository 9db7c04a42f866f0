"""The interviewer's case screen through the test client, with the clock set to a Monday."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cati import questionnaire_store
from cati.fieldwork import dispatch, projects
from cati.models import Appointment, CallAttempt, Case, Interview
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import csrf_token, make_user


@pytest.fixture
def monday(app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    return MONDAY_10


@pytest.fixture
def working(db, login_as, monday):
    """An interviewer logged in and assigned to a project with two released cases."""
    user = login_as("interviewer")
    project = make_project(db, name="Encuesta de movilidad")
    projects.assign(db, project, user)
    cases = make_cases(db, project, n=2, sample_vars={"region": "Norte"})
    return user, project, cases


def claim_next(client, project):
    token = csrf_token(client, "/interviewer/")
    return client.post(f"/interviewer/{project.code}/next", data={"csrf_token": token})


def test_the_workstation_lists_assigned_projects_with_cases_due(client, working):
    page = client.get("/interviewer/").get_data(as_text=True)
    assert "Encuesta de movilidad" in page
    assert "2 cases due now" in page


def test_next_case_opens_the_case_screen_with_dialable_phones_and_local_time(client, working):
    _, project, cases = working
    response = claim_next(client, project)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'href="tel:{cases[0].phones[0].number}"' in page
    assert "Respondent: Mon 10:00 CET (Europe/Madrid)" in page
    assert "inside the calling window" in page
    assert "Norte" in page


def test_saving_an_outcome_records_the_attempt_and_frees_the_case(client, db, working):
    _, project, _ = working
    location = claim_next(client, project).headers["Location"]
    token = csrf_token(client, location)
    response = client.post(location, data={"csrf_token": token, "outcome": "NO_ANSWER"})
    assert response.status_code == 302
    attempt = db.scalar(select(CallAttempt))
    assert attempt.outcome == "NO_ANSWER"
    assert db.get(Case, attempt.case_id).claimed_by_id is None
    assert "Outcome saved" in client.get("/interviewer/").get_data(as_text=True)


def test_a_call_back_is_booked_in_the_respondents_time(client, db, working):
    _, project, _ = working
    location = claim_next(client, project).headers["Location"]
    token = csrf_token(client, location)
    data = {
        "csrf_token": token,
        "outcome": "APPOINTMENT",
        "callback_kind": "hard",
        "callback_date": "2026-12-01",
        "callback_time": "19:30",
    }
    assert client.post(location, data=data).status_code == 302
    appointment = db.scalar(select(Appointment))
    assert appointment.starts_at == MONDAY_10.replace(day=1, month=12, hour=19, minute=30)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "Give the call-back&#39;s date and time."),
        ({"callback_date": "2026-12-06", "callback_time": "12:00"}, "outside the calling windows"),
    ],
)
def test_a_bad_call_back_is_refused_beside_the_field_and_saves_nothing(
    client, db, working, extra, message
):
    _, project, _ = working
    location = claim_next(client, project).headers["Location"]
    token = csrf_token(client, location)
    data = {"csrf_token": token, "outcome": "APPOINTMENT", "callback_kind": "hard", **extra}
    response = client.post(location, data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.scalars(select(CallAttempt)).all() == []
    assert db.scalars(select(Appointment)).all() == []


def test_another_interviewers_case_answers_403(client, db, working, app):
    _, project, _ = working
    location = claim_next(client, project).headers["Location"]
    other_client = app.test_client()
    other = make_user(db, "interviewer")
    projects.assign(db, project, other)
    from tests.conftest import post_login

    post_login(other_client, other.username)
    assert other_client.get(location).status_code == 403


def test_an_unassigned_projects_next_case_answers_403(client, db, working):
    stranger = make_project(db)
    token = csrf_token(client, "/interviewer/")
    response = client.post(f"/interviewer/{stranger.code}/next", data={"csrf_token": token})
    assert response.status_code == 403


def test_an_inbound_caller_is_found_by_case_id(client, db, working):
    _, project, cases = working
    token = csrf_token(client, "/interviewer/")
    response = client.post(
        f"/interviewer/{project.code}/inbound",
        data={"csrf_token": token, "query": cases[1].external_id},
    )
    assert response.headers["Location"] == f"/interviewer/case/{cases[1].id}"


def test_nothing_due_says_so(client, db, working, app):
    _, project, _ = working
    app.config["CATI_CLOCK"] = lambda: MONDAY_10 + timedelta(hours=12)  # 22:00: windows shut
    response = claim_next(client, project)
    assert response.headers["Location"] == "/interviewer/"
    assert "No case is due right now" in client.get("/interviewer/").get_data(as_text=True)


def spells(db, user):
    from cati.models import StatusSpell

    db.expire_all()
    return db.scalars(
        select(StatusSpell.status).where(StatusSpell.user_id == user.id).order_by(StatusSpell.id)
    ).all()


def test_status_follows_log_in_calls_outcomes_breaks_and_log_out(client, db, working):
    user, project, _ = working
    assert spells(db, user) == ["available"]
    location = claim_next(client, project).headers["Location"]
    token = csrf_token(client, location)
    client.post(location, data={"csrf_token": token, "outcome": "BUSY"})
    assert spells(db, user) == ["available", "on_call", "available"]
    token = csrf_token(client, "/interviewer/")
    client.post("/interviewer/break", data={"csrf_token": token})
    page = client.get("/interviewer/").get_data(as_text=True)
    assert "On a break since" in page
    client.post("/interviewer/back", data={"csrf_token": token})
    client.post("/logout", data={"csrf_token": token})
    assert spells(db, user) == [
        "available",
        "on_call",
        "available",
        "break",
        "available",
        "offline",
    ]


def test_a_break_is_suggested_after_a_long_stretch_of_work(client, db, working, app):
    page = client.get("/interviewer/").get_data(as_text=True)
    assert "break-hint" not in page
    app.config["CATI_CLOCK"] = lambda: MONDAY_10 + timedelta(minutes=111)
    assert "break-hint" in client.get("/interviewer/").get_data(as_text=True)


def test_a_paused_project_gives_no_case_and_says_why(client, db, working):
    _, project, _ = working
    project.status = "paused"
    db.commit()
    response = claim_next(client, project)
    assert response.status_code == 302 and response.headers["Location"].endswith("/interviewer/")
    assert "is paused or closed" in client.get("/interviewer/").get_data(as_text=True)
    assert db.scalar(select(Case.id).where(Case.claimed_by_id.is_not(None))) is None


def test_the_case_screen_offers_no_outcome_that_only_an_interview_gives(client, db, working):
    _, project, _ = working
    location = claim_next(client, project).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert 'value="NO_ANSWER"' in page
    for code in ("COMPLETE", "PARTIAL", "QUOTA_FULL", "NOT_ELIGIBLE"):
        assert f'value="{code}"' not in page
    token = csrf_token(client, location)
    response = client.post(location, data={"csrf_token": token, "outcome": "COMPLETE"})
    assert response.status_code == 400
    assert db.scalar(select(CallAttempt)) is None


def test_cases_due_by_time_but_outside_their_window_are_not_counted_as_due_now(
    app, client, db, working
):
    _, project, cases = working  # due since Monday 10:00
    reserved = make_user(db, "interviewer")
    cases[1].reserved_for_id = reserved.id
    cases[1].reserved_until = MONDAY_10 + timedelta(days=1)
    db.commit()
    assert "1 case due now" in client.get("/interviewer/").get_data(as_text=True)
    app.config["CATI_CLOCK"] = lambda: MONDAY_10.replace(hour=22)  # windows closed at 21:00
    assert "0 cases due now" in client.get("/interviewer/").get_data(as_text=True)
    response = claim_next(client, project)
    assert response.headers["Location"].endswith("/interviewer/")
    assert db.scalar(select(Case).where(Case.claimed_by_id.is_not(None))) is None


def claim_any(client):
    token = csrf_token(client, "/interviewer/")
    return client.post("/interviewer/next", data={"csrf_token": token})


def test_three_quick_ns_hold_one_case_and_the_workstation_offers_to_resume_it(client, db, working):
    _, project, cases = working
    locations = {claim_next(client, project).headers["Location"] for _ in range(2)}
    locations.add(claim_any(client).headers["Location"])
    assert locations == {f"/interviewer/case/{cases[0].id}"}
    assert db.scalars(select(Case.id).where(Case.claimed_by_id.is_not(None))).all() == [cases[0].id]
    page = client.get("/interviewer/").get_data(as_text=True)
    assert "Your open case" in page and cases[0].external_id in page
    assert f'href="/interviewer/case/{cases[0].id}" data-shortcut="n"' in page


def test_the_open_case_with_an_interview_resumes_the_interview(client, db, working):
    _, project, _ = working
    library = Path(__file__).parents[3] / "questionnaires" / "library"
    questionnaire_store.pin(db, project, library / "customer_satisfaction.yaml")
    location = claim_next(client, project).headers["Location"]
    token = csrf_token(client, location)
    interview = client.post(f"{location}/interview", data={"csrf_token": token})
    assert "/interviewer/interview/" in interview.headers["Location"]
    page = client.get("/interviewer/").get_data(as_text=True)
    assert f'href="{interview.headers["Location"]}" data-shortcut="n"' in page
    assert "Resume the interview" in page


def test_n_without_a_project_takes_the_best_due_case_of_any_project(client, db, working):
    user, _, _ = working
    other = make_project(db, name="Hábitos de lectura")
    projects.assign(db, other, user)
    (waiting,) = make_cases(db, other)
    waiting.next_call_at = MONDAY_10 - timedelta(days=1)
    db.commit()
    assert claim_any(client).headers["Location"] == f"/interviewer/case/{waiting.id}"


def test_the_workstation_lists_todays_appointments_in_both_times(client, db, working):
    user, _, cases = working
    user.time_zone = "Atlantic/Canary"
    cases[1].time_zone = "America/New_York"
    colleague = make_user(db, "interviewer")
    at = MONDAY_10 + timedelta(hours=3)  # 13:00 Madrid, 12:00 Canary, 07:00 New York
    db.add_all(
        [
            Appointment(case_id=cases[1].id, kind="hard", starts_at=at, ends_at=at),
            Appointment(
                case_id=cases[0].id, kind="soft", starts_at=at, ends_at=at, interviewer_id=user.id
            ),
            Appointment(
                case_id=cases[0].id,
                kind="hard",
                starts_at=at,
                ends_at=at,
                interviewer_id=colleague.id,
            ),
            Appointment(
                case_id=cases[0].id,
                kind="hard",
                starts_at=at + timedelta(days=1),
                ends_at=at + timedelta(days=1),
            ),
        ]
    )
    db.commit()
    page = client.get("/interviewer/").get_data(as_text=True)
    section = page[page.index('data-testid="appointments"') :]
    assert section.count("<tr><td>12:00 WET</td>") == 2
    assert "07:00 EST (America/New_York)" in section
    assert "anyone in the project" in section and "yours" in section


def test_no_appointments_today_says_so(client, working):
    assert "No appointments today." in client.get("/interviewer/").get_data(as_text=True)


def test_an_inbound_call_while_holding_a_case_is_refused_with_the_reason(client, db, working):
    _, project, cases = working
    claim_next(client, project)
    token = csrf_token(client, "/interviewer/")
    response = client.post(
        f"/interviewer/{project.code}/inbound",
        data={"csrf_token": token, "query": cases[1].external_id},
    )
    assert response.headers["Location"] == "/interviewer/"
    page = client.get("/interviewer/").get_data(as_text=True)
    assert f"You are holding case {cases[0].external_id}" in page


def test_leaving_the_case_screen_gives_the_case_back_and_coming_back_takes_it_up(
    client, db, working
):
    user, project, cases = working
    location = claim_next(client, project).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert f'data-leave-url="{location}/leave"' in page
    token = csrf_token(client, location)
    assert client.post(f"{location}/leave", data={"csrf_token": ""}).status_code == 400
    assert client.post(f"{location}/leave", data={"csrf_token": token}).status_code == 204
    workstation = client.get("/interviewer/").get_data(as_text=True)
    assert "Your open case" not in workstation and "2 cases due now" in workstation
    assert spells(db, user)[-1] == "available"
    assert client.get(location).status_code == 200  # a reload: nobody took it meanwhile
    db.expire_all()
    assert db.get(Case, cases[0].id).claim_expires_at == MONDAY_10 + timedelta(minutes=20)
    assert "Your open case" in client.get("/interviewer/").get_data(as_text=True)


def test_a_case_left_and_claimed_by_a_colleague_is_no_longer_the_interviewers(
    app, client, db, working
):
    _, project, cases = working
    location = claim_next(client, project).headers["Location"]
    client.post(f"{location}/leave", data={"csrf_token": csrf_token(client, location)})
    colleague = make_user(db, "interviewer")
    projects.assign(db, project, colleague)
    from_dispatch = dispatch.next_case(db, project, colleague, now=MONDAY_10)
    assert from_dispatch.case.id == cases[0].id
    assert client.get(location).status_code == 403


def start_interview(client, db, project):
    library = Path(__file__).parents[3] / "questionnaires" / "library"
    questionnaire_store.pin(db, project, library / "customer_satisfaction.yaml")
    location = claim_next(client, project).headers["Location"]
    token = csrf_token(client, location)
    return location, client.post(f"{location}/interview", data={"csrf_token": token}).headers[
        "Location"
    ]


def test_leaving_the_case_screen_keeps_the_claim_of_an_interview_under_way(client, db, working):
    _, project, _ = working
    location, _interview = start_interview(client, db, project)
    client.post(f"{location}/leave", data={"csrf_token": csrf_token(client, location)})
    assert "Resume the interview" in client.get("/interviewer/").get_data(as_text=True)


def test_removal_from_a_project_ends_access_to_its_cases_at_once(client, db, working):
    user, project, cases = working
    location, interview = start_interview(client, db, project)
    token = csrf_token(client, location)
    projects.unassign(db, project, user)
    assert client.get(location).status_code == 403
    assert client.get(interview).status_code == 403
    assert client.post(f"{interview}/stop", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{location}/interview", data={"csrf_token": token}).status_code == 403
    page = client.get("/interviewer/").get_data(as_text=True)
    assert "Your open case" not in page and "Encuesta de movilidad" not in page
    db.expire_all()
    assert db.get(Case, cases[0].id).claimed_by_id is None


def test_removal_opens_the_removed_interviewers_call_backs_to_the_project(db, working):
    user, project, cases = working
    at = MONDAY_10 + timedelta(hours=3)
    db.add(
        Appointment(
            case_id=cases[1].id, kind="hard", starts_at=at, ends_at=at, interviewer_id=user.id
        )
    )
    cases[1].reserved_for_id, cases[1].reserved_until = user.id, at
    db.commit()
    projects.unassign(db, project, user)
    db.expire_all()
    assert db.scalar(select(Appointment.interviewer_id)) is None
    assert db.get(Case, cases[1].id).reserved_for_id is None


def test_an_interview_left_untouched_is_closed_when_the_workstation_opens(app, client, db, working):
    _, project, cases = working
    _location, interview = start_interview(client, db, project)
    app.config["CATI_CLOCK"] = lambda: MONDAY_10 + timedelta(minutes=21)
    page = client.get("/interviewer/").get_data(as_text=True)
    assert "Your open case" not in page
    db.expire_all()
    stored = db.scalar(select(Interview))
    assert (stored.status, stored.outcome) == ("breakoff", "untouched")
    assert db.get(Case, cases[0].id).final_outcome == "BREAKOFF"
    closing = client.get(interview).get_data(as_text=True)  # their own, finished: it says so
    assert "Break-off" in closing


def test_the_call_back_of_an_interview_stopped_for_an_appointment_resumes_it(
    app, client, db, working
):
    _, project, _ = working
    location, interview = start_interview(client, db, project)
    client.post(interview, data={"csrf_token": csrf_token(client, interview), "seq": "0"})
    assert "purchase_confirmed" in client.get(interview).get_data(as_text=True)
    tomorrow = MONDAY_10 + timedelta(days=1)
    stop = {
        "stop-csrf_token": csrf_token(client, interview),
        "stop-outcome": "APPOINTMENT",
        "stop-callback_kind": "hard",
        "stop-callback_date": tomorrow.date().isoformat(),
        "stop-callback_time": "10:00",
        "stop-personal": "y",
    }
    assert client.post(f"{interview}/stop", data=stop).status_code == 302
    app.config["CATI_CLOCK"] = lambda: tomorrow
    assert claim_next(client, project).headers["Location"] == location
    assert "Resume interview" in client.get(location).get_data(as_text=True)
    resumed = client.post(
        f"{location}/interview", data={"csrf_token": csrf_token(client, location)}
    )
    assert resumed.headers["Location"] == interview
    assert db.scalar(select(func.count()).select_from(Interview)) == 1
    page = client.get(interview).get_data(as_text=True)
    assert "purchase_confirmed" in page  # the page after the introduction, where it stopped
    db.expire_all()
    assert db.scalar(select(Interview.seq)) == 1  # one page sent, before the stop
