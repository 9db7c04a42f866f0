"""The questionnaire's language switched mid-interview in a real browser: L by phone, the
language links on the web."""

import pytest
from sqlalchemy import select

from cati import questionnaire_store
from cati.fieldwork import weblinks
from cati.models import Interview
from tests.browser import test_interview
from tests.browser.test_interview import next_page, press
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.cati.web.test_library_interviews import LIBRARY

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
interviewer_page = test_interview.interviewer_page  # customer_satisfaction.yaml, in English


def test_l_switches_the_language_on_the_same_page_with_the_answers_kept(interviewer_page, db):
    page = interviewer_page
    press(page, "n")
    page.wait_for_url("**/case/**")
    with page.expect_navigation():
        press(page, "s")
    next_page(page, 1)  # the introduction
    press(page, "1")  # purchase confirmed: yes
    next_page(page, 2)
    assert "how likely are you to recommend" in page.locator(".question").inner_text()
    press(page, "9")  # chosen, not yet sent
    with page.expect_navigation():
        press(page, "l")
    assert "con qué probabilidad recomendaría" in page.locator(".question").inner_text()
    assert page.locator("#language-form [aria-current]").inner_text() == "Español"
    assert page.locator('input[name="nps"][value="9"]').is_checked()  # carried over
    next_page(page, 4)  # the switch took a page number of its own
    interview = db.scalar(select(Interview))
    db.refresh(interview)
    assert interview.language == "es"
    assert interview.answers == {"purchase_confirmed": 1, "nps": 9}
    page.keyboard.type("Muy bien")  # in the open answer's box, L is a letter
    box = page.locator("textarea[name=nps_reason]")
    assert box.input_value() == "Muy bien"
    with page.expect_navigation():
        press(page, "Escape", "l")  # out of the box, L switches again
    assert page.locator("#language-form [aria-current]").inner_text() == "English"
    assert box.input_value() == "Muy bien"  # the unsent answer came along


def test_a_web_respondent_changes_the_language_from_the_page(browser, live_server, db, app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "opinion_poll.yaml")
    make_cases(db, project, sample_vars={"district": "Centro"})
    ((_, token),) = weblinks.issue_links(db, project)
    context = browser.new_context(base_url=live_server.url, locale="es-ES")
    page = context.new_page()
    page.goto(f"/r/{token}")
    assert "Gracias por participar" in page.get_by_test_id("intro").inner_text()
    assert page.locator(".topbar").count() == 0  # no staff header
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert "Thank you for taking part" in page.get_by_test_id("intro").inner_text()
    assert page.get_by_role("button", name="Next").is_visible()
    context.close()
