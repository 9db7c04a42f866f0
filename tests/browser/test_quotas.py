"""The researcher adds a crossed quota: a typo is refused beside the cell, naming the known
values; the card shows the cell, the sample cases in it and the completes needed."""

import pytest

from cati.fieldwork import projects
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import make_cases, make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_a_crossed_quota_is_added_with_a_typo_refused_beside_its_cell(page, db, tmp_path):
    researcher = make_user(db, "researcher")
    project = make_project(db, name="Barómetro")
    projects.assign(db, project, researcher)
    for region, sex, n in (("Madrid", "f", 3), ("Madrid", "m", 2), ("Andalucía", "f", 4)):
        make_cases(db, project, n=n, sample_vars={"region": region, "sex": sex}, release=False)

    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    page.goto(f"/research/{project.code}/")
    form = page.locator("form", has=page.get_by_role("button", name="Add quota"))
    form.get_by_label("Name").fill("Madrid women")
    form.get_by_label("Cell").fill("region = Madird\nsex = f")
    form.get_by_label("Target").fill("20")
    form.get_by_label("Soft").fill("10")
    form.get_by_role("button", name="Add quota").click()
    form = page.locator("form", has=page.get_by_role("button", name="Add quota"))
    error = form.get_by_role("alert")
    assert error.inner_text() == (
        "Quota Madrid women, region: Madird is not one of its values. Known: Andalucía, Madrid."
    )
    # Beside the cell it is about, the researcher's lines kept for the fix.
    assert error.evaluate("e => e.previousElementSibling.textContent").startswith("Cell")
    assert form.get_by_label("Cell").input_value() == "region = Madird\nsex = f"
    page.locator("#quotas").screenshot(path=tmp_path / "quota-typo.png")

    form.get_by_label("Cell").fill("region = Madrid\nsex = f")
    form.get_by_role("button", name="Add quota").click()
    assert page.get_by_role("status").inner_text() == "Quota Madrid women added."
    card = page.get_by_test_id("quota-card-Madrid women")
    assert card.locator(".quota-cell").inner_text() == "region = Madrid × sex = f"
    figures = card.locator(".quota-figures").inner_text().split("\n")
    assert figures == [
        "Sample cases in the cell",
        "3",
        "Achieved",
        "0",
        "Target",
        "20",
        "Completes needed",
        "20",
        "Kind",
        "soft: closes at 22 (+10 %)",
    ]
    page.locator("#quotas").screenshot(path=tmp_path / "quota-card.png")

    page.locator("#quotas").get_by_role("button", name="Remove").click()
    assert page.get_by_role("status").inner_text() == "Quota Madrid women removed."
    assert "No quotas set." in page.locator("#quotas").inner_text()
