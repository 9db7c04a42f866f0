"""The interviewer's workstation: next case, the case screen, outcomes and call-backs, and the
interview pages (which the interview flow of ``cati.interviewing`` stores)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from cati import audit, db, interviewing
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import catalogue, dispatch, presence, project_cache, projects, reports
from cati.fieldwork import inbound as inbound_calls
from cati.fieldwork.default_outcomes import APPOINTMENT, INTERVIEW_ONLY
from cati.fieldwork.disposition import AppointmentRequest, close_call
from cati.fieldwork.rules import in_window, next_opening
from cati.models import (
    Appointment,
    CallAttempt,
    Case,
    Interview,
    Project,
    ProjectMember,
    QuestionnaireVersion,
)
from cati.questionnaire_store import questionnaire_of
from cati.web.access import member_project
from cati.web.clock import now as clock_now
from cati.web.common import ActionForm, me
from cati.web.interview_pages import PageForm, render_page, send_page
from cati.web.interviewer.blueprint import bp
from cati.web.interviewer.forms import InboundForm, OutcomeForm
from questionnaires import Page
from questionnaires.model import text_in

# Sample variables that help nobody on a call (coordinates are for maps and spread designs).
NOT_FOR_INTERVIEWERS = {"lat", "lon", "latitude", "longitude", "x", "y"}


def _working_on(project_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Every page of a case asks again, in the query that reads the case: removal from its
    project ends access at once."""
    return (
        select(ProjectMember.user_id)
        .where(ProjectMember.project_id == project_id, ProjectMember.user_id == current_user.id)
        .exists()
        .label("member")
    )


def _claimed_case(case_id: int) -> Case:
    """The interviewer's claimed case with its phones and project, in one statement."""
    session = db.session()
    row = (
        session.execute(
            select(Case, Project.revision, _working_on(Case.project_id))
            .join(Project, Project.id == Case.project_id)
            .options(joinedload(Case.phones))
            .where(Case.id == case_id)
        )
        .unique()
        .first()
    )
    if row is None:
        abort(404)
    case, revision, member = row
    project_cache.project(session, case.project_id, revision)
    if not member or case.claimed_by_id != current_user.id:
        abort(403)
    return case


@bp.route("/")
def index() -> str:
    session = db.session()
    now = clock_now()
    spell = presence.current(session, me())
    settings = current_app.config["CATI_SETTINGS"]
    own_zone = ZoneInfo(current_user.time_zone or "UTC")
    interviewing.close_untouched(session, now)
    held = dispatch.held_case(session, me(), now)
    return render_template(
        "interviewer/index.html",
        assigned=reports.assigned_projects(session, me(), now),
        held=held,
        held_project=held and session.get(Project, held.project_id),
        held_interview=held
        and session.scalar(
            select(Interview).where(Interview.case_id == held.id, Interview.status == "active")
        ),
        appointments=reports.appointments_today(session, me(), now, own_zone),
        next_form=ActionForm(),
        inbound_form=InboundForm(),
        status_form=ActionForm(),
        on_break=spell is not None and spell.status == "break",
        spell=spell,
        suggest_break=presence.needs_break(session, me(), now, settings.break_reminder_minutes),
        own_zone=own_zone,
        zone_of=ZoneInfo,
    )


@bp.route("/break", methods=["POST"])
def take_break() -> Response:
    if ActionForm().validate_on_submit():
        presence.set_status(db.session(), me(), "break", clock_now())
        db.session().commit()
    return redirect(url_for("interviewer.index"))


@bp.route("/back", methods=["POST"])
def back_to_work() -> Response:
    if ActionForm().validate_on_submit():
        presence.set_status(db.session(), me(), "available", clock_now())
        db.session().commit()
    return redirect(url_for("interviewer.index"))


@bp.route("/next", methods=["POST"])
def next_any() -> Response:
    """N: the held case, or the best due case across the interviewer's projects."""
    return _take_next(None)


@bp.route("/<code>/next", methods=["POST"])
def next_case(code: str) -> Response:
    """A project's own Next case button: the held case, or this project's best due case."""
    return _take_next(member_project(code))


def _take_next(project: Project | None) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    now = clock_now()
    interviewing.close_untouched(db.session(), now)  # before their cases come up again
    try:
        claim = dispatch.take_next(db.session(), me(), project, now=now)
    except CatiError as exc:  # the project is paused or closed
        flash(exc.translated(gettext), "info")
        return redirect(url_for("interviewer.index"))
    if claim is None:
        flash(gettext("No case is due right now. Try again in a few minutes."), "info")
        return redirect(url_for("interviewer.index"))
    _on_call(db.session().get(Project, claim.case.project_id), claim.case, now)
    return redirect(url_for("interviewer.case", case_id=claim.case.id))


def _on_call(project: Project, case: Case, now: datetime) -> None:
    presence.set_status(db.session(), me(), "on_call", now, project_id=project.id, case_id=case.id)
    db.session().commit()


@bp.route("/<code>/inbound", methods=["POST"])
def inbound(code: str) -> Response:
    project = member_project(code)
    form = InboundForm()
    if not form.validate_on_submit():
        flash(gettext("Type a phone number or a case id."), "error")
        return redirect(url_for("interviewer.index"))
    try:
        claim = inbound_calls.claim_inbound(
            db.session(), project, me(), form.query.data, note=form.note.data or "", now=clock_now()
        )
    except CatiError as exc:
        flash(exc.translated(gettext), "error")
        return redirect(url_for("interviewer.index"))
    _on_call(project, claim.case, clock_now())
    return redirect(url_for("interviewer.case", case_id=claim.case.id))


def _case_context(case: Case, form: OutcomeForm) -> dict:
    session = db.session()
    project = session.get(Project, case.project_id)
    rules = projects.rules_of(project)
    now = clock_now()
    zone = ZoneInfo(case.time_zone)
    own_zone = ZoneInfo(current_user.time_zone or "UTC")
    attempts = session.scalars(
        select(CallAttempt).where(CallAttempt.case_id == case.id).order_by(CallAttempt.id.desc())
    ).all()
    appointment = session.scalar(
        select(Appointment)
        .where(Appointment.case_id == case.id, Appointment.status.in_(("pending", "missed")))
        .order_by(Appointment.id.desc())
    )
    table = catalogue.by_code(session, project)
    label = "label_es" if str(get_locale()) == "es" else "label_en"
    opening = (
        None if in_window(rules, case.time_zone, now) else next_opening(rules, case.time_zone, now)
    )
    intro = ""
    resumable = interviewing.resumable_interview(session, case)
    if project.questionnaire_version_id is not None:
        questionnaire = questionnaire_of(
            session.get(QuestionnaireVersion, project.questionnaire_version_id)
        )
        if questionnaire.intro:
            # The phone script, in the language of the interview under way or to be resumed
            # (else the interviewer's, when the questionnaire has it).
            lang = resumable.language if resumable is not None else str(get_locale())
            intro = text_in(questionnaire.intro, lang, questionnaire.language, "phone")
    return {
        "case": case,
        "project": project,
        "form": form,
        "intro": intro,
        "sample_info": {k: v for k, v in case.sample_vars.items() if k not in NOT_FOR_INTERVIEWERS},
        "has_questionnaire": project.questionnaire_version_id is not None,
        "resuming": resumable is not None,
        "start_form": ActionForm(),
        "zone": zone,
        "own_zone": own_zone,
        "local_now": now.astimezone(zone),
        "own_now": now.astimezone(own_zone),
        "in_window": opening is None,
        "next_opening": opening.astimezone(zone) if opening else None,
        "attempts": attempts,
        "appointment": appointment,
        "outcome_labels": {code: getattr(o, label) for code, o in table.items()},
        "expires_at": case.claim_expires_at,
    }


def _outcome_form(case: Case, codes: Callable[[str], bool], prefix: str = "") -> OutcomeForm:
    """The outcome form offering the project's active interviewer outcomes among ``codes``."""
    project = db.session().get(Project, case.project_id)
    table = catalogue.by_code(db.session(), project)
    label = "label_es" if str(get_locale()) == "es" else "label_en"
    form = OutcomeForm(prefix=prefix)
    form.outcome.choices = [
        SelectChoice(code, getattr(o, label))
        for code, o in sorted(table.items(), key=lambda kv: kv[1].id)
        if not o.system and o.active and codes(code)
    ]
    return form


def _case_outcome_form(case: Case) -> OutcomeForm:
    return _outcome_form(case, lambda code: code not in INTERVIEW_ONLY)


def _stop_form(case: Case) -> OutcomeForm:
    return _outcome_form(case, interviewing.STOP_STATUSES.__contains__, prefix="stop")


@bp.route("/case/<int:case_id>", methods=["GET", "POST"])
def case(case_id: int) -> Response | str | tuple[str, int]:
    case = _claimed_case(case_id)
    form = _case_outcome_form(case)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                close_call(
                    db.session(),
                    case,
                    me(),
                    form.outcome.data,
                    notes=form.notes.data or "",
                    appointment=_appointment_from(form, case),
                    now=clock_now(),
                )
            except CatiError as exc:
                form.outcome.errors = [exc.translated(gettext)]
            else:
                flash(gettext("Outcome saved for case %(case)s.", case=case.external_id), "ok")
                return redirect(url_for("interviewer.index"))
        return render_template("interviewer/case.html", **_case_context(case, form)), 400
    dispatch.take_up(db.session(), case, me(), clock_now())  # back after a reload or Back
    audit.record_view(db.session(), me(), case.id, ["phones"])
    return render_template("interviewer/case.html", **_case_context(case, form))


@bp.route("/case/<int:case_id>/leave", methods=["POST"])
def leave_case(case_id: int) -> tuple[str, int]:
    """The case screen was left without an outcome (its page sends this as it goes): the
    claim is given back."""
    case = _claimed_case(case_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    dispatch.leave_case(db.session(), case, me(), clock_now())
    return "", 204


def _appointment_from(form: OutcomeForm, case: Case) -> AppointmentRequest | None:
    if form.outcome.data != APPOINTMENT:
        return None
    if form.callback_date.data is None or form.callback_time.data is None:
        raise CatiError(ErrorCode.APPOINTMENT_TIME_MISSING)
    zone = ZoneInfo(case.time_zone)
    starts = datetime.combine(form.callback_date.data, form.callback_time.data, tzinfo=zone)
    ends = None
    if form.callback_kind.data == "soft":
        until = form.callback_until.data or (starts + timedelta(hours=2)).time()
        ends = datetime.combine(form.callback_date.data, until, tzinfo=zone)
    return AppointmentRequest(
        kind=form.callback_kind.data,
        starts_at=starts,
        ends_at=ends,
        personal=form.personal.data,
        notes=form.notes.data or "",
        requested_reason=form.requested_reason.data or "",
    )


# --- the interview -----------------------------------------------------------------------


def _own_interview(interview_id: int) -> tuple[Interview, Case]:
    """The interview, its case, project and engine, in one statement: each page costs it."""
    session = db.session()
    row = session.execute(
        select(
            Interview,
            Case,
            Project.revision,
            QuestionnaireVersion.checksum,
            QuestionnaireVersion.source_name,
            _working_on(Case.project_id),
        )
        .join(Case, Case.id == Interview.case_id)
        .join(Project, Project.id == Case.project_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Interview.questionnaire_version_id)
        .where(Interview.id == interview_id)
    ).first()
    if row is None:
        abort(404)
    interview, case, revision, checksum, source_name, member = row
    project_cache.project(session, case.project_id, revision)
    interviewing.engine_of_version(
        session, interview.questionnaire_version_id, checksum, source_name
    )
    if not member:
        abort(403)
    finished_by_me = interview.status != "active" and interview.interviewer_id == current_user.id
    if case.claimed_by_id != current_user.id and not finished_by_me:
        abort(403)
    db.keep(session, case)
    return interview, case


@bp.route("/case/<int:case_id>/interview", methods=["POST"])
def start_interview(case_id: int) -> Response:
    case = _claimed_case(case_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    now = clock_now()
    try:
        interview = interviewing.start_by_phone(
            db.session(), case, me(), now, language=str(get_locale())
        )
    except CatiError as exc:
        flash(exc.translated(gettext), "error")
        return redirect(url_for("interviewer.case", case_id=case.id))
    return redirect(url_for("interviewer.interview", interview_id=interview.id))


@bp.route("/interview/<int:interview_id>", methods=["GET", "POST"])
def interview(interview_id: int) -> Response | str | tuple[str, int]:
    interview, case = _own_interview(interview_id)
    session = db.session()
    if interview.status != "active":
        return _closing(interview, case)
    page = interviewing.current_page(session, interview)
    form = PageForm()
    errors: tuple = ()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            result = send_page(session, interview, page, form, request.form, me(), clock_now())
        except CatiError:  # the interview ended meanwhile: its closing page says how
            return redirect(url_for("interviewer.interview", interview_id=interview.id))
        if not result.errors:
            return redirect(url_for("interviewer.interview", interview_id=interview.id))
        errors = result.errors
    stop_form = _stop_form(case)
    return _render_page(interview, case, page, errors, stop_form), (422 if errors else 200)


@bp.route("/interview/<int:interview_id>/stop", methods=["POST"])
def stop_interview(interview_id: int) -> Response | tuple[str, int]:
    """Stop the interview part-way; only the interviewer holding its case may."""
    interview = db.session().get(Interview, interview_id)
    if interview is None:
        abort(404)
    case = _claimed_case(interview.case_id)
    form = _stop_form(case)
    if form.validate_on_submit():
        try:
            interviewing.stop_interview(
                db.session(),
                interview,
                me(),
                form.outcome.data,
                clock_now(),
                notes=form.notes.data or "",
                appointment=_appointment_from(form, case),
            )
        except CatiError as exc:
            form.outcome.errors = [exc.translated(gettext)]
        else:
            flash(gettext("Interview stopped for case %(case)s.", case=case.external_id), "ok")
            return redirect(url_for("interviewer.index"))
    if interview.status != "active":
        return redirect(url_for("interviewer.interview", interview_id=interview.id))
    page = interviewing.current_page(db.session(), interview)
    return _render_page(interview, case, page, (), form), 400


def _render_page(
    interview: Interview, case: Case, page: Page, errors: tuple, stop_form: OutcomeForm
) -> str:
    q = interviewing.engine_for(db.session(), interview).q
    language = interviewing.state_of(interview).language
    support = [
        (text_in(s.question, language, q.language), text_in(s.answer, language, q.language))
        for s in q.support
    ]
    return render_page(
        interview,
        case,
        page,
        errors,
        request.form,
        web=False,
        now=clock_now(),
        support=support,
        stop_form=stop_form,
        languages=q.languages,
        language_url=url_for("interviewer.switch_language", interview_id=interview.id),
    )


@bp.route("/interview/<int:interview_id>/language", methods=["POST"])
def switch_language(interview_id: int) -> Response:
    """L: the respondent prefers another of the questionnaire's languages; the current page
    comes back in it, with every answer kept."""
    interview = db.session().get(Interview, interview_id)
    if interview is None:
        abort(404)
    _claimed_case(interview.case_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        interviewing.switch_language(
            db.session(), interview, request.form.get("language", ""), me(), clock_now()
        )
    except CatiError as exc:
        db.session().rollback()
        flash(exc.translated(gettext), "error")
    return redirect(url_for("interviewer.interview", interview_id=interview.id))


def _closing(interview: Interview, case: Case) -> str:
    closing = interviewing.closing_text(db.session(), interview)
    project = db.session().get(Project, case.project_id)
    table = catalogue.by_code(db.session(), project)
    code = case.final_outcome or case.last_outcome
    label = "label_es" if str(get_locale()) == "es" else "label_en"
    return render_template(
        "interview/closing.html",
        interview=interview,
        case=case,
        project=project,
        closing=closing,
        outcome=getattr(table[code], label) if code in table else code,
        next_form=ActionForm(),
    )
