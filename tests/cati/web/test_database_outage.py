"""The database going away: connections dropped by a restart, or no answer at all."""

import tempfile

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from cati.app import create_app
from tests.conftest import settings_for_tests


@pytest.mark.postgres_only
def test_requests_go_on_after_the_server_drops_every_connection(
    app, client, login_as, postgres_server
):
    """What a PostgreSQL restart does to the pool: the next request must not fail."""
    login_as("interviewer")
    assert client.get("/interviewer/").status_code == 200  # a connection is now pooled
    name = make_url(app.config["SQLALCHEMY_DATABASE_URL"]).database
    with postgres_server.admin.connect() as conn:
        dropped = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :n"
            ),
            {"n": name},
        ).scalar()
    assert dropped >= 1
    assert client.get("/interviewer/").status_code == 200


def test_a_database_that_does_not_answer_gets_a_503_page_not_a_broken_one():
    """The error page must not ask the database for the logged-in user again."""
    app = create_app(
        {
            "SECRET_KEY": "test-secret",
            "PROPAGATE_EXCEPTIONS": False,  # as in production: errors become pages
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none",
            "CATI_SETTINGS": settings_for_tests(instance_path=tempfile.mkdtemp()),
        }
    )
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"  # a logged-in interviewer's cookie
        session["cati_session"] = "0123.token"  # and its database session
    for response in (
        client.get("/interviewer/"),
        client.post("/login", data={"username": "someone", "password": "secret"}),
    ):
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "The database is not answering" in page
        assert "Nothing was half-saved" in page
