"""Alembic migrations build exactly the schema the models declare, on both engines."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from cati import migrate
from cati.db import Base, make_engine
from tests.conftest import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_of_an_empty_database_gives_the_models_schema(backend, new_database_url):
    url = new_database_url(backend)
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_downgrade_to_base_removes_every_table(backend, new_database_url):
    url = new_database_url(backend)
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_moves_finished_job_files_into_the_database(backend, new_database_url, tmp_path):
    """0011: a file still on disk is kept; a job whose file is gone is marked failed."""
    url = new_database_url(backend)
    migrate.upgrade(url, "0007")
    kept = tmp_path / "topline.pdf"
    kept.write_bytes(b"%PDF-1.7 kept")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO projects (id, code, name, client_name, status, time_zone, rules,"
                    " created_at) VALUES (1, 'P1', 'P', '', 'setup', 'UTC', '{}', :now)"
                ),
                {"now": "2026-11-27 10:00:00+00:00"},
            )
            for job_id, path in ((1, str(kept)), (2, str(tmp_path / "gone.pdf"))):
                conn.execute(
                    text(
                        "INSERT INTO jobs (id, project_id, kind, params, status, progress, message,"
                        " file_name, file_path, released, created_at) VALUES (:id, 1, 'report',"
                        " '{}', 'done', 100, '', 'x.pdf', :path, false, :now)"
                    ),
                    {"id": job_id, "path": path, "now": "2026-11-27 10:00:00+00:00"},
                )
        migrate.upgrade(url)
        with engine.connect() as conn:
            statuses = dict(conn.execute(text("SELECT id, status FROM jobs ORDER BY id")).all())
            stored = conn.execute(text("SELECT job_id, content FROM job_outputs")).all()
        assert statuses == {1: "done", 2: "failed"}
        assert [(job_id, bytes(content)) for job_id, content in stored] == [(1, b"%PDF-1.7 kept")]
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_job_leases_keep_every_job_file_and_a_cancelled_job_goes_back_as_failed(
    backend, new_database_url
):
    """0022 rebuilds the jobs table on SQLite, whose drop would cascade into job_outputs."""
    url = new_database_url(backend)
    migrate.upgrade(url, "0021")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:  # raw SQL: the models are ahead of 0021
            conn.execute(
                text(
                    "INSERT INTO projects (id, code, name, client_name, status, time_zone,"
                    " rules, created_at, pseudonym_key, weighting_targets, personal_fields,"
                    " design, weighting_options, revision) VALUES (1, 'P1', 'P', '', 'setup',"
                    " 'UTC', '{}', :now, 'k', '{}', '{}', '{}', '{}', 'r1')"
                ),
                {"now": "2026-12-02 10:00:00+00:00"},
            )
            project_id = 1
            conn.execute(
                text(
                    "INSERT INTO jobs (id, project_id, kind, params, status, progress, message,"
                    " file_name, released, created_at) VALUES (1, :project, 'report', '{}',"
                    " 'done', 100, '', 'x.pdf', false, :now)"
                ),
                {"project": project_id, "now": "2026-12-02 10:00:00+00:00"},
            )
            conn.execute(text("INSERT INTO job_outputs VALUES (1, :pdf)"), {"pdf": b"%PDF kept"})
        migrate.upgrade(url)
        with engine.begin() as conn:
            stored = conn.execute(text("SELECT job_id, content FROM job_outputs")).all()
            assert [(job_id, bytes(content)) for job_id, content in stored] == [(1, b"%PDF kept")]
            assert conn.execute(text("SELECT attempts FROM jobs")).scalar() == 0
            conn.execute(text("UPDATE jobs SET status = 'cancelled'"))
        migrate.downgrade(url, "0021")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT status FROM jobs")).scalar() == "failed"
            assert len(conn.execute(text("SELECT job_id FROM job_outputs")).all()) == 1
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_privacy_upgrade_gives_existing_projects_a_key_and_the_opt_out_outcome(
    backend, new_database_url
):
    url = new_database_url(backend)
    migrate.upgrade(url, "0007")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for code in ("OLD1", "OLD2"):
                conn.execute(
                    text(
                        "INSERT INTO projects (code, name, client_name, status, time_zone, "
                        "rules, created_at) VALUES (:code, 'Old', '', 'fieldwork', 'UTC', '{}', "
                        "CURRENT_TIMESTAMP)"
                    ),
                    {"code": code},
                )
            conn.execute(
                text(
                    "INSERT INTO cases (project_id, external_id, time_zone, sample_vars, "
                    "replicate, state, rank, priority, attempts) "
                    "SELECT id, 'C1', 'UTC', '{}', 1, 'active', 2, 0, 0 FROM projects"
                )
            )
        migrate.upgrade(url)
        with engine.connect() as conn:
            keys = conn.execute(text("SELECT pseudonym_key FROM projects")).scalars().all()
            opt_outs = conn.execute(
                text("SELECT aapor FROM outcomes WHERE code = 'OPT_OUT' AND opt_out")
            ).scalars()
            assert len(set(keys)) == 2 and all(len(k) == 64 for k in keys)
            assert list(opt_outs) == ["2.11", "2.11"]
            assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 2
        migrate.downgrade(url, "0007")
        with engine.connect() as conn:  # no table copy took the cases with it either way
            assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 2
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_interviews_get_their_language_column_from_their_state(backend, new_database_url):
    """0012: the language already in each interview's state fills the new column."""
    url = new_database_url(backend)
    migrate.upgrade(url, "0011")
    engine = make_engine(url)
    now = {"now": "2026-12-02 10:00:00+00:00"}
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO projects (id, code, name, client_name, status, time_zone, rules,"
                    " created_at, pseudonym_key, weighting_targets, personal_fields) VALUES"
                    " (1, 'P1', 'P', '', 'fieldwork', 'UTC', '{}', :now, 'k', '{}', '[]')"
                ),
                now,
            )
            conn.execute(
                text(
                    "INSERT INTO cases (id, project_id, external_id, time_zone, sample_vars,"
                    " replicate, state, rank, priority, attempts) VALUES (1, 1, 'C1', 'UTC',"
                    " '{}', 1, 'active', 2, 0, 0)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO questionnaire_versions (id, questionnaire_id, version, title,"
                    " source_name, source, checksum, created_at) VALUES (1, 'q', '1', 'Q',"
                    " 'q.yaml', :source, 'c', :now)"
                ),
                {"source": b"id: q", **now},
            )
            conn.execute(
                text(
                    "INSERT INTO interviews (id, case_id, questionnaire_version_id, mode, status,"
                    " state, answers, seq, started_at, updated_at) VALUES (1, 1, 1, 'phone',"
                    " 'completed', :state, '{}', 3, :now, :now)"
                ),
                {"state": '{"language": "es", "answers": {}}', **now},
            )
            conn.execute(
                text(
                    "INSERT INTO interview_pages (interview_id, seq, page_key, action, mode, at,"
                    " changed, errors) VALUES (1, 1, 'q1', 'next', 'phone', :now, 0, 0)"
                ),
                now,
            )
        migrate.upgrade(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT language FROM interviews")).scalar() == "es"
        migrate.downgrade(url, "0011")
        with engine.connect() as conn:  # the pages were not dropped with a table copy
            assert conn.execute(text("SELECT count(*) FROM interview_pages")).scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_organisations_upgrade_keeps_everyones_access_and_the_downgrade_loses_no_row(
    backend, new_database_url
):
    """0023: staff into the agency, clients into "Clients", which the projects with a client
    member name as their client organisation; the way back drops the columns only."""
    url = new_database_url(backend)
    migrate.upgrade(url, "0022")
    engine = make_engine(url)
    now = {"now": "2026-12-03 09:00:00+00:00"}
    try:
        with engine.begin() as conn:
            for user_id, role in ((1, "admin"), (2, "researcher"), (3, "client"), (4, "client")):
                conn.execute(
                    text(
                        "INSERT INTO users (id, username, full_name, role, password_hash,"
                        " time_zone, active, created_at) VALUES (:id, :name, '', :role, 'x',"
                        " 'UTC', true, :now)"
                    ),
                    {"id": user_id, "name": f"{role}{user_id}", "role": role, **now},
                )
            for project_id in (1, 2):
                conn.execute(
                    text(
                        "INSERT INTO projects (id, code, name, client_name, status, time_zone,"
                        " rules, created_at, pseudonym_key, weighting_targets, personal_fields,"
                        " design, weighting_options, revision) VALUES (:id, :code, 'P', '',"
                        " 'setup', 'UTC', '{}', :now, 'k', '{}', '{}', '{}', '{}', 'r1')"
                    ),
                    {"id": project_id, "code": f"P{project_id}", **now},
                )
            for project_id, user_id in ((1, 2), (1, 3), (2, 2)):
                conn.execute(
                    text(
                        "INSERT INTO project_members (project_id, user_id, added_at)"
                        " VALUES (:p, :u, :now)"
                    ),
                    {"p": project_id, "u": user_id, **now},
                )
        migrate.upgrade(url)
        with engine.connect() as conn:
            orgs = dict(conn.execute(text("SELECT name, kind FROM organisations")).all())
            homes = conn.execute(
                text(
                    "SELECT u.id, o.name FROM users u JOIN organisations o"
                    " ON o.id = u.organisation_id ORDER BY u.id"
                )
            ).all()
            owners = conn.execute(
                text(
                    "SELECT p.code, o.name FROM projects p LEFT JOIN organisations o"
                    " ON o.id = p.client_organisation_id ORDER BY p.code"
                )
            ).all()
        assert orgs == {"Agency": "agency", "Clients": "client"}
        assert [tuple(r) for r in homes] == [
            (1, "Agency"),
            (2, "Agency"),
            (3, "Clients"),
            (4, "Clients"),
        ]
        assert [tuple(r) for r in owners] == [("P1", "Clients"), ("P2", None)]
        migrate.downgrade(url, "0022")
        with engine.connect() as conn:  # no table copy cascaded into the memberships
            assert conn.execute(text("SELECT count(*) FROM project_members")).scalar() == 3
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 4
        migrate.upgrade(url)
    finally:
        engine.dispose()
