"""An interviewer works a case with the keyboard only."""

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from cati import questionnaire_store
from cati.fieldwork import projects
from cati.models import CallAttempt, Case
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"
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


def test_n_takes_the_due_case_of_the_second_project_and_leaving_the_screen_gives_it_back(
    page, db, app
):
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
    page.locator("a.brand").click()  # to the workstation, without an outcome
    page.wait_for_url("**/interviewer/")
    assert page.get_by_test_id("held-case").count() == 0
    assert "1 case due now" in page.get_by_test_id(f"project-{busy.code}").inner_text()
    db.expire_all()
    assert db.get(Case, case.id).claim_expires_at < MONDAY_10
    page.keyboard.press("n")  # the same case, the only one due, comes up again
    page.wait_for_url(f"**/interviewer/case/{case.id}")
    db.expire_all()
    assert db.get(Case, case.id).claim_expires_at > MONDAY_10


def test_closing_the_case_screen_sends_the_case_back_as_it_goes(page, db, app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = make_user(db, "interviewer")
    project = make_project(db)
    projects.assign(db, project, user)
    (case,) = make_cases(db, project)
    log_in(page, user.username)
    page.wait_for_url("**/interviewer/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/interviewer/case/{case.id}")
    page.close(run_before_unload=True)  # the tab closed: only the beacon can tell
    for _ in range(50):
        db.expire_all()
        if db.get(Case, case.id).claim_expires_at < MONDAY_10:
            break
        time.sleep(0.1)
    assert db.get(Case, case.id).claim_expires_at < MONDAY_10


def test_saving_an_outcome_or_starting_the_interview_is_not_leaving(page, db, app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = make_user(db, "interviewer")
    project = make_project(db)
    projects.assign(db, project, user)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    (case,) = make_cases(db, project)
    left = []
    page.on("request", lambda r: left.append(r.url) if r.url.endswith("/leave") else None)
    log_in(page, user.username)
    page.wait_for_url("**/interviewer/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/interviewer/case/{case.id}")
    page.keyboard.press("s")
    page.wait_for_url("**/interviewer/interview/*")
    page.goto("/interviewer/")
    assert "Resume the interview" in page.get_by_test_id("held-case").inner_text()
    assert left == []
