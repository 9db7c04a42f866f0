"""A researcher brands the project's reports in the browser (agency name, colours, logo),
sees the cover preview, and the report made in the background carries them, tagged."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from cati import questionnaire_store
from cati.fieldwork import projects
from cati.models import Case
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.cati.test_weighting_targets import complete
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_a_researcher_brands_the_reports_and_the_pdf_shows_it(app, db, page, tmp_path):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    researcher = make_user(db, "researcher")
    project = make_project(db, code="BRAND26", name="Satisfacción 2026")
    projects.assign(db, project, researcher)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    make_cases(db, project, n=6, sample_vars={"region": "Norte"})
    complete(db, project, db.scalars(select(Case)).all())
    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    page.get_by_role("link", name="Satisfacción 2026").click()
    page.wait_for_url("**/research/BRAND26/")
    card = page.locator("#branding")

    fake = tmp_path / "logo.png"
    fake.write_bytes(b"MZ\x90\x00 an executable renamed")
    card.get_by_label("Agency name").fill("Sondeos Atlántico")
    card.get_by_label("Primary colour").fill("#b01e2f")
    card.get_by_label("Accent colour").fill("#1e90b0")
    card.get_by_label("Logo (PNG, JPEG or SVG)").set_input_files(fake)
    card.get_by_role("button", name="Save branding").click()
    alert = page.locator("#branding").get_by_role("alert")
    assert "logo.png: the logo must be a PNG, JPEG or SVG image" in alert.inner_text()

    logo = tmp_path / "agency.png"
    buffer = io.BytesIO()
    Image.new("RGB", (90, 30), (10, 120, 60)).save(buffer, "PNG")
    logo.write_bytes(buffer.getvalue())
    card = page.locator("#branding")
    assert card.get_by_label("Agency name").input_value() == "Sondeos Atlántico"  # kept
    card.get_by_label("Logo (PNG, JPEG or SVG)").set_input_files(logo)
    card.get_by_role("button", name="Save branding").click()
    assert "Report branding saved" in page.get_by_role("status").inner_text()
    card = page.locator("#branding")
    assert card.get_by_label("Primary colour").input_value() == "#b01e2f"
    preview = card.get_by_test_id("brand-preview")
    preview.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=preview.element_handle()
    )
    svg = page.request.get(preview.get_attribute("src")).text()
    assert 'fill="#b01e2f"' in svg and 'fill="#1e90b0"' in svg and "Sondeos Atlántico" in svg
    assert "data:image/png;base64," in svg
    card.screenshot(path=str(tmp_path / "branding-card.png"))
    page.screenshot(path=str(tmp_path / "project.png"), full_page=True)

    page.locator("select[name=what]").select_option("report:topline")
    page.locator("select[name=language]").select_option("es")
    page.get_by_role("button", name="Make", exact=True).click()
    link = page.get_by_test_id("jobs").get_by_role("link", name="Download")
    link.wait_for(timeout=300_000)
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "topline.pdf"
    download.value.save_as(saved)
    assert "Sondeos Atlántico" in run("pdftotext", "-f", "1", "-l", "1", str(saved), "-")
    images = run("pdfimages", "-list", "-f", "1", "-l", "1", str(saved)).splitlines()[2:]
    assert [(line.split()[3], line.split()[4]) for line in images] == [("90", "30")]
    info = run("pdfinfo", str(saved))
    assert "Tagged:          yes" in info
    assert "Resultados generales" in info  # the title, in the report's language
    run("pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(saved), str(tmp_path / "cover"))
    cover = Image.open(next(tmp_path.glob("cover*.png"))).convert("RGB")
    assert cover.getpixel((cover.width // 2, cover.height // 2)) == (0xB0, 0x1E, 0x2F)
