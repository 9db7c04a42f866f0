"""Background work on the project page: ask for a report or data file, download it,
release it to the client (or withdraw it); cancel a job or try it again (its owner)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from cati import audit, db, jobs
from cati.models import Job, Project, QuestionnaireVersion
from cati.questionnaire_store import questionnaire_of
from cati.web import job_runs
from cati.web.access import member_project
from cati.web.common import ActionForm, me
from cati.web.job_files import send_output
from cati.web.job_list import job_rows
from cati.web.research.blueprint import bp
from cati.web.research.forms import job_form
from cati.web.research.project_page import project_jobs


@bp.route("/<code>/jobs", methods=["GET", "POST"])
def make_job(code: str) -> Response | str:
    project = member_project(code)
    if request.method == "GET":  # the list alone, polled while jobs run
        job_runs.revive()
        return render_template(
            "research/_jobs.html",
            project=project,
            jobs=job_rows(project_jobs(project), me()),
            button=ActionForm(),
        )
    version = db.session().get(QuestionnaireVersion, project.questionnaire_version_id or -1)
    form = job_form(project, questionnaire_of(version) if version else None, request.form)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
        return redirect(url_for("research.project", code=code) + "#jobs")
    family, name = form.what.data.split(":")
    params = {"language": form.language.data, "weighted": form.weighted.data}
    if form.weighted.data and not project.weighting_targets:
        flash(gettext("Enter weighting targets first."), "error")
        return redirect(url_for("research.project", code=code) + "#jobs")
    if family == "report":
        params.update(kind=name, untagged=form.untagged.data)
        if name == "banner":
            params.update(
                banner=form.banner.data or [],
                levels=form.levels.data,
                adjustment=form.adjustment.data,
                bands=form.bands.data or "",
            )
    else:
        params.update(format=name, personal=form.personal.data, names=form.names.data)
    job = jobs.submit(db.session(), project, family, params, by=me())
    job_runs.start(job.id)
    flash(gettext("Started; the file appears below when it is ready."), "ok")
    return redirect(url_for("research.project", code=code) + "#jobs")


def _job(project: Project, job_id: int) -> Job:
    job = db.session().get(Job, job_id)
    if job is None or job.project_id != project.id:
        abort(404)
    return job


@bp.route("/<code>/jobs/<int:job_id>/file")
def job_file(code: str, job_id: int) -> Response:
    job = _job(member_project(code), job_id)
    if jobs.is_personal(job) and job.status == "done":  # who took personal data out (8.3.5)
        audit.record(db.session(), "job.download", user=me(), object_type="job", object_id=job.id)
        db.session().commit()
    return send_output(job)


@bp.route("/<code>/jobs/<int:job_id>/release", methods=["POST"])
def release_job(code: str, job_id: int) -> Response:
    project = member_project(code)
    job = _job(project, job_id)
    if not ActionForm().validate_on_submit() or job.status != "done" or not job.file_name:
        abort(400)
    if jobs.is_personal(job) and not job.released:
        flash(
            gettext(
                "%(file)s holds personal data and cannot be released to the client: make the "
                "pseudonymized file and release that one.",
                file=job.file_name,
            ),
            "error",
        )
        return redirect(url_for("research.project", code=code) + "#jobs")
    job.released = not job.released
    audit.record(
        db.session(),
        "job.release" if job.released else "job.withdraw",
        user=me(),
        object_type="job",
        object_id=job.id,
    )
    db.session().commit()
    if job.released:
        flash(gettext("The file is released: the client can download it."), "ok")
    else:
        flash(gettext("The file is withdrawn: the client no longer sees it."), "ok")
    return redirect(url_for("research.project", code=code) + "#jobs")


def _owned(code: str, job_id: int) -> Job:
    """The project's job, if the researcher asked for it: others' jobs are theirs to change."""
    job = _job(member_project(code), job_id)
    if job.created_by_id != me().id:
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    return job


@bp.route("/<code>/jobs/<int:job_id>/cancel", methods=["POST"])
def cancel_job(code: str, job_id: int) -> Response:
    job_runs.cancel(_owned(code, job_id))
    return redirect(url_for("research.project", code=code) + "#jobs")


@bp.route("/<code>/jobs/<int:job_id>/retry", methods=["POST"])
def retry_job(code: str, job_id: int) -> Response:
    job_runs.retry(_owned(code, job_id))
    return redirect(url_for("research.project", code=code) + "#jobs")
