"""Setting a project up in the browser: the checklist, staff taken off, the web links
downloaded and sent by e-mail (then a reminder) through a local SMTP server."""

import csv
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from cati.fieldwork import projects
from cati.models import Case, CaseState, Project, ProjectMember
from tests.browser.test_login import log_in
from tests.conftest import make_user
from tests.smtp_sink import mail_through, smtp_sink

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

# Where the screenshots go to be looked at (CATI_SCREENSHOTS), else the test's tmp_path.
SHOTS = os.environ.get("CATI_SCREENSHOTS")
SAMPLE = (
    "case_id,phone,email\n"
    "W1,+1 202 555 0111,ana@example.org\n"
    "W2,+1 202 555 0112,bea@example.org\n"
    "W3,+1 202 555 0113,\n"
)


def shot(page, tmp_path, name):
    page.screenshot(path=str(Path(SHOTS or tmp_path) / name), full_page=True)


@pytest.fixture
def set_up(db, page):
    researcher = make_user(db, "researcher")
    project = projects.create_project(db, "SETUP26", "Puesta en marcha")
    projects.assign(db, project, researcher)
    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    return project


def steps(page) -> dict[str, str]:
    items = page.get_by_test_id("checklist").locator("li")
    return {
        items.nth(i).get_attribute("data-step"): items.nth(i).locator(".state").inner_text()
        for i in range(items.count())
    }


def test_the_checklist_leads_to_what_is_missing_and_staff_is_taken_off(db, page, set_up, tmp_path):
    interviewer = make_user(db, "interviewer", full_name="Iván Ruiz")
    projects.assign(db, set_up, interviewer)
    page.goto("/research/SETUP26/")
    shown = steps(page)
    assert shown["questionnaire"] == "missing" and shown["staff"] == "done"
    assert shown["quotas"] == "optional"
    page.get_by_test_id("checklist").get_by_role("link", name="Sample imported or drawn").click()
    assert page.url.endswith("#sample")
    shot(page, tmp_path, "research-checklist.png")

    page.get_by_role("button", name=f"Take {interviewer.username} off the project").click()
    assert (
        page.get_by_role("status").inner_text()
        == f"{interviewer.username} no longer works on this project."
    )
    assert "Iván Ruiz" not in page.get_by_test_id("members").inner_text()
    assert steps(page)["staff"] == "missing"
    assert db.get(ProjectMember, (set_up.id, interviewer.id)) is None
    shot(page, tmp_path, "research-staff-removed.png")


def test_web_links_are_downloaded_then_mailed_then_a_reminder_sent(app, db, page, set_up, tmp_path):
    sample = tmp_path / "sample.csv"
    sample.write_text(SAMPLE)
    with smtp_sink() as sink:
        mail_through(app, sink)
        page.goto("/research/SETUP26/")
        page.get_by_label("Sample (CSV, XLSX or Parquet)").set_input_files(sample)
        form = page.locator("form[action$='/sample']")
        form.get_by_label("Country of national numbers").fill("US")
        page.get_by_role("button", name="Import").click()

        with page.expect_download() as download:
            page.get_by_role("button", name="Download the links (CSV)").click()
        assert download.value.suggested_filename == "SETUP26-web-links.csv"
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
        assert [r[0] for r in rows] == ["case_id", "W1", "W2", "W3"]
        assert rows[1][1].startswith("https://survey.example.org/r/")

        card = page.get_by_test_id("invitation")
        card.get_by_label("Subject").fill("Encuesta de movilidad")
        card.get_by_role("button", name="Send the links by e-mail").click()
        status = page.get_by_role("status")
        assert "Web links sent by e-mail to 2 respondents." in status.first.inner_text()
        assert "1 unfinished cases have no e-mail address" in status.last.inner_text()
        assert sorted(m["To"] for m in sink.messages) == ["ana@example.org", "bea@example.org"]
        assert rows[1][1] in sink.messages[0].get_content()  # the link the CSV gave
        assert sink.messages[0]["Subject"] == "Encuesta de movilidad"
        shot(page, tmp_path, "research-web-links.png")

        done = db.scalar(select(Case).where(Case.external_id == "W1"))
        done.state = CaseState.FINAL
        db.commit()
        sink.messages.clear()
        page.get_by_test_id("invitation").get_by_role("button", name="Send a reminder").click()
        assert "Reminders sent to 1 respondents" in page.get_by_role("status").first.inner_text()
        assert [m["To"] for m in sink.messages] == ["bea@example.org"]
    assert db.scalar(select(Project.code)) == "SETUP26"
