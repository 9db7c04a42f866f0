"""Two-factor log-in and the own account page through the Flask test client."""

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cati import totp, two_factor
from cati.models import AuditEntry
from tests.conftest import TEST_PASSWORD, csrf_token, make_user, post_login

START = datetime(2026, 12, 2, 9, 0, 10, tzinfo=UTC)
SECRET = re.compile(r'data-testid="secret">([A-Z2-7]+)<')


@pytest.fixture
def clock(app):
    moment = [START]
    app.config["CATI_CLOCK"] = lambda: moment[0]
    yield moment
    app.config.pop("CATI_CLOCK")


def code_now(secret: str, moment: datetime) -> str:
    return totp.code(base64.b32decode(secret), totp.step_at(moment))


# The page each form is on, for its CSRF token.
FORM_PAGES = {
    "/logout": "/account",
    "/admin/two-factor": "/admin/",
    "/account/password": "/account",
}


def post(client, path: str, **data):
    token = csrf_token(client, FORM_PAGES.get(path, path))
    return client.post(path, data={**data, "csrf_token": token})


def test_required_two_factor_enrols_at_log_in_then_asks_a_code(client, db, clock):
    admin = make_user(db, "admin")
    two_factor.set_required(db, True, by=admin)
    user = make_user(db, "supervisor")
    response = post_login(client, user.username)
    assert response.headers["Location"] == "/login/enrol"
    assert client.get("/supervisor/").status_code == 302  # not logged in yet
    secret = SECRET.search(client.get("/login/enrol").get_data(as_text=True)).group(1)
    wrong = post(client, "/login/enrol", code="000000")
    assert wrong.status_code == 400 and "E1003" not in wrong.get_data(as_text=True)
    assert "Wrong or already used code" in wrong.get_data(as_text=True)
    done = post(client, "/login/enrol", code=code_now(secret, clock[0]))
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert client.get("/supervisor/").status_code == 200
    post(client, "/logout")

    # The next log-in asks for a code; the enrolment's code cannot be used again.
    assert post_login(client, user.username).headers["Location"] == "/login/code"
    assert post(client, "/login/code", code=code_now(secret, clock[0])).status_code == 401
    clock[0] += timedelta(seconds=30)
    assert post(client, "/login/code", code=code_now(secret, clock[0])).status_code == 302
    assert client.get("/supervisor/").status_code == 200
    post(client, "/logout")

    # A recovery code instead, once.
    post_login(client, user.username)
    assert post(client, "/login/code", code=codes[0]).headers["Location"] == "/supervisor/"
    post(client, "/logout")
    post_login(client, user.username)
    assert post(client, "/login/code", code=codes[0]).status_code == 401


def test_the_pending_log_in_lapses_after_five_wrong_codes(client, db, clock):
    user = make_user(db, "researcher")
    secret = totp.new_secret()
    two_factor.enrol(db, user, secret, code_now(secret, START), START)
    post_login(client, user.username)
    for _ in range(5):
        assert post(client, "/login/code", code="111111").status_code == 401
    clock[0] += timedelta(seconds=60)
    assert client.get("/login/code").headers["Location"] == "/login"


def test_interviewers_are_not_asked_when_required(client, db):
    two_factor.set_required(db, True, by=make_user(db, "admin"))
    user = make_user(db, "interviewer")
    assert post_login(client, user.username).headers["Location"] == "/interviewer/"


def test_the_admin_turns_the_requirement_on_and_off(login_as, client, db):
    login_as("admin")
    assert "Not required" in client.get("/admin/").get_data(as_text=True)
    assert post(client, "/admin/two-factor", active="1").status_code == 302
    assert two_factor.is_required(db)
    assert "Stop requiring it" in client.get("/admin/").get_data(as_text=True)
    post(client, "/admin/two-factor", active="0")
    db.expire_all()
    assert not two_factor.is_required(db)
    actions = db.scalars(select(AuditEntry.action)).all()
    assert actions.count("two_factor.required") == 2


def test_a_user_changes_their_own_password(login_as, client, db):
    user = login_as("interviewer")
    page = post(
        client, "/account/password", current="wrong one", password="x", confirm="x"
    ).get_data(as_text=True)
    assert "The current password is wrong." in page
    page = post(
        client,
        "/account/password",
        current=TEST_PASSWORD,
        password="password1234",
        confirm="password1234",
    ).get_data(as_text=True)
    assert "list of common and breached passwords" in page
    new = "seven tall ships at dawn"
    response = post(client, "/account/password", current=TEST_PASSWORD, password=new, confirm=new)
    assert response.headers["Location"] == "/account"
    post(client, "/logout")
    assert post_login(client, user.username).status_code == 401
    assert post_login(client, user.username, new).status_code == 302


def test_the_admin_turns_off_the_second_factor_of_a_user_who_lost_it(login_as, client, db):
    user = make_user(db, "researcher")
    secret = totp.new_secret()
    two_factor.enrol(db, user, secret, code_now(secret, START), START)
    login_as("admin")
    page = f"/admin/users/{user.id}"
    token = csrf_token(client, page)
    assert "Turn off two-factor log-in" in client.get(page).get_data(as_text=True)
    client.post(f"{page}/two-factor", data={"csrf_token": token})
    db.expire_all()
    assert not two_factor.is_enrolled(db, user)
    assert two_factor.remaining_recovery_codes(db, user) == 0
    assert "Turn off two-factor" not in client.get(page).get_data(as_text=True)
