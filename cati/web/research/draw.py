"""Drawing a sample in the browser: draw from a frame, preview it (with its map), accept or
discard it. A large frame is drawn, and a large sample imported, as a background job."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from cati import db, jobs
from cati.fieldwork import draws, sample_jobs
from cati.fieldwork.sample_import import SampleError
from cati.models import PendingDraw, Project
from cati.web import job_runs
from cati.web.access import member_project
from cati.web.clock import now as clock_now
from cati.web.common import ActionForm, me, problem_texts
from cati.web.research.blueprint import bp
from cati.web.research.draw_forms import DESIGN_ERRORS, DESIGN_NAMES, DrawForm
from cati.web.research.project_page import flash_imported, project_page
from cati.web.uploads import saved_upload
from sampling.errors import SamplingError
from sampling.tables import count_rows

# The drawn map is matplotlib's SVG, whose styles are inline; it runs no script.
MAP_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@bp.route("/<code>/draw", methods=["POST"])
def draw(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = DrawForm()
    if not form.validate_on_submit():
        return project_page(project, 400, draw=form)
    upload = form.file.data
    frame_name = Path(upload.filename or "frame").name[:255]
    with saved_upload(upload) as path:
        rows = count_rows(path)
        if sample_jobs.too_large(rows, current_app.config["CATI_SETTINGS"].sample_job_rows):
            params = sample_jobs.draw_params(
                frame_name, path.name, form.frame_choices(), form.draw_settings(), clock_now(), rows
            )
            job_runs.submit_upload(project, sample_jobs.DRAW, params, path)
            flash(
                gettext(
                    "The sample is being drawn in the background; when it is ready, open it "
                    "from Reports and data files. Nothing is imported before you accept it."
                ),
                "ok",
            )
            return redirect(url_for("research.project", code=code) + "#jobs")
        try:
            pending = draws.make_draw(
                db.session(),
                project,
                path,
                frame_name,
                form.frame_choices(),
                form.draw_settings(),
                by=me(),
                now=clock_now(),
            )
        except SamplingError as exc:
            db.session().rollback()
            field = form.design if exc.code in DESIGN_ERRORS else form.file
            # The field says what happened; the list beside the form, every row's problem.
            problems = problem_texts(exc.row_problems)
            field.errors = [exc.problem.translated(gettext)]
            return project_page(project, 400, draw=form, draw_problems=problems)
    return redirect(url_for("research.draw_preview", code=code, draw_id=pending.id))


def _pending(project: Project, draw_id: int) -> PendingDraw:
    pending = draws.pending_draw(db.session(), project, draw_id, clock_now())
    if pending is None:
        abort(404)
    return pending


def _preview(
    project: Project, pending: PendingDraw, status: int = 200, problems: list[str] | None = None
) -> tuple[str, int]:
    return render_template(
        "research/draw.html",
        project=project,
        pending=pending,
        accepting=sample_jobs.accepting(db.session(), project, pending),
        design_name=DESIGN_NAMES.get(pending.params["design"], pending.params["design"]),
        design_names=DESIGN_NAMES,
        button=ActionForm(),
        problems=problems or [],
    ), status


@bp.route("/<code>/draws/<int:draw_id>")
def draw_preview(code: str, draw_id: int) -> tuple[str, int]:
    project = member_project(code)
    return _preview(project, _pending(project, draw_id))


@bp.route("/<code>/draws/<int:draw_id>/map.svg")
def draw_map(code: str, draw_id: int) -> Response:
    pending = _pending(member_project(code), draw_id)
    if pending.map_svg is None:
        abort(404)
    response = make_response(pending.map_svg)
    response.mimetype = "image/svg+xml"
    response.headers["Content-Security-Policy"] = MAP_POLICY
    return response


@bp.route("/<code>/draws/<int:draw_id>/accept", methods=["POST"])
def accept_draw(code: str, draw_id: int) -> Response | tuple[str, int]:
    project = member_project(code)
    pending = _pending(project, draw_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db.session()
    if sample_jobs.accepting(session, project, pending) is not None:
        flash(gettext("This sample is already being imported in the background."), "ok")
        return redirect(url_for("research.project", code=code) + "#jobs")
    if sample_jobs.too_large(
        pending.summary["sample_units"], current_app.config["CATI_SETTINGS"].sample_job_rows
    ):
        params = sample_jobs.accept_params(pending, clock_now())
        job = jobs.submit(session, project, sample_jobs.ACCEPT, params, by=me())
        job_runs.start(job.id)
        flash(
            gettext(
                "The drawn cases are being imported in the background; their progress shows "
                "under Reports and data files."
            ),
            "ok",
        )
        return redirect(url_for("research.project", code=code) + "#jobs")
    try:
        count = draws.accept(session, project, pending, by=me())
    except SampleError as exc:
        db.session().rollback()
        return _preview(project, _pending(project, draw_id), 400, problem_texts(exc.problems))
    flash_imported(count)
    return redirect(url_for("research.project", code=code) + "#privacy")


@bp.route("/<code>/draws/<int:draw_id>/discard", methods=["POST"])
def discard_draw(code: str, draw_id: int) -> Response:
    project = member_project(code)
    pending = _pending(project, draw_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    draws.discard(db.session(), project, pending, by=me())
    flash(gettext("The drawn sample was discarded; nothing was imported."), "ok")
    return redirect(url_for("research.project", code=code))
