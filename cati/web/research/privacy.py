"""The project's privacy settings (docs/privacy.md): personal fields, retention, erasure."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from cati import db
from cati.errors import CatiError
from cati.fieldwork.erasure import Erasure, erase_case, find_case
from cati.fieldwork.personal_fields import set_personal_fields, set_retention
from cati.web.access import member_project
from cati.web.clock import now as clock_now
from cati.web.common import me
from cati.web.research.blueprint import bp
from cati.web.research.forms import EraseForm, RetentionForm, personal_form
from cati.web.research.project_page import project_page


@bp.route("/<code>/personal", methods=["POST"])
def personal_fields(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = personal_form(project, request.form)
    if not form.validate_on_submit():
        return project_page(project, 400, personal=form)
    ticked = set(form.personal_vars.data or [])
    not_personal = [name for name in project.personal_fields if name not in ticked]
    set_personal_fields(db.session(), project, not_personal, by=me())
    flash(gettext("Personal fields saved."), "ok")
    return redirect(url_for("research.project", code=code) + "#privacy")


@bp.route("/<code>/retention", methods=["POST"])
def retention(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = RetentionForm()
    if not form.validate_on_submit():
        return project_page(project, 400, retention=form)
    set_retention(db.session(), project, form.days.data, by=me())
    flash(gettext("Retention saved."), "ok")
    return redirect(url_for("research.project", code=code) + "#privacy")


@bp.route("/<code>/erase", methods=["POST"])
def erase(code: str) -> Response | tuple[str, int]:
    project = member_project(code)
    form = EraseForm()
    if form.validate_on_submit():
        session = db.session()
        try:
            case = find_case(session, project, form.case_id.data.strip())
            erasure = erase_case(
                session,
                case,
                form.reason.data,
                do_not_call=form.do_not_call.data,
                by=me(),
                now=clock_now(),
            )
        except CatiError as exc:
            session.rollback()
            form.case_id.errors = [exc.translated(gettext)]
        else:
            flash(_erasure_message(form.case_id.data.strip(), erasure), "ok")
            return redirect(url_for("research.project", code=code) + "#privacy")
    return project_page(project, 400, erase=form)


def _erasure_message(case_id: str, erasure: Erasure) -> str:
    if erasure.already:
        return gettext("Case %(case)s was already erased; nothing changed.", case=case_id)
    return gettext(
        "Erased the personal data of case %(case)s: %(fields)s variables, %(phones)s phone "
        "numbers; its answers stay.",
        case=case_id,
        fields=len(erasure.fields),
        phones=erasure.phones,
    )
