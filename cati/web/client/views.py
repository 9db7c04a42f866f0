"""The client's view: fieldwork progress of their own projects and the files released to them.

A client sees a project only when an administrator has made them a member of it; any other
project answers 403, the same as a page of another role.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from cati import db, jobs
from cati.fieldwork import progress, projects
from cati.models import CaseState, Job, Project
from cati.web.access import member_project
from cati.web.client.blueprint import bp
from cati.web.common import me
from cati.web.job_files import send_output

STATUS_NAMES = {
    "setup": _l("being prepared"),
    "fieldwork": _l("in fieldwork"),
    "paused": _l("fieldwork paused"),
    "closed": _l("fieldwork closed"),
}
STATE_NAMES = {
    CaseState.FINAL: _l("finished"),
    CaseState.ACTIVE: _l("being called"),
    CaseState.HELD: _l("held (quota full)"),
    CaseState.UNRELEASED: _l("not released yet"),
}


@bp.context_processor
def _names() -> dict:
    return {"status_names": STATUS_NAMES, "state_names": STATE_NAMES}


@bp.route("/")
def index() -> str:
    session = db.session()
    mine = projects.projects_of(session, me())
    return render_template(
        "client/index.html", studies=[progress.progress(session, p) for p in mine]
    )


def _released(project: Project) -> list[Job]:
    found = db.session().scalars(
        select(Job)
        .where(Job.project_id == project.id, Job.released.is_(True), Job.status == "done")
        .order_by(Job.finished_at.desc())
    )
    # A personal file released before that was refused stays in.
    return [job for job in found if not jobs.is_personal(job)]


@bp.route("/<code>/")
def project(code: str) -> str:
    found = member_project(code)
    return render_template(
        "client/project.html",
        p=progress.progress(db.session(), found),
        zone=ZoneInfo(found.time_zone),
        files=_released(found),
    )


@bp.route("/<code>/files/<int:job_id>")
def released_file(code: str, job_id: int) -> Response:
    found = member_project(code)
    job = next((j for j in _released(found) if j.id == job_id), None)
    if job is None:
        abort(404)
    return send_output(job)
