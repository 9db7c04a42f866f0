"""Piping: ``{reference}`` in any text is replaced by an answer, option label or sample value.

Piping needs only the questionnaire's plan (question types, option labels), the loop of
the page being shown (for its item) and a resolver of answers; not the engine. Texts are
plain text. The result is HTML-escaped as a whole, so neither a respondent's answer nor a
sample value can inject markup into the interviewer's screen.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from cati.problems import N_
from questionnaires.answers import plain
from questionnaires.errors import ErrorCode, QuestionnaireError, problem
from questionnaires.evaluate import Resolver, reference_path
from questionnaires.expressions import Node, is_reference, parse
from questionnaires.model import Grid, Loop, MultipleChoice, SingleChoice, text_in
from questionnaires.structure import Plan

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@lru_cache(maxsize=4096)
def segments(text: str) -> tuple[str | Node, ...]:
    """Split a text into literal strings and parsed references; raises on a bad placeholder."""
    parts: list[str | Node] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(text[last : match.start()])
        node = parse(match.group(1).strip())
        if not is_reference(node):
            raise QuestionnaireError(
                problem(
                    ErrorCode.EXPRESSION_SYNTAX,
                    N_("{%(reference)s} must name an answer, a loop item or sample.<name>"),
                    reference=match.group(1),
                )
            )
        parts.append(node)
        last = match.end()
    parts.append(text[last:])
    return tuple(p for p in parts if p != "")


def _number(value: Any) -> str:
    if type(value) is float and value.is_integer():
        return str(int(value))
    return str(value)


def _labels(options: Any, codes: list[Any], language: str, fallback: str) -> str:
    by_code = {o.code: o.label for o in options}
    return ", ".join(
        text_in(by_code[c], language, fallback) if c in by_code else _number(c) for c in codes
    )


def display(node: Node, plan: Plan, language: str, loop: Loop | None, resolve: Resolver) -> str:
    """The text of one reference: option labels for choices, the number or text otherwise.

    ``loop`` is the loop of the block being shown (its item name pipes the item's label)."""
    path = reference_path(node, resolve)
    if path is None:
        return ""
    value = plain(resolve(path))
    if value is None:
        return ""
    fallback = plan.questionnaire.language
    head = path[0]
    questions = plan.questions
    if loop is not None and head == loop.name and len(path) == 1:
        if loop.over is not None:
            return _labels(questions[loop.over].question.options, [value], language, fallback)
        return _number(value)
    qp = questions.get(head) if head != "sample" else None
    if qp is not None:
        question = qp.question
        if isinstance(question, SingleChoice):
            return _labels(question.options, [value], language, fallback)
        if isinstance(question, MultipleChoice) and isinstance(value, list):
            return _labels(question.options, value, language, fallback)
        if isinstance(question, Grid) and not isinstance(value, dict):
            codes = value if isinstance(value, list) else [value]
            return _labels(question.scale, codes, language, fallback)
    if isinstance(value, list | dict):
        return ""
    return _number(value)


def render(text: Any, plan: Plan, language: str, loop: Loop | None, resolve: Resolver) -> str:
    """``text`` in ``language`` with every reference piped in, HTML-escaped as a whole."""
    raw = text_in(text, language, plan.questionnaire.language)
    if "{" not in raw:
        return html.escape(raw)
    out = []
    for part in segments(raw):
        if isinstance(part, str):
            out.append(part)
        else:
            out.append(display(part, plan, language, loop, resolve))
    return html.escape("".join(out))
