"""What a job list shows of each job, in the reader's language, and who may change it: its
owner and the administrators cancel a job that has not ended, and try again one that
failed or was cancelled."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from cati import jobs
from cati.fieldwork import sample_jobs
from cati.job_lease import WORKER_STOPPED
from cati.models import Job, Role, User
from cati.problems import Problem
from cati.web.common import problem_texts


@dataclass(frozen=True)
class JobRow:
    job: Job
    label: str
    reason: str  # why it failed, when it did and no problem list says it
    problems: list[str]  # each problem of a file refused, with its place
    changeable: bool  # the reader may cancel or retry it

    @property
    def sample(self) -> bool:
        return self.job.kind in sample_jobs.KINDS

    @property
    def personal(self) -> bool:
        return jobs.is_personal(self.job)


def _label(job: Job) -> str:
    file = job.params.get("file", "")
    if job.kind == sample_jobs.IMPORT:
        return gettext("Sample import: %(file)s", file=file)
    if job.kind == sample_jobs.DRAW:
        return gettext("Sample drawn from %(file)s", file=file)
    if job.kind == sample_jobs.ACCEPT:
        return gettext("Drawn sample from %(file)s, accepted", file=file)
    return job.file_name or job.params.get("kind") or job.params.get("format") or job.kind


def job_row(job: Job, reader: User) -> JobRow:
    result = job.result or {}
    problems = [Problem.from_json(p) for p in result.get("problems", [])]
    reason = gettext(WORKER_STOPPED) if result.get("worker_stopped") else job.message
    return JobRow(
        job=job,
        label=_label(job),
        reason=reason,
        problems=problem_texts(problems),
        changeable=reader.role == Role.ADMIN or job.created_by_id == reader.id,
    )


def job_rows(found: list[Job], reader: User) -> list[JobRow]:
    return [job_row(job, reader) for job in found]
