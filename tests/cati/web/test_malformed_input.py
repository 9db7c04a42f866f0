"""Issue #20, item 6: input no view can use gets a 400 with a message, on SQLite and
PostgreSQL — NUL bytes, page numbers and dates past what the database and ``datetime`` hold.
Each case is one the issue found answered with a 500."""

from __future__ import annotations

import pytest

from tests.cati.web.test_authorization import seed_project
from tests.conftest import csrf_token, make_user, post_login

NUL = "a\x00b"


@pytest.fixture
def seeded(app, db):
    project, staff, params = seed_project(app, db)
    return project, staff, params


def _as(client, staff, role):
    assert post_login(client, staff[role].username).status_code == 302


def _refused(response, message: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 400, body[:500]
    assert message in body, body[:2000]


def test_a_nul_byte_in_the_login_name_is_refused_before_the_database(client):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "username": NUL, "password": "x"})
    _refused(response, "NUL character")


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("supervisor", "/supervisor/{code}/cases?q=" + NUL),
        ("supervisor", "/supervisor/{code}%00/cases"),
        ("admin", "/admin/audit?user=" + NUL),
    ],
)
def test_a_nul_byte_in_a_query_or_the_address_is_refused(client, db, seeded, role, path):
    project, staff, _ = seeded
    if role == "admin":
        staff = {**staff, "admin": make_user(db, "admin")}
    _as(client, staff, role)
    _refused(client.get(path.format(code=project.code)), "NUL character")


def test_a_nul_byte_in_the_inbound_search_is_refused(client, seeded):
    project, staff, _ = seeded
    _as(client, staff, "interviewer")
    token = csrf_token(client, "/interviewer/")
    response = client.post(
        f"/interviewer/{project.code}/inbound", data={"csrf_token": token, "query": NUL}
    )
    _refused(response, "NUL character")


@pytest.mark.parametrize("path", ["/supervisor/{code}/cases", "/admin/audit"])
def test_a_page_number_past_any_listing_is_refused(client, db, seeded, path):
    project, staff, _ = seeded
    staff = {**staff, "admin": make_user(db, "admin")}
    _as(client, staff, "admin" if path.startswith("/admin") else "supervisor")
    url = path.format(code=project.code) + "?page=99999999999999999999"
    _refused(client.get(url), "There is no page 99999999999999999999.")


def test_an_audit_filter_on_the_last_day_of_9999_is_refused_beside_the_field(client, db):
    user = make_user(db, "admin")
    assert post_login(client, user.username).status_code == 302
    response = client.get("/admin/audit?until=9999-12-31")
    # The filter is a GET form: the page shows with the field's message, the log unfiltered.
    assert response.status_code == 200
    assert "Enter a date between 1900-01-01 and 2999-12-31." in response.get_data(as_text=True)


def test_a_reschedule_for_9999_is_refused(client, seeded):
    _, staff, params = seeded
    _as(client, staff, "supervisor")
    url = f"/supervisor/case/{params['case_id']}"
    token = csrf_token(client, url)
    data = {
        "reschedule-csrf_token": token,
        "reschedule-date": "9999-12-31",
        "reschedule-time": "23:59",
        "reschedule-reason": "asked",
    }
    _refused(client.post(f"{url}/reschedule", data=data), "Enter a date between")


def test_an_appointment_for_9999_is_refused(client, seeded):
    _, staff, params = seeded
    _as(client, staff, "interviewer")
    url = f"/interviewer/case/{params['case_id']}"
    data = {
        "csrf_token": csrf_token(client, url),
        "outcome": "APPOINTMENT",
        "callback_kind": "soft",
        "callback_date": "9999-12-31",
        "callback_time": "23:59",
    }
    _refused(client.post(url, data=data), "Enter a date between")
