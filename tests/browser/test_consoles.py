"""The admin creates a client of a company and gives them one of its projects; the client sees
only that project."""

import pytest

from cati.fieldwork import projects
from tests.browser.test_login import log_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import client_company, make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_the_admin_creates_a_client_and_the_client_sees_only_their_project(
    app, browser, live_server, db
):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    admin = make_user(db, "admin")
    company, rival = client_company(db, "Aurora"), client_company(db, "Boreal")
    aurora = make_project(db, name="Aurora Hogar", client_organisation=company)
    other = make_project(db, name="Boreal Seguros", client_organisation=rival)
    make_cases(db, aurora, n=3)
    projects.assign(db, other, make_user(db, "client", full_name="Otro", organisation=rival))

    desk = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    log_in(desk, admin.username)
    desk.get_by_role("link", name="New user").click()
    desk.get_by_label("User name").fill("carla")
    desk.get_by_label("Full name").fill("Carla Cliente")
    desk.get_by_label("Role").select_option("client")
    desk.get_by_label("Initial password").fill("a long enough secret")
    desk.get_by_role("button", name="Create user").click()
    assert "A client belongs to a client organisation" in desk.get_by_role("alert").inner_text()
    desk.get_by_label("Organisation").select_option(label="Aurora")
    desk.get_by_label("Initial password").fill("short")
    desk.get_by_role("button", name="Create user").click()
    assert "at least 12 characters" in desk.get_by_role("alert").inner_text()
    desk.get_by_label("Initial password").fill("a long enough secret")
    desk.get_by_role("button", name="Create user").click()
    desk.wait_for_url("**/admin/users/*")
    assert desk.get_by_role("heading", level=1).inner_text().startswith("Carla Cliente")
    assert desk.get_by_test_id("organisation").inner_text() == "Aurora"
    assert desk.get_by_label(f"Boreal Seguros ({other.code})").count() == 0
    desk.get_by_label(f"Aurora Hogar ({aurora.code})").check()
    desk.get_by_role("button", name="Save projects").click()
    assert "1 added, 0 removed" in desk.get_by_role("status").inner_text()
    assert desk.get_by_label(f"Aurora Hogar ({aurora.code})").is_checked()
    desk.context.close()

    page = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    log_in(page, "carla", "a long enough secret")
    page.wait_for_url("**/client/")
    studies = page.get_by_test_id("study")
    assert studies.count() == 1
    assert "Aurora Hogar" in studies.inner_text()
    assert "Boreal Seguros" not in page.content()
    page.get_by_role("link", name="Aurora Hogar").click()
    page.wait_for_url(f"**/client/{aurora.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Aurora Hogar"
    assert "in the field since 30 Nov 2026" in page.get_by_test_id("field-dates").inner_text()
    assert "3" in page.get_by_test_id("by-state").inner_text()
    assert (
        "The research team has not released files yet"
        in page.get_by_test_id("empty-state").inner_text()
    )
    page.context.close()
