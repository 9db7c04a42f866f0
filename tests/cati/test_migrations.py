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
