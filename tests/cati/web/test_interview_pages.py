"""Interview pages through the test client: start, answer, errors, repeats, finish."""

import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from cati import interviewing, questionnaire_store
from cati.fieldwork import dispatch, projects
from cati.fieldwork.projects import rules_of
from cati.models import Case, CaseState, Interview
from cati.web.interview_pages import read_answers
from questionnaires import DONT_KNOW, Engine, read_questionnaire, special
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import csrf_token
from tests.questionnaires.test_library import random_answer

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"


def as_form(question, value) -> dict:
    """What a browser would send for an engine answer."""
    if isinstance(value, dict) and "special" in value:
        name = f"{question.id}.special" if question.type == "text" else question.id
        return {name: value["special"]}
    if question.type == "grid":
        return {
            f"{question.id}.{row}": [str(c) for c in (v if isinstance(v, list) else [v])]
            for row, v in value.items()
        }
    if isinstance(value, list):
        return {question.id: [str(v) for v in value]}
    return {question.id: str(value)}


@pytest.fixture
def on_case(app, db, login_as):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = login_as("interviewer")
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    projects.assign(db, project, user)
    make_cases(db, project)
    return user, project


def start(client, project):
    token = csrf_token(client, "/interviewer/")
    case_url = client.post(f"/interviewer/{project.code}/next", data={"csrf_token": token}).headers[
        "Location"
    ]
    page = client.get(case_url).get_data(as_text=True)
    assert "Start interview" in page
    response = client.post(
        f"{case_url}/interview", data={"csrf_token": csrf_token(client, case_url)}
    )
    return response.headers["Location"]


def page_data(client, db, url, rng, extra=None) -> dict:
    """The form a browser sends for the interview's current page, random answers on it."""
    interview = db.scalar(select(Interview))
    db.refresh(interview)
    page = interviewing.current_page(db, interview)
    data = {"csrf_token": csrf_token(client, url), "seq": str(interview.seq), "action": "next"}
    for q in page.questions:
        if q.type != "display":
            data.update(as_form(q, random_answer(q, rng)))
    data.update(extra or {})
    return data


def post_page(client, db, url, rng, extra=None):
    return client.post(url, data=page_data(client, db, url, rng, extra))


def test_a_whole_interview_through_the_pages_completes_the_case(client, db, on_case):
    _, project = on_case
    url = start(client, project)
    rng = random.Random(5)
    for _ in range(30):
        response = post_page(client, db, url, rng)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        if "Interview finished" in client.get(url).get_data(as_text=True):
            break
    case = db.scalar(select(Case))
    db.refresh(case)
    assert case.state == CaseState.FINAL
    assert case.final_outcome in ("COMPLETE", "NOT_ELIGIBLE")
    closing = client.get(url).get_data(as_text=True)
    assert "Next case" in closing


def test_an_invalid_answer_is_shown_beside_its_question_and_nothing_moves(client, db, on_case):
    _, project = on_case
    url = start(client, project)
    post_page(client, db, url, random.Random(1))  # past the introduction
    response = post_page(client, db, url, random.Random(1), {"purchase_confirmed": "7"})
    assert response.status_code == 422
    assert 'class="question q-single has-error"' in response.get_data(as_text=True)
    assert db.scalar(select(Interview.seq)) == 1


def test_a_double_submitted_page_is_not_skipped(client, db, on_case):
    _, project = on_case
    url = start(client, project)
    token = csrf_token(client, url)
    first = {"csrf_token": token, "seq": "0", "action": "next"}
    assert client.post(url, data=first).status_code == 302
    assert client.post(url, data=first).status_code == 302  # the same page again
    assert db.scalar(select(Interview.seq)) == 1
    assert "purchase_confirmed" in client.get(url).get_data(as_text=True)


ANSWERED_ELSEWHERE = "This page was already answered in another tab (or sent twice)"


def test_a_second_tabs_answer_to_an_answered_page_is_told_where_the_interview_is(
    client, db, on_case
):
    _, project = on_case
    url = start(client, project)
    post_page(client, db, url, random.Random(1))  # past the introduction: page 1 in both tabs
    token = csrf_token(client, url)
    first_tab = {"csrf_token": token, "seq": "1", "action": "next", "purchase_confirmed": "1"}
    second_tab = {**first_tab, "purchase_confirmed": "2"}
    assert client.post(url, data=first_tab).status_code == 302
    shown = client.post(url, data=second_tab, follow_redirects=True).get_data(as_text=True)
    assert f"{ANSWERED_ELSEWHERE}; here is where the interview is now." in shown
    assert 'name="seq" value="2"' in shown  # the page the interview is on now
    interview = db.scalar(select(Interview))
    db.refresh(interview)
    assert interviewing.state_of(interview).answers["purchase_confirmed"] == 1  # the first
    assert ANSWERED_ELSEWHERE not in client.get(url).get_data(as_text=True)  # said once


@pytest.mark.parametrize("seq", [" ", "x", "1.5"])
def test_a_tampered_page_number_is_answered_as_a_repeat(client, db, on_case, seq):
    """Found by fuzzing: a page number that is not an integer raised ValueError (a 500)."""
    _, project = on_case
    url = start(client, project)
    data = {"csrf_token": csrf_token(client, url), "seq": seq, "action": "next"}
    shown = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert ANSWERED_ELSEWHERE not in shown  # no page of this interview had that number
    assert db.scalar(select(Interview.seq)) == 0


def test_back_returns_to_the_previous_page_with_its_answer(client, db, on_case):
    _, project = on_case
    url = start(client, project)
    rng = random.Random(2)
    post_page(client, db, url, rng)
    post_page(client, db, url, rng, {"purchase_confirmed": "1"})
    data = {"csrf_token": csrf_token(client, url), "seq": "2", "action": "back"}
    client.post(url, data=data)
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'name="purchase_confirmed" value="1"\s+checked', page)


def test_each_accepted_page_keeps_the_case_claimed(app, client, db, on_case):
    _, project = on_case
    url = start(client, project)
    later = MONDAY_10 + timedelta(minutes=15)
    app.config["CATI_CLOCK"] = lambda: later
    assert post_page(client, db, url, random.Random(3)).status_code == 302
    case = db.scalar(select(Case))
    db.refresh(case)
    claim = timedelta(minutes=rules_of(project).claim_minutes)
    assert case.claim_expires_at == later + claim + dispatch.EXTEND_EVERY


def test_a_sample_value_of_the_wrong_type_is_an_error_page_not_a_500(app, client, db, login_as):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = login_as("interviewer")
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "brand_awareness.yaml")
    projects.assign(db, project, user)
    (case,) = make_cases(db, project, sample_vars={"region": "north", "age_group": 3})
    case.sample_vars = {"region": "north", "age_group": "3"}  # written behind the import's back
    db.commit()
    token = csrf_token(client, "/interviewer/")
    case_url = client.post(f"/interviewer/{project.code}/next", data={"csrf_token": token}).headers[
        "Location"
    ]
    response = client.post(
        f"{case_url}/interview",
        data={"csrf_token": csrf_token(client, case_url)},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Case {case.external_id} cannot be interviewed" in text and "age_group" in text
    assert db.scalar(select(Interview)) is None


def test_an_empty_number_in_the_sample_shows_as_nothing_on_the_case_page(app, client, db, login_as):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = login_as("interviewer")
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "brand_awareness.yaml")
    projects.assign(db, project, user)
    make_cases(db, project, sample_vars={"region": "north", "age_group": ""})  # typed: null
    token = csrf_token(client, "/interviewer/")
    case_url = client.post(f"/interviewer/{project.code}/next", data={"csrf_token": token}).headers[
        "Location"
    ]
    text = client.get(case_url).get_data(as_text=True)
    assert "<dt>age_group</dt><dd></dd>" in text and "None" not in text


def stop(client, url, **fields):
    data = {"stop-csrf_token": csrf_token(client, url)}
    data.update({f"stop-{name}": value for name, value in fields.items()})
    return client.post(f"{url}/stop", data=data)


def test_the_interview_page_offers_to_stop_with_the_x_key(client, db, on_case):
    _, project = on_case
    page = client.get(start(client, project)).get_data(as_text=True)
    assert "Stop the interview <kbd>X</kbd>" in page
    for code in ("BREAKOFF", "APPOINTMENT", "PARTIAL"):
        assert re.search(rf'<input [^>]*name="stop-outcome" [^>]*value="{code}"', page)
    assert 'value="COMPLETE"' not in page


def test_stopping_for_an_appointment_keeps_the_answers_and_books_the_call_back(client, db, on_case):
    _, project = on_case
    url = start(client, project)
    rng = random.Random(2)
    post_page(client, db, url, rng)
    post_page(client, db, url, rng, {"purchase_confirmed": "1"})
    tomorrow = (MONDAY_10 + timedelta(days=1)).date().isoformat()
    response = stop(
        client,
        url,
        outcome="APPOINTMENT",
        callback_kind="hard",
        callback_date=tomorrow,
        callback_time="12:00",
        notes="call after lunch",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/interviewer/")
    assert "Interview stopped for case" in client.get("/interviewer/").get_data(as_text=True)
    interview, case = db.scalar(select(Interview)), db.scalar(select(Case))
    db.refresh(interview)
    db.refresh(case)
    assert (interview.status, interview.answers["purchase_confirmed"]) == ("breakoff", 1)
    assert case.claimed_by_id is None and case.state != CaseState.FINAL
    assert case.next_call_at.date().isoformat() == tomorrow


def test_an_appointment_without_a_time_is_refused_beside_the_stop_form(client, db, on_case):
    _, project = on_case
    url = start(client, project)
    response = stop(client, url, outcome="APPOINTMENT", callback_kind="hard")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert '<details class="card stop" id="stop" open>' in body and 'role="alert"' in body
    assert db.scalar(select(Interview.status)) == "active"


def test_only_the_interviewer_holding_the_case_may_stop_its_interview(
    client, db, on_case, login_as
):
    _, project = on_case
    url = start(client, project)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/interviewer/")})
    stranger = login_as("interviewer")
    projects.assign(db, project, stranger)
    token = csrf_token(client, "/interviewer/")
    response = client.post(
        f"{url}/stop", data={"stop-csrf_token": token, "stop-outcome": "BREAKOFF"}
    )
    assert response.status_code == 403
    assert db.scalar(select(Interview.status)) == "active"


def test_dont_know_on_a_number_is_read_although_the_empty_box_comes_first():
    engine = Engine(read_questionnaire(LIBRARY / "opinion_poll.yaml"))
    state = engine.submit(engine.start({"district": "Centro"}, 1, now=MONDAY_10), {"resident": 1})
    page = engine.current_page(state.state)
    assert [q.id for q in page.questions] == ["age", "years_in_town"]
    # What the browser sends: each box, then the special chosen after it.
    posted = MultiDict([("age", ""), ("age", "dk"), ("years_in_town", "12"), ("years_in_town", "")])
    assert read_answers(page.questions, posted) == {"age": special(DONT_KNOW), "years_in_town": 12}
