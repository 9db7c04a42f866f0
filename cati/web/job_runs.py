"""Starting jobs from the web: in a thread of this process when the settings say so
(CATI_JOBS_INLINE), else left queued for ``cati jobs work``."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from cati import db, job_lease, jobs
from cati.config import Settings
from cati.db import utcnow
from cati.models import Project
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
