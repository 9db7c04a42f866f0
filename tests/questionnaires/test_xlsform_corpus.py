"""Real XLSForms made by others for ODK, KoBo and SurveyCTO (``../shared/xlsform-corpus``):
every form pyxform accepts (its verdict is in ``PYXFORM``) passes the checks and is
interviewed to the end; every form pyxform refuses is refused naming sheet and row."""

from pathlib import Path

import pytest

from questionnaires import Engine, check_questionnaire, special
from tests.conftest import skip_or_fail

from .helpers import T0

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "xlsform-corpus"
VERDICTS = (
    dict(line.split("\t") for line in (CORPUS / "PYXFORM").read_text().splitlines() if line)
    if (CORPUS / "PYXFORM").is_file()
    else {}
)
VALID = sorted(name for name, verdict in VERDICTS.items() if verdict == "ok")
REFUSED = sorted(name for name, verdict in VERDICTS.items() if verdict != "ok")
TEXTS = ["5550100", "Ana", "ana@example.org", "1"]  # tried in turn until a check agrees
DATES = {"date": "2026-11-30", "time": "10:00:00", "datetime": "2026-11-30T10:00:00"}


def form(name: str | None) -> Path:
    if name is None:
        skip_or_fail(f"the XLSForm corpus is not at {CORPUS} (it comes with shared/)")
    return CORPUS / name


def answer(shown, attempt: int):
    """A valid answer for the question shown; later attempts try other values, and at last
    Don't know (which no check refuses)."""
    question = shown.question
    if attempt > len(TEXTS) and shown.dont_know:
        return special("dk")
    kind = shown.type
    if kind == "single":
        return shown.options[attempt % len(shown.options)].code
    if kind == "multiple":
        return [shown.options[attempt % len(shown.options)].code]
    if kind == "grid":
        return {row.id: shown.options[0].code for row in shown.rows}
    if kind in ("numeric", "rating"):
        low = question.min if question.min is not None else 0
        value = max(low, 1 + attempt)
        return value if question.max is None else min(value, question.max)
    if kind == "date":
        return DATES[question.kind]
    return TEXTS[attempt % len(TEXTS)]


def interview(questionnaire) -> int:
    """Answer page after page until the end; the number of pages answered."""
    engine = Engine(questionnaire)
    state = engine.start({}, 1, now=T0)
    for pages in range(2000):
        if state.finished:
            return pages
        page = engine.current_page(state)
        assert page is not None and page.questions, "an empty page was shown"
        for attempt in range(len(TEXTS) + 2):
            answers = {s.id: answer(s, attempt) for s in page.questions if s.type != "display"}
            result = engine.submit(state, answers, T0, confirmed=[])
            if not result.ok and all(e.soft for e in result.errors):
                result = engine.submit(state, answers, T0, [e.check_id for e in result.errors])
            if result.ok:
                break
        assert result.ok, (page.key, result.errors)
        state = result.state
    raise AssertionError("the interview did not end")


@pytest.mark.parametrize("name", VALID or [None])
def test_a_form_pyxform_accepts_passes_the_checks_and_is_interviewed_to_the_end(name):
    path = form(name)
    questionnaire, problems = check_questionnaire(path)
    errors = [p for p in problems if p.severity == "error"]
    assert questionnaire is not None and not errors, errors
    for warning in problems:
        assert warning.place.file == str(path) and warning.translated()
    assert interview(questionnaire) >= 1


@pytest.mark.parametrize("name", REFUSED or [None])
def test_a_form_pyxform_refuses_is_refused_naming_sheet_and_row(name):
    path = form(name)
    questionnaire, problems = check_questionnaire(path)
    errors = [p for p in problems if p.severity == "error"]
    assert questionnaire is None and errors
    for problem in errors:
        assert problem.place.file == str(path), problem
        assert problem.place.line is not None and "sheet, row" in problem.place.path, problem
        assert problem.translated()
