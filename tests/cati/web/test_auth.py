"""Log-in, roles and CSRF through the Flask test client."""

import pytest
from sqlalchemy import select

from cati import accounts
from cati.models import AuditEntry, Role
from tests.conftest import csrf_token, make_user, post_login

HOMES = {
    "admin": "/admin/",
    "researcher": "/research/",
    "supervisor": "/supervisor/",
    "interviewer": "/interviewer/",
    "client": "/client/",
}


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_lands_on_its_own_page(client, db, role):
    user = make_user(db, role)
    response = post_login(client, user.username)
    assert response.status_code == 302
    assert response.headers["Location"] == HOMES[role]
    page = client.get(HOMES[role])
    assert page.status_code == 200
    assert user.username in page.get_data(as_text=True)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_other_roles_page_answers_403(login_as, client, role):
    login_as(role)
    for other, path in HOMES.items():
        expected = 200 if other == role else 403
        assert client.get(path).status_code == expected, (role, path)


def test_anonymous_visitors_are_sent_to_the_log_in_page(client):
    for path in HOMES.values():
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_a_post_without_csrf_token_is_refused_and_logs_nobody_in(client, db):
    user = make_user(db, "admin")
    response = client.post("/login", data={"username": user.username, "password": "x" * 12})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert db.scalars(select(AuditEntry.action)).all() == ["user.create"]


def test_logout_without_csrf_token_is_refused(login_as, client):
    login_as("supervisor")
    assert client.post("/logout").status_code == 400
    assert client.get("/supervisor/").status_code == 200


def test_logout_ends_the_session(login_as, client):
    login_as("supervisor")
    token = csrf_token(client, "/supervisor/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/supervisor/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, db):
    user = make_user(db, "researcher")
    response = post_login(client, user.username, "not the password")
    assert response.status_code == 401
    assert "Wrong user name or password." in response.get_data(as_text=True)


def test_repeated_failures_are_throttled_with_429(client, db):
    user = make_user(db, "researcher")
    for _ in range(3):  # the test settings allow 3 failures
        assert post_login(client, user.username, "not the password").status_code == 401
    response = post_login(client, user.username)
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.get_data(as_text=True)


def test_disabling_a_user_ends_their_open_session(login_as, client, db):
    user = login_as("interviewer")
    accounts.set_active(db, user.username, False)
    assert client.get("/interviewer/").status_code == 302


def test_the_browser_language_chooses_spanish(client):
    page = client.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9"})
    text = page.get_data(as_text=True)
    assert "Contraseña" in text
    assert 'lang="es"' in text


def test_the_users_language_preference_wins_over_the_browser(client, db):
    user = make_user(db, "client", locale="es")
    post_login(client, user.username)
    page = client.get("/client/", headers={"Accept-Language": "en"})
    assert "Sus estudios" in page.get_data(as_text=True)


def test_switching_language_saves_the_preference(login_as, client, db):
    user = login_as("researcher")
    token = csrf_token(client, "/research/")
    client.post("/language", data={"locale": "es", "csrf_token": token})
    db.refresh(user)
    assert user.locale == "es"
    assert "Todavía no hay proyectos" in client.get("/research/").get_data(as_text=True)


def test_pages_carry_security_headers(client):
    headers = client.get("/login").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_http_only_and_same_site(client, db):
    user = make_user(db, "admin")
    response = post_login(client, user.username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at this address." in response.get_data(as_text=True)
