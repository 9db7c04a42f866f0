"""Test runs of a questionnaire: started at any page, with answers given beforehand and
sample variables, run by the same engine as real interviews on a state that is only ever
in memory (nothing of a test run is stored anywhere).

Preset answers are written as YAML, one answer a line (``age: 34``, ``aided: [1, 3]``,
``rating: {staff: 4}``, ``score[2]: 5`` inside a loop, ``age: {special: dk}``); each is
validated as the engine validates a page's answer, and refused with its line when it is
not one the question takes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from cati.problems import N_, Problem
from questionnaires.answers import REQUIRED, message, special_kind, validate, validate_grid
from questionnaires.engine import Engine
from questionnaires.errors import ErrorCode, QuestionnaireError, problem
from questionnaires.loader import parse_yaml
from questionnaires.model import Grid, MultipleChoice, Questionnaire, text_in
from questionnaires.state import InterviewState

PRESETS_FILE = "presets"


@dataclass(frozen=True)
class PageChoice:
    key: str  # the page's key: its first question's id (id[item] in a loop)
    block: str
    questions: tuple[str, ...]


def page_choices(questionnaire: Questionnaire) -> list[PageChoice]:
    """Every page a test can start at; a loop's pages at its first item."""
    choices = []
    for block in questionnaire.plan.blocks:
        item = _first_item(questionnaire, block.block.loop)
        for page in block.pages:
            key = page[0] if item is None else f"{page[0]}[{item}]"
            choices.append(PageChoice(key, block.block.id, page))
    return choices


def _first_item(questionnaire: Questionnaire, loop: Any) -> int | None:
    if loop is None:
        return None
    if loop.over is None:
        return 1
    source = questionnaire.plan.questions.get(loop.over)
    options = getattr(source.question, "options", ()) if source else ()
    codes = [o.code for o in options if not o.exclusive and o.code not in (loop.exclude or ())]
    return codes[0] if codes else 1


def _refuse(template: str, where: str, line: int | None, **params: Any) -> Problem:
    return problem(
        ErrorCode.INVALID_VALUE, template, path=where, file=PRESETS_FILE, line=line, **params
    )


def presets(questionnaire: Questionnaire, text: str, language: str = "en") -> dict[str, Any]:
    """The answers written in ``text``, each checked against its question; raises
    QuestionnaireError naming the line of every one refused (why in ``language``, as the
    engine says it to an interviewer)."""
    if not text.strip():
        return {}
    data, lines = parse_yaml(text, PRESETS_FILE)
    found: dict[str, Any] = {}
    refused: list[Problem] = []
    for key, value in data.items():
        line = lines.get((key,))
        qid, bracket, item = key.partition("[")
        qp = questionnaire.plan.questions.get(qid)
        looped = qp is not None and questionnaire.plan.blocks[qp.block].block.loop is not None
        if qp is None or not qp.question.has_value or qp.expression is not None:
            refused.append(
                _refuse(N_("%(key)s is not a question that takes an answer"), key, line, key=key)
            )
            continue
        if looped != bool(bracket) or (bracket and not item[:-1].lstrip("-").isdigit()):
            refused.append(
                _refuse(
                    N_("%(key)s: a question in a loop is answered per item, as %(id)s[2]"),
                    key,
                    line,
                    key=key,
                    id=qid,
                )
                if looped
                else _refuse(N_("%(key)s is not in a loop"), key, line, key=key)
            )
            continue
        question = qp.question
        if isinstance(question, Grid):
            clean, errors = validate_grid(questionnaire, question, value)
            code = next(iter(errors.values()), None)
        else:
            clean, code = validate(questionnaire, question, value)
        if code is not None or clean is None:
            refused.append(
                _refuse(
                    N_("%(key)s = %(value)r: %(reason)s"),
                    key,
                    line,
                    key=key,
                    value=value,
                    reason=message(code or REQUIRED, language),
                )
            )
            continue
        found[key] = clean
    if refused:
        raise QuestionnaireError(refused)
    return found


def start(
    engine: Engine,
    *,
    sample: dict[str, Any],
    answers: dict[str, Any],
    page: str | None,
    language: str,
    seed: int | str,
    now: datetime,
) -> InterviewState:
    """A test interview: started as a real one, the preset answers given (and the
    calculations made on them), then moved to ``page`` if one is chosen."""
    state = engine.start(sample, seed, language=language, now=now)
    if answers:
        state = replace(state, answers=engine.calculated(state, dict(answers)))
    if page:
        state = engine.start_at(state, page)
    return state


def shown_answer(
    questionnaire: Questionnaire, key: str, value: Any, language: str, specials: dict[str, str]
) -> str:
    """An answer as a researcher checks it: codes with their labels; a special answer by
    its name in ``specials`` (kind -> name, in the researcher's language)."""
    kind = special_kind(value)
    if kind is not None:
        return specials.get(kind, kind)
    qp = questionnaire.plan.questions.get(key.partition("[")[0])
    question = qp.question if qp is not None else None
    fallback = questionnaire.language

    def label(options: Any, code: Any) -> str:
        for option in options:
            if option.code == code:
                return f"{code} {text_in(option.label, language, fallback)}"
        return str(code)

    if isinstance(question, Grid) and isinstance(value, dict):
        return "; ".join(
            f"{row}: "
            + (
                ", ".join(label(question.scale, c) for c in cell)
                if isinstance(cell, list)
                else label(question.scale, cell)
            )
            for row, cell in value.items()
        )
    options = getattr(question, "options", None)
    if options and isinstance(value, list) and isinstance(question, MultipleChoice):
        return ", ".join(label(options, c) for c in value)
    if options:
        return label(options, value)
    return str(value)
