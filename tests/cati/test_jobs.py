"""Background jobs: run once, progress, failures recorded, never run twice; a lease kept
by a heartbeat, cancelling, trying again."""

import os
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from cati import audit, job_lease, jobs
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode, problem
from cati.fieldwork.sample_import import SampleError
from cati.models import AuditEntry, Job
from cati.problems import Place, Problem
from tests.cati.fieldwork.conftest import make_project
from tests.conftest import make_user


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


LEASE = 2.0  # seconds: a heartbeat each half second


@jobs.runner("test_write_then_wait")
def _write_then_wait(session, job, progress):
    """Writes a row (uncommitted, as a sample import's cases are), then works until told."""
    audit.record(session, "test.work", object_type="job", object_id=job.id)
    deadline = time.monotonic() + job.params.get("seconds", 60)
    while time.monotonic() < deadline and not RELEASED.is_set():
        progress(42, "working")
        time.sleep(0.05)
    return jobs.Output(result={"worked": True})


RELEASED = threading.Event()


@jobs.runner("test_refused")
def _refused(session, job, progress):
    raise SampleError(
        [problem(ErrorCode.SAMPLE_DUPLICATE_CASE, Place(file="s.csv", row=7), case="A1", first=3)]
    )


def wait_until(check, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the condition did not hold in time")


def status_of(factory, job_id):
    with factory() as session:
        return session.get(Job, job_id)


def test_a_running_job_beats_with_its_progress(db, factory):
    job = jobs.submit(db, make_project(db), "test_write_then_wait", {"seconds": 3}, by=None)
    thread = jobs.run_in_thread(factory, job.id, LEASE)
    wait_until(lambda: status_of(factory, job.id).progress == 42)
    first = status_of(factory, job.id).heartbeat_at
    wait_until(lambda: status_of(factory, job.id).heartbeat_at > first)
    running = status_of(factory, job.id)
    assert running.status == "running" and running.attempts == 1
    assert running.worker.split(":")[1] == str(os.getpid())
    thread.join(60)
    done = status_of(factory, job.id)
    assert (done.status, done.result) == ("done", {"worked": True})
    assert db.scalar(select(func.count()).where(AuditEntry.action == "test.work")) == 1


def test_a_cancelled_job_stops_and_keeps_nothing_it_wrote(db, factory):
    user = make_user(db, "researcher")
    job = jobs.submit(db, make_project(db), "test_write_then_wait", {}, by=user)
    results = []
    thread = threading.Thread(target=lambda: results.append(jobs.run(factory, job.id, LEASE)))
    thread.start()
    wait_until(lambda: status_of(factory, job.id).progress == 42)
    jobs.cancel(db, job, by=user)
    thread.join(60)
    assert results == ["lost"]
    assert status_of(factory, job.id).status == "cancelled"
    assert db.scalar(select(func.count()).where(AuditEntry.action == "test.work")) == 0
    assert db.scalar(select(AuditEntry.actor).where(AuditEntry.action == "job.cancel")) == (
        user.username
    )
    with pytest.raises(CatiError) as again:
        jobs.cancel(db, job, by=user)
    assert again.value.code is ErrorCode.JOB_NOT_CANCELLABLE


def test_a_job_taken_over_after_its_lease_cannot_finish(db, factory):
    """A worker thought dead but only slow: its job was queued again and claimed by another
    worker, so its own end (and the row it wrote) is refused."""
    RELEASED.clear()
    job = jobs.submit(db, make_project(db), "test_write_then_wait", {}, by=None)
    results = []
    thread = threading.Thread(target=lambda: results.append(jobs.run(factory, job.id, LEASE)))
    thread.start()
    wait_until(lambda: status_of(factory, job.id).progress == 42)
    db.execute(update(Job).where(Job.id == job.id).values(status="queued", worker=None))
    db.commit()
    assert job_lease.claim(db, job.id) is not None  # another worker's claim
    RELEASED.set()
    thread.join(60)
    RELEASED.clear()
    assert results == ["lost"]
    assert status_of(factory, job.id).status == "running"  # the other worker's now
    assert db.scalar(select(func.count()).where(AuditEntry.action == "test.work")) == 0


def _go_stale(db, job_id):
    """The job's worker stopped: its heartbeat is older than the lease."""
    long_ago = utcnow() - timedelta(seconds=10 * LEASE)
    db.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=long_ago))
    db.commit()


def test_a_job_whose_worker_died_runs_again_once_then_fails(db, factory):
    job = jobs.submit(db, make_project(db), "test_echo", {"name": "x"}, by=None)
    fresh = jobs.submit(db, make_project(db), "test_echo", {"name": "y"}, by=None)
    for queued in (job, fresh):
        assert job_lease.claim(db, queued.id) is not None
    _go_stale(db, job.id)
    assert job_lease.reap(db, utcnow(), LEASE) == [job.id]  # the fresh one beats on
    db.refresh(job)
    assert (job.status, job.attempts, job.worker) == ("queued", 1, None)
    assert job_lease.claim(db, job.id) is not None
    _go_stale(db, job.id)
    assert job_lease.reap(db, utcnow(), LEASE) == []
    db.refresh(job)
    assert (job.status, job.attempts, job.result) == ("failed", 2, {"worker_stopped": 2})
    assert "stopped twice" in job.message
    assert status_of(factory, fresh.id).status == "running"


def test_a_failed_or_cancelled_job_is_tried_again_from_scratch(db, factory):
    user = make_user(db, "researcher")
    job = jobs.submit(db, make_project(db), "test_echo", {"name": "x", "fail": True}, by=user)
    assert jobs.run(factory, job.id, LEASE) == "failed"
    jobs.retry(db, job, by=user)
    assert (job.status, job.attempts, job.message, job.finished_at) == ("queued", 0, "", None)
    db.execute(update(Job).where(Job.id == job.id).values(params={"name": "x"}))
    db.commit()
    assert jobs.run(factory, job.id, LEASE) == "done"
    with pytest.raises(CatiError) as done:
        jobs.retry(db, job, by=user)
    assert done.value.code is ErrorCode.JOB_NOT_RETRYABLE
    retried = select(AuditEntry.actor).where(AuditEntry.action == "job.retry")
    assert db.scalars(retried).all() == [user.username]


def test_a_refused_file_leaves_each_problem_with_its_place_on_the_job(db, factory):
    job = jobs.submit(db, make_project(db), "test_refused", {}, by=None)
    assert jobs.run(factory, job.id, LEASE) == "failed"
    db.refresh(job)
    (found,) = [Problem.from_json(p) for p in job.result["problems"]]
    assert found.translated() == "s.csv, row 7: case id A1 appears again (first in row 3)."


def test_an_uploaded_file_waits_for_its_job_and_goes_once_it_is_done(db, factory):
    project = make_project(db)
    job = jobs.submit(db, project, "test_echo", {"name": "x"}, by=None, content=b"id,phone\n")
    assert jobs.input_of(db, job) == b"id,phone\n"
    assert jobs.run(factory, job.id, LEASE) == "done"
    with pytest.raises(CatiError) as gone:
        jobs.input_of(db, job)
    assert gone.value.code is ErrorCode.JOB_INPUT_GONE


def test_work_frees_a_dead_worker_s_job_and_runs_it(db, factory):
    job = jobs.submit(db, make_project(db), "test_echo", {"name": "again"}, by=None)
    assert job_lease.claim(db, job.id) is not None
    _go_stale(db, job.id)
    assert jobs.work(factory, lease=LEASE, once=True) == 1
    db.refresh(job)
    assert (job.status, job.attempts, job.file_name) == ("done", 2, "again.txt")
