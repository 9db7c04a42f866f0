"""Log-in throttling seen through the web: a call centre behind one address, the admin's
list of locks and lifting one."""

from dataclasses import replace

import pytest
from sqlalchemy import insert, select

from cati.config import Settings
from cati.models import AuditEntry, User
from tests.conftest import csrf_token, make_user, post_login

OFFICE = {"REMOTE_ADDR": "192.0.2.10"}


def office_client(app):
    client = app.test_client()
    client.environ_base.update(OFFICE)
    return client


def test_two_hundred_interviewers_log_in_from_one_address_after_fifty_failures(app, db):
    """Shift start behind one NAT address: 50 failures first (wrong passwords of real names,
    names mistyped), then each of 200 interviewers logs in with the right password."""
    defaults = Settings()  # the production allowances, not the tests' tighter ones
    app.config["CATI_SETTINGS"] = replace(
        app.config["CATI_SETTINGS"],
        login_max_failures=defaults.login_max_failures,
        login_unknown_names_per_address=defaults.login_unknown_names_per_address,
    )
    hashed = make_user(db, "interviewer", username="agent000").password_hash
    db.execute(
        insert(User),
        [
            {"username": f"agent{i:03}", "role": "interviewer", "password_hash": hashed}
            for i in range(1, 200)
        ],
    )
    db.commit()
    guesser = office_client(app)
    for i in range(50):
        name = f"agent{i % 7:03}" if i % 2 else f"agnet{i:03}"  # agent001..006: 3-4 each
        assert post_login(guesser, name, "not the password").status_code == 401
    refused = [
        i for i in range(200) if post_login(office_client(app), f"agent{i:03}").status_code != 302
    ]
    assert refused == []


def test_the_admin_sees_the_locks_and_lifts_one_audited(app, client, db, login_as):
    make_user(db, "admin", username="boss")
    office = office_client(app)
    for _ in range(3):  # the test settings allow 3 failures
        post_login(office, "boss", "not the password")
    assert post_login(office, "boss").status_code == 429
    admin = login_as("admin")
    page = client.get("/admin/logins").get_data(as_text=True)
    assert "boss" in page and "192.0.2.10" in page and "<td>3</td>" in page
    token = csrf_token(client, "/admin/logins")
    lifted = client.post(
        "/admin/logins/lift",
        data={"username": "boss", "address": "192.0.2.10", "csrf_token": token},
        follow_redirects=True,
    )
    text = lifted.get_data(as_text=True)
    assert "Lifted: boss can try again from 192.0.2.10." in text
    assert 'data-testid="no-locks"' in text
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "login.unlock")).one()
    assert entry.user_id == admin.id and entry.details["failures"] == 3
    assert post_login(office, "boss").status_code == 302


@pytest.mark.parametrize(
    ("username", "said"),
    [("", "nothing was changed"), ("bo\x00ss", "NUL character")],  # the input guard's word
)
def test_a_forged_lift_changes_nothing_and_says_so(app, client, db, login_as, username, said):
    login_as("admin")
    token = csrf_token(client, "/admin/logins")
    data = {"username": username, "address": "192.0.2.10", "csrf_token": token}
    response = client.post("/admin/logins/lift", data=data)
    assert response.status_code == 400
    assert said in response.get_data(as_text=True)
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "login.unlock")) is None


def test_only_an_admin_opens_the_lock_list(client, login_as):
    login_as("supervisor")
    assert client.get("/admin/logins").status_code in (302, 403)


def test_the_lock_list_speaks_spanish(app, client, db, login_as):
    office = office_client(app)
    for _ in range(3):  # a name that does not exist: its pair waits like any other
        post_login(office, "nadie", "not the password")
    login_as("admin", locale="es")
    page = client.get("/admin/logins").get_data(as_text=True)
    assert "Bloqueos de acceso" in page and "Espera hasta (UTC)" in page
    assert ">Levantar</button>" in page and "nadie" in page
