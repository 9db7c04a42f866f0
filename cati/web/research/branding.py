"""The report branding of a project: agency name, logo and colours, with a preview of the
cover they give (an SVG drawn from the stored values, so the page needs no inline style)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale, gettext
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from cati import branding, db
from cati.errors import CatiError
from cati.web.access import member_project
from cati.web.common import me
from cati.web.research.blueprint import bp
from cati.web.research.forms import BrandForm
from cati.web.research.project_page import project_page
from exports.i18n import words

# The preview is an image: nothing in it may run or fetch (the logo is a data: URI).
PREVIEW_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _field_of(form: BrandForm, exc: CatiError):
    """The field a problem is shown beside: the colour it names, or the logo."""
    fields = {branding.COLOUR_PROBLEMS["primary"]: form.primary}
    fields[branding.COLOUR_PROBLEMS["accent"]] = form.accent
    return fields.get(exc.problem.template, form.logo)


@bp.route("/<code>/branding", methods=["POST"])
def brand(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = BrandForm()
    if not form.validate_on_submit():
        return project_page(project, 400, brand=form)
    upload = form.logo.data
    logo = None
    if isinstance(upload, FileStorage) and upload.filename:
        logo = (upload.filename, upload.read())
    try:
        changed = branding.set_branding(
            db.session(),
            project,
            agency=form.agency.data or "",
            primary=form.primary.data or "",
            accent=form.accent.data or "",
            logo=logo,
            remove_logo=bool(form.remove_logo.data),
            by=me(),
        )
    except CatiError as exc:
        db.session().rollback()
        _field_of(form, exc).errors = [exc.translated(gettext)]
        return project_page(project, 400, brand=form)
    if changed:
        flash(gettext("Report branding saved: every report made from now on uses it."), "ok")
    return redirect(url_for("research.project", code=code, _anchor="branding"))


@bp.route("/<code>/branding/preview.svg")
def brand_preview(code: str) -> Response:
    project = member_project(code)
    svg = render_template(
        "research/brand_preview.svg",
        project=project,
        brand=branding.brand_of(db.session(), project),
        kind=words(str(get_locale()))["topline"],
    )
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response
