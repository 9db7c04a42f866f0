"""A person logs in with a real browser, per role, and is kept out of other roles' pages."""

import pytest

from cati.models import Role
from tests.cati.web.test_auth import HOMES
from tests.conftest import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

HEADINGS = {
    "admin": "Administration",
    "researcher": "Research",
    "supervisor": "Supervision",
    "interviewer": "Workstation",
    "client": "Your studies",
}


def log_in(page, username, password=TEST_PASSWORD):
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_logs_in_sees_its_page_and_is_refused_another(page, db, role):
    user = make_user(db, role)
    log_in(page, user.username)
    page.wait_for_url(f"**{HOMES[role]}")
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS[role]
    assert user.username in page.get_by_test_id("who").inner_text()
    other = next(path for r, path in HOMES.items() if r != role)
    response = page.goto(other)
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Not allowed"


def test_a_wrong_password_shows_the_message_beside_the_field(page, db):
    user = make_user(db, "interviewer")
    log_in(page, user.username, "wrong password!")
    assert page.get_by_role("alert").inner_text() == "Wrong user name or password."
    assert page.url.endswith("/login")


def test_switching_to_spanish_and_logging_out(page, db):
    user = make_user(db, "supervisor")
    log_in(page, user.username)
    page.wait_for_url("**/supervisor/")
    page.get_by_role("button", name="Español").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Supervisión"
    page.get_by_role("button", name="Salir").click()
    page.wait_for_url("**/login")
    assert page.get_by_role("heading", level=1).inner_text() == "Entrar"
