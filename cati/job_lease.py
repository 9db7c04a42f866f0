"""Who holds a running job, and finding the jobs whose holder died.

Claiming a job writes a token naming the worker (host, process, a nonce per claim) and the
time. While the job runs, a heartbeat thread of the worker writes the time again, with the
job's progress, every tick (a second). A running job whose heartbeat is older than the
lease lost its worker (killed, its machine gone): `reap` queues it again once, and marks it
failed the second time, so that no job stays "running" forever and none loops. Every
write of the job's end names the token, so a worker that was only slow, and whose job was
queued again meanwhile, can no longer finish it: its work is rolled back.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from cati.db import utcnow
from cati.models import Job
from cati.problems import N_

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # a job whose worker died is tried once more
WORKER_STOPPED = N_(
    "the worker running it stopped twice (killed or its machine gone); nothing it did was "
    "kept. Try again, or ask the administrator to check the job workers."
)


class JobLost(Exception):
    """The job is no longer this claim's: cancelled, or queued again after its lease ran out."""


def tick(lease: float) -> float:
    """Seconds between heartbeats: often enough for a live progress bar, and several to a
    lease so that one slow write does not cost a live job its claim."""
    return min(1.0, lease / 4)


def claim(session: Session, job_id: int) -> str | None:
    """Take a queued job; returns the claim's token, or None when it was not queued (another
    worker took it, or it was cancelled)."""
    token = f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(
            status="running",
            worker=token,
            heartbeat_at=utcnow(),
            attempts=Job.attempts + 1,
            progress=0,
            message="",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return token if claimed == 1 else None


def held(job_id: int, token: str):
    """The condition every write of a claimed job carries: still running, still this claim's."""
    return (Job.id == job_id) & (Job.status == "running") & (Job.worker == token)


def reap(session: Session, now: datetime, lease: float) -> list[int]:
    """Queue again (once) or fail each running job whose heartbeat is older than `lease`
    seconds; returns the ids queued again. Safe to run anywhere, and in several places at
    once: each change names the claim it ends."""
    stale = session.execute(
        select(Job.id, Job.worker, Job.attempts).where(
            Job.status == "running",
            or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < now - timedelta(seconds=lease)),
        )
    ).all()
    queued = []
    for job_id, worker, attempts in stale:
        again = attempts < MAX_ATTEMPTS
        values = (
            {"status": "queued", "worker": None, "heartbeat_at": None, "progress": 0}
            if again
            else {
                "status": "failed",
                "finished_at": now,
                "message": WORKER_STOPPED,
                "result": {"worker_stopped": attempts},
            }
        )
        changed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "running")
            .where(Job.worker.is_not_distinct_from(worker))
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        if changed:
            log.warning(
                "job %s: its worker %s stopped; %s",
                job_id,
                worker,
                "queued again" if again else "failed",
            )
            if again:
                queued.append(job_id)
    return queued


class Heartbeat:
    """The claim's heartbeat, in a thread and a database session of its own, so that it
    beats whatever the job does (a long computation, a long transaction). It carries the
    job's progress too: the runner's progress callback only records it here, and raises
    JobLost once a heartbeat found the job no longer this claim's (cancelled, or reaped)."""

    def __init__(
        self, factory: sessionmaker, job_id: int, token: str, lease: float, *, reaps: bool
    ) -> None:
        self.factory, self.job_id, self.token, self.lease = factory, job_id, token, lease
        self.reaps = reaps
        self.percent, self.message = 0, ""
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"job-{job_id}")

    def progress(self, percent: int, message: str = "") -> None:
        if self.lost.is_set():
            raise JobLost(self.job_id)
        self.percent, self.message = max(0, min(100, int(percent))), message

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        every, last_reap = tick(self.lease), utcnow()
        with self.factory() as session:
            while not self._stop.wait(every):
                now = utcnow()
                try:
                    self._write(session, now)
                    # A busy `cati jobs work` also frees the jobs of workers that died,
                    # for any worker to take (inline, no worker would: the web reaps).
                    if self.reaps and now - last_reap >= timedelta(seconds=self.lease / 2):
                        reap(session, now, self.lease)
                        last_reap = now
                except SQLAlchemyError as exc:  # the database away a moment: beat again
                    session.rollback()
                    log.warning("job %s: heartbeat not written: %s", self.job_id, exc)

    def _write(self, session: Session, now: datetime) -> None:
        written = session.execute(
            update(Job)
            .where(held(self.job_id, self.token))
            .values(heartbeat_at=now, progress=self.percent, message=self.message)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        if not written:
            self.lost.set()
