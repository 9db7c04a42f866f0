"""A researcher imports a 20,000-case CSV and a 20,000-row workbook from the browser: each
is imported in the background with its progress in the job list; a job is cancelled and
tried again from its buttons (issue #20, item 5)."""

import dataclasses

import pytest

from benchmarks.fictional import sample
from cati.fieldwork import projects
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import make_project
from tests.cati.web.test_sample_jobs import CASES
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
# ms: 20,000 cases took 10 s on PostgreSQL at load 4; the bound is for load 12
JOB_TIMEOUT = 300_000


def _upload(page, path) -> None:
    form = page.locator("form[action$='/sample']")
    form.get_by_label("Sample (CSV, XLSX or Parquet)").set_input_files(path)
    form.get_by_label("Country of national numbers").fill("US")
    form.get_by_role("button", name="Import").click()
    assert "being imported in the background" in page.get_by_role("status").inner_text()


def test_large_samples_import_from_the_browser_with_progress_cancel_and_retry(
    app, db, page, tmp_path
):
    researcher = make_user(db, "researcher")
    projects.assign(db, make_project(db, "BIG26"), researcher)
    csv, xlsx = tmp_path / "muestra.csv", tmp_path / "muestra.xlsx"
    sample(CASES).to_csv(csv, index=False)
    sample(CASES, prefix="X").to_excel(xlsx, index=False)
    inline = app.config["CATI_SETTINGS"]
    app.config["CATI_SETTINGS"] = dataclasses.replace(inline, jobs_inline=False)  # held queued
    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    page.goto("/research/BIG26/")

    _upload(page, csv)
    jobs = page.get_by_test_id("jobs")
    assert "Sample import: muestra.csv" in jobs.inner_text() and "waiting" in jobs.inner_text()
    jobs.screenshot(path=tmp_path / "queued.png")
    jobs.get_by_role("button", name="Cancel").click()
    assert "nothing the job did is kept" in page.get_by_role("status").inner_text()
    assert "cancelled; nothing was kept" in page.get_by_test_id("jobs").inner_text()

    app.config["CATI_SETTINGS"] = inline
    page.get_by_test_id("jobs").get_by_role("button", name="Try again").click()
    imported = page.get_by_test_id("jobs").get_by_test_id("job-result")
    imported.wait_for(timeout=JOB_TIMEOUT)  # the list refreshes itself every 3 s
    assert imported.inner_text() == f"{CASES:,} cases imported"

    _upload(page, xlsx)
    page.get_by_test_id("jobs").get_by_test_id("job-result").nth(1).wait_for(timeout=JOB_TIMEOUT)
    row = page.get_by_test_id("jobs").locator("tr", has_text="Sample import: muestra.xlsx")
    assert f"{CASES:,} cases imported" in row.inner_text()
    page.get_by_test_id("jobs").screenshot(path=tmp_path / "done.png")
    row.get_by_role("link", name=f"{CASES:,} cases imported").click()
    page.wait_for_url("**/research/BIG26/?job=*#sample")
    replicates = page.get_by_test_id("replicates").inner_text()
    assert f"{2 * CASES}" in replicates
