"""Sample imports and draws too large for a request, as background jobs (``cati.jobs``).

The uploaded file is kept with the job, so that any worker can run it; the work is the
browser's own (``sample_import``, ``draws``), and, as there, all or nothing: the cases (or
the pending draw) are committed with the job's end, or not at all. A file refused names
its file, row and column in the job's result, as the form would have.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cati import jobs
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import cases, draws
from cati.fieldwork.draws import FrameChoices
from cati.fieldwork.sample_import import parse_sample, read_table
from cati.models import Job, PendingDraw, Project, User
from sampling.drawing import DrawSettings

IMPORT, DRAW, ACCEPT = "sample_import", "sample_draw", "sample_accept"
KINDS = (IMPORT, DRAW, ACCEPT)


def too_large(rows: int | None, most: int) -> bool:
    """Whether work on `rows` rows goes to the background (unknown: it does)."""
    return rows is None or rows > most


def import_params(file_name: str, stored_as: str, region: str, rows: int | None) -> dict:
    """An import job's parameters: the name the researcher gave the file (problems name
    it), the name it is saved under to be read (its suffix says how), the country of
    national numbers, and the rows it was thought to have."""
    return {"file": file_name, "stored_as": stored_as, "region": region, "rows": rows}


def draw_params(
    file_name: str,
    stored_as: str,
    choices: FrameChoices,
    settings: DrawSettings,
    asked_at: datetime,
    rows: int | None,
) -> dict:
    return {
        "file": file_name,
        "stored_as": stored_as,
        "choices": asdict(choices),
        "settings": asdict(settings),
        "asked_at": asked_at.isoformat(),
        "rows": rows,
    }


def accept_params(pending: PendingDraw, asked_at: datetime) -> dict:
    return {"draw_id": pending.id, "file": pending.frame_name, "asked_at": asked_at.isoformat()}


def accepting(session: Session, project: Project, pending: PendingDraw) -> Job | None:
    """The job importing this drawn sample, while it is queued or running."""
    found = session.scalars(
        select(Job).where(
            Job.project_id == project.id,
            Job.kind == ACCEPT,
            Job.status.in_(("queued", "running")),
        )
    )
    return next((job for job in found if job.params.get("draw_id") == pending.id), None)


def _creator(session: Session, job: Job) -> User | None:
    return session.get(User, job.created_by_id) if job.created_by_id else None


def _with_input(session: Session, job: Job, use: Callable[[Path], Any]) -> Any:
    """`use` the job's uploaded file, saved under its upload name in a folder of its own."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / job.params["stored_as"]
        path.write_bytes(jobs.input_of(session, job))
        return use(path)


def _importing(session: Session, write: Callable[[], int]) -> int:
    """Run `write` (it adds cases) and flush them. Two imports of the same cases at once
    collide on the cases' unique key; the one that loses runs its checks again, and now
    finds the other's cases: the usual problem naming each row whose case is there."""
    count = write()
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        count = write()
        session.flush()
    return count


@jobs.runner(IMPORT, takes_input=True)
def import_sample(session: Session, job: Job, progress: jobs.Progress) -> jobs.Output:
    project = session.get(Project, job.project_id)
    name = job.params["file"]
    progress(5, "")
    table = _with_input(session, job, read_table)
    progress(25, "")
    records = parse_sample(table, name, project.time_zone, region=job.params["region"])
    progress(60, "")
    by = _creator(session, job)
    count = _importing(
        session,
        lambda: cases.import_cases(session, project, records, name, by=by, commit=False),
    )
    return jobs.Output(result={"cases": count})


def _tuples(values: dict) -> dict:
    """JSON lists back to the tuples the dataclasses hold."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}


@jobs.runner(DRAW, takes_input=True)
def draw_sample(session: Session, job: Job, progress: jobs.Progress) -> jobs.Output:
    project = session.get(Project, job.project_id)
    params = job.params
    progress(5, "")
    pending = _with_input(
        session,
        job,
        lambda path: draws.make_draw(
            session,
            project,
            path,
            params["file"],
            FrameChoices(**_tuples(params["choices"])),
            DrawSettings(**_tuples(params["settings"])),
            by=_creator(session, job),
            now=datetime.fromisoformat(params["asked_at"]),
            commit=False,
        ),
    )
    return jobs.Output(result={"draw_id": pending.id})


@jobs.runner(ACCEPT)
def accept_draw(session: Session, job: Job, progress: jobs.Progress) -> jobs.Output:
    project = session.get(Project, job.project_id)
    asked_at = datetime.fromisoformat(job.params["asked_at"])
    pending = draws.pending_draw(session, project, job.params["draw_id"], asked_at)
    if pending is None:
        raise CatiError(ErrorCode.DRAW_GONE, frame=job.params["file"])
    progress(10, "")
    by = _creator(session, job)
    count = _importing(
        session, lambda: draws.accept(session, project, pending, by=by, commit=False)
    )
    return jobs.Output(result={"cases": count})
