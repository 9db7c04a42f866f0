"""The staff picker in Chromium: a researcher chooses the project's client organisation, and
the picker then offers the agency's staff and that company's clients, never another's."""

import os
from pathlib import Path

import pytest

from cati.fieldwork import projects
from tests.browser.test_login import log_in
from tests.conftest import client_company, make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
SHOTS = os.environ.get("CATI_SCREENSHOTS")  # where docs/screenshots are remade


def offered(page) -> list[str]:
    return sorted(page.get_by_test_id("staff-picker").locator("option").all_inner_texts())


def test_the_staff_picker_lists_only_the_agency_and_the_projects_own_company(db, page, tmp_path):
    acme, boreal = client_company(db, "Acme"), client_company(db, "Boreal")
    researcher = make_user(db, "researcher", username="rosa")
    make_user(db, "interviewer", username="ines")
    make_user(db, "client", username="ana", organisation=acme)
    make_user(db, "client", username="bea", organisation=boreal)
    project = projects.create_project(db, "PICK26", "Ómnibus")
    projects.assign(db, project, researcher)
    log_in(page, "rosa")
    page.wait_for_url("**/research/")
    page.goto("/research/PICK26/")
    assert offered(page) == ["ines (interviewer)"]
    assert "Choose the client organisation" in page.get_by_test_id("staff-scope").inner_text()

    page.locator("#settings-client_organisation").select_option(label="Acme")
    page.locator("#settings").get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert offered(page) == ["ana (client)", "ines (interviewer)"]
    assert page.get_by_test_id("staff-scope").inner_text() == (
        "Listed: the staff of Agency and the clients of Acme."
    )
    page.locator("#staff").screenshot(path=str(Path(SHOTS or tmp_path) / "staff-picker.png"))
    page.get_by_test_id("staff-picker").select_option(label="ana (client)")
    page.locator("#staff").get_by_role("button", name="Add").click()
    page.wait_for_load_state()
    assert "ana now works on this project." in page.locator(".flash").inner_text()
    assert offered(page) == ["ines (interviewer)"]
    assert "bea" not in page.content()

    page.locator("#settings-client_organisation").select_option(label="Boreal")
    page.locator("#settings").get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Taken off the project, being of another organisation: ana." in page.content()
    assert offered(page) == ["bea (client)", "ines (interviewer)"]
