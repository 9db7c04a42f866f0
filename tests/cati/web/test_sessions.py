"""Sessions kept in the database: a cookie captured before log-out, a new password,
disabling or a change of role opens no page afterwards; idle and absolute time limits; a
user ends their own sessions, an administrator a user's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import select

from cati import accounts, cli, user_sessions
from cati.config import Settings
from cati.db import utcnow
from cati.models import UserSession
from tests.cati.web.test_auth import HOMES
from tests.conftest import TEST_HASH_METHOD, TEST_PASSWORD, csrf_token, make_user, post_login

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def production_limits(app):
    """The default idle timeout and lifetime (the shared test settings lift them); the app
    fixture restores its settings afterwards."""
    defaults = Settings()
    app.config["CATI_SETTINGS"] = replace(
        app.config["CATI_SETTINGS"],
        session_idle_minutes=defaults.session_idle_minutes,
        session_hours=defaults.session_hours,
    )
    assert (defaults.session_idle_minutes, defaults.session_hours) == (30, 12)


def logged_in(app, db, role: str = "researcher", **overrides):
    user = make_user(db, role, **overrides)
    client = app.test_client()
    assert post_login(client, user.username).status_code == 302
    return user, client


def copy_of(app, client: FlaskClient) -> FlaskClient:
    """Another browser holding the same cookie, as an attacker who captured it would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return thief


def opens(client: FlaskClient, role: str) -> bool:
    response = client.get(HOMES[role])
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_cookie_captured_before_log_out_opens_nothing_after(app, db):
    _user, client = logged_in(app, db)
    thief = copy_of(app, client)
    assert opens(thief, "researcher")
    client.post("/logout", data={"csrf_token": csrf_token(client, HOMES["researcher"])})
    response = thief.get(HOMES["researcher"])
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    (row,) = db.scalars(select(UserSession)).all()
    assert row.ended_why == "logout"


def test_a_new_password_set_by_the_admin_ends_every_session_of_the_user(app, db):
    user, first = logged_in(app, db, "supervisor")
    second = app.test_client()
    assert post_login(second, user.username).status_code == 302
    accounts.set_password(db, user.username, "a brand new secret", hash_method=TEST_HASH_METHOD)
    assert not opens(first, "supervisor") and not opens(second, "supervisor")


def test_disabling_ends_sessions_and_enabling_again_does_not_revive_them(app, db):
    user, client = logged_in(app, db, "interviewer")
    accounts.set_active(db, user.username, False)
    accounts.set_active(db, user.username, True)
    assert not opens(client, "interviewer")
    assert post_login(client, user.username).status_code == 302  # a fresh log-in works
    assert opens(client, "interviewer")


def test_the_cli_disabling_a_user_ends_their_sessions(app, db, database_url, monkeypatch, tmp_path):
    user, client = logged_in(app, db, "interviewer")
    monkeypatch.setenv("CATI_DATABASE_URL", database_url)
    monkeypatch.setenv("CATI_INSTANCE_PATH", str(tmp_path))
    cli._app.cache_clear()
    result = CliRunner().invoke(cli.main, ["users", "disable", user.username])
    cli._app.cache_clear()
    assert result.exit_code == 0, result.output
    assert not opens(client, "interviewer")


def test_a_change_of_role_ends_the_sessions_opened_under_the_old_role(app, db):
    user, client = logged_in(app, db, "supervisor")
    user.role = "researcher"  # however the role changed: no session keeps the old one
    db.commit()
    assert not opens(client, "researcher")
    assert db.scalar(select(UserSession.ended_why)) == "role changed"


@pytest.mark.parametrize(("minutes", "still_open"), [(29, True), (31, False)])
@pytest.mark.usefixtures("production_limits")
def test_a_session_left_unused_ends_after_the_idle_timeout(app, db, minutes, still_open):
    app.config["CATI_CLOCK"] = lambda: START
    _user, client = logged_in(app, db)
    app.config["CATI_CLOCK"] = lambda: START + timedelta(minutes=minutes)
    assert opens(client, "researcher") is still_open


@pytest.mark.usefixtures("production_limits")
def test_a_session_in_constant_use_still_ends_after_the_absolute_lifetime(app, db):
    app.config["CATI_CLOCK"] = lambda: START
    _user, client = logged_in(app, db)
    for step in range(1, 36):  # a click every 20 minutes for 11 h 40 min
        app.config["CATI_CLOCK"] = lambda step=step: START + timedelta(minutes=20 * step)
        assert opens(client, "researcher"), step
    app.config["CATI_CLOCK"] = lambda: START + timedelta(hours=12)
    assert not opens(client, "researcher")
    assert db.scalar(select(UserSession.ended_why)) == "expired"


def test_the_database_keeps_a_hash_of_the_token_never_the_token(app, db):
    _user, client = logged_in(app, db)
    row = db.scalars(select(UserSession)).one()
    with client.session_transaction() as session:
        sid, token = session["cati_session"].split(".")
    assert row.id == sid and token not in row.token_hash and len(token) >= 40


def test_a_user_sees_their_sessions_and_ends_another_one(app, db):
    user, here = logged_in(app, db, "interviewer")
    there = app.test_client()
    there.environ_base["HTTP_USER_AGENT"] = "Firefox on the call-room PC"
    assert post_login(there, user.username).status_code == 302
    page = here.get("/account/sessions").get_data(as_text=True)
    assert "Firefox on the call-room PC" in page and "this browser" in page
    other = db.scalars(
        select(UserSession).where(UserSession.user_agent == "Firefox on the call-room PC")
    ).one()
    token = csrf_token(here, "/account/sessions")
    response = here.post(f"/account/sessions/{other.id}/end", data={"csrf_token": token})
    assert response.status_code == 302
    assert not opens(there, "interviewer") and opens(here, "interviewer")


def test_nobody_ends_another_users_session_by_its_id(app, db):
    _victim, victim_client = logged_in(app, db, "interviewer")
    victim_sid = db.scalars(select(UserSession)).one().id
    _user, client = logged_in(app, db, "interviewer")
    token = csrf_token(client, "/account/sessions")
    client.post(f"/account/sessions/{victim_sid}/end", data={"csrf_token": token})
    assert opens(victim_client, "interviewer")


def test_an_admin_ends_every_session_of_a_user_but_keeps_their_own(app, db):
    user, client = logged_in(app, db, "client")
    _admin, admin_client = logged_in(app, db, "admin")
    token = csrf_token(admin_client, f"/admin/users/{user.id}")
    response = admin_client.post(f"/admin/users/{user.id}/sessions", data={"csrf_token": token})
    assert response.status_code == 302
    assert "1 session of" in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert not opens(client, "client") and opens(admin_client, "admin")


def test_production_mode_turns_secure_cookies_on_unless_told_otherwise(monkeypatch):
    calls = []

    def execv(path, args):
        calls.append(args)
        raise SystemExit(0)  # where gunicorn would take over the process

    monkeypatch.delenv("CATI_SECURE_COOKIES", raising=False)
    monkeypatch.setattr(cli, "_app", lambda: None)
    monkeypatch.setattr(cli, "_require_current_schema", lambda app: None)
    monkeypatch.setattr(cli.os, "execv", execv)
    assert CliRunner().invoke(cli.main, ["serve", "--production"]).exit_code == 0
    assert calls and Settings.from_env().secure_cookies is True
    monkeypatch.setenv("CATI_SECURE_COOKIES", "0")
    assert CliRunner().invoke(cli.main, ["serve", "--production"]).exit_code == 0
    assert Settings.from_env().secure_cookies is False


def test_a_password_change_can_keep_the_session_it_was_made_in(app, db):
    user, here = logged_in(app, db, "supervisor")
    kept = db.scalars(select(UserSession)).one().id
    there = app.test_client()
    assert post_login(there, user.username).status_code == 302
    accounts.set_password(
        db, user.username, "a brand new secret", hash_method=TEST_HASH_METHOD, keep_session=kept
    )
    assert opens(here, "supervisor") and not opens(there, "supervisor")


def test_changing_ones_own_password_ends_the_other_sessions_and_keeps_this_one(app, db):
    user, here = logged_in(app, db, "researcher")
    elsewhere = app.test_client()
    assert post_login(elsewhere, user.username).status_code == 302
    new = "a quiet harbour at dawn"
    data = {"current": TEST_PASSWORD, "password": new, "confirm": new}
    data["csrf_token"] = csrf_token(here, "/account")
    assert here.post("/account/password", data=data).status_code == 302
    assert opens(here, "researcher") and not opens(elsewhere, "researcher")
    ended = db.scalars(select(UserSession).where(UserSession.ended_at.is_not(None))).all()
    assert [row.ended_why for row in ended] == ["password changed"]


def _session_at(db, user, agent: str, created, *, seen, ended=None) -> None:
    """A session row of ``user`` from browser ``agent`` opened at ``created``, last used at
    ``seen``, logged out at ``ended`` (None: never ended, the browser just went away)."""
    cookie = user_sessions.open_session(db, user, user_agent=agent, address="", now=created)
    row = db.get(UserSession, cookie.partition(".")[0])
    row.last_seen_at, row.ended_at = seen, ended
    row.ended_why = "logout" if ended else None
    db.commit()


def test_sweep_deletes_sessions_over_for_longer_than_the_retention(
    app, db, database_url, monkeypatch, tmp_path
):
    user = make_user(db, "interviewer")
    now = utcnow()

    def ago(n: int):
        return now - timedelta(days=n)

    _session_at(db, user, "ended 31 days ago", ago(32), seen=ago(31), ended=ago(31))
    _session_at(db, user, "ended 29 days ago", ago(29), seen=ago(29), ended=ago(29))
    # Nobody ended these two: their idle timeout (30 min) did, unseen, when they went unused.
    _session_at(db, user, "left 31 days ago", ago(31), seen=ago(31))
    _session_at(db, user, "left 20 days ago", ago(20), seen=ago(20))
    _session_at(db, user, "open now", now - timedelta(minutes=5), seen=now)
    monkeypatch.setenv("CATI_DATABASE_URL", database_url)
    monkeypatch.setenv("CATI_INSTANCE_PATH", str(tmp_path))

    def sweep() -> tuple[set[str], str]:
        cli._app.cache_clear()
        result = CliRunner().invoke(cli.main, ["sweep"])
        cli._app.cache_clear()
        assert result.exit_code == 0, result.output
        db.expire_all()
        return set(db.scalars(select(UserSession.user_agent))), result.output

    kept, output = sweep()
    assert kept == {"ended 29 days ago", "left 20 days ago", "open now"}
    assert "deleted 2 old log-in session(s)" in output
    monkeypatch.setenv("CATI_SESSION_RETENTION_DAYS", "7")
    kept, output = sweep()
    assert kept == {"open now"} and "deleted 2 old log-in session(s)" in output


def test_your_sessions_lists_the_ones_ended_within_the_retention_and_why(app, db):
    user, here = logged_in(app, db, "supervisor")
    elsewhere = app.test_client()
    elsewhere.environ_base["HTTP_USER_AGENT"] = "Chromium at the front desk"
    assert post_login(elsewhere, user.username).status_code == 302
    elsewhere.post("/logout", data={"csrf_token": csrf_token(elsewhere, HOMES["supervisor"])})
    gone = utcnow() - timedelta(days=app.config["CATI_SETTINGS"].session_retention_days + 1)
    _session_at(db, user, "Safari long ago", gone, seen=gone, ended=gone)
    page = here.get("/account/sessions").get_data(as_text=True)
    ended = page.split('data-testid="ended-sessions"')[1]
    assert "Chromium at the front desk" in ended and "logged out" in ended
    assert "Safari long ago" not in page
