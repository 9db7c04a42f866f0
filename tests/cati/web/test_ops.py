"""Operations: the health check and the request log (fields, request ids, no personal data)."""

import io
import json
import logging

import pytest

from cati import logs
from cati.app import create_app
from cati.fieldwork import projects
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import TEST_PASSWORD, csrf_token, make_user, post_login, settings_for_tests


@pytest.fixture
def log_lines():
    """The JSON lines the app logs during the test, read back as dicts."""
    stream = io.StringIO()
    handler = logs.handler("json", stream)
    logging.getLogger().addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.getLogger().removeHandler(handler)


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "cati.requests"]


def test_healthz_answers_ok_without_a_log_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_503_with_the_reason_when_the_database_is_unreachable(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "test-secret",
            # Port 9 (discard) has no PostgreSQL behind it: the connection is refused.
            "SQLALCHEMY_DATABASE_URL": "postgresql+psycopg://nobody:s3cret@127.0.0.1:9/cati",
            "CATI_SETTINGS": settings_for_tests(instance_path=str(tmp_path)),
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "error"
    assert "OperationalError" in body["reason"] and "s3cret" not in response.get_data(as_text=True)


def test_each_request_logs_one_json_line_with_its_fields(client, log_lines):
    response = client.get("/login?next=%2Fadmin%2F")
    (line,) = request_lines(log_lines())
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert {k: line[k] for k in ("level", "method", "path", "endpoint", "status")} == {
        "level": "INFO",
        "method": "GET",
        "path": "/login",
        "endpoint": "auth.login",
        "status": 200,
    }
    assert line["user_id"] is None and line["duration_ms"] >= 0 and line["time"].endswith("+00:00")
    assert "next=" not in json.dumps(line)


def test_a_well_formed_incoming_request_id_is_kept_and_a_bad_one_replaced(client, log_lines):
    kept = client.get("/login", headers={"X-Request-ID": "lb-7f3a9c2e-0001"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a9c2e-0001"
    forged = 'x", "user_id": 1, "a": "' + "y" * 200
    replaced = client.get("/login", headers={"X-Request-ID": forged})
    assert replaced.headers["X-Request-ID"] != forged
    ids = [line["request_id"] for line in request_lines(log_lines())]
    assert ids == ["lb-7f3a9c2e-0001", replaced.headers["X-Request-ID"]]


def test_a_log_in_post_logs_the_user_id_but_never_the_password_or_the_name(client, db, log_lines):
    user = make_user(db, "admin", username="dolores.fuertes")
    post_login(client, user.username, "wrong password for once")
    post_login(client, user.username)
    text = "\n".join(json.dumps(line) for line in log_lines())
    assert TEST_PASSWORD not in text and "wrong password for once" not in text
    assert "dolores.fuertes" not in text
    posts = [line for line in request_lines(log_lines()) if line["method"] == "POST"]
    assert [(p["status"], p["user_id"]) for p in posts] == [(401, None), (302, user.id)]


def test_a_case_page_showing_a_phone_number_puts_no_number_in_the_log(
    app, client, db, login_as, log_lines
):
    app.config["CATI_CLOCK"] = lambda: MONDAY_10
    interviewer = login_as("interviewer")
    project = make_project(db)
    projects.assign(db, project, interviewer)
    (case,) = make_cases(db, project, sample_vars={"name": "Remedios Varo"})
    number = case.phones[0].number
    token = csrf_token(client, "/interviewer/")
    page_url = client.post(f"/interviewer/{project.code}/next", data={"csrf_token": token})
    page = client.get(page_url.headers["Location"]).get_data(as_text=True)
    assert f"tel:{number}" in page  # the page does show it
    text = "\n".join(json.dumps(line) for line in log_lines())
    assert number not in text and number.lstrip("+") not in text
    assert "Remedios Varo" not in text


def test_an_application_error_is_logged_with_the_request_id(fresh_app, log_lines):
    def broken():
        raise RuntimeError("the view fell over")

    fresh_app.add_url_rule("/broken", "broken", broken)
    fresh_app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production, not as under TESTING
    response = fresh_app.test_client().get("/broken")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    request_id = response.headers["X-Request-ID"]
    # The page names the line to look for (ASVS 7.4.1), and nothing of the error itself.
    assert f"Reference for your administrator: {request_id}" in response.get_data(as_text=True)
    assert "fell over" not in response.get_data(as_text=True)
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert errors and all(line["request_id"] == request_id for line in errors)
    assert "the view fell over" in errors[0]["exception"]
    (line,) = request_lines(log_lines())
    assert (line["status"], line["request_id"]) == (500, request_id)


def test_records_outside_a_request_carry_a_dash(log_lines):
    logging.getLogger("cati.jobs").warning("a worker speaks")
    (line,) = log_lines()
    assert line["request_id"] == "-" and line["message"] == "a worker speaks"


def test_the_text_format_carries_the_request_id_too():
    stream = io.StringIO()
    record = logging.LogRecord("cati.x", logging.INFO, __file__, 1, "hello", None, None)
    handler = logs.handler("text", stream)
    handler.handle(record)
    assert stream.getvalue().rstrip().endswith("INFO [-] cati.x: hello")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_path_with_a_line_break_cannot_forge_a_log_line(client, fmt):
    """ASVS 7.3.1: /x%0A... decodes to a path holding a line break; it stays on its line."""
    stream = io.StringIO()
    handler = logs.handler(fmt, stream)
    logging.getLogger().addHandler(handler)
    try:
        client.get("/x%0D%0A2026-12-02 10:00:00 CRITICAL [-] cati.x: forged%00")
    finally:
        logging.getLogger().removeHandler(handler)
    (line,) = [row for row in stream.getvalue().splitlines() if "forged" in row]
    assert "cati.requests" in line and "CRITICAL" in line  # inside the request's own line
