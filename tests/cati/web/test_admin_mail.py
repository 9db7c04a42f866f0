"""The admin's view of the mail settings (CATI_SMTP_*, the password never shown) and the test
message through them, against the local SMTP sink."""

import dataclasses
import socket

from sqlalchemy import select

from cati.models import AuditEntry
from tests.conftest import csrf_token
from tests.smtp_sink import mail_through, smtp_sink


def configure(app, **changes):
    app.config["CATI_SETTINGS"] = dataclasses.replace(app.config["CATI_SETTINGS"], **changes)


def send_test(client, to):
    token = csrf_token(client, "/admin/mail")
    return client.post("/admin/mail/test", data={"to": to, "csrf_token": token})


def test_the_admin_sees_the_settings_with_the_password_masked(app, client, login_as):
    configure(
        app,
        smtp_host="mail.example.org",
        smtp_port=2525,
        smtp_user="survey",
        smtp_password="s3cret-Pa55",
        mail_from="Survey team <survey@example.org>",
    )
    login_as("admin")
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "mail.example.org" in page and "2525" in page and "survey" in page
    assert "Survey team &lt;survey@example.org&gt;" in page
    assert "s3cret-Pa55" not in page and "(set, not shown)" in page
    assert 'href="/admin/mail"' in client.get("/admin/").get_data(as_text=True)


def test_only_the_admin_reaches_the_mail_page(client, login_as):
    login_as("researcher")
    assert client.get("/admin/mail").status_code == 403


def test_a_test_message_goes_through_the_sink_and_is_audited(app, client, db, login_as):
    admin = login_as("admin")
    with smtp_sink() as sink:
        mail_through(app, sink)
        response = send_test(client, "ops@example.org")
        assert response.status_code == 302
        page = client.get("/admin/mail").get_data(as_text=True)
    assert "Test message sent to ops@example.org through 127.0.0.1:" in page
    (message,) = sink.messages
    assert (message["To"], message["From"]) == (
        "ops@example.org",
        "Survey team <survey@example.org>",
    )
    assert message["Subject"] == "cati: test message"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "mail.test"))
    assert (entry.user_id, entry.details["to"]) == (admin.id, "ops@example.org")


def test_without_a_host_or_with_a_dead_server_the_page_says_so(app, client, db, login_as):
    login_as("admin")
    configure(app, smtp_host="")
    response = send_test(client, "ops@example.org")
    assert response.status_code == 400
    assert "No mail server is set" in response.get_data(as_text=True)
    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    configure(app, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
    response = send_test(client, "ops@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"The mail server 127.0.0.1:{port} did not take the test message" in page
    assert "ConnectionRefusedError" in page
    assert send_test(client, "not an address").status_code == 400
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "mail.test")) is None
