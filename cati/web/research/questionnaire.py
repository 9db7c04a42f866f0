"""The project's questionnaire: pinning a file (YAML or XLSForm), and its paper preview.

Mid-field a new version is not pinned at once: its changes are shown with a confirm button
(``questionnaire_store.ChangesToConfirm``); refused changes are listed like any problem."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from cati import db, questionnaire_store
from cati.errors import CatiError
from cati.models import Project, QuestionnaireVersion
from cati.questionnaire_store import questionnaire_of
from cati.web.access import member_project
from cati.web.common import me, problem_texts
from cati.web.research.blueprint import bp
from cati.web.research.forms import PinChangesForm, QuestionnaireForm
from cati.web.research.project_page import project_page
from cati.web.uploads import saved_upload
from questionnaires.preview import preview_html


@bp.route("/<code>/questionnaire", methods=["POST"])
def questionnaire(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = QuestionnaireForm()
    if not form.validate_on_submit():
        return project_page(project, 400, questionnaire=form)
    with saved_upload(form.file.data) as path:
        try:
            version = questionnaire_store.pin(db.session(), project, path, by=me())
        except questionnaire_store.ChangesToConfirm as changes:
            return _confirm_page(project, changes)
        except CatiError as exc:
            db.session().rollback()
            # The field says what happened; the list below, each problem and where it is.
            form.file.errors = [exc.problem.translated(gettext)]
            problems = problem_texts(exc.problems[1:])
            return project_page(project, 400, questionnaire=form, problems=problems)
    return _pinned(version)


def _confirm_page(project: Project, changes: questionnaire_store.ChangesToConfirm) -> str:
    version = changes.version
    form = PinChangesForm(version=version.id, checksum=version.checksum)
    return render_template(
        "research/pin_changes.html",
        project=project,
        version=version,
        headline=changes.problem.translated(gettext),
        changes=problem_texts(changes.problems[1:]),
        form=form,
    )


@bp.route("/<code>/questionnaire/confirm", methods=["POST"])
def confirm_pin(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = PinChangesForm()
    if not form.validate_on_submit():
        abort(400)
    session = db.session()
    version = session.get(QuestionnaireVersion, form.version.data)
    if version is None or version.checksum != form.checksum.data:
        abort(404)
    try:
        questionnaire_store.pin_version(session, project, version, by=me(), confirmed=True)
    except CatiError as exc:
        session.rollback()
        problems = problem_texts(exc.problems)
        return project_page(project, 400, problems=problems)
    return _pinned(version)


def _pinned(version: QuestionnaireVersion) -> Response:
    flash(
        gettext(
            "Pinned %(id)s version %(version)s.",
            id=version.questionnaire_id,
            version=version.version,
        ),
        "ok",
    )
    return redirect(url_for("research.project", code=request.view_args["code"]))


@bp.route("/<code>/questionnaire/preview")
def preview(code: str) -> Response:
    project = member_project(code)
    if project.questionnaire_version_id is None:
        abort(404)
    version = db.session().get(QuestionnaireVersion, project.questionnaire_version_id)
    response = make_response(preview_html(questionnaire_of(version), request.args.get("lang")))
    # The paper version carries its own print styles; it runs no script.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    )
    return response
