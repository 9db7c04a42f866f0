"""The project's quotas: add one, change its target, remove it."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from cati import db
from cati.errors import CatiError
from cati.fieldwork import quota_setup
from cati.models import Project, Quota
from cati.web.access import member_project
from cati.web.common import ActionForm, me
from cati.web.research.blueprint import bp
from cati.web.research.forms import QuotaForm, QuotaTargetForm
from cati.web.research.project_page import project_page


@bp.route("/<code>/quotas", methods=["POST"])
def add_quota(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = QuotaForm()
    if form.validate_on_submit():
        values = [v.strip() for v in form.values.data.split(",") if v.strip()]
        try:
            quota_setup.add_quota(
                db.session(),
                project,
                form.name.data.strip(),
                {form.variable.data.strip(): values},
                form.target.data,
                by=me(),
            )
        except CatiError as exc:
            db.session().rollback()
            form.name.errors = [exc.translated(gettext)]
        else:
            flash(gettext("Quota %(name)s added.", name=form.name.data.strip()), "ok")
            return redirect(url_for("research.project", code=code))
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
