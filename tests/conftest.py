"""Shared fixtures: every database test runs once on SQLite and once on PostgreSQL.

PostgreSQL: ``CATI_TEST_DATABASE_URL`` names a server and a database to connect to (default:
the local server at 127.0.0.1:5432 as user postgres). Each run creates its own database
there and drops it at the end, so runs never collide. Without a server the PostgreSQL
variants skip, saying what to start, unless ``CATI_REQUIRE_ALL=1`` turns the skip into a
failure (CI).
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cati import accounts, logs, migrate, organisations
from cati.app import create_app
from cati.config import Settings
from cati.db import Base
from cati.models import Organisation, User

REQUIRE_ALL = os.environ.get("CATI_REQUIRE_ALL") == "1"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TEST_PASSWORD = "correct horse battery"
# One PBKDF2 round instead of scrypt: a hash per user and per log-in was most of the web
# tests' time. Set in the environment so that CLI runs and spawned servers use it too;
# tests/cati/test_accounts.py pins scrypt as the production default.
TEST_HASH_METHOD = os.environ.setdefault("CATI_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1")
BACKENDS = ["sqlite", "postgresql"]
WEEK_MINUTES = 7 * 24 * 60

# Hypothesis: "ci" (the default) draws the same examples every run, so a red CI run can be
# repeated; "long" explores far more, with fresh randomness, for fuzzing sessions:
#   HYPOTHESIS_PROFILE=long python -m pytest tests/fuzz
# Tests that set max_examples themselves keep it; the fuzzers scale theirs from the profile.
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("long", deadline=None, max_examples=2000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter) -> None:
    """Under .ci/run, its whole wall time (machine set-up and audit included)."""
    started = os.environ.get("CATI_CI_STARTED_AT")
    if started:
        seconds = int(time.time() - int(started))
        terminalreporter.write_sep(
            "=", f".ci/run took {seconds // 60} min {seconds % 60} s of wall time so far"
        )


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail under CATI_REQUIRE_ALL=1, where nothing may be silently left out."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (CATI_REQUIRE_ALL=1 forbids skipping)", pytrace=False)
    pytest.skip(reason)


# A test marked with one of these runs on that engine only (the other variant is deselected).
ONLY = {"postgres_only": "postgresql", "sqlite_only": "sqlite"}


def _left_out(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    backend = callspec.params.get("database_url") if callspec is not None else None
    return backend is not None and any(
        item.get_closest_marker(marker) and backend != kept for marker, kept in ONLY.items()
    )


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked ``postgres_only`` or ``sqlite_only`` keep one variant of the database."""
    left_out = [item for item in items if _left_out(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not _left_out(item)]


class PostgresServer:
    """Creates throw-away databases on the test server."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create_database(self) -> str:
        name = f"cati_test_{os.getpid()}_{secrets.token_hex(4)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    url = os.environ.get("CATI_TEST_DATABASE_URL", DEFAULT_PG)
    server = PostgresServer(url)
    try:
        with server.admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any connection failure means: no server to test against
        server.admin.dispose()
        yield None
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        print(f"PostgreSQL not reachable at {make_url(url).render_as_string()}: {reason}")
        return
    yield server
    server.drop_all()


def fresh_database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, server: PostgresServer | None
) -> str:
    """An empty database of the given backend, not yet migrated."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'cati.db'}"
    if server is None:
        skip_or_fail(
            "PostgreSQL is not reachable: start it (pg_ctlcluster --skip-systemctl-redirect "
            "15 main start) or set CATI_TEST_DATABASE_URL"
        )
    return server.create_database()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory, postgres_server) -> str:
    """A migrated database per backend, shared by the session; tests leave it empty."""
    url = fresh_database_url(request.param, tmp_path_factory, postgres_server)
    migrate.upgrade(url)
    return url


@pytest.fixture
def new_database_url(request, tmp_path_factory, postgres_server) -> Callable[[str], str]:
    """Factory of empty, unmigrated databases, for migration tests."""
    return lambda backend: fresh_database_url(backend, tmp_path_factory, postgres_server)


def settings_for_tests(**overrides) -> Settings:
    return Settings(
        **{
            "login_max_failures": 3,
            "login_window_seconds": 600,
            "password_hash_method": TEST_HASH_METHOD,
            # Tests move the clock hours and days on within one log-in; the session limits
            # are tested with their production defaults in tests/cati/web/test_sessions.py.
            "session_idle_minutes": WEEK_MINUTES,
            "session_hours": WEEK_MINUTES // 60,
            **overrides,
        }
    )


def empty_tables(app: Flask) -> None:
    engine = app.extensions["cati.engine"]
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def _test_app(database_url: str, instance_path: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URL": database_url,
            "CATI_SETTINGS": settings_for_tests(instance_path=instance_path),
        }
    )


@pytest.fixture(scope="session")
def session_app(database_url, tmp_path_factory) -> Iterator[Flask]:
    """One app per database for the whole session: building one (URL rules, then templates
    compiled on first use) cost about half a second, which every test paid."""
    app = _test_app(database_url, str(tmp_path_factory.mktemp("instance")))
    yield app
    app.extensions["cati.engine"].dispose()


@pytest.fixture
def app(session_app) -> Iterator[Flask]:
    """The session's app as a fresh one would be: its logging set up again (another test's
    own app may have changed it), its configuration restored and every table emptied after
    the test."""
    settings: Settings = session_app.config["CATI_SETTINGS"]
    logs.configure(settings.log_level, settings.log_format)
    config = dict(session_app.config)
    yield session_app
    session_app.config.clear()
    session_app.config.update(config)
    empty_tables(session_app)


@pytest.fixture
def fresh_app(database_url, tmp_path) -> Iterator[Flask]:
    """An app of the test's own, for a test that adds routes (the shared app has served)."""
    app = _test_app(database_url, str(tmp_path))
    yield app
    empty_tables(app)
    app.extensions["cati.engine"].dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def db(app) -> Iterator[Session]:
    """A session of its own (not the one views use), to arrange and check data."""
    session = app.extensions["cati.sessionmaker"]()
    yield session
    session.close()


def client_company(db: Session, name: str = "Client Co") -> Organisation:
    return organisations.ensure_client_organisation(db, name)


def make_user(db: Session, role: str = "interviewer", **overrides) -> User:
    """A user with the test password; a client of "Client Co" unless told which company."""
    if role == "client" and "organisation" not in overrides:
        overrides["organisation"] = client_company(db)
    values = {
        "username": f"{role}{secrets.token_hex(3)}",
        "password": TEST_PASSWORD,
        "hash_method": TEST_HASH_METHOD,
        **overrides,
    }
    return accounts.create_user(db, values.pop("username"), role, values.pop("password"), **values)


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_login(client: FlaskClient, username: str, password: str = TEST_PASSWORD):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


@pytest.fixture
def login_as(client, db) -> Callable[[str], User]:
    """Create a user with ``role`` and log the test client in through the log-in form."""

    def login(role: str, **overrides) -> User:
        user = make_user(db, role, **overrides)
        response = post_login(client, user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login
