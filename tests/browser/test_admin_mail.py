"""The admin sends a test message from the Mail page in Chromium, to the local SMTP sink."""

import pytest

from tests.browser.test_login import log_in
from tests.conftest import make_user
from tests.smtp_sink import mail_through, smtp_sink

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_the_admin_sends_a_test_message(app, db, page, tmp_path):
    admin = make_user(db, "admin")
    with smtp_sink() as sink:
        mail_through(app, sink)
        log_in(page, admin.username)
        page.wait_for_url("**/admin/")  # logged in before going on
        page.get_by_role("link", name="Mail").click()
        settings = page.get_by_test_id("mail-settings").inner_text()
        assert "127.0.0.1" in settings and "Survey team <survey@example.org>" in settings
        form = page.get_by_test_id("mail-test")
        form.get_by_label("Send to").fill("ops@example.org")
        page.screenshot(path=tmp_path / "admin-mail.png", full_page=True)
        form.get_by_role("button", name="Send a test message").click()
        assert "Test message sent to ops@example.org" in page.get_by_role("status").inner_text()
        page.screenshot(path=tmp_path / "admin-mail-sent.png", full_page=True)
    assert [m["To"] for m in sink.messages] == ["ops@example.org"]
