"""A person turns two-factor log-in on, enrols, keeps the recovery codes and logs in with a
code; another changes their own password. In a real browser."""

import base64
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cati import totp
from tests.browser.test_login import log_in
from tests.conftest import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

START = datetime(2026, 12, 2, 9, 0, 10, tzinfo=UTC)
# Where the pages are photographed for a person to look at (docs use the enrolment one).
SHOTS = Path(os.environ.get("CATI_SHOTS", "/tmp"))


@pytest.fixture
def clock(app):
    moment = [START]
    app.config["CATI_CLOCK"] = lambda: moment[0]
    yield moment
    app.config.pop("CATI_CLOCK")


def code_at(secret: str, moment: datetime) -> str:
    return totp.code(base64.b32decode(secret), totp.step_at(moment))


def test_the_admin_requires_it_a_supervisor_enrols_and_logs_in_with_a_code(page, db, clock):
    admin = make_user(db, "admin")
    log_in(page, admin.username)
    page.get_by_role(
        "button", name="Require it for administrators, researchers and supervisors"
    ).click()
    assert "Required for administrators" in page.get_by_test_id("two-factor-required").inner_text()
    page.screenshot(path=SHOTS / "admin-two-factor.png", full_page=True)
    page.get_by_role("button", name="Log out").click()

    user = make_user(db, "supervisor")
    log_in(page, user.username)
    page.wait_for_url("**/login/enrol")
    secret = page.get_by_test_id("secret").inner_text()
    assert (
        page.get_by_test_id("otpauth")
        .get_attribute("href")
        .startswith(f"otpauth://totp/cati%3A{user.username}?secret={secret}")
    )
    page.screenshot(path=SHOTS / "account-two-factor.png", full_page=True)
    code = page.get_by_label("Code from your app, or a recovery code")
    code.fill("000000")
    page.keyboard.press("Enter")
    assert page.get_by_role("alert").inner_text().startswith("Wrong or already used code")
    page.get_by_label("Code from your app, or a recovery code").fill(code_at(secret, clock[0]))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Two-factor log-in is on").wait_for()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=SHOTS / "account-recovery-codes.png", full_page=True)
    page.get_by_role("link", name="I have kept them").click()
    page.wait_for_url("**/supervisor/")
    page.get_by_role("button", name="Log out").click()

    clock[0] += timedelta(seconds=30)
    log_in(page, user.username)
    page.wait_for_url("**/login/code")
    page.get_by_role("button", name="Español").click()
    page.screenshot(path=SHOTS / "login-code-es.png")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Code from your app, or a recovery code").fill(code_at(secret, clock[0]))
    page.keyboard.press("Enter")
    page.wait_for_url("**/supervisor/")
    page.get_by_test_id("who").click()
    assert "Recovery codes left: 10" in page.get_by_test_id("two-factor-status").inner_text()
    page.screenshot(path=SHOTS / "account-enrolled.png", full_page=True)


def test_an_interviewer_changes_their_own_password(page, db):
    user = make_user(db, "interviewer")
    log_in(page, user.username)
    page.wait_for_url("**/interviewer/")
    page.get_by_test_id("who").click()
    page.get_by_label("Current password").fill("not the password")
    page.get_by_label("New password").fill("seven tall ships at dawn")
    page.get_by_label("The same again").fill("seven tall ships at dawn")
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_role("alert").inner_text() == "The current password is wrong."
    page.screenshot(path=SHOTS / "account.png", full_page=True)
    page.get_by_label("Current password").fill(TEST_PASSWORD)
    page.get_by_label("New password").fill("seven tall ships at dawn")
    page.get_by_label("The same again").fill("seven tall ships at dawn")
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_role("status").inner_text() == "Your password has been changed."
    page.get_by_role("button", name="Log out").click()
    log_in(page, user.username, "seven tall ships at dawn")
    page.wait_for_url("**/interviewer/")
