"""The project's sample: importing a file of cases (a large one as a background job),
releasing replicates, and the do-not-call list."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from cati import db
from cati.errors import CatiError
from cati.fieldwork import cases, donotcall, sample_jobs
from cati.fieldwork.sample_import import SampleError, parse_sample, read_table
from cati.web import job_runs
from cati.web.access import member_project
from cati.web.clock import now as clock_now
from cati.web.common import ActionForm, me, problem_texts
from cati.web.research.blueprint import bp
from cati.web.research.forms import DncForm, SampleForm
from cati.web.research.project_page import flash_imported, project_page
from cati.web.uploads import saved_upload
from sampling.tables import count_rows


@bp.route("/<code>/sample", methods=["POST"])
def sample(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = SampleForm()
    if not form.validate_on_submit():
        return project_page(project, 400, sample=form)
    with saved_upload(form.file.data) as path:
        rows = count_rows(path)
        settings = current_app.config["CATI_SETTINGS"]
        if sample_jobs.too_large(rows, settings.sample_job_rows):
            params = sample_jobs.import_params(
                form.file.data.filename, path.name, form.region.data.upper(), rows
            )
            job_runs.submit_upload(project, sample_jobs.IMPORT, params, path)
            flash(
                gettext(
                    "The sample is being imported in the background; its progress shows under "
                    "Reports and data files. Nothing is imported unless every row is right."
                ),
                "ok",
            )
            return redirect(url_for("research.project", code=code) + "#jobs")
        try:
            records = parse_sample(
                read_table(path),
                form.file.data.filename,
                project.time_zone,
                region=form.region.data.upper(),
            )
            count = cases.import_cases(
                db.session(), project, records, form.file.data.filename, by=me()
            )
        except SampleError as exc:
            db.session().rollback()
            form.file.errors = [gettext("Nothing was imported.")]
            return project_page(project, 400, sample=form, problems=problem_texts(exc.problems))
    flash_imported(count)
    return redirect(url_for("research.project", code=code) + "#privacy")


@bp.route("/<code>/release/<int:replicate>", methods=["POST"])
def release(code: str, replicate: int) -> Response:
    project = member_project(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    count = cases.release_replicate(db.session(), project, replicate, now=clock_now(), by=me())
    flash(gettext("Released replicate %(r)s: %(n)s cases.", r=replicate, n=count), "ok")
    return redirect(url_for("research.project", code=code))


@bp.route("/<code>/dnc", methods=["POST"])
def dnc(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = DncForm()
    if form.validate_on_submit():
        text = form.file.data.read().decode("utf-8-sig")  # checked as UTF-8 by Upload
        numbers = [line.strip() for line in text.splitlines() if line.strip()]
        try:
            added = donotcall.add_numbers(db.session(), numbers, form.reason.data or "", by=me())
        except CatiError as exc:
            db.session().rollback()
            form.file.errors = [exc.translated(gettext)]
        else:
            flash(gettext("%(n)s numbers added to the do-not-call list.", n=added), "ok")
            return redirect(url_for("research.project", code=code))
    return project_page(project, 400, dnc=form)
