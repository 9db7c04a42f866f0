"""Interview pages as forms, for interviewers and web respondents alike: one small reader per
question type, the page form, and a posted page sent to the interview flow.

The page form is a FlaskForm that carries the CSRF token and the page number (``seq``);
each question type's inputs are rendered by a macro of ``interview/_questions.html`` (so
options carry their number keys) and read back here into the value the engine validates.
Validation is the engine's alone, so phone and web answers obey the same rules. Inputs are
named after the question (grid rows ``question.row``); Don't know and Refused arrive as
``dk``/``ref`` and become the engine's special answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import flash, render_template
from flask_babel import gettext
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField

from cati import interviewing
from cati.interviewing import Submission
from cati.models import Case, Interview, User
from questionnaires import DONT_KNOW, REFUSED, FieldError, Page, ShownQuestion, special

SPECIAL_VALUES = {"dk": DONT_KNOW, "ref": REFUSED}


def _special(values: list[str]) -> Any:
    for value in values:
        if value in SPECIAL_VALUES:
            return special(SPECIAL_VALUES[value])
    return None


def _code(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text  # the engine answers "not valid here"


def _number(text: str, decimals: int) -> int | float | str:
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    try:
        return int(cleaned) if decimals == 0 else float(cleaned)
    except ValueError:
        return text


def _single_read(q: ShownQuestion, form: MultiDict) -> Any:
    values = form.getlist(q.id)
    return _special(values) or (_code(values[0]) if values and values[0] else None)


def _multiple_read(q: ShownQuestion, form: MultiDict) -> Any:
    values = form.getlist(q.id)
    return _special(values) or [_code(v) for v in values if v]


def _numeric_read(q: ShownQuestion, form: MultiDict) -> Any:
    # The box and Don't know / Refused share the name: the box's text comes first, a chosen
    # special after it.
    values = form.getlist(q.id)
    text = values[0] if values else ""
    return _special(values) or (_number(text, q.question.decimals) if text.strip() else None)


def _text_read(q: ShownQuestion, form: MultiDict) -> Any:
    text = form.get(q.id, "")
    special_value = _special(form.getlist(f"{q.id}.special"))
    return special_value or (text.strip() or None)


def _grid_read(q: ShownQuestion, form: MultiDict) -> Any:
    whole = _special(form.getlist(q.id))
    if whole is not None:
        return whole
    rows = {}
    for row in q.rows:
        values = form.getlist(f"{q.id}.{row.id}")
        if q.question.multiple:
            rows[row.id] = [_code(v) for v in values if v]
        elif values and values[0]:
            rows[row.id] = _code(values[0])
    return rows


READERS: dict[str, Callable[[ShownQuestion, MultiDict], Any]] = {
    "single": _single_read,
    "rating": _single_read,
    "multiple": _multiple_read,
    "numeric": _numeric_read,
    "text": _text_read,
    "date": _single_read,
    "grid": _grid_read,
}


class PageForm(FlaskForm):
    seq = HiddenField()
    action = HiddenField(default="next")


def read_answers(questions: tuple[ShownQuestion, ...], form: MultiDict) -> dict[str, Any]:
    """The page's answers keyed by question id, as the engine's ``submit`` takes them."""
    answers = {}
    for q in questions:
        if q.type not in READERS:
            continue  # display text has no answer
        value = READERS[q.type](q, form)
        if value is not None and value != {} and value != []:
            answers[q.id] = value
    return answers


def _page_number(text: str | None) -> int:
    """The page a submission answers; a missing or tampered number (never one the server
    wrote) reads as -1, which matches no page and so is answered as a repeat."""
    try:
        return int(text or -1)
    except ValueError:
        return -1


def send_page(
    session: Session,
    interview: Interview,
    page: Page,
    form: PageForm,
    formdata: MultiDict,
    actor: User | None,
    now: datetime,
) -> Submission:
    """A posted page to the interview flow: Back, or Next with the page's answers, sent by
    the case's interviewer (``actor``) or its web respondent (``None``).

    A page the interview has already left (answered in another tab, or sent twice) changes
    nothing; the person is told so, above the page the interview is on now.
    """
    seq = _page_number(form.seq.data)
    if form.action.data == "back":
        result = interviewing.back_page(session, interview, seq, actor, now)
    else:
        answers = read_answers(page.questions, formdata)
        confirmed = tuple(formdata.getlist("confirm"))
        result = interviewing.submit_page(
            session, interview, answers, seq, actor, now, confirmed=confirmed
        )
    if result.repeated and 0 <= seq < result.interview.seq:
        flash(
            gettext(
                "This page was already answered in another tab (or sent twice); "
                "here is where the interview is now."
            ),
            "info",
        )
    return result


def language_choices(codes: Sequence[str]) -> list[tuple[str, str]]:
    """(code, name) of each language, named in itself ("Español", "English")."""
    choices = []
    for code in codes:
        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name() or code
        except (ValueError, UnknownLocaleError):
            name = code
        choices.append((code, name[:1].upper() + name[1:]))
    return choices


def render_page(
    interview: Interview,
    case: Case,
    page: Page,
    errors: tuple[FieldError, ...],
    formdata: MultiDict,
    *,
    web: bool,
    now: datetime,
    support: Sequence[tuple[str, str]] = (),
    stop_form: FlaskForm | None = None,
    languages: Sequence[str] = (),
    language_url: str | None = None,
    intro: str = "",
) -> str:
    """The interview page, with each error beside its question (grid rows: their grid), and
    for the interviewer the form that stops the interview part-way.

    With more than one of the questionnaire's ``languages``, the page offers to go on in
    another (posted to ``language_url``); ``intro`` heads it (the web's first page).
    """
    by_question: dict[str, list[FieldError]] = {}
    for error in errors:
        by_question.setdefault(error.field.split(".")[0], []).append(error)
    return render_template(
        "interview/page.html",
        interview=interview,
        case=case,
        page=page,
        form=PageForm(formdata=None),
        errors=by_question,
        submitted=formdata if errors else {},
        support=support,
        stop_form=stop_form,
        server_now=now,
        web=web,
        lang=interviewing.state_of(interview).language,
        languages=language_choices(languages) if len(languages) > 1 else [],
        language_url=language_url,
        intro=intro,
    )
