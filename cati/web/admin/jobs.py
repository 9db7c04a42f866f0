"""The administrator's list of background jobs on every project: what runs, what failed and
why, and cancelling or trying a job again for its owner (audited)."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from cati import db
from cati.models import Job, Project, User
from cati.web import job_runs
from cati.web.admin.blueprint import bp
from cati.web.common import ActionForm, me
from cati.web.job_list import job_rows

SHOWN = 100


@bp.route("/jobs")
def jobs_list() -> str:
    job_runs.revive()
    session = db.session()
    found = list(session.scalars(select(Job).order_by(Job.id.desc()).limit(SHOWN)))
    shown = select(Project).where(Project.id.in_({j.project_id for j in found}))
    projects = {p.id: p for p in session.scalars(shown)}
    owners = {
        u.id: u.username
        for u in session.scalars(select(User).where(User.id.in_({j.created_by_id for j in found})))
    }
    return render_template(
        "admin/jobs.html",
        rows=job_rows(found, me()),
        projects=projects,
        owners=owners,
        button=ActionForm(),
    )


def _job(job_id: int) -> Job:
    job = db.session().get(Job, job_id)
    if job is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    return job


@bp.route("/jobs/<int:job_id>/cancel", methods=["POST"])
def cancel_job(job_id: int) -> Response:
    job_runs.cancel(_job(job_id))
    return redirect(url_for("admin.jobs_list"))


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
def retry_job(job_id: int) -> Response:
    job_runs.retry(_job(job_id))
    return redirect(url_for("admin.jobs_list"))
