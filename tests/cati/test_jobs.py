"""Background jobs: run once, progress, failures recorded, never run twice."""

import threading

import pytest
from sqlalchemy import select

from cati import jobs
from cati.models import Job
from tests.cati.fieldwork.conftest import make_project


@jobs.runner("test_echo")
def _echo(session, job, progress):
    progress(50, "halfway")
    if job.params.get("fail"):
        raise RuntimeError("the frame has no column 'region'")
    return jobs.Output(f"{job.params['name']}.txt", b"hello")


@pytest.fixture
def factory(app):
    return app.extensions["cati.sessionmaker"]


def test_a_job_runs_to_its_file_kept_in_the_database(db, factory):
    project = make_project(db)
    job = jobs.submit(db, project, "test_echo", {"name": "topline"}, by=None)
    assert jobs.run(factory, job.id) == "done"
    db.refresh(job)
    assert (job.status, job.progress, job.file_name) == ("done", 100, "topline.txt")
    assert jobs.output_of(db, job) == b"hello"


def test_a_failing_job_keeps_the_reason_for_its_user(db, factory):
    project = make_project(db)
    job = jobs.submit(db, project, "test_echo", {"name": "x", "fail": True}, by=None)
    assert jobs.run(factory, job.id) == "failed"
    db.refresh(job)
    assert job.status == "failed" and "no column 'region'" in job.message
    assert jobs.output_of(db, job) is None


def test_two_workers_never_run_the_same_job(db, factory):
    project = make_project(db)
    job = jobs.submit(db, project, "test_echo", {"name": "once"}, by=None)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(jobs.run(factory, job.id))) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)  # returns as soon as they finish; the bound is for a loaded machine
    assert sorted(results) == ["done", "taken", "taken", "taken"]


def test_work_once_runs_every_queued_job(db, factory):
    project = make_project(db)
    for name in ("a", "b", "c"):
        jobs.submit(db, project, "test_echo", {"name": name}, by=None)
    assert jobs.work(factory, once=True) == 3
    assert set(db.scalars(select(Job.status))) == {"done"}
