"""The administrator's organisations: the agency and the client companies, a new client
organisation, renaming one, and moving a client to another company (cati.organisations)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from cati import db, organisations
from cati.errors import CatiError
from cati.fieldwork import projects
from cati.models import Organisation, Project, User
from cati.web.admin.blueprint import bp
from cati.web.common import me

# Length only: the rules on names are cati.organisations' (a NUL byte among them).
_NAME = [DataRequired(), Length(max=organisations.MAX_NAME)]


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=_NAME)


class MoveForm(FlaskForm):
    organisation = SelectField(_l("Organisation"))


def _organisation(organisation_id: int) -> Organisation:
    found = (
        db.session().get(Organisation, organisation_id) if organisation_id <= db.MAX_ID else None
    )
    if found is None:
        abort(404)
    return found


def _counts(column) -> dict[int, int]:
    return dict(db.session().execute(select(column, func.count()).group_by(column)).all())


def _page(status: int = 200, **forms: FlaskForm) -> tuple[str, int]:
    listed = organisations.listed(db.session())
    renames = {o.id: OrganisationForm(formdata=None, name=o.name) for o in listed}
    if "rename" in forms:
        renames[forms["rename_id"]] = forms["rename"]
    return render_template(
        "admin/organisations.html",
        organisations=listed,
        users=_counts(User.organisation_id),
        projects=_counts(Project.client_organisation_id),
        new=forms.get("new") or OrganisationForm(formdata=None),
        renames=renames,
    ), status


@bp.route("/organisations")
def organisations_page() -> tuple[str, int]:
    return _page()


@bp.route("/organisations/new", methods=["POST"])
def new_organisation() -> Response | tuple[str, int]:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            made = organisations.create_client_organisation(db.session(), form.name.data, by=me())
        except CatiError as exc:
            db.session().rollback()
            form.name.errors.append(exc.translated(gettext))
        else:
            flash(gettext("Client organisation %(name)s created.", name=made.name), "ok")
            return redirect(url_for("admin.organisations_page"))
    return _page(400, new=form)


@bp.route("/organisations/<int:organisation_id>/rename", methods=["POST"])
def rename_organisation(organisation_id: int) -> Response | tuple[str, int]:
    organisation = _organisation(organisation_id)
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisations.rename(db.session(), organisation, form.name.data, by=me())
        except CatiError as exc:
            db.session().rollback()
            form.name.errors.append(exc.translated(gettext))
        else:
            flash(gettext("Renamed to %(name)s.", name=organisation.name), "ok")
            return redirect(url_for("admin.organisations_page"))
    return _page(400, rename=form, rename_id=organisation.id)


def move_form(user: User) -> MoveForm:
    """Where a client may move: any client organisation (staff stay in the agency)."""
    form = MoveForm(formdata=None, organisation=str(user.organisation_id or ""))
    form.organisation.choices = [
        (str(o.id), o.name) for o in organisations.client_organisations(db.session())
    ]
    return form


@bp.route("/users/<int:user_id>/organisation", methods=["POST"])
def user_organisation(user_id: int) -> Response:
    user = db.session().get(User, user_id) if user_id <= db.MAX_ID else None
    if user is None:
        abort(404)
    form = MoveForm()
    form.organisation.choices = move_form(user).organisation.choices
    if not form.validate_on_submit():
        abort(400)
    organisation = _organisation(int(form.organisation.data))
    try:
        left = projects.move_user(db.session(), user, organisation, by=me())
    except CatiError as exc:
        db.session().rollback()
        flash(exc.translated(gettext), "error")
        return redirect(url_for("admin.user", user_id=user.id))
    flash(
        gettext("%(user)s now belongs to %(name)s.", user=user.username, name=organisation.name),
        "ok",
    )
    if left:
        flash(
            gettext(
                "Taken off the projects of the old organisation: %(codes)s.", codes=", ".join(left)
            ),
            "ok",
        )
    return redirect(url_for("admin.user", user_id=user.id))
