"""The researcher uploads a frame, previews the drawn sample with its map, and accepts it."""

import pytest

from cati.fieldwork import projects
from sampling.demo import demo_frame
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_the_researcher_draws_previews_and_accepts_a_sample(page, db, tmp_path):
    researcher = make_user(db, "researcher")
    project = make_project(db, name="Barómetro de hogares")
    projects.assign(db, project, researcher)
    frame = demo_frame(400, random=2)
    frame.to_csv(tmp_path / "households.csv", index=False)

    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    page.goto(f"/research/{project.code}/")
    page.get_by_label("Frame (CSV, XLSX or Parquet)").set_input_files(tmp_path / "households.csv")
    page.get_by_label("Strata columns").fill("region")
    page.get_by_label("Sample size n").fill("60")
    page.get_by_label("Replicates").fill("3")
    page.get_by_label("Country of national numbers").last.fill("US")
    seed = page.get_by_label("Seed").input_value()
    assert seed.isdigit()  # a random seed, shown before drawing
    page.get_by_role("button", name="Draw and preview").click()
    page.wait_for_url("**/draws/*")

    assert page.get_by_test_id("seed").inner_text() == f"Seed {seed}"
    allocation = page.get_by_test_id("allocation").locator("tbody tr")
    assert allocation.count() == frame["region"].nunique()
    # A function, not an expression: Playwright evals an expression, which the CSP forbids.
    page.wait_for_function("() => document.querySelector('[data-testid=map]').naturalWidth > 0")
    assert page.get_by_test_id("draw-replicates").locator("tbody tr").count() == 3

    page.get_by_role("button", name="Accept and import the cases").click()
    page.wait_for_url(f"**/research/{project.code}/#privacy")  # mark the personal fields next
    assert "Imported 60 cases" in page.get_by_role("status").inner_text()
    replicates = page.get_by_test_id("replicates").locator("tbody tr")
    assert replicates.count() == 3
    assert sum(int(r.locator("td").nth(1).inner_text()) for r in replicates.all()) == 60
