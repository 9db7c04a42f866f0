"""The researcher's outcome catalogue: list, edit, add, deactivate or delete call outcomes.

A bad value comes back beside its field, with the catalogue unchanged; every change is
audited by the domain (``catalogue``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from cati import db
from cati.errors import CatiError
from cati.fieldwork import catalogue
from cati.models import Outcome, Project
from cati.web.access import member_project
from cati.web.common import ActionForm, me
from cati.web.research.blueprint import bp
from cati.web.research.forms import OutcomeForm


def _catalogue_page(project: Project, form: OutcomeForm | None = None, status: int = 200):
    return render_template(
        "research/outcomes.html",
        project=project,
        outcomes=catalogue.with_uses(db.session(), project),
        engine_codes=catalogue.ENGINE_CODES,
        form=form or OutcomeForm(),
        button=ActionForm(),
    ), status


def _edit_page(project: Project, outcome: Outcome, form: OutcomeForm, status: int = 200):
    return render_template(
        "research/outcome.html",
        project=project,
        outcome=outcome,
        form=form,
        used=catalogue.uses(db.session(), project, outcome.code),
        engine_codes=catalogue.ENGINE_CODES,
        button=ActionForm(),
    ), status


def _saved(project: Project, form: OutcomeForm, code: str) -> bool:
    """Store the form's settings; a refusal goes beside the field it names."""
    try:
        catalogue.set_outcome(db.session(), project, code, by=me(), **form.settings())
    except CatiError as exc:
        db.session().rollback()
        field = getattr(form, exc.params.get("field", ""), None) or form.code
        field.errors = [*field.errors, exc.translated(gettext)]
        return False
    flash(gettext("Outcome %(code)s saved.", code=code), "ok")
    return True


@bp.route("/<code>/outcomes")
def outcomes(code: str):
    return _catalogue_page(member_project(code))


@bp.route("/<code>/outcomes/new", methods=["POST"])
def add_outcome(code: str):
    project = member_project(code)
    form = OutcomeForm()
    if form.validate_on_submit():
        new_code = form.code.data.strip()
        if db.session().scalar(
            select(Outcome.id).where(Outcome.project_id == project.id, Outcome.code == new_code)
        ):
            form.code.errors = [gettext("Outcome %(code)s already exists.", code=new_code)]
        elif _saved(project, form, new_code):
            return redirect(url_for("research.outcomes", code=code))
    return _catalogue_page(project, form, 400)


def _outcome(project: Project, outcome_code: str) -> Outcome:
    try:
        return catalogue.get_outcome(db.session(), project, outcome_code)
    except CatiError:
        abort(404)


@bp.route("/<code>/outcomes/<outcome_code>", methods=["GET", "POST"])
def edit_outcome(code: str, outcome_code: str):
    project = member_project(code)
    outcome = _outcome(project, outcome_code)
    form = OutcomeForm(obj=outcome)
    form.code.data = outcome.code  # the code names the outcome in the history: never edited
    if form.is_submitted():
        if form.validate() and _saved(project, form, outcome.code):
            return redirect(url_for("research.outcomes", code=code))
        return _edit_page(project, outcome, form, 400)
    return _edit_page(project, outcome, form)


@bp.route("/<code>/outcomes/<outcome_code>/active", methods=["POST"])
def outcome_active(code: str, outcome_code: str) -> Response:
    project = member_project(code)
    outcome = _outcome(project, outcome_code)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        catalogue.set_active(db.session(), project, outcome.code, not outcome.active, by=me())
    except CatiError as exc:
        db.session().rollback()
        flash(exc.translated(gettext), "error")
    return redirect(url_for("research.outcomes", code=code))


@bp.route("/<code>/outcomes/<outcome_code>/delete", methods=["POST"])
def delete_outcome(code: str, outcome_code: str) -> Response:
    project = member_project(code)
    outcome = _outcome(project, outcome_code)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        catalogue.delete(db.session(), project, outcome.code, by=me())
    except CatiError as exc:
        db.session().rollback()
        flash(exc.translated(gettext), "error")
    else:
        flash(gettext("Outcome %(code)s deleted.", code=outcome_code), "ok")
    return redirect(url_for("research.outcomes", code=code))
