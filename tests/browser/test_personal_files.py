"""A researcher makes the personal and the pseudonymized data file: the list names and
marks the personal one and offers to release only the other (issue #20, item 4)."""

from pathlib import Path

import pytest

from cati import questionnaire_store
from cati.fieldwork import projects
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import make_cases, make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"


def _make(page, personal: bool) -> None:
    page.locator("select[name=what]").select_option("data:csv")
    box = page.get_by_label("Include personal data", exact=False)
    box.check() if personal else box.uncheck()
    page.get_by_role("button", name="Make", exact=True).click()


def test_the_personal_file_is_marked_and_only_the_other_can_be_released(db, page, tmp_path):
    researcher = make_user(db, "researcher")
    project = make_project(db, "PRIV26")
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    projects.assign(db, project, researcher)
    make_cases(db, project, n=3)
    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    page.goto("/research/PRIV26/")
    _make(page, personal=True)
    _make(page, personal=False)
    jobs = page.get_by_test_id("jobs")
    jobs.get_by_role("link", name="Download").nth(1).wait_for(timeout=300_000)
    assert jobs.get_by_test_id("personal-file").count() == 1
    personal_row = jobs.locator("tr", has=page.get_by_test_id("personal-file"))
    assert "PRIV26-personal.csv" in personal_row.inner_text()
    assert personal_row.get_by_role("button", name="Release to client").count() == 0
    assert jobs.get_by_role("button", name="Release to client").count() == 1
    jobs.screenshot(path=tmp_path / "jobs.png")
