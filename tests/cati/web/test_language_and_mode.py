"""Language and mode on the interview pages: the language switched mid-interview by phone and
on the web, web wording for web respondents, no interviewer instructions on the web, and
error pages that speak to respondents."""

import html
import random
import re

import pytest
from sqlalchemy import select

from cati import interviewing, questionnaire_store
from cati.fieldwork import projects, weblinks
from cati.models import AuditEntry, Case, CaseState, Interview, Project
from questionnaires import read_questionnaire
from questionnaires.model import mode_variants
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.cati.web import test_interview_pages
from tests.cati.web.interviews import (
    by_web,
    interview_through_pages,
    project_with,
    questions_of,
)
from tests.cati.web.test_interview_pages import post_page, start
from tests.cati.web.test_library_interviews import FILES, LIBRARY
from tests.conftest import csrf_token

on_case = test_interview_pages.on_case  # an interviewer on a customer_satisfaction project
NPS_ES = "¿con qué probabilidad recomendaría Aurora Hogar"
NPS_EN = "how likely are you to recommend Aurora Hogar"
STAFF_MARKS = ('class="topbar"', 'href="/login"', 'href="/"', 'action="/language"')


def interview_row(db) -> Interview:
    interview = db.scalar(select(Interview))
    db.refresh(interview)
    return interview


def switch(client, page_url: str, action: str, language: str):
    return client.post(
        action, data={"csrf_token": csrf_token(client, page_url), "language": language}
    )


def test_the_interviewer_switches_the_language_with_l_and_the_page_comes_back_in_it(
    client, db, on_case
):
    _, project = on_case
    url = start(client, project)
    rng = random.Random(2)
    post_page(client, db, url, rng)  # the introduction
    post_page(client, db, url, rng, {"purchase_confirmed": "1"})
    page = client.get(url).get_data(as_text=True)
    assert NPS_EN in page  # begun in the interviewer's language
    control = re.search(r'<form[^>]*id="language-form".*?</form>', page, re.S).group(0)
    assert "<kbd>L</kbd>" in control and "Español" in control and "English" in control
    assert 'value="en" lang="en" aria-current="true"' in control
    assert "interview_language.js" in page
    action = re.search(r'action="([^"]+)"', control).group(1)
    response = switch(client, url, action, "es")
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert NPS_ES in page and NPS_EN not in page
    assert "Next" in page  # the interviewer's own words stay in the interviewer's language
    interview = interview_row(db)
    assert interview.language == "es" and interview.answers["purchase_confirmed"] == 1
    assert db.scalar(select(AuditEntry.details).where(AuditEntry.action == "interview.language"))
    assert switch(client, url, action, "fr").status_code == 302  # refused, said on the page
    assert "is not offered in fr" in client.get(url).get_data(as_text=True)
    assert interview_row(db).language == "es"


def test_only_the_interviewer_holding_the_case_may_switch_its_language(
    app, client, db, on_case, login_as
):
    _, project = on_case
    url = start(client, project)
    interview = interview_row(db)
    action = f"/interviewer/interview/{interview.id}/language"
    token = csrf_token(client, url)
    client.post("/logout", data={"csrf_token": token})
    login_as("interviewer")
    other = client.post(
        action, data={"csrf_token": csrf_token(client, "/interviewer/"), "language": "en"}
    )
    assert other.status_code == 403
    assert interview_row(db).language == "en"


@pytest.fixture
def web_link(app, db):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    (case,) = make_cases(db, project)
    ((_, token),) = weblinks.issue_links(db, project)
    return project, case, f"/r/{token}"


def test_a_web_respondent_switches_the_language_and_the_whole_page_follows(client, db, web_link):
    _, _, url = web_link
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-ES"
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="es">' in page and "Siguiente" in page
    assert "Gracias por darnos su opinión" in page and "le llamo" not in page  # web wording
    control = re.search(r'<form[^>]*id="language-form".*?</form>', page, re.S).group(0)
    assert "<kbd>" not in control and "English" in control
    response = switch(client, url, f"{url}/language", "en")
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="en">' in page and "Next" in page and "Siguiente" not in page
    assert "Thank you for giving Aurora Hogar your opinion" in page
    assert "I am calling" not in page
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "interview.language"))
    assert entry.actor == "respondent" and entry.details["previous"] == "es"


def test_a_questionnaire_in_one_language_offers_no_language_control(client, db, app, tmp_path):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    source = tmp_path / "one.yaml"
    source.write_text(
        "id: one\nversion: '1'\ntitle: One\nquestions:\n"
        "  - {id: a, type: single, text: Fine?, options: [{code: 1, label: Yes}]}\n"
    )
    project = make_project(db)
    questionnaire_store.pin(db, project, source)
    make_cases(db, project)
    page = client.get(by_web(db, project)).get_data(as_text=True)
    assert "Fine?" in page and 'id="language-form"' not in page


@pytest.mark.parametrize("name", ["opinion_poll.yaml", "brand_awareness.yaml"])
def test_the_web_reads_the_web_intro_and_closing_and_the_phone_its_script(
    client, db, app, login_as, name
):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    project, questionnaire = project_with(db, LIBRARY / name)
    intro = dict(mode_variants(questionnaire.intro))
    phone_intro, web_intro = intro["phone"]["en"], intro["web"]["en"]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = by_web(db, project)
    first = client.get(url).get_data(as_text=True)
    assert html.escape(web_intro, quote=False) in first and "calling" not in first
    closing = interview_through_pages(client, url, questions_of(questionnaire))
    web_closing = dict(mode_variants(questionnaire.closing))["web"]["en"]
    assert html.escape(web_closing, quote=False) in closing
    assert "calling on behalf" in phone_intro


def test_the_case_screen_gives_the_interviewer_the_phone_intro(client, db, app, login_as):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    project, questionnaire = project_with(db, LIBRARY / "opinion_poll.yaml")
    user = login_as("interviewer", locale="en")
    projects.assign(db, project, user)
    token = csrf_token(client, "/interviewer/")
    case_url = client.post(f"/interviewer/{project.code}/next", data={"csrf_token": token})
    page = client.get(case_url.headers["Location"]).get_data(as_text=True)
    intro = dict(mode_variants(questionnaire.intro))
    assert html.escape(intro["phone"]["en"], quote=False) in page
    assert html.escape(intro["web"]["en"], quote=False) not in page


def interviewer_only_texts(questionnaire) -> list[str]:
    """Every instruction and objection answer, in every language (up to the first piping)."""
    texts = [q.instruction for q in questions_of(questionnaire).values() if q.instruction]
    texts += [s.answer for s in questionnaire.support]
    found = []
    for text in texts:
        for variant in text.values() if isinstance(text, dict) else [text]:
            found.append(html.escape(variant.split("{")[0].strip(), quote=False))
    return [t for t in found if t]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
@pytest.mark.parametrize("language", ["en", "es"])
def test_web_respondents_never_see_interviewer_instructions(client, db, app, path, language):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    project, questionnaire = project_with(db, path)
    hidden = interviewer_only_texts(questionnaire)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    pages = []

    def check(page: str) -> None:
        pages.append(page)
        assert 'class="instruction"' not in page and 'data-toggle="support"' not in page
        assert not [text for text in hidden if text in page]
        assert "<kbd>" not in page and 'data-special="dk"' not in page

    interview_through_pages(
        client, by_web(db, project), questions_of(questionnaire), on_each_page=check
    )
    assert len(pages) > 3
    assert read_questionnaire(path).id == questionnaire.id


def respondent_page(response, status: int) -> str:
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert 'data-testid="respondent-problem"' in page or 'data-testid="thanks"' in page
    for mark in STAFF_MARKS:
        assert mark not in page, mark
    return page


@pytest.mark.parametrize(
    ("accept", "words"),
    [("es-ES,es;q=0.9", "Este enlace no funciona"), ("en", "This link does not work")],
)
def test_a_bad_link_answers_404_in_the_respondents_language(client, web_link, accept, words):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept
    assert words in respondent_page(client.get("/r/not-a-real-token"), 404)
    assert words in respondent_page(client.get("/r/not/a/page"), 404)
    assert words in respondent_page(client.get("/r/"), 404)


def test_a_used_link_thanks_once_and_then_answers_410(client, db, web_link):
    _, _, url = web_link
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    questionnaire = read_questionnaire(LIBRARY / "customer_satisfaction.yaml")
    page = interview_through_pages(client, url, questions_of(questionnaire))
    assert 'data-testid="thanks"' in page and "have been received" in page
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"  # answered in English: thanked so
    again = respondent_page(client.get(url), 410)
    assert "already been answered" in again and '<html lang="en">' in again


def test_an_expired_link_answers_410_when_the_case_or_project_is_closed(client, db, web_link):
    project, case, url = web_link
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    case = db.get(Case, case.id)
    case.state, case.final_outcome = CaseState.FINAL, "REFUSAL_HARD"  # refused by phone
    db.commit()
    assert "Esta encuesta está cerrada" in respondent_page(client.get(url), 410)
    case.state, case.final_outcome = CaseState.ACTIVE, None
    db.get(Project, project.id).status = "closed"
    db.commit()
    assert "Esta encuesta está cerrada" in respondent_page(client.get(url), 410)


def test_a_server_error_under_the_link_is_a_respondent_page(client, db, app, web_link, monkeypatch):
    _, _, url = web_link
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production, not as under TESTING
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    client.get(url)  # the interview starts (in Spanish)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(interviewing, "current_page", broken)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the interview's language wins
    page = respondent_page(client.get(url), 500)
    assert "Algo ha fallado" in page


def test_an_expired_form_on_the_web_is_a_respondent_page(client, web_link):
    _, _, url = web_link
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.get(url)
    page = respondent_page(client.post(url, data={"csrf_token": "stale", "seq": "0"}), 400)
    assert "The page has expired" in page
