"""What every response holds and refuses, for the ASVS 4.0.3 requirements of V3, V4, V12 and
V14 that no other test shows (docs/reliability.md lists them by number)."""

from dataclasses import replace

import pytest

from tests.cati.web.test_auth import HOMES
from tests.conftest import csrf_token, make_user, post_login


def test_over_https_every_response_asks_for_https_for_a_year(app, client):
    """14.4.5: with CATI_SECURE_COOKIES (HTTPS) the app sends HSTS itself; without, not."""
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["CATI_SETTINGS"] = replace(app.config["CATI_SETTINGS"], secure_cookies=True)
    for path in ("/login", "/healthz", "/no-such-page"):
        headers = client.get(path, base_url="https://localhost").headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_json_is_an_attachment_and_pages_name_their_charset(client):
    """14.4.1, 14.4.2."""
    health = client.get("/healthz")
    assert health.mimetype == "application/json"
    assert health.headers["Content-Disposition"] == 'attachment; filename="api.json"'
    assert client.get("/login").headers["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    "path",
    ["/static/", "/static/../setup.cfg", "/.git/config", "/static/.DS_Store", "/cati/app.py"],
)
def test_no_folder_is_listed_and_nothing_outside_the_assets_is_served(client, path):
    """4.3.2, 12.5.1: the static route serves the asset files only."""
    assert client.get(path).status_code == 404


def test_methods_the_app_does_not_use_are_refused(client):
    """14.5.1, 13.2.1: 405, answered before any view; OPTIONS names the methods."""
    for method in ("PUT", "DELETE", "PATCH", "TRACE"):
        assert client.open("/login", method=method).status_code == 405
    allowed = client.options("/login").headers["Allow"]
    assert set(allowed.replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_no_cross_origin_access_and_the_origin_decides_nothing(client, db):
    """14.5.2, 14.5.3: no CORS header for any origin; a foreign Origin neither opens nor
    closes a page, which the session and its role decide."""
    foreign = {"Origin": "https://evil.example"}
    anonymous = client.get(HOMES["researcher"], headers=foreign)
    assert anonymous.status_code == 302 and "Access-Control-Allow-Origin" not in anonymous.headers
    same = client.get(HOMES["researcher"], headers={"Origin": "http://localhost"})
    assert same.status_code == 302  # the right Origin logs nobody in either
    post_login(client, make_user(db, "researcher").username)
    page = client.get(HOMES["researcher"], headers=foreign)
    assert page.status_code == 200 and "Access-Control-Allow-Origin" not in page.headers


def test_no_response_names_the_software_or_its_version(client):
    """14.3.3: the app adds no Server or X-Powered-By header (gunicorn's own says only
    "gunicorn"); error pages carry no stack trace."""
    for response in (client.get("/login"), client.get("/nowhere")):
        assert "X-Powered-By" not in response.headers
        assert "Server" not in response.headers
        assert "Traceback" not in response.get_data(as_text=True)


def test_a_cookie_planted_before_log_in_opens_nothing_after_it(app, client, db):
    """3.2.1: the log-in starts a session of its own; whoever held the visitor's cookie
    before it (a shared kiosk, a fixation attempt) holds nothing."""
    client.get("/login")
    planted = client.get_cookie("session").value
    user = make_user(db, "supervisor")
    assert post_login(client, user.username).status_code == 302
    assert client.get_cookie("session").value != planted
    thief = app.test_client()
    thief.set_cookie("session", planted, domain="localhost")
    response = thief.get(HOMES["supervisor"])
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_markup_typed_into_a_form_comes_back_as_text(client, login_as):
    """5.3.3: the templates escape what people typed (here a project's name and client) on
    the pages that show it; the CSP would refuse an inline script anyway (14.4.3)."""
    login_as("researcher")
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    token = csrf_token(client, "/research/")
    data = {"csrf_token": token, "code": "XSS1", "name": hostile, "client_name": hostile}
    assert client.post("/research/new", data={**data, "time_zone": "UTC"}).status_code == 302
    for path in ("/research/", "/research/XSS1/"):
        page = client.get(path).get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert hostile not in page and "<img src=x" not in page
