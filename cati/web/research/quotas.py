"""The project's quotas: add one (a cell crossing any number of variables), change its
target, remove it."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from cati import db
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import quota_cells, quota_setup
from cati.models import Project, Quota
from cati.web.access import member_project
from cati.web.common import ActionForm, me
from cati.web.research.blueprint import bp
from cati.web.research.forms import QuotaForm, QuotaTargetForm
from cati.web.research.project_page import project_page

# The errors that are about what the cell names, shown beside the cell.
CELL_ERRORS = {
    ErrorCode.QUOTA_CELL_UNREADABLE,
    ErrorCode.QUOTA_VARIABLE_UNKNOWN,
    ErrorCode.QUOTA_VALUE_UNKNOWN,
}


@bp.route("/<code>/quotas", methods=["POST"])
def add_quota(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = QuotaForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        try:
            quota_setup.add_quota(
                db.session(),
                project,
                name,
                quota_cells.parse_cell(name, form.cell.data),
                form.target.data,
                over_percent=form.over_percent.data or 0,
                by=me(),
            )
        except CatiError as exc:
            db.session().rollback()
            field = form.cell if exc.code in CELL_ERRORS else form.name
            field.errors = [exc.translated(gettext)]
        else:
            flash(gettext("Quota %(name)s added.", name=name), "ok")
            return redirect(url_for("research.project", code=code) + "#quotas")
    return project_page(project, 400, quota=form)


def _quota(project: Project, quota_id: int) -> Quota:
    quota = db.session().get(Quota, quota_id)
    if quota is None or quota.project_id != project.id:
        abort(404)
    return quota


@bp.route("/<code>/quotas/<int:quota_id>/target", methods=["POST"])
def quota_target(code: str, quota_id: int) -> Response | tuple[str, int]:
    project = member_project(code)
    quota = _quota(project, quota_id)
    form = QuotaTargetForm()
    if form.validate_on_submit():
        try:
            quota_setup.set_target(db.session(), project, quota, form.target.data, by=me())
        except CatiError as exc:
            db.session().rollback()
            flash(exc.translated(gettext), "error")
        else:
            flash(gettext("Quota %(name)s: target saved.", name=quota.name), "ok")
            return redirect(url_for("research.project", code=code) + "#quotas")
    else:
        flash(gettext("Quota %(name)s: give a target of 1 or more.", name=quota.name), "error")
    return project_page(project, 400)


@bp.route("/<code>/quotas/<int:quota_id>/remove", methods=["POST"])
def remove_quota(code: str, quota_id: int) -> Response:
    project = member_project(code)
    quota = _quota(project, quota_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = quota.name
    quota_setup.remove_quota(db.session(), project, quota, by=me())
    flash(gettext("Quota %(name)s removed.", name=name), "ok")
    return redirect(url_for("research.project", code=code) + "#quotas")
