"""pyxform takes the form, so it is imported: a condition our checks find unusable (a type
error such as date arithmetic, a name that is no question) is left out with a warning, the
form built and checked again. Any other error still refuses the form."""

from __future__ import annotations

import copy
import re
from typing import Any

from cati.problems import Problem
from questionnaires.building import build_questionnaire
from questionnaires.checks import check
from questionnaires.errors import ErrorCode, QuestionnaireError, placed, problem
from questionnaires.model import Questionnaire
from questionnaires.xlsform_form import LEFT_OUT
from questionnaires.xlsform_places import placed_at_rows, rows_by_path

ROUNDS = 10  # leaving a condition out can bring out another one
_CONDITION = re.compile(r"^(?P<owner>.*?)(?:\.checks\[(?P<check>\d+)\]\.valid_if|\.show_if)$")


def checked_leaving_out(
    data: dict[str, Any], warnings: list[Problem], file: str
) -> tuple[Questionnaire | None, list[Problem]]:
    """Build and check ``data``; while every error is in a condition, leave those out."""
    left_out: list[Problem] = []
    rounds = 0
    while True:
        attempt = copy.deepcopy(data)
        rows = rows_by_path(attempt)
        try:
            questionnaire = build_questionnaire(attempt, None, file)
        except QuestionnaireError as exc:
            return None, warnings + placed_at_rows(left_out + exc.problems, rows)
        problems = check(questionnaire, file)
        errors = [p for p in problems if p.severity == "error"]
        conditions = [_CONDITION.match(p.place.path) for p in errors]
        if not errors or not all(conditions) or rounds == ROUNDS:
            return questionnaire, warnings + placed_at_rows(left_out + problems, rows)
        rounds += 1
        drops: dict[str, set[int]] = {}
        for found, match in zip(errors, conditions, strict=True):
            assert match is not None
            column = _column(found.place.path, match)
            left_out.append(
                placed(
                    problem(
                        ErrorCode.XLSFORM_ADAPTED,
                        LEFT_OUT[column],
                        severity="warning",
                        path=found.place.path,
                        file=file,
                        reason=found.message,
                    ),
                    column=column,
                )
            )
            drops.setdefault(match.group("owner"), set()).add(
                int(match.group("check")) if match.group("check") is not None else -1
            )
        for owner, which in drops.items():
            _drop(data, owner, which)


def _column(path: str, match: re.Match[str]) -> str:
    if match.group("check") is not None:
        return "constraint"
    if re.search(r"\.options\[\d+\]$", match.group("owner")):
        return "choice_filter"
    return "relevant"


def _drop(data: dict[str, Any], owner: str, which: set[int]) -> None:
    """Take out the show_if (-1) and the checks (their indexes) of the part at ``owner``."""
    node: Any = data
    for name, index in re.findall(r"(\w+)|\[(\d+)\]", owner):
        node = node[name] if name else node[int(index)]
    if -1 in which:
        node.pop("show_if", None)
    kept = [c for i, c in enumerate(node.get("checks", [])) if i not in which]
    if "checks" in node:
        node["checks"] = kept
