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
from questionnaires.model import IDENTIFIER_PATTERN, Questionnaire

# The line of every value, by its path: ('questions', 1, 'text') -> 12.
LineMap = dict[tuple[str | int, ...], int]

# Why pydantic refused a value, in our words (translated), by the type of its error; the
# parameters come from the error's context. Other types keep pydantic's own words.
REASONS: dict[str, str] = {
    "missing": N_("is required"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("is longer than %(max_length)s characters"),
    "string_type": N_("must be text"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "literal_error": N_("must be one of %(expected)s"),
    "union_tag_invalid": N_("type %(tag)r is not one of %(expected_tags)s"),
    "greater_than": N_("must be more than %(gt)s"),
    "greater_than_equal": N_("must be at least %(ge)s"),
    "less_than": N_("must be less than %(lt)s"),
    "less_than_equal": N_("must be at most %(le)s"),
    "too_short": N_("needs at least %(min_length)s items"),
    "too_long": N_("has more than %(max_length)s items"),
    "extra_forbidden": N_("unknown key (a typo?)"),
    "dict_type": N_("must be a mapping of keys"),
    "model_type": N_("must be a mapping of keys"),
    "model_attributes_type": N_("must be a mapping of keys"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
    "identifier": N_(
        "must start with a letter and hold only letters, digits and _ (at most 64 characters)"
    ),
    "string_pattern_mismatch": N_("does not have the form %(pattern)s"),
}


def _data_path(data: Any, loc: tuple[Any, ...], missing: bool) -> tuple[str | int, ...]:
    """Follow pydantic's error location through the data, dropping the tags it adds for
    union branches, so the path matches what is written in the file."""
    path: list[str | int] = []
    current = data
    for n, part in enumerate(loc):
        tag = n > 0 and isinstance(loc[n - 1], int) and isinstance(current, dict)
        if tag and current.get("type") == part:
            continue  # a question's type ("text") even where the question has a key of its name
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
    errors = exc.errors(include_url=False)
    # A list whose items were refused counts no items; its own "too short" says no more.
    deeper = {tuple(err["loc"][:n]) for err in errors for n in range(len(err["loc"]))}
    for err in errors:
        if err["type"] == "too_short" and tuple(err["loc"]) in deeper:
            continue
        path = _data_path(data, tuple(err["loc"]), err["type"] == "missing")
        if path in seen:
            continue  # a union reports once per branch; the first says enough
        seen.add(path)
        cause = err.get("ctx", {}).get("error")
        place = {"path": format_path(path), "file": file, "line": line_for(lines, path)}
        if isinstance(cause, InvalidValue):
            problems.append(placed(cause.problem, **place))
        else:
            problems.append(_reason(err, place))
    return problems


def _reason(err: Any, place: dict[str, Any]) -> Problem:
    kind = err["type"]
    params = {k: v for k, v in err.get("ctx", {}).items() if isinstance(v, str | int | float)}
    if kind == "string_pattern_mismatch" and params.get("pattern") == IDENTIFIER_PATTERN:
        kind = "identifier"
    if kind in REASONS:
        return problem(ErrorCode.INVALID_VALUE, REASONS[kind], **params, **place)
    detail = err["msg"].removeprefix("Value error, ")  # pydantic's words for a type
    return problem(ErrorCode.INVALID_VALUE, LIBRARY_MESSAGE, detail=detail, **place)


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
