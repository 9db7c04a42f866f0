"""Two app servers on one database and one secret key, as two gunicorn machines behind a
load balancer: a session, the log-in throttling and job files work on either."""

import pytest
from sqlalchemy import select

import cati.job_kinds  # noqa: F401  (the report runner)
from cati import accounts, jobs
from cati.app import create_app
from cati.fieldwork import projects
from cati.models import Job
from tests.cati.fieldwork.conftest import make_project
from tests.conftest import make_user, post_login, settings_for_tests


@pytest.fixture
def servers(app, database_url, tmp_path_factory):
    """The test app and a second one with its own instance folder."""
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URL": database_url,
            "CATI_SETTINGS": settings_for_tests(
                instance_path=str(tmp_path_factory.mktemp("second-server"))
            ),
        }
    )
    assert other.instance_path != app.instance_path
    yield app, other
    other.extensions["cati.engine"].dispose()


def move_session(source, target) -> None:
    target.set_cookie("session", source.get_cookie("session").value, domain="localhost")


def test_a_session_made_on_one_server_works_on_the_other(servers, db):
    one, two = servers
    user = make_user(db, "supervisor")
    first, second = one.test_client(), two.test_client()
    assert post_login(first, user.username).status_code == 302
    assert second.get("/supervisor/").status_code == 302  # no session yet: log-in page
    move_session(first, second)
    page = second.get("/supervisor/")
    assert page.status_code == 200 and user.username in page.get_data(as_text=True)
    accounts.set_active(db, user.username, False)  # disabled through either server...
    assert second.get("/supervisor/").status_code == 302  # ...the session ends on both
    assert first.get("/supervisor/").status_code == 302


def test_failed_log_ins_on_one_server_count_on_the_other(servers, db):
    one, two = servers
    user = make_user(db, "researcher")
    first, second = one.test_client(), two.test_client()
    for client in (first, second, first):  # the test settings allow 3 failures
        assert post_login(client, user.username, "not the password").status_code == 401
    assert post_login(second, user.username).status_code == 429


def test_a_file_made_by_one_server_is_downloaded_from_the_other(servers, db):
    one, two = servers
    researcher = make_user(db, "researcher")
    project = make_project(db)
    projects.assign(db, project, researcher)
    job = jobs.submit(db, project, "report", {"kind": "fieldwork"}, by=researcher)
    assert jobs.run(one.extensions["cati.sessionmaker"], job.id) == "done"
    client = two.test_client()
    post_login(client, researcher.username)
    response = client.get(f"/research/{project.code}/jobs/{job.id}/file")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert (
        db.scalar(select(Job.file_name).where(Job.id == job.id))
        in (response.headers["Content-Disposition"])
    )
