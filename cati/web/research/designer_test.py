"""Test interviews from the designer: the saved draft run by the interview engine as the
interviewer or the web respondent would see it, from any page, with preset answers and
sample variables, showing the path and the stored answers.

A test run is never stored: its state travels in the page, signed so that only a state this
server made comes back, and no interview, case or audit entry is written.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from flask_babel import get_locale, gettext
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import MultiDict

from cati import questionnaire_drafts
from cati.models import Project
from cati.web.access import member_project
from cati.web.clock import now
from cati.web.common import problem_texts
from cati.web.interview_pages import PageForm, language_choices, read_answers
from cati.web.research.blueprint import bp
from cati.web.research.designer import open_draft
from questionnaires import Engine, Questionnaire, QuestionnaireError
from questionnaires.model import in_mode, text_in
from questionnaires.trial import page_choices, presets, shown_answer, start

MODES = ("phone", "web")


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="designer-test")


def _specials() -> dict[str, str]:
    return {"dk": gettext("Don't know"), "ref": gettext("Refused"), "timeout": gettext("Timed out")}


def _sample(questionnaire: Questionnaire, form: MultiDict) -> tuple[dict[str, Any], list[str]]:
    """The sample variables typed in, each of its declared type (a number read as one)."""
    values: dict[str, Any] = {}
    wrong = []
    for name, variable in questionnaire.sample_variables.items():
        text = form.get(f"sample.{name}", "").strip()
        if not text:
            continue
        if variable.type == "number":
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                wrong.append(gettext("Sample variable %(name)s is a number.", name=name))
                continue
            values[name] = int(number) if number.is_integer() else number
        else:
            values[name] = text
    return values, wrong


def _render(project: Project, questionnaire: Questionnaire, status: int = 200, **context: Any):
    context.setdefault("problems", [])
    return render_template(
        "research/designer_test.html",
        project=project,
        questionnaire=questionnaire,
        pages=page_choices(questionnaire),
        languages=language_choices(questionnaire.languages),
        start=context.pop("start", MultiDict()),
        **context,
    ), status


def _run_page(
    project: Project,
    questionnaire: Questionnaire,
    engine: Engine,
    state: Any,
    mode: str,
    revision: int,
    errors: tuple = (),
    formdata: MultiDict | None = None,
):
    """The test run's page: the interview page (or its end), the path and the answers."""
    page = engine.current_page(state, mode)
    by_question: dict[str, list[Any]] = {}
    for error in errors:
        by_question.setdefault(error.field.split(".")[0], []).append(error)
    language = state.language
    answers = [
        (key, shown_answer(questionnaire, key, value, language, _specials()))
        for key, value in state.answers.items()
    ]
    token = _signer().dumps({"revision": revision, "mode": mode, "state": state.to_json()})
    closing = text_in(in_mode(questionnaire.closing, mode), language, questionnaire.language)
    return _render(
        project,
        questionnaire,
        200 if not errors else 400,
        run=True,
        page=page,
        state=state,
        token=token,
        web=mode == "web",
        mode=mode,
        lang=language,
        form=PageForm(formdata=None),
        errors=by_question,
        submitted=formdata if errors else {},
        server_now=now(),
        path=[*state.history, *([[state.position, []]] if state.position else [])],
        answers=answers,
        closing=closing if state.finished else "",
    )


@bp.route("/<code>/designer/test", methods=["GET", "POST"])
def designer_test(code: str):
    project = member_project(code)
    draft = open_draft(project)
    checked = questionnaire_drafts.check(questionnaire_drafts.document(draft))
    if checked.questionnaire is None or checked.errors:
        return render_template(
            "research/designer_test.html",
            project=project,
            questionnaire=None,
            problems=problem_texts(checked.errors),
        ), 200
    questionnaire = checked.questionnaire
    engine = Engine(questionnaire)
    form = request.form
    action = form.get("action", "")
    if request.method == "GET" or action == "restart":
        return _render(project, questionnaire)
    if action == "start":
        return _start(project, questionnaire, engine, draft.revision, form)
    try:
        carried = _signer().loads(form.get("token", ""))
        if carried["revision"] != draft.revision:
            raise LookupError("the draft changed")
        state = engine.resume(carried["state"])
        mode = carried["mode"] if carried["mode"] in MODES else "phone"
    except (BadSignature, LookupError, KeyError, TypeError, QuestionnaireError):
        notice = gettext(
            "The draft changed since this test started (or the page was old): start again."
        )
        return _render(project, questionnaire, 409, problems=[notice])
    if action == "back":
        return _run_page(
            project, questionnaire, engine, engine.back(state, now()), mode, draft.revision
        )
    page = engine.current_page(state, mode)
    if page is None:
        return _run_page(project, questionnaire, engine, state, mode, draft.revision)
    answers = read_answers(page.questions, form)
    result = engine.submit(state, answers, now(), confirmed=tuple(form.getlist("confirm")))
    return _run_page(
        project, questionnaire, engine, result.state, mode, draft.revision, result.errors, form
    )


def _seed(text: str) -> int | str:
    """The seed of the random orders, as typed: the same seed, the same orders."""
    text = text.strip() or "1"
    return int(text) if text.isdigit() else text


def _start(
    project: Project, questionnaire: Questionnaire, engine: Engine, revision: int, form: MultiDict
):
    mode = form.get("mode") if form.get("mode") in MODES else "phone"
    language = form.get("language") or questionnaire.language
    if language not in questionnaire.languages:
        language = questionnaire.language
    page = form.get("page") or None
    problems: list[str] = []
    sample, wrong = _sample(questionnaire, form)
    problems += wrong
    try:
        answers = presets(questionnaire, form.get("presets", ""), str(get_locale()))
    except QuestionnaireError as exc:
        problems += problem_texts(exc.problems)
        answers = {}
    if not problems:
        try:
            state = start(
                engine,
                sample=sample,
                answers=answers,
                page=page,
                language=language,
                seed=_seed(form.get("seed", "")),
                now=now(),
            )
        except QuestionnaireError as exc:
            problems += problem_texts(exc.problems)
    if problems:
        return _render(project, questionnaire, 400, problems=problems, start=form)
    return _run_page(project, questionnaire, engine, state, mode, revision)
