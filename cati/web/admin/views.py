"""The administrator's console: users, roles, which projects each user may see, the audit log.

Every change goes through a service of ``cati.accounts`` or ``cati.fieldwork.projects``,
which writes the audit entry in the same transaction. The audit log is only read here.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from cati import accounts, audit, db, organisations, two_factor, user_sessions
from cati.errors import CatiError
from cati.fieldwork import projects
from cati.models import Organisation, Project, User
from cati.web.admin.blueprint import bp
from cati.web.admin.forms import (
    ERROR_FIELDS,
    ActiveForm,
    AuditFilter,
    EndSessionsForm,
    PasswordForm,
    ProjectsForm,
    UserForm,
)
from cati.web.admin.organisations import move_form
from cati.web.clock import now as clock_now
from cati.web.common import LOCALE_NAMES, ROLE_NAMES, ActionForm, me
from cati.web.input_guard import page_number

PAGE_SIZE = 50


def _user(user_id: int) -> User:
    user = db.session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _user_form() -> UserForm:
    clients = organisations.client_organisations(db.session())
    return UserForm(roles=ROLE_NAMES, locales=LOCALE_NAMES, organisations=clients)


@bp.route("/")
def index() -> str:
    s = db.session()
    users = s.scalars(select(User).order_by(User.role, User.username)).all()
    required = two_factor.is_required(s)
    return render_template(
        "admin/index.html",
        users=users,
        two_factor_form=ActiveForm(formdata=None, active="0" if required else "1"),
        two_factor_required=required,
    )


@bp.route("/two-factor", methods=["POST"])
def two_factor_required() -> Response:
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    two_factor.set_required(db.session(), form.active.data == "1", by=me())
    return redirect(url_for("admin.index"))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> Response | tuple[str, int]:
    form = _user_form()
    if form.validate_on_submit():
        chosen = form.organisation.data
        try:
            user = accounts.create_user(
                db.session(),
                form.username.data.strip(),
                form.role.data,
                form.password.data,
                full_name=(form.full_name.data or "").strip(),  # absent from a hand-made POST
                locale=form.locale.data or None,
                time_zone=form.time_zone.data,
                organisation=db.session().get(Organisation, int(chosen)) if chosen else None,
                hash_method=current_app.config["CATI_SETTINGS"].password_hash_method,
                by=me(),
            )
        except CatiError as exc:
            db.session().rollback()
            getattr(form, ERROR_FIELDS.get(exc.code, "username")).errors.append(
                exc.translated(gettext)
            )
        else:
            flash(gettext("User %(name)s created.", name=user.username), "ok")
            return redirect(url_for("admin.user", user_id=user.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/new_user.html", form=form), status


def _user_page(user: User, status: int = 200, **forms: FlaskForm) -> tuple[str, int]:
    session = db.session()
    everything = session.scalars(select(Project).order_by(Project.name, Project.code)).all()
    chosen = forms.get("projects") or ProjectsForm(
        formdata=None, projects=[p.id for p in projects.projects_of(session, user)]
    )
    # A client is offered only the projects of their own organisation.
    chosen.projects.choices = [
        (p.id, f"{p.name} ({p.code})") for p in everything if organisations.may_join(user, p)
    ]
    return render_template(
        "admin/user.html",
        user=user,
        projects=chosen,
        move=move_form(user),
        active=ActiveForm(formdata=None, active="0" if user.active else "1"),
        password=forms.get("password") or PasswordForm(formdata=None),
        two_factor=ActionForm() if two_factor.is_enrolled(session, user) else None,
        end_sessions=EndSessionsForm(formdata=None),
        open_sessions=len(user_sessions.open_sessions(session, user)),
        is_me=user.id == current_user.id,
    ), status


@bp.route("/users/<int:user_id>")
def user(user_id: int) -> tuple[str, int]:
    return _user_page(_user(user_id))


@bp.route("/users/<int:user_id>/projects", methods=["POST"])
def user_projects(user_id: int) -> Response | tuple[str, int]:
    user = _user(user_id)
    form = ProjectsForm()
    session = db.session()
    form.projects.choices = [
        tuple(row) for row in session.execute(select(Project.id, Project.code))
    ]
    if not form.validate_on_submit():
        return _user_page(user, 400, projects=form)
    wanted = list(session.scalars(select(Project).where(Project.id.in_(form.projects.data))))
    try:  # the page offers none of another company's projects; a hand-made POST is refused
        added, removed = projects.set_projects(session, user, wanted, by=me())
    except CatiError as exc:
        flash(exc.translated(gettext), "error")
        return _user_page(user, 403)
    flash(
        gettext(
            "Projects saved: %(added)d added, %(removed)d removed.", added=added, removed=removed
        ),
        "ok",
    )
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_active(user_id: int) -> Response | tuple[str, int]:
    user = _user(user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        return _user_page(user, 400)
    active = form.active.data == "1"
    if not active and user.id == current_user.id:
        flash(gettext("You cannot disable your own account."), "error")
        return _user_page(user, 400)
    accounts.set_active(db.session(), user.username, active, by=me())
    if active:
        flash(gettext("%(name)s can log in again.", name=user.username), "ok")
    else:
        flash(gettext("%(name)s can no longer log in.", name=user.username), "ok")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/sessions", methods=["POST"])
def end_sessions(user_id: int) -> Response | tuple[str, int]:
    user = _user(user_id)
    if not EndSessionsForm().validate_on_submit():
        return _user_page(user, 400)
    ended = user_sessions.end_sessions_of(
        db.session(), user, clock_now(), by=me(), keep=g.user_session.id
    )
    flash(
        ngettext(
            "%(num)d session of %(name)s ended.",
            "%(num)d sessions of %(name)s ended.",
            ended,
            name=user.username,
        ),
        "ok",
    )
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def user_password(user_id: int) -> Response | tuple[str, int]:
    user = _user(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(
                db.session(),
                user.username,
                form.password.data,
                hash_method=current_app.config["CATI_SETTINGS"].password_hash_method,
                by=me(),
            )
        except CatiError as exc:
            db.session().rollback()
            form.password.errors.append(exc.translated(gettext))
        else:
            flash(gettext("New password set for %(name)s.", name=user.username), "ok")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, 400, password=form)


@bp.route("/users/<int:user_id>/two-factor", methods=["POST"])
def user_two_factor_off(user_id: int) -> Response:
    user = _user(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    two_factor.turn_off(db.session(), user, by=me())
    flash(gettext("Two-factor log-in turned off for %(name)s.", name=user.username), "ok")
    return redirect(url_for("admin.user", user_id=user.id))


def _utc_midnight(day) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


@bp.route("/audit")
def audit_log() -> str:
    session = db.session()
    form = AuditFilter(request.args)
    form.action.choices = [("", _l("any"))] + [(a, a) for a in audit.actions(session)]
    form.validate()
    ok = {name: field.data for name, field in form._fields.items() if not field.errors}
    query = audit.AuditQuery(
        actor=(ok.get("user") or "").strip() or None,
        action=ok.get("action") or None,
        since=_utc_midnight(ok["since"]) if ok.get("since") else None,
        before=_utc_midnight(ok["until"]) + timedelta(days=1) if ok.get("until") else None,
    )
    page = page_number()
    total, rows = audit.entries(session, query, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return render_template(
        "admin/audit.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters={k: v for k, v in request.args.items() if k != "page"},
    )
