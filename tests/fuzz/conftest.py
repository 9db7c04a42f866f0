"""One seeded project per database engine, shared by the web fuzzers of a module.

Both engines: the views' handling of input is the same code, but what reaches the database
is not — PostgreSQL refuses NUL bytes in text and integers past 2**31 where SQLite takes
them (issue #20 found those 500s). A fresh database per module keeps each run, with the
``ci`` profile's fixed examples, reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cati import migrate
from cati.app import create_app
from cati.fieldwork import projects
from cati.models import Project, User
from tests.cati.web.test_auth import HOMES
from tests.cati.web.test_authorization import seed_project
from tests.conftest import (
    BACKENDS,
    CSRF,
    csrf_token,
    fresh_database_url,
    make_user,
    post_login,
    settings_for_tests,
)


@dataclass
class Seeded:
    app: Flask
    project: Project
    staff: dict[str, User]  # a member of the project for every role
    params: dict[str, object]  # a real value for each URL argument
    clients: dict[str | None, tuple[FlaskClient, str]] = field(default_factory=dict)

    def client(self, role: str | None) -> tuple[FlaskClient, str]:
        """A client logged in as ``role`` (anonymous for None) and its CSRF token, logged in
        once per role and module: a log-in is three requests the fuzzers need not repeat."""
        if role not in self.clients:
            self.clients[role] = self._log_in(role)
        return self.clients[role]

    def _log_in(self, role: str | None) -> tuple[FlaskClient, str]:
        client = self.app.test_client()
        if role is None:
            return client, csrf_token(client, "/login")
        response = post_login(client, self.staff[role].username)
        assert response.status_code == 302, f"{role} could not log in"
        # The token is the session's, valid in every form; not every home page has one.
        found = CSRF.search(client.get(HOMES[role]).get_data(as_text=True))
        return client, found.group(1) if found else ""


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory, postgres_server) -> Iterator[Seeded]:
    url = fresh_database_url(request.param, tmp_path_factory, postgres_server)
    migrate.upgrade(url)
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "fuzz-secret",
            "SQLALCHEMY_DATABASE_URL": url,
            # The fuzzers press every button, Try again on a job included: jobs stay queued
            # (no worker runs here), so the pages stay those of the seeded project.
            "CATI_SETTINGS": settings_for_tests(instance_path=str(instance), jobs_inline=False),
        }
    )
    db = app.extensions["cati.sessionmaker"]()
    project, staff, params = seed_project(app, db)
    staff["researcher"] = make_user(db, "researcher")
    projects.assign(db, project, staff["researcher"])
    staff["admin"] = make_user(db, "admin")
    yield Seeded(app, project, staff, params)
    db.close()
    app.extensions["cati.engine"].dispose()
