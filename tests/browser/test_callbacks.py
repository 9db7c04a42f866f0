"""No call-back lost, in the browser: a late call-back the respondent asks for, a caller for
a closed case passed to the supervisor, who reopens it from the queue or the case page."""

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from cati.fieldwork import inbound, projects
from cati.fieldwork.disposition import record_outcome
from cati.models import Appointment, Case
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
SHOTS = os.environ.get("CATI_SHOTS")  # a folder: the pages are also saved there


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def closed_by_the_limit(db, interviewer, number="+18405550196"):
    project = make_project(db, rules={"max_attempts_case": 1, "max_attempts_phone": 1})
    projects.assign(db, project, interviewer)
    (case,) = make_cases(db, project, now=MONDAY_10 - timedelta(hours=1))
    case.phones[0].number = number
    db.commit()
    inbound.claim_inbound(db, project, interviewer, case.external_id, now=MONDAY_10)
    record_outcome(db, case, interviewer, "NO_ANSWER", now=MONDAY_10)
    assert case.final_outcome == "MAX_ATTEMPTS"
    return project, case


def test_an_interviewer_books_the_late_call_back_the_respondent_asks_for(page, db, app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    user = make_user(db, "interviewer")
    project = make_project(db)
    projects.assign(db, project, user)
    (case,) = make_cases(db, project)
    log_in(page, user.username)
    page.wait_for_url("**/interviewer/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/interviewer/case/{case.id}")
    page.get_by_label("Appointment").check()
    page.get_by_label("Date").fill("2026-11-30")
    page.get_by_label("From").fill("22:30")
    page.get_by_role("button", name="Save outcome").click()
    assert "outside the calling windows" in page.locator(".error").first.inner_text()
    page.get_by_label("Appointment").check()
    page.get_by_label("Date").fill("2026-11-30")
    page.get_by_label("From").fill("22:30")
    page.get_by_test_id("requested-reason").fill("works night shifts")
    shot(page, "interviewer-late-call-back")
    page.get_by_role("button", name="Save outcome").click()
    page.wait_for_url("**/interviewer/")
    booked = db.scalar(select(Appointment))
    assert booked.requested_reason == "works night shifts"
    assert booked.starts_at == MONDAY_10.replace(hour=22, minute=30)


def test_a_caller_for_a_closed_case_reaches_the_supervisor_who_reopens_it(
    page, db, app, browser, live_server
):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10 + timedelta(hours=2)
    interviewer = make_user(db, "interviewer")
    supervisor = make_user(db, "supervisor")
    project, case = closed_by_the_limit(db, interviewer)
    projects.assign(db, project, supervisor)
    log_in(page, interviewer.username)
    page.wait_for_url("**/interviewer/")
    card = page.get_by_test_id(f"project-{project.code}")
    card.get_by_text("Respondent calling in?").click()
    card.get_by_label("Phone number or case id").fill("840 555 0196")
    card.get_by_label("Note for a supervisor").fill("got our message, wants to take part")
    card.get_by_role("button", name="Find case").click()
    assert "passed to a supervisor" in page.get_by_role("status").inner_text()

    boss = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    log_in(boss, supervisor.username)
    boss.wait_for_url(f"**/supervisor/{project.code}/")
    boss.get_by_role("link", name="Inbound calls").click()
    row = boss.get_by_test_id("inbound-calls").locator("tbody tr")
    assert row.count() == 1
    assert "wants to take part" in row.inner_text() and case.external_id in row.inner_text()
    shot(boss, "supervisor-inbound-queue")
    reopen = row.locator("form", has=boss.get_by_role("button", name="Reopen the case"))
    reopen.get_by_label("Reason").fill("she called back")
    reopen.get_by_role("button", name="Reopen the case").click()
    assert "in dispatch again" in boss.get_by_role("status").inner_text()
    assert "No call waits" in boss.get_by_test_id("inbound-calls").inner_text()
    db.expire_all()
    reopened = db.get(Case, case.id)
    assert (reopened.state, reopened.phones[0].status) == ("active", "active")

    # The interviewer takes the respondent's next call on the case.
    card.get_by_text("Respondent calling in?").click()
    card.get_by_label("Phone number or case id").fill("5550196")
    card.get_by_role("button", name="Find case").click()
    page.wait_for_url(f"**/interviewer/case/{case.id}")


def test_the_supervisor_reopens_a_case_from_its_page(page, db, app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10 + timedelta(hours=2)
    interviewer = make_user(db, "interviewer")
    supervisor = make_user(db, "supervisor")
    project, case = closed_by_the_limit(db, interviewer)
    projects.assign(db, project, supervisor)
    log_in(page, supervisor.username)
    page.wait_for_url(f"**/supervisor/{project.code}/")
    page.goto(f"/supervisor/case/{case.id}")
    form = page.get_by_test_id("reopen")
    form.get_by_role("button", name="Reopen").click()  # no reason: refused, nothing changed
    db.expire_all()
    assert db.get(Case, case.id).state == "final"
    form.get_by_label("Reason").fill("number checked with the client")
    shot(page, "supervisor-case-reopen")
    form.get_by_role("button", name="Reopen").click()
    assert "audit trail" in page.get_by_role("status").inner_text()
    assert "active" in page.get_by_test_id("case-facts").inner_text()
    reopened = page.get_by_test_id("trail").locator("tr").filter(has_text="case.reopen")
    assert "number checked with the client" in reopened.inner_text()
    assert page.get_by_test_id("reopen").count() == 0
