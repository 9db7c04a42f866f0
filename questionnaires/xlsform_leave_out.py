"""pyxform takes the form, so it is imported: what our checks find unusable in it is left
out with a warning, and the form built and checked again. A condition (a type error such as
date arithmetic, a name that is no question) or a default that is no answer is dropped; an
answer a text cannot show (one asked later, or in a loop) is shown as its name in brackets;
a variable name SPSS refuses is replaced. Any other error still refuses the form."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

from cati.problems import N_, Problem
from questionnaires.building import build_questionnaire
from questionnaires.checks import check
from questionnaires.errors import ErrorCode, QuestionnaireError, placed, problem
from questionnaires.model import Questionnaire
from questionnaires.xlsform_form import LEFT_OUT
from questionnaires.xlsform_places import placed_at_rows, rows_by_path

ROUNDS = 10  # leaving one thing out can bring out another
_CONDITION = re.compile(r"^(?P<owner>.*?)(?:\.checks\[(?P<check>\d+)\]\.valid_if|\.show_if)$")
# a text, or one of its modes (phone, web) or languages: the whole text is unpiped
_TEXT = re.compile(r"^(?P<owner>.*?)\.(?P<key>text|instruction|label|message)(?:\.[\w-]+)*$")
_VARIABLE = re.compile(r"^(?P<owner>.*?)\.variable$")
_DEFAULT = re.compile(r"^(?P<owner>.*?)\.default$")
UNPIPED = N_("%(reason)s: the text shows [its name] instead")
RENAMED = N_("%(reason)s: its data variable is %(variable)r")


def checked_leaving_out(
    data: dict[str, Any], warnings: list[Problem], file: str
) -> tuple[Questionnaire | None, list[Problem]]:
    """Build and check ``data``; while every error is one we can leave out, do so."""
    left_out: list[Problem] = []
    rounds = 0
    while True:
        attempt = copy.deepcopy(data)
        rows = rows_by_path(attempt)
        try:
            questionnaire = build_questionnaire(attempt, None, file)
        except QuestionnaireError as exc:
            return None, warnings + placed_at_rows(left_out + exc.problems, rows)
        problems = [_never_asked_is_a_warning(p) for p in check(questionnaire, file)]
        errors = [p for p in problems if p.severity == "error"]
        if not errors or rounds == ROUNDS or not all(_can_leave_out(p) for p in errors):
            return questionnaire, warnings + placed_at_rows(left_out + problems, rows)
        rounds += 1
        for found in errors:
            left_out.append(_leave_out(data, found, file))


def _never_asked_is_a_warning(found: Problem) -> Problem:
    """pyxform takes a question that is never relevant (``relevant: 0``); so do we."""
    if found.code == ErrorCode.UNREACHABLE and found.severity == "error":
        return dataclasses.replace(found, severity="warning")
    return found


def _can_leave_out(found: Problem) -> bool:
    path = found.place.path
    return any(p.match(path) for p in (_CONDITION, _TEXT, _VARIABLE, _DEFAULT))


def _leave_out(data: dict[str, Any], found: Problem, file: str) -> Problem:
    """Take the condition out of ``data`` (or the piping out of the text); the warning."""
    path = found.place.path
    condition = _CONDITION.match(path)
    variable = _VARIABLE.match(path)
    default = _DEFAULT.match(path)
    params: dict[str, Any] = {}
    if default is not None:
        _at(data, default.group("owner")).pop("default", None)
        column, template = "default", LEFT_OUT["default"]
    elif variable is not None:
        node = _at(data, variable.group("owner"))
        node["variable"] = params["variable"] = _free_variable(data, node["id"])
        column, template = "name", RENAMED
    elif condition is not None:
        node = _at(data, condition.group("owner"))
        if condition.group("check") is not None:
            column, template = "constraint", LEFT_OUT["constraint"]
            node["checks"][int(condition.group("check"))]["valid_if"] = "true"
        else:
            owner = condition.group("owner")
            column = "choice_filter" if re.search(r"\.options\[\d+\]$", owner) else "relevant"
            template = LEFT_OUT[column]
            node.pop("show_if", None)
    else:
        text = _TEXT.match(path)
        assert text is not None
        node = _at(data, text.group("owner"))
        node[text.group("key")] = _unpiped(node[text.group("key")])
        column, template = "label", UNPIPED
    warning = problem(
        ErrorCode.XLSFORM_ADAPTED,
        template,
        severity="warning",
        path=path,
        file=file,
        reason=found.message,
        **params,
    )
    return placed(warning, column=column)


def _free_variable(data: dict[str, Any], question_id: str) -> str:
    """A short SPSS name for a question no id or variable of the form uses: room is left
    for the suffixes of options, rows and loop items (``_12``)."""
    taken = {
        str(value).upper()
        for block in data.get("blocks", [data])
        for question in block.get("questions", [])
        for value in (question.get("id"), question.get("variable"))
        if value
    }
    base = question_id[:40].rstrip("._") or "q"
    number = 1
    candidate = f"{base}_v"
    while candidate.upper() in taken:
        number += 1
        candidate = f"{base}_v{number}"
    return candidate


def _at(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for name, index in re.findall(r"(\w+)|\[(\d+)\]", path):
        node = node[name] if name else node[int(index)]
    return node


def _unpiped(text: Any) -> Any:
    """``{name}`` -> ``[name]`` in a text (in each of its languages)."""
    if isinstance(text, dict):
        return {language: _unpiped(value) for language, value in text.items()}
    return re.sub(r"\{([^{}]*)\}", r"[\1]", text)
