"""Background jobs: reports and data exports made outside the request, with progress.

A job is a row (queued → running → done or failed). Any process may run jobs: ``cati jobs
work`` in production (one or more workers), or a thread of the web process started when a
job is submitted (``CATI_JOBS_INLINE``, the default, so that ``make demo`` needs nothing
else). Claiming a job is a conditional update, so two workers never run the same job.
The file a job makes is stored in the database (table ``job_outputs``, one row per finished
job), so that any app server can hand it out, whichever worker made it.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from cati import audit
from cati.db import utcnow
from cati.models import Job, JobOutput, Project, User

log = logging.getLogger(__name__)
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Output:
    """What a runner made: the file's name as the user downloads it, and its bytes."""

    name: str
    content: bytes


Runner = Callable[[Session, Job, Progress], Output]
RUNNERS: dict[str, Runner] = {}


def runner(kind: str) -> Callable[[Runner], Runner]:
    def register(function: Runner) -> Runner:
        RUNNERS[kind] = function
        return function

    return register


def submit(
    session: Session, project: Project, kind: str, params: dict[str, Any], *, by: User | None
) -> Job:
    if kind not in RUNNERS:
        raise ValueError(f"no runner for job kind {kind!r}")
    job = Job(project_id=project.id, kind=kind, params=params, created_by_id=by.id if by else None)
    session.add(job)
    session.flush()
    audit.record(
        session,
        "job.submit",
        user=by,
        object_type="job",
        object_id=job.id,
        kind=kind,
        params=params,
    )
    session.commit()
    return job


def _claim(session: Session, job_id: int, now: datetime) -> bool:
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", message="", progress=0)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return claimed == 1


def run(factory: sessionmaker, job_id: int) -> str:
    """Run one queued job to the end; returns its final status. Never raises for a job's
    own failure: the failure is recorded on the job for the user to read."""
    with factory() as session:
        if not _claim(session, job_id, utcnow()):
            return "taken"
        job = session.get(Job, job_id)

        def progress(percent: int, message: str = "") -> None:
            job.progress = max(0, min(100, int(percent)))
            job.message = message
            session.commit()

        try:
            output = RUNNERS[job.kind](session, job, progress)
        except Exception as exc:  # a job's failure is shown to its user, not raised
            session.rollback()
            log.error("job %s (%s) failed:\n%s", job_id, job.kind, traceback.format_exc())
            job = session.get(Job, job_id)
            job.status, job.message, job.finished_at = "failed", str(exc)[:2000], utcnow()
            session.commit()
            return "failed"
        session.add(JobOutput(job_id=job.id, content=output.content))
        job.status, job.progress, job.finished_at = "done", 100, utcnow()
        job.file_name = output.name
        session.commit()
        return "done"


def next_queued(session: Session) -> int | None:
    return session.scalar(
        select(Job.id).where(Job.status == "queued").order_by(Job.created_at, Job.id).limit(1)
    )


def work(factory: sessionmaker, *, once: bool = False) -> int:
    """Run queued jobs one after another; with ``once``, stop when none is left."""
    import time

    done = 0
    while True:
        with factory() as session:
            job_id = next_queued(session)
        if job_id is None:
            if once:
                return done
            time.sleep(2)
            continue
        if run(factory, job_id) != "taken":
            done += 1


def run_in_thread(factory: sessionmaker, job_id: int) -> threading.Thread:
    thread = threading.Thread(target=run, args=(factory, job_id), daemon=True)
    thread.start()
    return thread


def is_personal(job: Job) -> bool:
    """A data file with the respondents' personal variables: never for the client."""
    return job.kind == "data" and bool(job.params.get("personal"))


def output_of(session: Session, job: Job) -> bytes | None:
    """The bytes a finished job made, or None when it has none (not done, or failed)."""
    if job.status != "done":
        return None
    return session.scalar(select(JobOutput.content).where(JobOutput.job_id == job.id))
