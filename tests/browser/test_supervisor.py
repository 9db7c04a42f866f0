"""The supervisor's main path: the live monitor with its charts, then a case found, rescheduled
and given an outcome, both with a reason that shows in the case's audit trail."""

import re
from datetime import timedelta

import pytest

from cati.fieldwork import dispatch, presence, projects
from cati.fieldwork.disposition import record_outcome
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
CHARTS = 6
# Resolves once the image is decoded; a broken image (an error page, a wrong content type)
# rejects it and fails the test.
DRAWN = "img => img.decode().then(() => img.naturalWidth > 0)"


def a_call(db, project, interviewer, outcome, minutes):
    now = MONDAY_10 - timedelta(minutes=minutes)
    claim = dispatch.next_case(db, project, interviewer, now=now)
    record_outcome(db, claim.case, interviewer, outcome, now=now + timedelta(minutes=3))
    return claim.case


def test_the_supervisor_watches_the_monitor_then_reschedules_and_closes_a_case(app, page, db):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    supervisor = make_user(db, "supervisor")
    interviewer = make_user(db, "interviewer", full_name="Inés García")
    project = make_project(db, name="Movilidad")
    for user in (supervisor, interviewer):
        projects.assign(db, project, user)
    make_cases(db, project, n=4, now=MONDAY_10 - timedelta(hours=2))
    presence.set_status(db, interviewer, "available", MONDAY_10 - timedelta(hours=1))
    a_call(db, project, interviewer, "COMPLETE", 50)
    case = a_call(db, project, interviewer, "NO_ANSWER", 20)

    charts_asked: list[str] = []
    page.on("request", lambda r: "/charts/" in r.url and charts_asked.append(r.url))
    log_in(page, supervisor.username)
    page.wait_for_url(f"**/supervisor/{project.code}/")
    assert "Inés García" in page.get_by_test_id("interviewers").inner_text()
    assert "cases in play" in page.locator(".kpis").inner_text()
    images = page.get_by_test_id("charts").locator("img")
    assert images.count() == CHARTS
    for k in range(CHARTS):
        assert images.nth(k).evaluate(DRAWN)
    assert len(charts_asked) == CHARTS

    # An unchanged monitor: the poll gets a 304 and no chart is asked for again.
    with page.expect_response(lambda r: "fragment=1" in r.url) as polled:
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    assert polled.value.status == 304
    assert len(charts_asked) == CHARTS
    # A call ends: the next poll brings the charts at their new version.
    a_call(db, project, interviewer, "REFUSAL_HARD", 5)
    with page.expect_response(lambda r: "fragment=1" in r.url) as polled:
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    assert polled.value.status == 200
    version = re.search(r"\.svg\?v=(\w+)", polled.value.text()).group(1)
    fresh = page.get_by_test_id("charts").locator(f'img[src*="v={version}"]')
    fresh.nth(CHARTS - 1).wait_for()
    for k in range(CHARTS):
        assert fresh.nth(k).evaluate(DRAWN)
    assert len(charts_asked) == 2 * CHARTS

    page.get_by_role("link", name="Cases").click()
    page.wait_for_url("**/cases")
    page.get_by_label("Case id or phone").fill(case.external_id)
    page.get_by_role("button", name="Search").click()
    rows = page.get_by_test_id("cases").locator("tbody tr")
    assert rows.count() == 1
    assert "No answer" in rows.inner_text()
    page.get_by_role("link", name=case.external_id).click()
    page.wait_for_url(f"**/supervisor/case/{case.id}")

    reschedule = page.locator("form", has=page.get_by_role("button", name="Reschedule"))
    reschedule.get_by_label("Date").fill("2026-12-01")
    reschedule.get_by_label("Time").fill("18:00")
    reschedule.get_by_label("Reason").fill("asked to call after work")
    reschedule.get_by_role("button", name="Reschedule").click()
    assert "audit trail" in page.get_by_role("status").inner_text()
    assert "Tue 01 Dec 18:00" in page.get_by_test_id("case-facts").inner_text()

    outcome = page.locator("form", has=page.get_by_role("button", name="Set outcome"))
    outcome.get_by_label("Outcome").select_option(label="Not eligible (screened out)")
    outcome.get_by_label("Reason").fill("a business line")
    outcome.get_by_role("button", name="Set outcome").click()
    assert "audit trail" in page.get_by_role("status").inner_text()
    assert "Not eligible (screened out)" in page.get_by_test_id("case-facts").inner_text()
    trail = page.get_by_test_id("trail").locator("tr")
    rescheduled = trail.filter(has_text="case.reschedule")
    closed = trail.filter(has_text="case.set_outcome")
    assert "asked to call after work" in rescheduled.inner_text()
    assert "a business line" in closed.inner_text()
    assert supervisor.username in closed.inner_text()
