"""A researcher's projects: the list, a new project, its page, its settings and staff."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from cati import db
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import projects
from cati.models import Organisation, Project, ProjectMember
from cati.web.access import chosen_user, member_project
from cati.web.common import ActionForm, me
from cati.web.research.blueprint import bp
from cati.web.research.forms import ProjectForm, SettingsForm, StaffForm
from cati.web.research.project_page import project_page, with_organisations


def _my_projects() -> list[Project]:
    return list(
        db.session().scalars(
            select(Project)
            .join(ProjectMember, ProjectMember.project_id == Project.id)
            .where(ProjectMember.user_id == current_user.id)
            .order_by(Project.created_at.desc())
        )
    )


@bp.route("/")
def index() -> str:
    return render_template("research/index.html", projects=_my_projects(), form=ProjectForm())


@bp.route("/new", methods=["POST"])
def create() -> Response | tuple[str, int]:
    form = ProjectForm()
    if form.validate_on_submit():
        session = db.session()
        try:
            project = projects.create_project(
                session,
                form.code.data.strip(),
                form.name.data.strip(),
                client_name=form.client_name.data or "",
                time_zone=form.time_zone.data.strip(),
                by=me(),
            )
        except CatiError as exc:
            field = form.time_zone if exc.code == ErrorCode.TIME_ZONE_INVALID else form.code
            field.errors = [exc.translated(gettext)]
        else:
            projects.assign(session, project, me(), by=me())
            return redirect(url_for("research.project", code=project.code))
    return render_template("research/index.html", projects=_my_projects(), form=form), 400


@bp.route("/<code>/")
def project(code: str) -> tuple[str, int]:
    return project_page(member_project(code))


@bp.route("/<code>/settings", methods=["POST"])
def settings(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = with_organisations(SettingsForm())
    if not form.validate_on_submit():
        return project_page(project, 400, settings=form)
    session = db.session()
    chosen = form.client_organisation.data
    organisation = session.get(Organisation, int(chosen)) if chosen else None
    moved = project.client_organisation is not organisation
    try:
        changed = projects.update_project(
            db.session(),
            project,
            name=form.name.data.strip(),
            client_name=(form.client_name.data or "").strip(),
            time_zone=form.time_zone.data.strip(),
            status=form.status.data,
            by=me(),
        )
    except CatiError as exc:
        db.session().rollback()
        form.time_zone.errors = [exc.translated(gettext)]
        return project_page(project, 400, settings=form)
    taken_off = projects.set_client_organisation(session, project, organisation, by=me())
    if changed or moved:
        flash(gettext("Project settings saved."), "ok")
    if taken_off:
        flash(
            gettext(
                "Taken off the project, being of another organisation: %(users)s.",
                users=", ".join(taken_off),
            ),
            "ok",
        )
    return redirect(url_for("research.project", code=code))


@bp.route("/<code>/staff", methods=["POST"])
def staff(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = StaffForm()
    user = chosen_user(form.user.data) if form.validate_on_submit() else None
    if user is None:
        abort(400)
    try:  # the picker lists nobody of another company; a hand-made POST is refused, audited
        projects.assign(db.session(), project, user, by=me())
    except CatiError as exc:
        flash(exc.translated(gettext), "error")
        return project_page(project, 403)
    flash(gettext("%(user)s now works on this project.", user=user.username), "ok")
    return redirect(url_for("research.project", code=code))


@bp.route("/<code>/staff/<int:user_id>/remove", methods=["POST"])
def remove_staff(code: str, user_id: int) -> Response:
    """Take someone off the project (audited; the cases they held go back to the pool). A
    researcher cannot take themselves off: the project would vanish from under them."""
    project = member_project(code)
    user = chosen_user(user_id)
    if not ActionForm().validate_on_submit() or user is None:
        abort(400)
    if user.id == me().id:
        flash(gettext("You cannot take yourself off the project."), "error")
    elif projects.is_member(db.session(), project, user):
        projects.unassign(db.session(), project, user, by=me())
        flash(gettext("%(user)s no longer works on this project.", user=user.username), "ok")
    return redirect(url_for("research.project", code=code) + "#staff")
