"""A job worker killed with SIGKILL mid-job: another worker finds the job by its stale
heartbeat within the lease, runs it again, and marks it failed when that worker is killed
too (cati.job_lease). Real processes (`cati jobs work`), on both engines."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tests.cati.slow_job_worker  # noqa: F401  (the slow kind, known here to submit it)
from cati import jobs
from cati.models import Job
from tests.cati.fieldwork.conftest import make_project

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parents[2]
LEASE = 2  # seconds (CATI_JOB_LEASE_SECONDS); production's default is 30
# Found at most a lease after the last heartbeat, plus an idle worker's poll (half a
# lease); the rest is room for a loaded machine.
FOUND_WITHIN = LEASE + LEASE / 2 + 2


def start_worker(database_url: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "CATI_DATABASE_URL": database_url,
        "CATI_SECRET_KEY": "test-secret",
        "CATI_INSTANCE_PATH": str(tmp_path),
        "CATI_JOB_LEASE_SECONDS": str(LEASE),
        "PYTHONPATH": str(ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.cati.slow_job_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    assert worker.stdout.readline().startswith("Running jobs (lease 2 s)")  # polling now
    return worker


def current(factory, job_id: int) -> Job:
    with factory() as session:
        return session.get(Job, job_id)


def wait_for(factory, job_id: int, check, seconds: float = 120) -> float:
    """Seconds until `check(job)` holds."""
    started = time.monotonic()
    while not check(current(factory, job_id)):
        assert time.monotonic() - started < seconds, vars(current(factory, job_id))
        time.sleep(0.05)
    return time.monotonic() - started


def held_by(worker: subprocess.Popen):
    return lambda job: (
        job.status == "running" and job.progress > 0 and job.worker.split(":")[1] == str(worker.pid)
    )


def test_a_job_whose_worker_is_killed_runs_again_then_fails(app, db, database_url, tmp_path):
    factory = app.extensions["cati.sessionmaker"]
    job = jobs.submit(db, make_project(db), "test_slow", {"seconds": 600}, by=None)
    workers = [start_worker(database_url, tmp_path)]
    try:
        wait_for(factory, job.id, held_by(workers[0]))
        workers.append(start_worker(database_url, tmp_path))  # idle, polling
        os.kill(workers[0].pid, signal.SIGKILL)
        retried = wait_for(factory, job.id, held_by(workers[1]))
        assert retried < FOUND_WITHIN + 1  # + its first heartbeat with progress
        assert current(factory, job.id).attempts == 2

        workers.append(start_worker(database_url, tmp_path))
        os.kill(workers[1].pid, signal.SIGKILL)
        failed = wait_for(factory, job.id, lambda found: found.status == "failed")
        assert failed < FOUND_WITHIN
        ended = current(factory, job.id)
        assert ended.result == {"worker_stopped": 2} and "stopped twice" in ended.message
    finally:
        for worker in workers:
            worker.kill()
            worker.wait(10)
