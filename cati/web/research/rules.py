"""A project's calling rules: the form, and the same rules as a YAML file to download and
upload. Saving says how many open cases the new windows rescheduled."""

from __future__ import annotations

import yaml
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from cati import db
from cati.errors import CatiError
from cati.fieldwork import projects
from cati.fieldwork.rules import rules_of
from cati.models import Outcome, Project
from cati.web.access import member_project
from cati.web.clock import now as clock_now
from cati.web.common import ActionForm, me, problem_texts
from cati.web.research.blueprint import bp
from cati.web.research.forms import RulesUploadForm
from cati.web.research.rules_form import RulesFormState, read_form, state_of


def _delayed_outcomes(project: Project) -> list[Outcome]:
    """The outcomes after which a case is called again: the ones with a delay to set."""
    return sorted(
        (o for o in project.outcomes if o.active and not o.final), key=lambda o: -o.precedence
    )


def _page(
    project: Project,
    state: RulesFormState,
    status: int = 200,
    upload: RulesUploadForm | None = None,
    upload_problems: list[str] | None = None,
) -> tuple[str, int]:
    return render_template(
        "research/rules.html",
        project=project,
        state=state,
        form=ActionForm(),
        upload=upload or RulesUploadForm(),
        upload_problems=upload_problems or [],
    ), status


def _saved(moved: int) -> Response:
    flash(
        ngettext(
            "Calling rules saved: %(num)d open case rescheduled.",
            "Calling rules saved: %(num)d open cases rescheduled.",
            moved,
        ),
        "ok",
    )
    return redirect(url_for("research.rules", code=request.view_args["code"]))


@bp.route("/<code>/rules", methods=["GET", "POST"])
def rules(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    outcomes = _delayed_outcomes(project)
    if request.method == "GET":
        return _page(project, state_of(rules_of(project), project.time_zone, outcomes))
    if not ActionForm().validate_on_submit():
        abort(400)
    document, delays, state = read_form(request.form, project.time_zone, outcomes)
    session = db.session()
    try:
        moved = projects.set_rules(
            session, project, document, delays=delays, by=me(), now=clock_now()
        )
    except CatiError as exc:
        session.rollback()
        state.add(exc.problems, gettext)
        return _page(project, state, 400)
    return _saved(moved)


@bp.route("/<code>/rules.yaml")
def rules_yaml(code: str) -> Response:
    project = member_project(code)
    text = yaml.safe_dump(project.rules, sort_keys=False, allow_unicode=True)
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{project.code}-rules.yaml"'},
    )


@bp.route("/<code>/rules/yaml", methods=["POST"])
def upload_rules(code: str) -> Response | tuple[str, int]:
    """Replace the rules with a YAML file's (the outcomes' delays stay as they are)."""
    project = member_project(code)
    state = state_of(rules_of(project), project.time_zone, _delayed_outcomes(project))
    upload = RulesUploadForm()
    if not upload.validate_on_submit():
        return _page(project, state, 400, upload=upload)
    storage = upload.file.data
    session = db.session()
    try:
        storage.stream.seek(0)
        document = projects.rules_from_yaml(storage.read().decode("utf-8-sig"))
        moved = projects.set_rules(
            session, project, document, source=storage.filename, by=me(), now=clock_now()
        )
    except CatiError as exc:
        session.rollback()
        return _page(
            project, state, 400, upload=upload, upload_problems=problem_texts(exc.problems)
        )
    return _saved(moved)
