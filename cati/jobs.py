"""Background jobs: reports, data exports, large sample imports and draws, made outside the
request, with progress.

A job is a row (queued → running → done, failed or cancelled). Any process may run jobs:
``cati jobs work`` in production (one or more workers), or a thread of the web process
started when a job is submitted (``CATI_JOBS_INLINE``, the default, so that ``make demo``
needs nothing else). Claiming a job is a conditional update, so two workers never run the
same job; the claim is a lease kept by a heartbeat (``cati.job_lease``), so a job whose
worker died is run again once, then failed.

A runner's own writes (cases imported, a draw kept) are committed in one transaction with
the job's end, and only while the claim is still the runner's: a job cancelled, or taken
over after its worker was thought dead, leaves nothing behind. The file a job makes is
stored in the database (``job_outputs``) and so is the file it works on (``job_inputs``,
an upload), so that any app server and any worker can reach them.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from cati import audit, job_lease
from cati.config import Settings
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode
from cati.job_lease import JobLost
from cati.models import Job, JobInput, JobOutput, Project, User
from cati.problems import ProblemError

log = logging.getLogger(__name__)
Progress = Callable[[int, str], None]
LEASE = Settings.job_lease_seconds  # the default; the app passes the configured one
# An uploaded file waits this long for a retry; a job done drops it at once.
INPUTS_KEPT = timedelta(hours=24)


@dataclass(frozen=True)
class Output:
    """What a runner made: a file to download (its name as the user gets it, and its bytes),
    and what the job list shows of it (cases imported, the draw made)."""

    name: str | None = None
    content: bytes | None = None
    result: dict[str, Any] | None = None


Runner = Callable[[Session, Job, Progress], Output]
RUNNERS: dict[str, Runner] = {}
TAKES_INPUT: set[str] = set()  # the kinds that work on an uploaded file (job_inputs)


def runner(kind: str, *, takes_input: bool = False) -> Callable[[Runner], Runner]:
    def register(function: Runner) -> Runner:
        RUNNERS[kind] = function
        if takes_input:
            TAKES_INPUT.add(kind)
        return function

    return register


def submit(
    session: Session,
    project: Project,
    kind: str,
    params: dict[str, Any],
    *,
    by: User | None,
    content: bytes | None = None,
) -> Job:
    """Queue a job; `content` is the file it works on (kept for the worker)."""
    if kind not in RUNNERS:
        raise ValueError(f"no runner for job kind {kind!r}")
    job = Job(project_id=project.id, kind=kind, params=params, created_by_id=by.id if by else None)
    session.add(job)
    session.flush()
    if content is not None:
        session.add(JobInput(job_id=job.id, content=content))
    old = select(Job.id).where(Job.created_at < utcnow() - INPUTS_KEPT)
    session.execute(delete(JobInput).where(JobInput.job_id.in_(old)))
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


def input_of(session: Session, job: Job) -> bytes:
    """The file the job works on; CatiError once it is no longer kept."""
    content = session.scalar(select(JobInput.content).where(JobInput.job_id == job.id))
    if content is None:
        raise _input_gone(job)
    return content


def _input_gone(job: Job) -> CatiError:
    hours = int(INPUTS_KEPT.total_seconds() // 3600)
    return CatiError(ErrorCode.JOB_INPUT_GONE, file=job.params.get("file", ""), hours=hours)


def run(factory: sessionmaker, job_id: int, lease: float = LEASE, *, reaps: bool = False) -> str:
    """Run one queued job to its end; returns its final status, "taken" when another worker
    has it, or "lost" when it was cancelled or taken over while it ran. Never raises for a
    job's own failure: the failure is recorded on the job for the user to read. With
    `reaps`, its heartbeat also frees the jobs of dead workers (``cati jobs work``)."""
    with factory() as session:
        token = job_lease.claim(session, job_id)
        if token is None:
            return "taken"
        job = session.get(Job, job_id)
        with job_lease.Heartbeat(factory, job_id, token, lease, reaps=reaps) as beat:
            try:
                output = RUNNERS[job.kind](session, job, beat.progress)
                _finish(session, job_id, token, output)
            except JobLost:
                session.rollback()
                return "lost"
            except Exception as exc:  # a job's failure is shown to its user, not raised
                session.rollback()
                return _fail(session, job, token, exc)
        return "done"


def _finish(session: Session, job_id: int, token: str, output: Output) -> None:
    """The job done, in the transaction of the runner's own writes; JobLost (and nothing
    written) when the claim is no longer this one."""
    ended = session.execute(
        update(Job)
        .where(job_lease.held(job_id, token))
        .values(
            status="done",
            progress=100,
            finished_at=utcnow(),
            file_name=output.name,
            result=output.result,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not ended:
        raise JobLost(job_id)
    if output.content is not None:
        session.add(JobOutput(job_id=job_id, content=output.content))
    session.execute(delete(JobInput).where(JobInput.job_id == job_id))
    session.commit()


def _fail(session: Session, job: Job, token: str, exc: Exception) -> str:
    if isinstance(exc, ProblemError):  # the user's to fix: each problem, with its place
        result = {"problems": [p.as_json() for p in exc.problems[:50]]}
        message = str(exc.problem)
    else:
        log.error("job %s (%s) failed:\n%s", job.id, job.kind, traceback.format_exc())
        result, message = None, str(exc)
    ended = session.execute(
        update(Job)
        .where(job_lease.held(job.id, token))
        .values(status="failed", message=message[:2000], result=result, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return "failed" if ended else "lost"


def next_queued(session: Session) -> int | None:
    return session.scalar(
        select(Job.id).where(Job.status == "queued").order_by(Job.created_at, Job.id).limit(1)
    )


def work(
    factory: sessionmaker,
    *,
    lease: float = LEASE,
    once: bool = False,
    stop: threading.Event | None = None,
) -> int:
    """Run queued jobs one after another, freeing those of dead workers on the way; with
    ``once``, stop when none is left; with ``stop``, when it is set."""
    done = 0
    stop = stop or threading.Event()
    while not stop.is_set():
        with factory() as session:
            job_lease.reap(session, utcnow(), lease)
            job_id = next_queued(session)
        if job_id is None:
            if once:
                break
            stop.wait(min(2.0, lease / 2))
            continue
        if run(factory, job_id, lease, reaps=True) != "taken":
            done += 1
    return done


def run_in_thread(factory: sessionmaker, job_id: int, lease: float = LEASE) -> threading.Thread:
    thread = threading.Thread(target=run, args=(factory, job_id, lease), daemon=True)
    thread.start()
    return thread


def cancel(session: Session, job: Job, *, by: User | None) -> None:
    """Stop a queued or running job (CatiError when it had already ended). A running job
    stops at its next heartbeat and keeps nothing of what it did."""
    cancelled = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status.in_(("queued", "running")))
        .values(status="cancelled", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not cancelled:
        session.rollback()
        raise CatiError(ErrorCode.JOB_NOT_CANCELLABLE)
    audit.record(session, "job.cancel", user=by, object_type="job", object_id=job.id)
    session.commit()
    session.refresh(job)


def retry(session: Session, job: Job, *, by: User | None) -> None:
    """Queue a failed or cancelled job again, as new (CatiError when it is neither, or its
    uploaded file is no longer kept)."""
    retried = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status.in_(("failed", "cancelled")))
        .values(
            status="queued",
            attempts=0,
            progress=0,
            message="",
            result=None,
            finished_at=None,
            worker=None,
            heartbeat_at=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not retried:
        session.rollback()
        raise CatiError(ErrorCode.JOB_NOT_RETRYABLE)
    if job.kind in TAKES_INPUT and session.get(JobInput, job.id) is None:
        session.rollback()
        raise _input_gone(job)
    audit.record(session, "job.retry", user=by, object_type="job", object_id=job.id)
    session.commit()
    session.refresh(job)


def is_personal(job: Job) -> bool:
    """A data file with the respondents' personal variables: never for the client."""
    return job.kind == "data" and bool(job.params.get("personal"))


def output_of(session: Session, job: Job) -> bytes | None:
    """The bytes a finished job made, or None when it has none (not done, failed, or a job
    whose result is not a file)."""
    if job.status != "done":
        return None
    return session.scalar(select(JobOutput.content).where(JobOutput.job_id == job.id))
