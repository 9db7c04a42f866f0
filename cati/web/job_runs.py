"""Starting, cancelling and retrying jobs from the web: a job runs in a thread of this
process when the settings say so (CATI_JOBS_INLINE), else it is left for ``cati jobs work``."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, flash
from flask_babel import gettext

from cati import db, job_lease, jobs
from cati.config import Settings
from cati.db import utcnow
from cati.errors import CatiError
from cati.models import Job, Project
from cati.web.common import me


def _settings() -> Settings:
    return current_app.config["CATI_SETTINGS"]


def start(job_id: int) -> None:
    settings = _settings()
    if settings.jobs_inline:
        factory = current_app.extensions["cati.sessionmaker"]
        jobs.run_in_thread(factory, job_id, settings.job_lease_seconds)


def submit_upload(project: Project, kind: str, params: dict, path: Path) -> None:
    """Queue work on the uploaded file at `path` as a job, with the file, and start it."""
    job = jobs.submit(db.session(), project, kind, params, by=me(), content=path.read_bytes())
    start(job.id)


def revive() -> None:
    """Free the jobs whose worker died (a job list being looked at is the moment someone
    wants to know), and, inline, run again those queued again here: with no `cati jobs
    work`, nobody else would."""
    settings = _settings()
    for job_id in job_lease.reap(db.session(), utcnow(), settings.job_lease_seconds):
        start(job_id)


def cancel(job: Job) -> None:
    """Cancel the job as the current user, and say how it went."""
    try:
        jobs.cancel(db.session(), job, by=me())
    except CatiError as exc:
        flash(exc.translated(gettext), "error")
    else:
        flash(gettext("Cancelled; nothing the job did is kept."), "ok")


def retry(job: Job) -> None:
    """Queue the job again as the current user, start it, and say how it went."""
    try:
        jobs.retry(db.session(), job, by=me())
    except CatiError as exc:
        flash(exc.translated(gettext), "error")
    else:
        start(job.id)
        flash(gettext("Queued again; its progress shows below."), "ok")
