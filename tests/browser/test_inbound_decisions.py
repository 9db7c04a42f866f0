"""The supervisor's Inbound calls page in Chromium: letting an unreleased case in, taking an
unknown caller as a new case, and the switch that allows it."""

import os

import pytest
from sqlalchemy import select

from cati.errors import CatiError
from cati.fieldwork import inbound, projects
from cati.models import AuditEntry, Case, InboundCall, Project
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
SHOTS = os.environ.get("CATI_SHOTS")  # a folder: the pages are also saved there


def passed_on(db, project, interviewer, number, note):
    """The interviewer could not take this call: it waits for a supervisor."""
    with pytest.raises(CatiError):
        inbound.claim_inbound(db, project, interviewer, number, note=note, now=MONDAY_10)


def decision(page, call, button):
    """The row's form of that decision."""
    row = page.get_by_test_id(f"inbound-{call.id}")
    return row.locator("form", has=page.get_by_role("button", name=button))


def test_the_supervisor_lets_a_case_in_and_takes_an_unknown_caller_as_a_new_case(
    page, db, app, tmp_path
):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    interviewer, supervisor = make_user(db, "interviewer"), make_user(db, "supervisor")
    project = make_project(db)
    for user in (interviewer, supervisor):
        projects.assign(db, project, user)
    (waiting,) = make_cases(db, project, release=False)
    waiting.phones[0].number = "+18405550196"
    db.commit()
    passed_on(db, project, interviewer, "840 555 0196", "got the letter")
    passed_on(db, project, interviewer, "+1 840 555 0197", "heard about the study")
    unreleased, unknown = db.scalars(select(InboundCall).order_by(InboundCall.id)).all()

    log_in(page, supervisor.username)
    page.wait_for_url(f"**/supervisor/{project.code}/")
    page.goto(f"/supervisor/{project.code}/inbound")
    assert page.get_by_test_id("inbound-calls").locator("tbody tr").count() == 2
    # The project takes no unknown callers yet: that call can only be closed.
    assert decision(page, unknown, "Make it a new case").count() == 0
    page.screenshot(path=tmp_path / "inbound-before.png", full_page=True)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/supervisor-inbound-decisions.png", full_page=True)

    let_in = decision(page, unreleased, "Let the case in")
    let_in.get_by_label("Reason").fill("respondent on the line")
    let_in.get_by_role("button", name="Let the case in").click()
    assert (
        f"Case {waiting.external_id} is in dispatch again"
        in page.get_by_role("status").inner_text()
    )
    assert page.get_by_test_id(f"inbound-{unreleased.id}").count() == 0
    db.expire_all()
    assert db.get(Case, waiting.id).state == "active"

    switch = page.get_by_test_id("new-cases-setting")
    switch.get_by_role("button", name="Take unknown callers as new cases").click()
    assert "Unknown callers can now become cases." in page.get_by_role("status").inner_text()
    assert "can become new cases" in page.get_by_test_id("new-cases-setting").inner_text()
    new_case = decision(page, unknown, "Make it a new case")
    new_case.get_by_role("button", name="Make it a new case").click()  # no reason: not sent
    assert page.get_by_test_id(f"inbound-{unknown.id}").count() == 1
    new_case.get_by_label("Reason").fill("volunteer")
    page.screenshot(path=tmp_path / "inbound-new-case.png", full_page=True)
    new_case.get_by_role("button", name="Make it a new case").click()
    assert f"Case IN-{unknown.id} is in dispatch again" in page.get_by_role("status").inner_text()
    assert "No call waits" in page.get_by_test_id("inbound-calls").inner_text()
    db.expire_all()
    added = db.scalar(select(Case).where(Case.external_id == f"IN-{unknown.id}"))
    assert (added.state, added.phones[0].number) == ("active", "+18405550197")

    page.get_by_role("button", name="Stop taking unknown callers").click()
    assert "no longer become cases" in page.get_by_role("status").inner_text()
    db.expire_all()
    assert db.get(Project, project.id).inbound_new_cases is False
    switched = db.scalars(
        select(AuditEntry.details).where(AuditEntry.action == "project.inbound_new_cases")
    ).all()
    assert [d["value"] for d in switched] == [True, False]
    decided = db.scalars(
        select(AuditEntry.action).where(
            AuditEntry.action.in_(("inbound.let_in", "inbound.add_case"))
        )
    ).all()
    assert sorted(decided) == ["inbound.add_case", "inbound.let_in"]
