"""Test interviews from the designer: run by the interview engine from any page, as the
interviewer or the web respondent, and never stored (no interview, case or audit row)."""

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cati import questionnaire_drafts
from cati.models import AuditEntry, CallAttempt, Case, Interview
from tests.conftest import csrf_token

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"
URL = "/research/CAFE/designer/test"


@pytest.fixture
def brands(client, own_project):
    project, _ = own_project("CAFE", "brand_awareness.yaml")
    return project, csrf_token(client, URL)


def rows(db):
    return [
        db.scalar(select(func.count()).select_from(t))
        for t in (Interview, Case, CallAttempt, AuditEntry)
    ]


def run(client, csrf, **fields):
    """A step of a test run: start it, or go on from a page with its answers."""
    return client.post(URL, data={"csrf_token": csrf, **fields})


def token_of(html):
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_a_run_from_a_chosen_page_with_presets_shows_the_path_and_the_answers(client, db, brands):
    _, csrf = brands
    before = rows(db)
    start = client.get(URL).get_data(as_text=True)
    assert '<option value="brand_opinion[1]">' in start
    presets = "age: 34\nregion: 2\ndrinks_coffee: 1\naided: [1, 3]\n"
    page = run(
        client,
        csrf,
        action="start",
        mode="phone",
        language="en",
        page="brand_opinion[1]",
        presets=presets,
        **{"sample.region": "north", "sample.age_group": "3"},
        seed="1",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "What is your opinion of Lumbre" in html
    assert 'data-special="dk"' in html  # the interviewer's codes, on the phone
    html = run(client, csrf, action="next", token=token_of(html), brand_opinion="4").get_data(
        as_text=True
    )
    assert "Have you bought Lumbre" in html
    path = re.search(r'data-testid="test-path">(.*?)</ol>', html, re.S).group(1)
    # The path the answers give, the presets' pages first, the current page last.
    keys = re.findall(r"<li[^>]*>([^<]+)</li>", path)
    assert keys[0] == "age" and keys[-2:] == ["brand_opinion[1]", "brand_bought[1]"]
    assert '<li aria-current="step">brand_bought[1]</li>' in path
    assert '<th scope="row">aided</th><td>1 Lumbre, 3 Tostadora Real</td>' in html
    assert '<th scope="row">brand_opinion[1]</th><td>4</td>' in html
    # Back goes to the page before, its answer kept.
    back = run(client, csrf, action="back", token=token_of(html))
    assert "What is your opinion of Lumbre" in back.get_data(as_text=True)
    assert rows(db) == before  # nothing of the run reached the database


def test_as_the_web_respondent_the_run_shows_the_web_wording_and_no_interviewer_codes(
    client, brands
):
    _, csrf = brands
    page = run(client, csrf, action="start", mode="web", language="en", page="aided")
    html = page.get_data(as_text=True)
    assert "Which of these coffee brands do you know?" in html
    assert "I am going to read out" not in html
    assert 'data-special="dk"' not in html


def test_a_run_to_the_end_shows_its_outcome(client, brands):
    _, csrf = brands
    html = run(client, csrf, action="start", mode="phone", language="en").get_data(as_text=True)
    html = run(client, csrf, action="next", token=token_of(html), age="16").get_data(as_text=True)
    assert "The test interview is over" in html
    assert "screened_out" in html and "SO_AGE" in html


def test_presets_a_question_does_not_take_are_refused_with_their_line(client, brands):
    _, csrf = brands
    page = run(
        client, csrf, action="start", presets="age: 34\nregion: 9\n", **{"sample.age_group": "old"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Sample variable age_group is a number." in html
    assert "presets:2, region: region = 9: This answer is not valid here." in html


def test_a_tampered_or_outdated_run_starts_again(client, db, brands):
    project, csrf = brands
    token = token_of(run(client, csrf, action="start").get_data(as_text=True))
    assert run(client, csrf, action="next", token=token[:-3] + "abc").status_code == 409
    draft = questionnaire_drafts.open_draft(db, project, None)
    document = questionnaire_drafts.document(draft)
    questionnaire_drafts.save(db, project, {**document, "version": "1.1"}, draft.revision, None)
    outdated = run(client, csrf, action="next", token=token, age="30")
    assert outdated.status_code == 409
    assert "The draft changed since this test started" in outdated.get_data(as_text=True)


def test_a_draft_with_errors_is_not_run(client, own_project):
    own_project("EMPTY")
    html = client.get("/research/EMPTY/designer/test").get_data(as_text=True)
    assert "The draft has errors: fix them in the designer, then test it." in html
