"""The researcher's main path: project, questionnaire, sample, quota, an outcome, weighting
targets, and a weighted report made in the background and downloaded."""

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from cati.models import Case, Project
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10
from tests.cati.test_weighting_targets import complete
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"
# Fictional numbers only (NANP 555-0100..0199).
SAMPLE = "case_id,phone,region\n" + "".join(
    f"C{i},+1 202 555 01{i:02d},{'north' if i < 6 else 'south'}\n" for i in range(10)
)


@pytest.mark.slow
def test_a_researcher_sets_up_a_project_and_downloads_a_weighted_report(app, db, page, tmp_path):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    researcher = make_user(db, "researcher")
    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    page.get_by_label("Code").fill("CSAT26")
    page.get_by_label("Name").fill("Satisfacción 2026")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/research/CSAT26/")

    page.get_by_label("Questionnaire (YAML or XLSForm)").set_input_files(
        LIBRARY / "customer_satisfaction.yaml"
    )
    page.get_by_role("button", name="Check and pin").click()
    assert "customer_satisfaction" in page.get_by_test_id("pinned").inner_text()

    sample = tmp_path / "sample.csv"
    sample.write_text(SAMPLE)
    page.get_by_label("Sample (CSV, XLSX or Parquet)").set_input_files(sample)
    page.locator("form[action$='/sample']").get_by_label("Country of national numbers").fill("US")
    page.get_by_role("button", name="Import").click()
    assert "Imported 10 cases" in page.get_by_role("status").inner_text()

    quota = page.locator("form", has=page.get_by_role("button", name="Add quota"))
    quota.get_by_label("Name").fill("North")
    quota.get_by_label("Cell").fill("region = north")
    quota.get_by_label("Target").fill("6")
    quota.get_by_role("button", name="Add quota").click()
    assert "0 / 6" in page.locator(".quota").inner_text()

    page.get_by_role("link", name="Edit the outcomes").click()
    page.get_by_role("link", name="BUSY").click()
    page.get_by_label("Call again after (minutes)").fill("-10")
    page.get_by_role("button", name="Save").click()
    assert "Number must be between 0 and 86400." in page.get_by_role("alert").inner_text()
    page.get_by_label("Call again after (minutes)").fill("30")
    page.get_by_role("button", name="Save").click()
    assert "Outcome BUSY saved." in page.get_by_role("status").inner_text()
    busy = page.locator('tr[data-code="BUSY"]')
    assert "30" in busy.inner_text()

    # Fieldwork happens: every case completes (6 north, 4 south).
    project = db.scalar(select(Project))
    complete(db, project, db.scalars(select(Case)).all())

    page.get_by_role("link", name="Back to the project").click()
    page.get_by_role("link", name="Weighting targets").last.click()
    page.get_by_label("Variable", exact=True).select_option("region")
    page.get_by_role("button", name="Choose").click()
    page.get_by_label("Target north").fill("50")
    page.get_by_label("Target south").fill("fifty")
    page.get_by_role("button", name="Save targets").click()
    assert "is not a number of 0 or more" in page.get_by_role("alert").inner_text()
    page.get_by_label("Target south").fill("50")
    page.get_by_role("button", name="Save targets").click()
    assert "Targets of region saved." in page.get_by_role("status").inner_text()
    assert "9.6" in page.get_by_test_id("efficiency").inner_text()
    assert page.get_by_test_id("weighting-option").inner_text() == "raking"
    page.get_by_test_id("efficiency").screenshot(path=tmp_path / "weighting-check.png")

    page.get_by_role("link", name="Back to the project").click()
    page.locator("select[name=what]").select_option("report:topline")
    page.locator("select[name=language]").select_option("en")
    page.get_by_label("Weighted by the project's targets").check()
    page.get_by_label("Report: a plain PDF, not PDF/UA-1", exact=False).check()
    page.locator("#jobs").screenshot(path=tmp_path / "job-form.png")
    page.get_by_role("button", name="Make", exact=True).click()
    link = page.get_by_test_id("jobs").get_by_role("link", name="Download")
    link.wait_for(timeout=300_000)  # refreshed while the job runs; minutes at load 12
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "CSAT26-topline-en.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(saved)], capture_output=True, text=True).stdout
    assert "Tagged:          no" in info  # the box ticked
