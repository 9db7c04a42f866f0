"""Web self-completion: a respondent answers the project's questionnaire from a personal link.

No log-in: the unguessable token in the link is the key. The pages are the interviewer's,
without interviewer-only codes and instructions, laid out for a phone, worded for the web and
in the interview's language (the questionnaire's texts and the page's own words alike). Every
page of this blueprint, an error included, speaks to the respondent: no staff header, no log-in
link, the respondent's language.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from babel import Locale, UnknownLocaleError
from flask import abort, g, redirect, render_template, request, url_for
from flask import session as browser_session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from cati import db, interviewing
from cati.errors import CatiError
from cati.fieldwork.weblinks import case_for_token
from cati.models import Case, CaseState, Interview, Project, QuestionnaireVersion
from cati.questionnaire_store import questionnaire_of
from cati.web import input_guard
from cati.web.clock import now as clock_now
from cati.web.common import ActionForm
from cati.web.interview_pages import PageForm, render_page, send_page
from cati.web.respondent.blueprint import bp
from questionnaires import Questionnaire


@bp.context_processor
def _respondent_page() -> dict:
    return {"respondent": True}


def _case(token: str) -> Case:
    case = case_for_token(db.session(), token)
    if case is None:
        abort(404)
    return case


def _questionnaire(case: Case) -> Questionnaire | None:
    project = db.session().get(Project, case.project_id)
    if project.questionnaire_version_id is None:
        return None
    return questionnaire_of(
        db.session().get(QuestionnaireVersion, project.questionnaire_version_id)
    )


def _language(case: Case, interview: Interview | None) -> str | None:
    """The respondent's language: the interview's, else the browser's best among the
    questionnaire's languages, else the questionnaire's own (kept for the error pages)."""
    questionnaire = _questionnaire(case)
    if interview is not None and interview.language:
        g.respondent_language = interview.language
    elif questionnaire is not None:
        best = request.accept_languages.best_match(questionnaire.languages)
        g.respondent_language = best or questionnaire.language
    return g.get("respondent_language")


def _speaking(language: str | None) -> AbstractContextManager:
    """Pages rendered in ``language`` (the app's own words too, where translated)."""
    try:
        Locale.parse((language or "").replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return nullcontext()
    return force_locale(language.replace("-", "_"))


def _busy_on_phone(case: Case) -> bool:
    now = clock_now()
    return case.claimed_by_id is not None and (
        case.claim_expires_at is None or case.claim_expires_at >= now
    )


def _closed(case: Case, interview: Interview | None) -> tuple[str, int] | None:
    """The page for a link that no longer opens a questionnaire (410 Gone), if it is one: its
    interview finished, its case closed another way, or its project closed."""
    project = db.session().get(Project, case.project_id)
    if project.status != "closed" and (interview is not None or case.state != CaseState.FINAL):
        return None
    finished = interviewing.last_finished_interview(db.session(), case)
    if interview is None and finished is not None:
        closing = interviewing.closing_text(db.session(), finished, mode="web")
        # Thanks once, right after the last page; the used link answers 410 from then on.
        just_finished = browser_session.pop("finished", None) == case.web_token
        page = render_template(
            "respondent/done.html", case=case, closing=closing, again=not just_finished
        )
        return page, 200 if just_finished else 410
    return _problem(410)


@bp.route("/<token>", methods=["GET", "POST"])
def survey(token: str) -> Response | str | tuple[str, int]:
    session = db.session()
    case = _case(token)
    interview = interviewing.active_interview(session, case)
    # A finished interview's respondent is thanked in the language they answered in.
    language = _language(case, interview or interviewing.last_finished_interview(session, case))
    with _speaking(language):
        closed = _closed(case, interview)
        if closed is not None:
            return closed
        if _busy_on_phone(case):
            return render_template("respondent/busy.html"), 409
        now = clock_now()
        if interview is None:
            try:
                interview = interviewing.open_interview(
                    session, case, now, mode="web", language=language
                )
            except CatiError:  # no questionnaire pinned, or the case cannot be interviewed
                abort(404)
        page = interviewing.current_page(session, interview, mode="web")
        errors: tuple = ()
        if request.method == "POST":
            form = PageForm()
            if not form.validate_on_submit():
                abort(400)
            try:
                result = send_page(session, interview, page, form, request.form, None, now)
            except CatiError:  # the interview ended meanwhile: the page says so
                return redirect(url_for("respondent.survey", token=token))
            if result.finished:
                browser_session["finished"] = token
            if not result.errors:
                return redirect(url_for("respondent.survey", token=token))
            errors = result.errors
        page_html = render_page(
            interview,
            case,
            page,
            errors,
            request.form,
            web=True,
            now=now,
            languages=interviewing.languages_of(session, interview),
            language_url=url_for("respondent.language", token=token),
            intro="" if page.can_go_back else interviewing.intro_text(session, interview, "web"),
        )
        return page_html, (422 if errors else 200)


@bp.route("/<token>/language", methods=["POST"])
def language(token: str) -> Response | tuple[str, int]:
    """The respondent goes on in another of the questionnaire's languages."""
    session = db.session()
    case = _case(token)
    interview = interviewing.active_interview(session, case)
    _language(case, interview)
    if not ActionForm().validate_on_submit():
        abort(400)
    if interview is not None and not _busy_on_phone(case):
        try:
            interviewing.switch_language(
                session, interview, request.form.get("language", ""), None, clock_now()
            )
        except CatiError:  # over meanwhile, or a language the questionnaire lacks
            session.rollback()
    return redirect(url_for("respondent.survey", token=token))


@bp.route("/", defaults={"rest": ""})
@bp.route("/<path:rest>")
def unknown(rest: str) -> None:
    """Any other address under the respondents' prefix: their not-found page."""
    abort(404)


# What each error says to a respondent: (title, message).
PROBLEMS = {
    400: (_l("The page has expired"), _l("Reload the page and answer again. Nothing was lost.")),
    404: (
        _l("This link does not work"),
        _l(
            "Check that the whole address from your invitation was copied, or open the link "
            "from the invitation again."
        ),
    ),
    410: (
        _l("This survey is closed"),
        _l("The questionnaire at this link can no longer be answered. Thank you for your help."),
    ),
    500: (
        _l("Something went wrong"),
        _l("Your answers so far are kept. Please try again in a few minutes."),
    ),
}


def _problem(status: int, told: tuple | None = None) -> tuple[str, int]:
    title, message = told or PROBLEMS[status]
    page = render_template("respondent/problem.html", status=status, title=title, message=message)
    return page, status


@bp.errorhandler(CSRFError)
@bp.errorhandler(400)
@bp.errorhandler(404)
@bp.errorhandler(410)
@bp.errorhandler(500)
def respondent_problem(exc: Exception) -> tuple[str, int]:
    status = exc.code if isinstance(exc, HTTPException) and exc.code in PROBLEMS else 500
    told = None
    if isinstance(exc, input_guard.MalformedInput):
        told = (_l("The request could not be read"), exc.description)
    with _speaking(g.get("respondent_language")):
        return _problem(status, told)
