"""A respondent completes the questionnaire on a phone-sized screen from a personal link."""

from pathlib import Path

import pytest
from sqlalchemy import select

from cati import questionnaire_store
from cati.fieldwork import weblinks
from cati.models import Case
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"


def test_web_self_completion_on_a_phone(browser, live_server, db, app):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "customer_satisfaction.yaml")
    make_cases(db, project)
    ((_, token),) = weblinks.issue_links(db, project)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="es-ES",
    )
    page = context.new_page()
    page.goto(f"/r/{token}")
    assert page.locator(".specials").count() == 0  # no interviewer-only codes
    assert page.locator(".instruction").count() == 0
    page.get_by_role("button", name="Siguiente").tap()
    page.get_by_label("Sí").tap()
    page.get_by_role("button", name="Siguiente").tap()
    page.get_by_text("9", exact=True).tap()
    page.get_by_role("button", name="Siguiente").tap()
    page.locator("textarea").fill("Muy contenta con la entrega")
    page.get_by_role("button", name="Siguiente").tap()
    for row in (
        "La entrega",
        "La instalación",
        "La atención del personal",
        "La relación calidad-precio",
    ):
        page.get_by_label(f"{row}: Buena").tap()
    page.get_by_role("button", name="Siguiente").tap()
    page.get_by_label("Teléfono").tap()
    page.get_by_role("button", name="Siguiente").tap()
    page.get_by_label("No", exact=True).tap()
    page.get_by_role("button", name="Siguiente").tap()
    page.get_by_role("button", name="Siguiente").tap()
    page.get_by_test_id("thanks").wait_for()
    case = db.scalar(select(Case))
    db.refresh(case)
    assert case.final_outcome == "WEB_COMPLETE"
    context.close()
