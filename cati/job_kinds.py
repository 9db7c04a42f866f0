"""The background jobs the consoles offer: data files and PDF reports (``cati.reporting``),
and large sample imports and draws (``cati.fieldwork.sample_jobs``).

Imported by the web app and by ``cati jobs work`` so that both know the same runners.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from sqlalchemy.orm import Session

import cati.fieldwork.sample_jobs  # noqa: F401  (registers the sample runners)
from cati import jobs, reporting
from cati.banner_report import column_tests, parse_bands
from cati.config import Settings
from cati.models import Job, Project, User

DATA_SUFFIX = {
    "csv": ".csv",
    "xlsx": ".xlsx",
    "sav": ".sav",
    "dta": ".dta",
    "sss": ".sss",
    "codebook": ".pdf",
}


def _reporter(progress: jobs.Progress):
    """Adapts the exporters' (done, total) callbacks to a percentage."""

    def report(done: int, total: int) -> None:
        progress(int(100 * done / total) if total else 0, f"{done} / {total}")

    return report


@jobs.runner("data")
def data_file(session: Session, job: Job, progress: jobs.Progress) -> jobs.Output:
    project = session.get(Project, job.project_id)
    fmt = job.params["format"]
    # The name says what the file holds, wherever it is copied to.
    stem = f"{project.code}-personal" if jobs.is_personal(job) else project.code
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{stem}{DATA_SUFFIX[fmt]}"
        written = reporting.export_data(
            session,
            project,
            fmt,
            out,
            labels=bool(job.params.get("labels")),
            names=bool(job.params.get("names")),
            include_personal=bool(job.params.get("personal")),
            weighted=bool(job.params.get("weighted")),
            language=job.params.get("language", "en"),
            progress=_reporter(progress),
            by=session.get(User, job.created_by_id) if job.created_by_id else None,
        )
        if len(written) == 1:
            return jobs.Output(written[0].name, written[0].read_bytes())
        buffer = io.BytesIO()  # Triple-S is two files: the metadata and the data
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in written:
                archive.write(path, path.name)
        return jobs.Output(f"{stem}-{fmt}.zip", buffer.getvalue())


@jobs.runner("report")
def pdf_report(session: Session, job: Job, progress: jobs.Progress) -> jobs.Output:
    project = session.get(Project, job.project_id)
    kind, language = job.params["kind"], job.params.get("language", "en")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{project.code}-{kind}-{language}.pdf"
        reporting.export_report(
            session,
            project,
            kind,
            out,
            language=language,
            weighted=bool(job.params.get("weighted")),
            tagged=not job.params.get("untagged"),
            processes=Settings.from_env().report_processes or None,
            progress=_reporter(progress),
            **_banner_options(job.params),
        )
        return jobs.Output(out.name, out.read_bytes())


def _banner_options(params: dict) -> dict:
    """What a banner job asked for (a job queued before these options: the defaults)."""
    if params.get("kind") != "banner":
        return {}
    return {
        "banner": params.get("banner") or ["region"],
        "bands": parse_bands(params.get("bands", "")),
        "settings": column_tests(params.get("levels", "95/90"), params.get("adjustment", "none")),
    }
