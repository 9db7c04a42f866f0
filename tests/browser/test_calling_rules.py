"""A researcher edits the calling rules in the form: a window typed the wrong way round is
refused beside it, the fixed windows are saved and the page says how many open cases they
rescheduled; the same page in Spanish."""

import pytest

from cati.fieldwork import projects
from cati.fieldwork.rules import WEEKDAYS
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def test_a_window_is_edited_refused_beside_it_then_saved_and_cases_rescheduled(
    app, db, page, tmp_path
):
    late = MONDAY_10.replace(hour=22)  # after Monday's window: the cases wait for Tuesday
    app.config["CATI_CLOCK"] = lambda: late
    researcher = make_user(db, "researcher")
    project = make_project(db, "RULES26")
    projects.assign(db, project, researcher)
    make_cases(db, project, n=3, now=late)
    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    page.goto("/research/RULES26/")
    card = page.locator("section.card", has=page.get_by_role("heading", name="Calling rules"))
    card.screenshot(path=tmp_path / "project-card.png")
    card.get_by_role("link", name="Edit calling rules").click()
    page.wait_for_url("**/research/RULES26/rules")

    page.get_by_label("Monday, window 1, to").fill("08:00")
    page.get_by_label("Most calls per case").fill("0")
    page.get_by_role("button", name="Save rules").click()
    beside = page.locator("[data-for='windows-mon-0']")
    assert beside.inner_text() == "ends (08:00) before it starts (09:00)"
    assert page.locator("[data-for='max_attempts_case']").inner_text() == "must be at least 1"
    assert page.get_by_label("Monday, window 1, to").get_attribute("aria-invalid") == "true"
    page.screenshot(path=tmp_path / "rules-error.png", full_page=True)

    page.get_by_label("Most calls per case").fill("8")
    for day in DAYS:
        page.get_by_label(f"{day}, window 1, from").fill("08:00")
        page.get_by_label(f"{day}, window 1, to").fill("23:00")
    page.get_by_role("button", name="Save rules").click()
    assert (
        "Calling rules saved: 3 open cases rescheduled." in page.get_by_role("status").inner_text()
    )
    assert page.get_by_label("Sunday, window 1, to").input_value() == "23:00"
    page.screenshot(path=tmp_path / "rules-saved.png", full_page=True)
    db.expire_all()  # the server saved in its own session
    rules = projects.rules_of(projects.get_project(db, "RULES26"))
    assert rules.max_attempts_case == 8
    assert all(rules.windows[day][0].end.hour == 23 for day in WEEKDAYS)


def test_the_rules_form_speaks_spanish(db, page, tmp_path):
    researcher = make_user(db, "researcher", locale="es")  # the user's language wins
    project = make_project(db, "REGLAS26")
    projects.assign(db, project, researcher)
    log_in(page, researcher.username)
    page.wait_for_url("**/research/")
    page.goto("/research/REGLAS26/rules")
    page.get_by_label("Martes, ventana 1, hasta").fill("08:00")
    page.get_by_role("button", name="Guardar reglas").click()
    beside = page.locator("[data-for='windows-tue-0']")
    assert beside.inner_text() == "termina (08:00) antes de empezar (09:00)"
    assert page.get_by_role("heading", name="Reglas de llamada").is_visible()
    page.screenshot(path=tmp_path / "rules-es.png", full_page=True)
