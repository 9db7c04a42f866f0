"""The supervisor's console: monitor, case browser and audited actions."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cati.fieldwork import dispatch, presence, projects
from cati.fieldwork.disposition import record_outcome
from cati.models import AuditEntry, Case, CaseState
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import csrf_token, make_user


@pytest.fixture
def watching(app, db, login_as):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    supervisor = login_as("supervisor")
    project = make_project(db, name="Movilidad")
    projects.assign(db, project, supervisor)
    interviewer = make_user(db, "interviewer", full_name="Inés García")
    projects.assign(db, project, interviewer)
    cases = make_cases(db, project, n=3)
    return project, interviewer, cases


def test_the_monitor_shows_each_interviewers_status_and_work_today(client, db, watching):
    project, interviewer, _ = watching
    presence.set_status(db, interviewer, "available", MONDAY_10 - timedelta(hours=1))
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, "REFUSAL_HARD", now=MONDAY_10)
    presence.set_status(db, interviewer, "on_call", MONDAY_10, case_id=claim.case.id)
    db.commit()
    page = client.get(f"/supervisor/{project.code}/").get_data(as_text=True)
    assert "Inés García" in page
    assert "on call" in page
    assert "100.0 %" in page  # refusal rate: one contact, one refusal
    assert "cases in play" in page


def test_the_monitor_fragment_answers_304_while_nothing_changes(client, watching):
    project, _, _ = watching
    first = client.get(f"/supervisor/{project.code}/?fragment=1")
    etag = first.headers["ETag"]
    again = client.get(f"/supervisor/{project.code}/?fragment=1", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_a_project_the_supervisor_is_not_on_answers_403(client, db, watching):
    other = make_project(db)
    assert client.get(f"/supervisor/{other.code}/").status_code == 403
    (case,) = make_cases(db, other)
    assert client.get(f"/supervisor/case/{case.id}").status_code == 403


def test_the_case_browser_searches_and_filters(client, db, watching):
    project, _, cases = watching
    page = client.get(f"/supervisor/{project.code}/cases?q={cases[1].external_id}")
    text = page.get_data(as_text=True)
    assert cases[1].external_id in text and cases[0].external_id not in text
    final = client.get(f"/supervisor/{project.code}/cases?state=final").get_data(as_text=True)
    assert "No case matches." in final


def act(client, case, action, data):
    url = f"/supervisor/case/{case.id}"
    token = csrf_token(client, url)
    prefix = {
        "reschedule": "reschedule",
        "reassign": "reassign",
        "outcome": "outcome",
        "release": "release",
    }[action]
    fields = {f"{prefix}-{k}": v for k, v in data.items()}
    return client.post(f"{url}/{action}", data={f"{prefix}-csrf_token": token, **fields})


def test_actions_need_a_reason_and_are_audited(client, db, watching):
    _, interviewer, cases = watching
    case = cases[0]
    refused = act(client, case, "reschedule", {"date": "2026-12-01", "time": "18:00", "reason": ""})
    assert refused.status_code == 400
    done = act(
        client,
        case,
        "reschedule",
        {"date": "2026-12-01", "time": "18:00", "reason": "asked by phone"},
    )
    assert done.status_code == 302
    db.refresh(case)
    assert case.next_call_at == MONDAY_10.replace(day=1, month=12, hour=18)
    act(client, case, "reassign", {"interviewer": str(interviewer.id), "reason": "speaks Basque"})
    db.refresh(case)
    assert case.reserved_for_id == interviewer.id
    act(client, case, "outcome", {"outcome": "NOT_ELIGIBLE", "reason": "business line"})
    db.refresh(case)
    assert (case.state, case.final_outcome) == (CaseState.FINAL, "NOT_ELIGIBLE")
    trail = db.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.object_type == "case", AuditEntry.object_id == str(case.id))
        .order_by(AuditEntry.id)
    ).all()
    actions = [a for a, _ in trail if a != "case.view"]  # each act() opened the page first
    assert actions[-3:] == ["case.reschedule", "case.reassign", "case.set_outcome"]
    assert [d for a, d in trail if a != "case.view"][-1]["reason"] == "business line"
    page = client.get(f"/supervisor/case/{case.id}").get_data(as_text=True)
    assert "business line" in page


@pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")
def test_a_reassignment_naming_no_interviewer_is_refused(client, db, watching):
    """Found by fuzzing: a POST without the interviewer field looked up User(None)."""
    _, _, cases = watching
    assert act(client, cases[0], "reassign", {"reason": "no one"}).status_code == 400
    too_big = {"interviewer": str(2**63), "reason": "no one"}  # overflowed the driver
    assert act(client, cases[0], "reassign", too_big).status_code == 400
    db.refresh(cases[0])
    assert cases[0].reserved_for_id is None


def test_an_id_in_the_url_past_the_integer_columns_is_404(client, watching):
    """Found by fuzzing: such an id reached the database driver, which overflowed (a 500)."""
    assert client.get(f"/supervisor/case/{2**63}").status_code == 404
    assert client.get(f"/supervisor/case/{2**31}").status_code == 404


def test_a_reschedule_outside_the_window_is_refused(client, db, watching):
    _, _, cases = watching
    response = act(
        client, cases[0], "reschedule", {"date": "2026-12-06", "time": "12:00", "reason": "weekend"}
    )
    assert response.status_code == 400
    assert "outside the calling windows" in response.get_data(as_text=True)


def test_a_stuck_claim_is_released(client, db, watching):
    project, interviewer, _ = watching
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    assert act(client, claim.case, "release", {"reason": "PC crashed"}).status_code == 302
    assert db.scalar(select(Case.claimed_by_id).where(Case.id == claim.case.id)) is None


def test_the_case_browser_pages_through_many_cases_keeping_the_filter(client, db, watching):
    project, _, _ = watching
    make_cases(db, project, n=60)
    first = client.get(f"/supervisor/{project.code}/cases?state=active").get_data(as_text=True)
    assert "1 / 2" in first
    assert "state=active" in first and "page=2" in first
    second = client.get(f"/supervisor/{project.code}/cases?state=active&page=2")
    assert "2 / 2" in second.get_data(as_text=True)


def test_the_quality_page_lists_flags_or_says_nothing_is_flagged(client, watching):
    project, _, _ = watching
    page = client.get(f"/supervisor/{project.code}/quality").get_data(as_text=True)
    assert "Nothing flagged" in page


def chart_url(project, chart):
    return f"/supervisor/{project.code}/charts/{chart}.svg"


def a_call(db, project, interviewer, outcome="COMPLETE"):
    presence.set_status(db, interviewer, "available", MONDAY_10 - timedelta(hours=1))
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, outcome, now=MONDAY_10)


def test_the_page_carries_its_fragments_etag_so_the_first_poll_can_be_a_304(client, watching):
    project, _, _ = watching
    page = client.get(f"/supervisor/{project.code}/").get_data(as_text=True)
    etag = client.get(f"/supervisor/{project.code}/?fragment=1").headers["ETag"]
    assert f'data-etag="{etag.replace(chr(34), "&#34;")}"' in page


def test_before_any_call_the_monitor_says_so_instead_of_drawing_empty_charts(client, watching):
    project, _, _ = watching
    page = client.get(f"/supervisor/{project.code}/").get_data(as_text=True)
    assert page.count("No calls yet.") == 2
    assert page.count("No calls yet today.") == 2
    assert "/charts/rates-day.svg" in page  # cases are released: rates and states are drawn
    assert "/charts/calls-day.svg" not in page


def test_each_chart_is_an_svg_image_in_the_users_language(client, db, watching):
    project, interviewer, _ = watching
    a_call(db, project, interviewer)
    page = client.get(f"/supervisor/{project.code}/").get_data(as_text=True)
    for chart in (
        "calls-day",
        "calls-hour",
        "productivity-day",
        "productivity-hour",
        "rates-day",
        "states-day",
    ):
        assert f"/charts/{chart}.svg?v=" in page
        response = client.get(chart_url(project, chart))
        assert response.status_code == 200, chart
        assert response.mimetype == "image/svg+xml"
        assert response.get_data(as_text=True).lstrip().startswith("<?xml")
    english = client.get(chart_url(project, "calls-day"))
    calls = english.get_data(as_text=True)
    assert "Completes" in calls and "Refusals" in calls and "30 Nov" in calls
    client.post(
        "/language",
        data={"locale": "es", "csrf_token": csrf_token(client, f"/supervisor/{project.code}/")},
    )
    spanish = client.get(chart_url(project, "calls-day"))
    assert "30 nov" in spanish.get_data(as_text=True)
    assert spanish.headers["ETag"] != english.headers["ETag"]


def test_an_unchanged_chart_costs_a_304_and_a_call_redraws_it(client, db, watching):
    project, interviewer, _ = watching
    first = client.get(chart_url(project, "calls-hour"))
    etag = first.headers["ETag"]
    again = client.get(chart_url(project, "calls-hour"), headers={"If-None-Match": etag})
    assert again.status_code == 304
    fragment = client.get(f"/supervisor/{project.code}/?fragment=1")
    a_call(db, project, interviewer)
    after = client.get(chart_url(project, "calls-hour"), headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    changed = client.get(
        f"/supervisor/{project.code}/?fragment=1",
        headers={"If-None-Match": fragment.headers["ETag"]},
    )
    assert changed.status_code == 200  # the page reloads the images with their new version


def test_an_unknown_chart_is_404_and_another_projects_chart_403(client, db, watching):
    project, _, _ = watching
    assert client.get(chart_url(project, "nonsense")).status_code == 404
    assert client.get(chart_url(make_project(db), "calls-day")).status_code == 403


def test_the_case_browser_names_outcomes_by_their_label(client, db, watching):
    project, interviewer, _ = watching
    a_call(db, project, interviewer, "REFUSAL_HARD")
    page = client.get(f"/supervisor/{project.code}/cases?outcome=REFUSAL_HARD")
    text = page.get_data(as_text=True)
    assert "1 case" in text and "<td>Hard refusal</td>" in text
    assert '<option selected value="REFUSAL_HARD">Hard refusal</option>' in text


def test_the_images_share_one_computation_until_the_marker_changes(app, db, watching):
    from cati.fieldwork.pipeline import marker
    from cati.web.pipeline_charts import pipeline_for

    project, interviewer, _ = watching
    with app.app_context():
        first = pipeline_for(db, project, MONDAY_10, marker(db, project, MONDAY_10))
        assert pipeline_for(db, project, MONDAY_10, marker(db, project, MONDAY_10)) is first
        a_call(db, project, interviewer)
        changed = pipeline_for(db, project, MONDAY_10, marker(db, project, MONDAY_10))
        assert changed is not first
        assert changed.days[-1].attempts == 1


def test_time_passing_alone_does_not_change_the_monitor_fragment(app, client, watching):
    project, _, _ = watching
    first = client.get(f"/supervisor/{project.code}/?fragment=1")
    app.config["CATI_CLOCK"] = lambda: MONDAY_10 + timedelta(seconds=40)
    url = f"/supervisor/{project.code}/?fragment=1"
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    page = client.get(f"/supervisor/{project.code}/").get_data(as_text=True)
    assert '<span id="checked" data-zone="Europe/Madrid">10:00:40 CET</span>' in page


def test_a_correction_to_complete_without_an_interview_is_audited_and_flagged(client, db, watching):
    project, _, cases = watching
    act(client, cases[1], "outcome", {"outcome": "REFUSAL_HARD", "reason": "said so twice"})
    page = client.get(f"/supervisor/{project.code}/quality").get_data(as_text=True)
    assert "Nothing flagged" in page
    done = act(client, cases[0], "outcome", {"outcome": "COMPLETE", "reason": "paper interview"})
    assert done.status_code == 302
    db.refresh(cases[0])
    assert (cases[0].state, cases[0].final_outcome) == (CaseState.FINAL, "COMPLETE")
    entry = db.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "case.set_outcome", AuditEntry.object_id == str(cases[0].id)
        )
    )
    assert entry.details["after"] == "COMPLETE"
    assert entry.details["reason"] == "paper interview"
    page = client.get(f"/supervisor/{project.code}/quality").get_data(as_text=True)
    assert "Interview outcome set without an interview" in page
    assert cases[0].external_id in page and cases[1].external_id not in page
    assert "paper interview" in page
