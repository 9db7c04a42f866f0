"""The supervisor's queue of inbound calls no interviewer could take, and their decisions."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from cati import audit, db
from cati.errors import CatiError
from cati.fieldwork import inbound
from cati.models import Case, InboundCall, Project, User
from cati.web.access import member_project
from cati.web.clock import now as clock_now
from cati.web.common import ActionForm, me
from cati.web.supervisor.blueprint import bp
from cati.web.supervisor.forms import ReasonForm

DECISIONS = {
    "reopen": inbound.reopen_case,
    "let_in": inbound.let_in,
    "add_case": inbound.add_case,
}


@bp.route("/<code>/inbound")
def inbound_calls(code: str) -> str:
    project = member_project(code)
    session = db.session()
    calls = inbound.open_calls(session, project)
    cases = {
        c.id: c
        for c in session.scalars(select(Case).where(Case.id.in_([c.case_id for c in calls])))
    }
    takers = {
        u.id: u
        for u in session.scalars(select(User).where(User.id.in_([c.taken_by_id for c in calls])))
    }
    return render_template(
        "supervisor/inbound.html",
        project=project,
        calls=calls,
        cases=cases,
        takers=takers,
        zone=ZoneInfo(project.time_zone),
        form=ReasonForm(),
        setting_form=ActionForm(),
    )


@bp.route("/inbound/<int:call_id>/<decision>", methods=["POST"])
def decide_inbound(call_id: int, decision: str) -> Response:
    session = db.session()
    call = session.get(InboundCall, call_id)
    if call is None or decision not in (*DECISIONS, "dismiss"):
        abort(404)
    project = member_project(session.get(Project, call.project_id).code)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(gettext("Give a reason: it goes into the audit trail."), "error")
        return redirect(url_for("supervisor.inbound_calls", code=project.code))
    try:
        if decision == "dismiss":
            inbound.dismiss(session, call, by=me(), reason=form.reason.data)
            message = gettext("Done, and written to the audit trail.")
        else:
            case = DECISIONS[decision](
                session, call, by=me(), reason=form.reason.data, now=clock_now()
            )
            message = gettext(
                "Case %(case)s is in dispatch again: call the respondent back.",
                case=case.external_id,
            )
    except CatiError as exc:
        session.rollback()
        flash(exc.translated(gettext), "error")
    else:
        flash(message, "ok")
    return redirect(url_for("supervisor.inbound_calls", code=project.code))


@bp.route("/<code>/inbound/new-cases", methods=["POST"])
def inbound_new_cases(code: str) -> Response:
    """Switch whether the project takes unknown callers as new cases."""
    project = member_project(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    project.inbound_new_cases = not project.inbound_new_cases
    audit.record(
        db.session(),
        "project.inbound_new_cases",
        user=me(),
        object_type="project",
        object_id=project.id,
        value=project.inbound_new_cases,
    )
    db.session().commit()
    flash(
        gettext("Unknown callers can now become cases.")
        if project.inbound_new_cases
        else gettext("Unknown callers no longer become cases."),
        "ok",
    )
    return redirect(url_for("supervisor.inbound_calls", code=code))
