"""The supervisor's console: live monitor, case browser, case page with audited actions."""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from cati import audit, db
from cati.errors import CatiError
from cati.fieldwork import catalogue, dispatch, monitor, pipeline, projects, quality, supervision
from cati.fieldwork.erasure import erase_case
from cati.models import (
    Appointment,
    AuditEntry,
    CallAttempt,
    Case,
    CaseState,
    Interview,
    Phone,
    Project,
    ProjectMember,
    User,
)
from cati.web import times
from cati.web.access import chosen_user, member_project
from cati.web.clock import now as clock_now
from cati.web.common import me
from cati.web.input_guard import page_number
from cati.web.pipeline_charts import CHARTS, pipeline_for
from cati.web.supervisor.blueprint import bp
from cati.web.supervisor.forms import (
    CaseFilter,
    EraseForm,
    OutcomeForm,
    ReasonForm,
    ReassignForm,
    RescheduleForm,
)

PAGE_SIZE = 50
STATUS_NAMES = {
    "available": _l("available"),
    "on_call": _l("on call"),
    "interviewing": _l("interviewing"),
    "wrap_up": _l("wrap-up"),
    "break": _l("on a break"),
    "offline": _l("offline"),
}
# Where a case's zone came from (sampling.timezones.ZoneSource), as the case pages say it.
ZONE_SOURCES = {
    "given": _l("from the sample file"),
    "coordinates": _l("from the coordinates"),
    "postcode": _l("from the postcode"),
    "region": _l("from the region"),
    "phone": _l("from the phone number"),
    "default": _l("the project's zone"),
}


def _case(case_id: int) -> tuple[Case, Project]:
    case = db.session().get(Case, case_id)
    if case is None:
        abort(404)
    return case, member_project(db.session().get(Project, case.project_id).code)


@bp.route("/")
def index() -> Response | str:
    mine = projects.projects_of(db.session(), me())
    if len(mine) == 1:
        return redirect(url_for("supervisor.live", code=mine[0].code))
    return render_template("supervisor/index.html", projects=mine)


@bp.route("/<code>/")
def live(code: str) -> Response | str:
    project = member_project(code)
    now = clock_now()
    fragment = render_template(
        "supervisor/_monitor.html",
        m=monitor.monitor(db.session(), project, now),
        charts=pipeline.marker(db.session(), project, now),
        zone=ZoneInfo(project.time_zone),
        status_names=STATUS_NAMES,
    )
    # Polled every few seconds: an unchanged monitor costs a 304 and no HTML. The page
    # carries the ETag of the fragment it shows, so even the first poll can be a 304.
    etag = hashlib.sha1(fragment.encode()).hexdigest()
    if request.args.get("fragment"):
        if request.if_none_match.contains(etag):
            return Response(status=304)
        response = make_response(fragment)
        response.set_etag(etag)
        return response
    return render_template(
        "supervisor/live.html",
        project=project,
        fragment=fragment,
        etag=f'"{etag}"',
        checked=times.at(now, project.time_zone, "%H:%M:%S"),
    )


@bp.route("/<code>/charts/<chart>.svg")
def chart(code: str, chart: str) -> Response:
    """One chart over time; its URL carries the marker, so the page asks again only when the
    pipeline changed, and an unchanged chart costs the marker's one query and a 304."""
    project = member_project(code)
    draw = CHARTS.get(chart)
    if draw is None:
        abort(404)
    session, now = db.session(), clock_now()
    marker = pipeline.marker(session, project, now)
    etag = f"{chart}-{get_locale()}-{marker.etag}"
    if request.if_none_match.contains(etag):
        return Response(status=304)
    svg = draw(pipeline_for(session, project, now, marker))
    response = Response(svg, mimetype="image/svg+xml")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    # matplotlib styles its SVG inline; nothing in it runs.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.route("/<code>/cases")
def cases(code: str) -> str:
    project = member_project(code)
    session = db.session()
    labels = _outcome_labels(catalogue.by_code(session, project))
    form = CaseFilter(request.args)
    form.state.choices = [("", _l("any"))] + [(s, s) for s in CaseState]
    form.outcome.choices = [("", _l("any")), *labels.items()]
    query = select(Case).where(Case.project_id == project.id)
    if form.q.data:
        text = form.q.data.strip()
        digits = "".join(ch for ch in text if ch.isdigit())
        conditions = [Case.external_id.ilike(f"%{text}%")]
        if len(digits) >= 4:
            conditions.append(Case.phones.any(Phone.number.like(f"%{digits}%")))
        query = query.where(or_(*conditions))
    if form.state.data:
        query = query.where(Case.state == form.state.data)
    if form.outcome.data:
        query = query.where(
            or_(Case.final_outcome == form.outcome.data, Case.last_outcome == form.outcome.data)
        )
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    page = page_number()
    rows = session.scalars(
        query.order_by(Case.external_id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return render_template(
        "supervisor/cases.html",
        project=project,
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        zone=ZoneInfo(project.time_zone),
        labels=labels,
        filters={k: v for k, v in request.args.items() if k != "page"},
        CaseState=CaseState,
        zone_sources=ZONE_SOURCES,
    )


def _outcome_labels(table) -> dict[str, str]:
    label = "label_es" if str(get_locale()) == "es" else "label_en"
    return {code: getattr(outcome, label) for code, outcome in table.items()}


def _case_page(case: Case, project: Project, status: int = 200):
    session = db.session()
    zone = ZoneInfo(case.time_zone)
    table = catalogue.by_code(session, project)
    labels = _outcome_labels(table)
    interviewers = session.execute(
        select(User.id, User.full_name, User.username)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project.id, User.role == "interviewer")
        .order_by(User.username)
    ).all()
    reassign = ReassignForm(prefix="reassign")
    reassign.interviewer.choices = [(i.id, i.full_name or i.username) for i in interviewers]
    outcome = OutcomeForm(prefix="outcome")
    outcome.outcome.choices = [
        (c, labels[c]) for c, o in table.items() if not o.system and o.active
    ]
    interview = session.scalar(
        select(Interview).where(Interview.case_id == case.id).order_by(Interview.id.desc())
    )
    trail = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "case", AuditEntry.object_id == str(case.id))
        .order_by(AuditEntry.id)
    ).all()
    attempts = session.scalars(
        select(CallAttempt).where(CallAttempt.case_id == case.id).order_by(CallAttempt.id)
    ).all()
    claimed_by = session.get(User, case.claimed_by_id) if case.claimed_by_id else None
    appointments = session.execute(
        select(Appointment, User)
        .outerjoin(User, User.id == Appointment.interviewer_id)
        .where(Appointment.case_id == case.id)
        .order_by(Appointment.starts_at)
    ).all()
    return render_template(
        "supervisor/case.html",
        appointments=appointments,
        case=case,
        project=project,
        zone=zone,
        attempts=attempts,
        labels=labels,
        interview=interview,
        trail=trail,
        claimed_by=claimed_by,
        reschedule=RescheduleForm(prefix="reschedule"),
        reassign=reassign,
        outcome=outcome,
        release=ReasonForm(prefix="release"),
        reopen=ReasonForm(prefix="reopen"),
        reopenable=case.erased_at is None
        and (case.state == CaseState.FINAL or any(p.status == "exhausted" for p in case.phones)),
        erase=EraseForm(prefix="erase"),
        zone_sources=ZONE_SOURCES,
    ), status


@bp.route("/case/<int:case_id>")
def case(case_id: int):
    found, project = _case(case_id)
    audit.record_view(db.session(), me(), found.id, ["phones", "answers"])
    return _case_page(found, project)


def _act(case_id: int, form_class, prefix: str, action) -> Response | tuple[str, int]:
    case, project = _case(case_id)
    form = form_class(prefix=prefix)
    if form.validate_on_submit():
        try:
            action(case, form, project)
        except CatiError as exc:
            db.session().rollback()
            flash(exc.translated(gettext), "error")
            return _case_page(case, project, 400)
        flash(gettext("Done, and written to the case's audit trail."), "ok")
        return redirect(url_for("supervisor.case", case_id=case.id))
    for field in form:
        for error in field.errors if field.name != form.reason.name else ():
            flash(f"{field.label.text}: {error}", "error")
    if form.reason.errors:
        flash(gettext("Give a reason: it goes into the audit trail."), "error")
    return _case_page(case, project, 400)


@bp.route("/case/<int:case_id>/reschedule", methods=["POST"])
def do_reschedule(case_id: int):
    def act(case: Case, form: RescheduleForm, project: Project) -> None:
        when = datetime.combine(form.date.data, form.time.data, tzinfo=ZoneInfo(case.time_zone))
        supervision.reschedule(
            db.session(), case, when, by=me(), reason=form.reason.data, now=clock_now()
        )

    return _act(case_id, RescheduleForm, "reschedule", act)


@bp.route("/case/<int:case_id>/reassign", methods=["POST"])
def do_reassign(case_id: int):
    def act(case: Case, form: ReassignForm, project: Project) -> None:
        interviewer = chosen_user(form.interviewer.data)
        if interviewer is None:
            abort(400)
        supervision.reassign(
            db.session(), case, interviewer, by=me(), reason=form.reason.data, now=clock_now()
        )

    return _act(case_id, ReassignForm, "reassign", act)


@bp.route("/case/<int:case_id>/outcome", methods=["POST"])
def do_outcome(case_id: int):
    def act(case: Case, form: OutcomeForm, project: Project) -> None:
        supervision.set_outcome(
            db.session(),
            case,
            form.outcome.data,
            by=me(),
            reason=form.reason.data,
            now=clock_now(),
        )

    return _act(case_id, OutcomeForm, "outcome", act)


@bp.route("/case/<int:case_id>/reopen", methods=["POST"])
def do_reopen(case_id: int):
    def act(case: Case, form: ReasonForm, project: Project) -> None:
        supervision.reopen(db.session(), case, by=me(), reason=form.reason.data, now=clock_now())

    return _act(case_id, ReasonForm, "reopen", act)


@bp.route("/case/<int:case_id>/release", methods=["POST"])
def do_release(case_id: int):
    def act(case: Case, form: ReasonForm, project: Project) -> None:
        dispatch.release_claim(db.session(), case, by=me(), reason=form.reason.data)

    return _act(case_id, ReasonForm, "release", act)


@bp.route("/case/<int:case_id>/erase", methods=["POST"])
def do_erase(case_id: int):
    def act(case: Case, form: EraseForm, project: Project) -> None:
        erase_case(
            db.session(),
            case,
            form.reason.data,
            do_not_call=form.do_not_call.data,
            by=me(),
            now=clock_now(),
        )

    return _act(case_id, EraseForm, "erase", act)


FLAG_NAMES = {
    "short": _l("Much shorter than the median"),
    "straight_lining": _l("Same answer on every grid item"),
    "dont_know": _l("Many Don't know / Refused"),
    "back_to_back": _l("Completes back to back"),
    "no_interview": _l("Interview outcome set without an interview"),
}


@bp.route("/<code>/quality")
def quality_flags(code: str) -> str:
    project = member_project(code)
    return render_template(
        "supervisor/quality.html",
        project=project,
        flags=quality.flags(db.session(), project),
        names=FLAG_NAMES,
        zone=ZoneInfo(project.time_zone),
    )
