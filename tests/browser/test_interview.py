"""An interviewer's day with the keyboard only, on a shipped questionnaire."""

from pathlib import Path

import pytest
from sqlalchemy import select

from cati import questionnaire_store
from cati.fieldwork import projects
from cati.models import Appointment, Case, Interview
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"


@pytest.fixture
def interviewer_page(page, db, app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = make_user(db, "interviewer", locale="en")
    project = make_project(db, name="Aurora Hogar")
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    projects.assign(db, project, user)
    make_cases(db, project, n=3)
    log_in(page, user.username)
    page.wait_for_url("**/interviewer/")
    return page


def press(page, *keys):
    for key in keys:
        page.keyboard.press(key)


def next_page(page, seq):
    """Enter, then wait until the server shows page number seq + 1."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator('input[name="seq"]').get_attribute("value") == str(seq)


def test_no_answer_then_appointment_then_a_complete_interview_by_keyboard(interviewer_page, db):
    page = interviewer_page
    # 1. No answer.
    press(page, "n")
    page.wait_for_url("**/case/**")
    press(page, "1", "Enter")
    page.wait_for_url("**/interviewer/")
    # 2. An appointment for tomorrow evening, in the respondent's time.
    press(page, "n")
    page.wait_for_url("**/case/**")
    press(page, "5")
    page.locator('input[name="callback_date"]').fill("2026-12-01")
    page.locator('input[name="callback_time"]').fill("19:30")
    with page.expect_navigation():
        page.locator('input[name="callback_time"]').press("Enter")
    assert "Outcome saved" in page.get_by_role("status").inner_text()
    # 3. A complete interview.
    press(page, "n")
    page.wait_for_url("**/case/**")
    with page.expect_navigation():
        press(page, "s")
    next_page(page, 1)  # introduction read
    press(page, "1")  # purchase confirmed: yes
    next_page(page, 2)
    press(page, "9")  # NPS 9
    next_page(page, 3)
    page.keyboard.type("Quick delivery and a friendly fitter")
    next_page(page, 4)
    press(page, "5", "4", "4", "3")  # the grid, row by row
    next_page(page, 5)
    press(page, "1")  # contact channels: phone
    next_page(page, 6)
    press(page, "2")  # problem: no
    next_page(page, 7)
    with page.expect_navigation():
        press(page, "Enter")  # the goodbye text
    assert "Interview finished" in page.get_by_role("heading", level=1).inner_text()
    interview = db.scalar(select(Interview))
    db.refresh(interview)
    assert interview.status == "completed"
    assert interview.answers["nps"] == 9
    assert interview.answers["nps_reason"] == "Quick delivery and a friendly fitter"
    assert interview.answers["sat"] == {"delivery": 5, "installation": 4, "staff": 4, "value": 3}
    outcomes = sorted(db.scalars(select(Case.last_outcome)).all(), key=str)
    assert outcomes == ["APPOINTMENT", "COMPLETE", "NO_ANSWER"]
    assert db.scalar(select(Appointment.kind)) == "hard"


def start_first_case(page) -> None:
    """N for the next case, S to start its interview, then past the introduction."""
    press(page, "n")
    page.wait_for_url("**/case/**")
    with page.expect_navigation():
        press(page, "s")
    next_page(page, 1)


def test_a_hard_check_blocks_and_a_double_enter_does_not_skip_a_page(interviewer_page, db):
    page = interviewer_page
    start_first_case(page)
    with page.expect_navigation():
        press(page, "Enter")  # nothing chosen: required
    assert page.locator(".has-error").count() == 1
    press(page, "1")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # a second Enter while the first is on its way
    page.wait_for_load_state()
    page.wait_for_selector('input[name="seq"][value="2"]', state="attached")
    assert "recommend" in page.locator(".read-out").first.inner_text()


def test_an_interview_is_stopped_as_a_break_off_by_keyboard(interviewer_page, db):
    page = interviewer_page
    start_first_case(page)
    press(page, "1")  # purchase confirmed: yes
    next_page(page, 2)
    press(page, "x")  # the stop form opens on its first outcome, Appointment
    assert page.locator("#stop").get_attribute("open") is not None
    press(page, "ArrowDown")  # Break-off
    with page.expect_navigation():
        press(page, "Enter")
    page.wait_for_url("**/interviewer/")
    assert "Interview stopped" in page.get_by_role("status").inner_text()
    interview = db.scalar(select(Interview))
    db.refresh(interview)
    assert (interview.status, interview.outcome) == ("breakoff", "BREAKOFF")
    assert interview.answers["purchase_confirmed"] == 1
    assert db.scalar(select(Case.final_outcome).where(Case.id == interview.case_id)) == "BREAKOFF"


def test_a_second_tabs_answer_to_an_answered_page_says_where_the_interview_is(interviewer_page, db):
    first = interviewer_page
    press(first, "n")
    first.wait_for_url("**/case/**")
    with first.expect_navigation():
        press(first, "s")
    next_page(first, 1)  # introduction read: "purchase confirmed?" in both tabs
    second = first.context.new_page()
    second.goto(first.url)
    press(first, "1")
    next_page(first, 2)
    press(second, "2")
    next_page(second, 2)  # the second tab is moved on to where the interview is
    assert second.get_by_role("status").inner_text() == (
        "This page was already answered in another tab (or sent twice); "
        "here is where the interview is now."
    )
    (interview,) = db.scalars(select(Interview)).all()
    db.refresh(interview)
    assert interview.answers["purchase_confirmed"] == 1  # the first tab's answer stands
