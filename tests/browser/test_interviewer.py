"""An interviewer works a case with the keyboard only."""

import pytest
from sqlalchemy import select

from cati.fieldwork import projects
from cati.models import CallAttempt
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_next_case_then_an_outcome_by_number_key_and_enter(page, db, app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = make_user(db, "interviewer")
    project = make_project(db, name="Movilidad urbana")
    projects.assign(db, project, user)
    (case,) = make_cases(db, project)
    log_in(page, user.username)
    page.wait_for_url("**/interviewer/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/interviewer/case/{case.id}")
    assert page.get_by_test_id("dial").get_attribute("href") == f"tel:{case.phones[0].number}"
    assert page.locator("#callback").is_hidden()
    labels = page.locator("label.outcome").all_inner_texts()
    position = next(i for i, text in enumerate(labels, 1) if text.endswith("No answer"))
    page.keyboard.press(str(position))
    assert page.get_by_label("No answer").is_checked()
    page.keyboard.press("Enter")
    page.wait_for_url("**/interviewer/")
    assert "Outcome saved for case" in page.get_by_role("status").inner_text()
    assert db.scalar(select(CallAttempt.outcome)) == "NO_ANSWER"


def test_choosing_appointment_reveals_the_call_back_fields(page, db, app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = make_user(db, "interviewer")
    project = make_project(db)
    projects.assign(db, project, user)
    make_cases(db, project)
    log_in(page, user.username)
    page.wait_for_url("**/interviewer/")
    page.get_by_role("button", name="Next case").click()
    page.get_by_label("Appointment").check()
    assert page.locator("#callback").is_visible()


def test_n_takes_the_due_case_of_the_second_project_and_then_resumes_it(page, db, app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = make_user(db, "interviewer")
    empty = make_project(db, name="Aaa sin casos")
    busy = make_project(db, name="Zzz con casos")
    for project in (empty, busy):
        projects.assign(db, project, user)
    (case,) = make_cases(db, busy)
    log_in(page, user.username)
    page.wait_for_url("**/interviewer/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/interviewer/case/{case.id}")
    page.goto(page.url.split("/interviewer/")[0] + "/interviewer/")
    assert case.external_id in page.get_by_test_id("held-case").inner_text()
    page.keyboard.press("n")
    page.wait_for_url(f"**/interviewer/case/{case.id}")
