"""The researcher names the sample's design columns and the weighting options on the
weighting page; a wrong entry is refused with its message beside the field."""

import os
from pathlib import Path

import pytest

from cati import project_design
from cati.fieldwork import projects
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import make_cases, make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
# CATI_SCREENSHOTS=docs/screenshots keeps the page for the documentation.
SHOTS = Path(os.environ.get("CATI_SCREENSHOTS", ""))


def test_the_researcher_sets_the_design_and_weighting_options(page, db, tmp_path):
    researcher = make_user(db, "researcher")
    project = make_project(db, name="Barómetro de hogares")
    projects.assign(db, project, researcher)
    for district, region in (("d1", "north"), ("d2", "north"), ("d3", "south"), ("d4", "south")):
        make_cases(db, project, n=3, sample_vars={"district": district, "region": region})

    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    page.goto(f"/research/{project.code}/weighting")
    design = page.get_by_test_id("design")
    design.get_by_label("Stratum column").fill("region")
    design.get_by_label("PSU column (then the unit of each later stage)").fill("school")
    design.get_by_role("button", name="Save the design").click()
    error = page.locator("#psu-error")
    assert "'school' is not a column of the sample" in error.inner_text()
    field = page.get_by_label("PSU column (then the unit of each later stage)")
    assert field.get_attribute("aria-invalid") == "true"
    field.fill("district")
    page.get_by_test_id("design").get_by_role("button", name="Save the design").click()
    assert "Sample design saved." in page.get_by_role("status").inner_text()

    options = page.get_by_test_id("options")
    options.get_by_label("Raking bounds: lowest raked/design weight ratio").fill("1.5")
    options.get_by_label("Raking bounds: highest ratio").fill("3")
    options.get_by_role("button", name="Save the options").click()
    assert "below 1" in page.locator("#bound_low-error").inner_text()
    page.get_by_label("Raking bounds: lowest raked/design weight ratio").fill("0.5")
    page.get_by_label("Trim weights above").fill("4")
    page.get_by_role("button", name="Save the options").click()
    assert "Weighting options saved." in page.get_by_role("status").inner_text()
    page.screenshot(path=str(tmp_path / "weighting.png"), full_page=True)
    if SHOTS.name:
        page.get_by_test_id("design").screenshot(path=str(SHOTS / "research-design.png"))
    page.get_by_role("button", name="Español").click()
    assert page.get_by_test_id("design").get_by_role("heading").inner_text() == "Diseño muestral"
    assert page.get_by_label("Recortar los pesos por encima de").input_value() == "4"
    page.screenshot(path=str(tmp_path / "weighting-es.png"), full_page=True)

    db.expire_all()
    assert project_design.design_of(project).psu == ("district",)
    assert project_design.options_of(project).bounds == (0.5, 3.0)
    assert project_design.options_of(project).trim == (0.0, 4.0)
