"""Interviews driven through the web pages with Flask's test client, for any questionnaire.

A project pins the questionnaire, a sample row with its declared sample variables is
imported and released, and the interview is opened by phone (an interviewer claims the case
and starts it) or by web (the respondent's link). Every page is then answered from the
fields of the rendered form alone, until a page shows no form: the closing page.

Answers are the first real option of each field (``rng=None``), or drawn at random
(Don't know and Refused among them, a field now and then left empty); a page the server
refuses (422) is answered again with new choices and every soft check confirmed.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import select

from cati import interviewing, questionnaire_store
from cati.fieldwork import projects, weblinks
from cati.fieldwork.cases import import_cases, release_replicate
from cati.fieldwork.sample_import import parse_sample, read_csv
from cati.models import Case, CaseState, Interview
from questionnaires import read_questionnaire
from questionnaires.model import text_in
from tests.cati.fieldwork.conftest import MONDAY_10, make_project
from tests.conftest import csrf_token, make_user, post_login

MAX_PAGES = 200
MAX_TRIES = 30  # answers to one page before giving up
SAMPLE_VALUES = {"number": "3", "text": "Norte"}  # as written in a sample file
DATES = {"date": "2026-11-30", "time": "10:00", "datetime-local": "2026-11-30T10:00"}
TEXTS = ["Una respuesta", "x", "Quick delivery", "ñ" * 50]  # the last, too long for some


class FormFields(HTMLParser):
    """The fields of the page's form: name -> list of (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[dict]] = {}
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form" and attributes.get("id") == "page-form":
            self.in_form = True
        elif self.in_form and tag in ("input", "textarea") and "name" in attributes:
            self.fields.setdefault(attributes["name"], []).append({"tag": tag, **attributes})

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def questions_of(questionnaire) -> dict:
    return {q.id: q for block in questionnaire.all_blocks for q in block.questions}


def number_in_range(question, rng: random.Random | None) -> str:
    """A number within the bounds: the middle one (an age of 55, not 0), or any, now and
    then with a decimal comma where decimals are allowed, or one past the bounds."""
    low = int(question.min) if question.min is not None else 0
    high = int(question.max) if question.max is not None else low + 10
    if rng is None:
        return str(low + (high - low) // 2)
    if rng.random() < 0.05:
        return str(high + 1)  # refused, and answered again
    if question.decimals and rng.random() < 0.3 and high > low:
        return f"{rng.randint(low, high - 1)},5"
    return str(rng.randint(low, high))


def _pick(choices: list[str], rng: random.Random | None) -> str:
    return choices[0] if rng is None else rng.choice(choices)


def answers_from(page: str, questions: dict, rng: random.Random | None = None) -> dict:
    """Answers for every field of the rendered form; soft checks shown are confirmed."""
    parser = FormFields()
    parser.feed(page)
    assert parser.fields, "the page shows no form"
    data: dict = {}
    for name, inputs in parser.fields.items():
        first = inputs[0]
        kind = first.get("type", first["tag"])
        if kind == "hidden":
            data[name] = first["value"]
        elif name == "confirm":
            data[name] = [i["value"] for i in inputs]
        elif rng is not None and rng.random() < 0.05:
            continue  # left empty: required or not, the server says
        elif kind in ("radio", "checkbox"):
            choices = [i["value"] for i in inputs if "data-special" not in i]
            specials = [i["value"] for i in inputs if "data-special" in i]
            if specials and (not choices or (rng is not None and rng.random() < 0.1)):
                if rng is not None and rng.random() < 0.5:
                    data[name] = _pick(specials, rng)
            elif choices and kind == "checkbox" and rng is not None:
                data[name] = rng.sample(choices, rng.randint(1, len(choices)))
            elif choices:
                data[name] = _pick(choices, rng)
        elif first["tag"] == "textarea":
            data[name] = _pick(TEXTS, rng)
        elif kind in DATES:
            data[name] = DATES[kind]
        else:  # a numeric question's text box
            data[name] = number_in_range(questions[name], rng)
    return data


def sample_file(questionnaire, values: dict[str, str] | None = None) -> bytes:
    names = list(questionnaire.sample_variables)
    header = ",".join(["case_id", "phone", "time_zone", *names])
    if values is None:
        values = {n: SAMPLE_VALUES[v.type] for n, v in questionnaire.sample_variables.items()}
    row = ",".join(["L1", "+34 910 000 001", "Europe/Madrid", *(values[n] for n in names)])
    return f"{header}\n{row}\n".encode()


def project_with(db, path: Path, sample: dict[str, str] | None = None):
    """A project pinning the questionnaire at ``path``, with one released case."""
    questionnaire = read_questionnaire(path)
    project = make_project(db, code="P1")  # the case seed, and so its pages, follow the code
    questionnaire_store.pin(db, project, path)
    file = sample_file(questionnaire, sample)
    records = parse_sample(read_csv(file, "sample.csv"), "sample.csv", "Europe/Madrid")
    import_cases(db, project, records, "sample.csv")
    release_replicate(db, project, 1, now=MONDAY_10)
    return project, questionnaire


def _section(page: str, question_id: str) -> str:
    """The HTML of one question's section of the page."""
    start = page.index(f'data-question="{question_id}"')
    return page[start : page.index("</section>", start)]


def assert_shows(db, page: str) -> None:
    """The page shows what the engine computed for it: every question's text, options,
    rows, unit and scale ends, its countdown, Don't know and Refused by phone only, the
    interviewer's instructions and support texts by phone, none of them on the web."""
    db.rollback()  # a new transaction: the snapshot of the page just served
    interview = db.scalar(select(Interview).order_by(Interview.id.desc()))
    shown = interviewing.current_page(db, interview)
    engine = interviewing.engine_for(db, interview)
    language, fallback = interviewing.state_of(interview).language, engine.q.language
    phone = interview.mode == "phone"
    for q in shown.questions:
        section = _section(page, q.id)
        assert q.text in section, (q.id, q.text)
        for part in [o.label for o in q.options] + [r.label for r in q.rows]:
            assert part in section, (q.id, part)
        for end in ("unit", "min_label", "max_label"):
            if getattr(q.question, end, None):
                wording = text_in(getattr(q.question, end), language, fallback)
                assert html.escape(wording, quote=False) in section, (q.id, end)
        assert (q.closes_at is not None) == ("data-countdown" in section), q.id
        assert ('data-special="dk"' in section) == (phone and q.dont_know), q.id
        assert ('data-special="ref"' in section) == (phone and q.refused), q.id
        assert ('class="instruction"' in section) == (phone and bool(q.instruction)), q.id
        if phone and q.instruction:
            assert q.instruction in section, q.id
    for item in engine.q.support:
        for text in (item.question, item.answer):
            wording = html.escape(text_in(text, language, fallback), quote=False)
            assert (wording in page) == phone, wording


def interview_through_pages(
    client,
    url: str,
    questions: dict,
    rng: random.Random | None = None,
    db=None,
    on_each_page: Callable[[str], None] | None = None,
) -> str:
    """Answer every page at ``url`` until it shows no form; the last page's HTML. With
    ``db``, each page is also checked against the engine's own (``assert_shows``);
    ``on_each_page`` sees every page's HTML before it is answered."""
    for _ in range(MAX_PAGES):
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_data(as_text=True)
        if 'id="page-form"' not in page:
            return page
        if db is not None:
            assert_shows(db, page)
        if on_each_page is not None:
            on_each_page(page)
        for _try in range(MAX_TRIES):
            posted = client.post(url, data=answers_from(page, questions, rng))
            if posted.status_code != 422 or rng is None:
                break
            page = posted.get_data(as_text=True)  # refused: answered again, checks confirmed
        assert posted.status_code == 302, posted.get_data(as_text=True)
    raise AssertionError(f"no closing page after {MAX_PAGES} pages")


def by_phone(client, db, project, language: str) -> str:
    """An interviewer logs in, claims the case and starts the interview: its page's URL."""
    user = make_user(db, "interviewer", locale=language)
    assert post_login(client, user.username).status_code == 302
    projects.assign(db, project, user)
    token = csrf_token(client, "/interviewer/")
    claimed = client.post(f"/interviewer/{project.code}/next", data={"csrf_token": token})
    assert claimed.status_code == 302
    case_url = claimed.headers["Location"]
    started = client.post(
        f"{case_url}/interview", data={"csrf_token": csrf_token(client, case_url)}
    )
    assert started.status_code == 302, started.get_data(as_text=True)
    return started.headers["Location"]


def by_web(db, project) -> str:
    """The respondent's link."""
    ((_, token),) = weblinks.issue_links(db, project)
    return f"/r/{token}"


def interview_url(client, db, project, mode: str, language: str) -> str:
    """The first page of the case's interview, by ``phone`` or by ``web`` in ``language``."""
    if mode == "phone":
        return by_phone(client, db, project, language)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return by_web(db, project)


def assert_finished(db, closing_page: str, questionnaire, language: str, mode: str) -> str:
    """The one interview ended, in ``language`` when the questionnaire has it, completed or
    screened out, its case final with the matching outcome, the closing page shown; the
    interview's status."""
    interview = db.scalar(select(Interview))
    db.refresh(interview)
    case = db.get(Case, interview.case_id)
    db.refresh(case)
    spoken = language if language in questionnaire.languages else questionnaire.language
    assert interviewing.state_of(interview).language == spoken
    # The interviewer's pages are in their own language; a respondent's page is in the
    # language of the interview it closes.
    page_language = spoken if mode == "web" else language
    assert f'<html lang="{page_language}">' in closing_page
    assert case.state == CaseState.FINAL
    if interview.status == "screened_out":  # the routing screened the chosen answers out
        assert case.final_outcome in (interview.outcome, "NOT_ELIGIBLE")
    else:
        assert interview.status == "completed"
        assert case.final_outcome == ("COMPLETE" if mode == "phone" else "WEB_COMPLETE")
    shown = 'data-testid="final-outcome"' if mode == "phone" else 'data-testid="thanks"'
    assert shown in closing_page
    if questionnaire.closing:
        closing = text_in(questionnaire.closing, spoken, questionnaire.language, mode)
        assert html.escape(closing, quote=False) in closing_page
    return interview.status
