"""Web self-completion from a personal link, and mixed mode with the telephone."""

import random
from pathlib import Path

import pytest
from sqlalchemy import select

from cati import interviewing, questionnaire_store
from cati.fieldwork import dispatch, projects, weblinks
from cati.models import Case, CaseState, Interview
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.cati.web.test_interview_pages import as_form
from tests.conftest import csrf_token, make_user
from tests.questionnaires.test_library import random_answer

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"


@pytest.fixture
def linked(app, db):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    (case,) = make_cases(db, project)
    ((_, token),) = weblinks.issue_links(db, project)
    return project, case, f"/r/{token}"


def answer_web_page(client, db, url, rng, only_yes=True):
    token = csrf_token(client, url)  # opens the interview on the first visit
    interview = db.scalar(select(Interview))
    db.refresh(interview)
    page = interviewing.current_page(db, interview)
    data = {"csrf_token": token, "seq": str(interview.seq), "action": "next"}
    for q in page.questions:
        if q.type == "display":
            continue
        value = (
            1 if q.id in ("purchase_confirmed", "problem") and only_yes else random_answer(q, rng)
        )
        while isinstance(value, dict) and "special" in value:  # no DK/REF on the web
            value = random_answer(q, rng)
        data.update(as_form(q, value))
    return client.post(url, data=data)


def finish_on_web(client, db, url):
    rng = random.Random(3)
    for _ in range(20):
        assert answer_web_page(client, db, url, rng).status_code == 302
        if 'data-testid="thanks"' in client.get(url).get_data(as_text=True):
            return
    raise AssertionError("the web interview did not end")


def test_a_respondent_completes_on_the_web_and_the_case_is_no_longer_dispatched(client, db, linked):
    project, case, url = linked
    first = client.get(url).get_data(as_text=True)
    assert "Don&#39;t know" not in first and "Don't know" not in first  # interviewer-only
    finish_on_web(client, db, url)
    db.refresh(case)
    assert (case.state, case.final_outcome, case.final_aapor) == (
        CaseState.FINAL,
        "WEB_COMPLETE",
        "1.1",
    )
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    assert dispatch.next_case(db, project, interviewer, now=MONDAY_10) is None


def test_an_interview_begun_by_phone_is_finished_on_the_web(client, db, linked):
    project, case, url = linked
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    interview = interviewing.open_interview(db, claim.case, MONDAY_10, interviewer=interviewer)
    interviewing.submit_page(db, interview, {}, 0, interviewer, MONDAY_10)  # the introduction
    interviewing.submit_page(db, interview, {"purchase_confirmed": 1}, 1, interviewer, MONDAY_10)
    assert client.get(url).status_code == 409  # the interviewer still holds the case
    dispatch.release_claim(db, db.get(Case, case.id), by=interviewer, reason="call dropped")
    finish_on_web(client, db, url)
    db.refresh(interview)
    assert interview.answers["purchase_confirmed"] == 1
    assert interview.mode == "web" and interview.status == "completed"
    assert db.scalar(select(Case.final_outcome)) == "WEB_COMPLETE"


def test_an_interview_begun_on_the_web_is_resumed_by_phone(client, db, linked):
    project, case, url = linked
    rng = random.Random(1)
    answer_web_page(client, db, url, rng)
    answer_web_page(client, db, url, rng)
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    later = MONDAY_10.replace(hour=12)  # after the web hold
    claim = dispatch.next_case(db, project, interviewer, now=later)
    assert claim.case.id == case.id
    resumed = interviewing.open_interview(db, claim.case, later, interviewer=interviewer)
    assert resumed.seq == 2 and resumed.mode == "phone"
    assert db.scalar(select(Interview.id)) == resumed.id


def test_an_unknown_link_answers_404(client, linked):
    assert client.get("/r/not-a-real-token").status_code == 404
