"""Two browsers logged in as one user: the first ends the second's session from "Your
sessions", and the second is sent to the log-in page at its next click."""

import os

import pytest

from tests.browser.test_login import log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
SHOTS = os.environ.get("CATI_SHOTS")  # a folder: the pages are also saved there


def test_a_session_ended_from_another_browser_is_sent_to_the_log_in_page(browser, live_server, db):
    user = make_user(db, "supervisor")
    contexts = [
        browser.new_context(base_url=live_server.url, locale="en-GB", user_agent=agent)
        for agent in ("Office browser", "Call-room browser")
    ]
    try:
        office, call_room = (context.new_page() for context in contexts)
        for page in (office, call_room):
            page.set_default_timeout(30_000)
            log_in(page, user.username)
            page.wait_for_url("**/supervisor/")
        office.get_by_test_id("my-sessions").click()
        rows = office.get_by_test_id("sessions").locator("tbody tr")
        assert rows.count() == 2
        assert "this browser" in rows.filter(has_text="Office browser").inner_text()
        if SHOTS:
            office.screenshot(path=f"{SHOTS}/sessions.png", full_page=True)
        rows.filter(has_text="Call-room browser").get_by_role("button").click()
        office.get_by_text("The session was ended").wait_for()
        assert office.get_by_test_id("sessions").locator("tbody tr").count() == 1

        call_room.reload()
        call_room.wait_for_url("**/login**")
        assert call_room.get_by_label("User name").is_visible()
    finally:
        for context in contexts:
            context.close()


def test_an_admin_sees_how_many_browsers_a_user_is_in_and_ends_them(page, db, browser, live_server):
    user = make_user(db, "interviewer")
    admin = make_user(db, "admin")
    other = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        theirs = other.new_page()
        log_in(theirs, user.username)
        theirs.wait_for_url("**/interviewer/")
        log_in(page, admin.username)
        page.wait_for_url("**/admin/")
        page.goto(f"/admin/users/{user.id}")
        assert page.get_by_text("Logged in now in 1 browser.").is_visible()
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/admin-user-sessions.png", full_page=True)
        page.get_by_role("button", name="End all sessions").click()
        page.get_by_text(f"1 session of {user.username} ended.").wait_for()
        theirs.reload()
        theirs.wait_for_url("**/login**")
    finally:
        other.close()
