"""Plain data (from YAML or from a workbook) into a validated Questionnaire.

Both readers build the same plain data and hand it here; pydantic's errors become problems
whose path is the one written in the file, with its line when the reader knows lines.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from cati.problems import N_, Problem
from questionnaires.errors import (
    LIBRARY_MESSAGE,
    ErrorCode,
    InvalidValue,
    QuestionnaireError,
    format_path,
    placed,
    problem,
)
from questionnaires.model import Questionnaire

# The line of every value, by its path: ('questions', 1, 'text') -> 12.
LineMap = dict[tuple[str | int, ...], int]


def _data_path(data: Any, loc: tuple[Any, ...], missing: bool) -> tuple[str | int, ...]:
    """Follow pydantic's error location through the data, dropping the tags it adds for
    union branches, so the path matches what is written in the file."""
    path: list[str | int] = []
    current = data
    for n, part in enumerate(loc):
        in_dict = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_dict or in_list:
            current = current[part]
            path.append(part)
        elif missing and n == len(loc) - 1:
            path.append(part)
    return tuple(path)


def line_for(lines: LineMap, path: tuple[str | int, ...]) -> int | None:
    """The line of ``path``, else of its nearest parent that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def validation_problems(
    exc: ValidationError, data: Any, lines: LineMap, file: str | None
) -> list[Problem]:
    """One problem per place pydantic refused, named by the path written in the file."""
    problems = []
    seen = set()
    for err in exc.errors(include_url=False):
        path = _data_path(data, tuple(err["loc"]), err["type"] == "missing")
        if path in seen:
            continue  # a union reports once per branch; the first says enough
        seen.add(path)
        cause = err.get("ctx", {}).get("error")
        place = {"path": format_path(path), "file": file, "line": line_for(lines, path)}
        if isinstance(cause, InvalidValue):
            problems.append(placed(cause.problem, **place))
        else:
            detail = err["msg"].removeprefix("Value error, ")  # pydantic's words for a type
            problems.append(
                problem(ErrorCode.INVALID_VALUE, LIBRARY_MESSAGE, detail=detail, **place)
            )
    return problems


def build_questionnaire(
    data: Any, lines: LineMap | None = None, file: str | None = None
) -> Questionnaire:
    """Validate plain data into a Questionnaire; raises QuestionnaireError naming every place."""
    if not isinstance(data, dict):
        raise QuestionnaireError(
            problem(ErrorCode.NOT_A_MAPPING, N_("a questionnaire is a mapping of keys"), file=file)
        )
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireError(validation_problems(exc, data, lines or {}, file)) from None
    except RecursionError:
        raise QuestionnaireError(
            problem(ErrorCode.TOO_DEEP, N_("the questionnaire is nested too deeply"), file=file)
        ) from None
