"""Web self-completion: a respondent answers the project's questionnaire from a personal link.

No log-in: the unguessable token in the link is the key. The pages are the interviewer's,
without interviewer-only codes and instructions, laid out for a phone.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from cati import db, interviewing
from cati.errors import CatiError
from cati.fieldwork.weblinks import case_for_token
from cati.models import Case, CaseState
from cati.web.clock import now as clock_now
from cati.web.interview_pages import PageForm, render_page, send_page
from cati.web.respondent.blueprint import bp


def _case(token: str) -> Case:
    case = case_for_token(db.session(), token)
    if case is None:
        abort(404)
    return case


def _busy_on_phone(case: Case) -> bool:
    now = clock_now()
    return case.claimed_by_id is not None and (
        case.claim_expires_at is None or case.claim_expires_at >= now
    )


@bp.route("/<token>", methods=["GET", "POST"])
def survey(token: str) -> Response | str | tuple[str, int]:
    session = db.session()
    case = _case(token)
    interview = interviewing.active_interview(session, case)
    if case.state == CaseState.FINAL and interview is None:
        finished = interviewing.last_finished_interview(session, case)
        closing = interviewing.closing_text(session, finished) if finished else ""
        return render_template("respondent/done.html", case=case, closing=closing)
    if _busy_on_phone(case):
        return render_template("respondent/busy.html"), 409
    now = clock_now()
    if interview is None:
        try:
            interview = interviewing.open_interview(
                session, case, now, mode="web", language=str(get_locale())
            )
        except CatiError:
            abort(404)
    page = interviewing.current_page(session, interview)
    errors: tuple = ()
    if request.method == "POST":
        form = PageForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            result = send_page(session, interview, page, form, request.form, None, now)
        except CatiError:  # the interview ended meanwhile: the page says so
            return redirect(url_for("respondent.survey", token=token))
        if not result.errors:
            return redirect(url_for("respondent.survey", token=token))
        errors = result.errors
    page_html = render_page(interview, case, page, errors, request.form, web=True, now=now)
    return page_html, (422 if errors else 200)
