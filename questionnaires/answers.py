"""How answers are stored and validated.

A special answer (don't know, refused, timed out) is stored as ``{"special": kind}`` in
place of a value; :func:`special` builds one and :func:`special_kind` tells it apart.
:func:`data_codes` gives the numbers the data files write for them, per question, never a
legal answer of that question (the rule is in docs/questionnaire-format.md).
Each validator takes the submitted value and returns ``(clean value, error code)``; the
clean value is what is stored. Special answers are handled before the validators.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from questionnaires.model import (
    AnyQuestion,
    Calculate,
    DateTime,
    Display,
    Grid,
    MultipleChoice,
    Numeric,
    OpenText,
    Questionnaire,
    Rating,
    SingleChoice,
    SpecialCodes,
)

# An answer that is not a value: don't know, refused, timed out.
SPECIAL_KEY = "special"
DONT_KNOW = "dk"
REFUSED = "ref"
TIMED_OUT = "timeout"

REQUIRED = "required"
INVALID = "invalid"
TOO_FEW = "too_few"
TOO_MANY = "too_many"
EXCLUSIVE = "exclusive"
OUT_OF_RANGE = "out_of_range"
TOO_LONG = "too_long"
NOT_ALLOWED = "special_not_allowed"
CHECK = "check"

MESSAGES = {
    "en": {
        REQUIRED: "An answer is required.",
        INVALID: "This answer is not valid here.",
        TOO_FEW: "Choose more options.",
        TOO_MANY: "Choose fewer options.",
        EXCLUSIVE: "This option cannot be combined with others.",
        OUT_OF_RANGE: "The value is out of range.",
        TOO_LONG: "The text is too long.",
        NOT_ALLOWED: "Don't know / refused is not allowed here.",
    },
    "es": {
        REQUIRED: "Hace falta una respuesta.",
        INVALID: "Esta respuesta no es válida aquí.",
        TOO_FEW: "Elija más opciones.",
        TOO_MANY: "Elija menos opciones.",
        EXCLUSIVE: "Esta opción no se puede combinar con otras.",
        OUT_OF_RANGE: "El valor está fuera de rango.",
        TOO_LONG: "El texto es demasiado largo.",
        NOT_ALLOWED: "No sabe / no contesta no está permitido aquí.",
    },
}

Result = tuple[Any, str | None]


# A grid's rows still unanswered, named in one sentence.
ROWS_MESSAGES = {"en": "Answer every row: {rows}.", "es": "Responda a todas las filas: {rows}."}


def message(code: str, language: str) -> str:
    return MESSAGES.get(language, MESSAGES["en"])[code]


def rows_message(rows: list[str], language: str) -> str:
    return ROWS_MESSAGES.get(language, ROWS_MESSAGES["en"]).format(rows=", ".join(rows))


def special(kind: str) -> dict[str, str]:
    """The stored form of a special answer of ``kind`` (DONT_KNOW, REFUSED, TIMED_OUT)."""
    return {SPECIAL_KEY: kind}


def special_kind(raw: Any) -> str | None:
    """The kind of a special answer, or None for an ordinary value."""
    if isinstance(raw, dict) and len(raw) == 1 and SPECIAL_KEY in raw:
        return raw[SPECIAL_KEY]
    return None


def plain(raw: Any) -> Any:
    """The value of an answer for computing: special answers count as missing."""
    return None if special_kind(raw) is not None else raw


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _is_int(value: Any) -> bool:
    return type(value) is int or (type(value) is float and value.is_integer())


def allows_special(questionnaire: Questionnaire, question: AnyQuestion, kind: str) -> bool:
    if isinstance(question, Calculate):
        return False  # computed, never asked
    if kind == DONT_KNOW:
        allowed = question.dont_know
        return questionnaire.dont_know if allowed is None else allowed
    if kind == REFUSED:
        allowed = question.refused
        return questionnaire.refused if allowed is None else allowed
    return False


def special_kinds(questionnaire: Questionnaire, question: AnyQuestion) -> tuple[str, ...]:
    """The special answers this question can have: don't know, refused, timed out."""
    kinds = [k for k in (DONT_KNOW, REFUSED) if allows_special(questionnaire, question, k)]
    if question.time_limit is not None:
        kinds.append(TIMED_OUT)
    return tuple(kinds) if question.has_value else ()


def legal_bounds(question: AnyQuestion) -> tuple[float | None, float | None]:
    """The lowest and highest legal numeric answer (None: unbounded on that side; an
    answer without numbers, text or a date, has (None, None) too)."""
    if isinstance(question, Numeric | Rating):
        return question.min, question.max
    codes = [o.code for o in _options(question)]
    return (min(codes), max(codes)) if codes else (None, None)


def is_legal(question: AnyQuestion, code: int) -> bool:
    """Whether ``code`` is an answer the question takes as a value of its own."""
    if isinstance(question, Numeric | Rating):
        low, high = question.min, question.max
        return (low is None or code >= low) and (high is None or code <= high)
    return any(o.code == code for o in _options(question))


def _options(question: AnyQuestion) -> tuple[Any, ...]:
    return getattr(question, "options", None) or getattr(question, "scale", None) or ()


def _by_kind(codes: SpecialCodes) -> dict[str, int]:
    return {DONT_KNOW: codes.dont_know, REFUSED: codes.refused, TIMED_OUT: codes.timed_out}


def _nines(digits: int, sign: int) -> SpecialCodes:
    top = 10**digits  # 2 digits: 97, 98, 99; 3 digits: 997, 998, 999...
    return SpecialCodes(
        dont_know=sign * (top - 2), refused=sign * (top - 1), timed_out=sign * (top - 3)
    )


def special_codes(questionnaire: Questionnaire, question: AnyQuestion) -> SpecialCodes:
    """The data codes of the question's special answers.

    The question's own ``codes:``, else the questionnaire's ``codes:`` when it gives them
    (the check refuses either where it meets a legal answer). Else 97/98/99 unless one of
    them is a legal answer; then the first of 997/998/999, 9997/9998/9999... above every
    legal answer, or, with no highest answer (a numeric without max), the first of
    -97/-98/-99, -997/-998/-999... below the lowest. A numeric without min and max keeps
    97/98/99 (the check warns)."""
    if question.codes is not None:
        return question.codes
    base = questionnaire.codes
    kinds = special_kinds(questionnaire, question)
    if "codes" in questionnaire.model_fields_set or not any(
        is_legal(question, _by_kind(base)[k]) for k in kinds
    ):
        return base
    low, high = legal_bounds(question)
    if high is None and low is None:
        return base
    digits = 3 if high is not None else 2
    while True:
        codes = _nines(digits, 1 if high is not None else -1)
        values = [_by_kind(codes)[k] for k in kinds]
        if (high is not None and min(values) > high) or (high is None and max(values) < low):
            return codes
        digits += 1


def data_codes(questionnaire: Questionnaire, question: AnyQuestion) -> dict[str, int]:
    """Special answer kind → data code, for the kinds the question can have."""
    codes = _by_kind(special_codes(questionnaire, question))
    return {kind: codes[kind] for kind in special_kinds(questionnaire, question)}


def _single(question: SingleChoice, value: Any) -> Result:
    codes = {o.code for o in question.options}
    if not _is_int(value) or int(value) not in codes:
        return None, INVALID
    return int(value), None


def _multiple(question: MultipleChoice, value: Any) -> Result:
    if not isinstance(value, list) or not all(_is_int(v) for v in value):
        return None, INVALID
    chosen = [int(v) for v in value]
    by_code = {o.code: o for o in question.options}
    if len(set(chosen)) != len(chosen) or any(c not in by_code for c in chosen):
        return None, INVALID
    if len(chosen) > 1 and any(by_code[c].exclusive for c in chosen):
        return None, EXCLUSIVE
    if len(chosen) < question.min_selected:
        return None, TOO_FEW
    if question.max_selected is not None and len(chosen) > question.max_selected:
        return None, TOO_MANY
    return chosen, None


def _numeric(question: Numeric, value: Any) -> Result:
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            return None, INVALID
    if type(value) not in (int, float) or not math.isfinite(value):
        return None, INVALID
    if question.decimals == 0:
        if not _is_int(value):
            return None, INVALID
        value = int(value)
    elif round(value, question.decimals) != value:
        return None, INVALID
    if (question.min is not None and value < question.min) or (
        question.max is not None and value > question.max
    ):
        return None, OUT_OF_RANGE
    return value, None


def _text(question: OpenText, value: Any) -> Result:
    if not isinstance(value, str):
        return None, INVALID
    value = value.strip()
    if len(value) > question.max_length:
        return None, TOO_LONG
    return value, None


def _rating(question: Rating, value: Any) -> Result:
    if not _is_int(value):
        return None, INVALID
    if not question.min <= value <= question.max:
        return None, OUT_OF_RANGE
    return int(value), None


def _date(question: DateTime, value: Any) -> Result:
    parser = {"date": date, "time": time, "datetime": datetime}[question.kind]
    if not isinstance(value, str):
        return None, INVALID
    try:
        return parser.fromisoformat(value.strip()).isoformat(), None
    except ValueError:
        return None, INVALID


VALIDATORS: dict[type, Callable[[Any, Any], Result]] = {
    SingleChoice: _single,
    MultipleChoice: _multiple,
    Numeric: _numeric,
    OpenText: _text,
    Rating: _rating,
    DateTime: _date,
}


def validate_grid(
    questionnaire: Questionnaire, question: Grid, value: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """A grid is answered row by row (or don't know / refused as a whole); returns the clean
    answer and the errors per row id."""
    rows: dict[str, Any] = {}
    errors: dict[str, str] = {}
    whole = special_kind(value)
    if whole is not None:  # don't know / refused for the whole grid
        if allows_special(questionnaire, question, whole):
            return value, {}
        return rows, {"_": NOT_ALLOWED}
    given = value if isinstance(value, dict) else {}
    codes = {o.code for o in question.scale}
    for item in question.items:
        cell = given.get(item.id)
        kind = special_kind(cell)
        if kind is not None:
            if allows_special(questionnaire, question, kind):
                rows[item.id] = cell
            else:
                errors[item.id] = NOT_ALLOWED
        elif is_empty(cell):
            if question.required:
                errors[item.id] = REQUIRED
            else:
                rows[item.id] = None
        elif question.multiple:
            ok = isinstance(cell, list) and all(_is_int(c) and int(c) in codes for c in cell)
            if ok and len(set(cell)) == len(cell):
                rows[item.id] = [int(c) for c in cell]
            else:
                errors[item.id] = INVALID
        elif _is_int(cell) and int(cell) in codes:
            rows[item.id] = int(cell)
        else:
            errors[item.id] = INVALID
    if isinstance(value, dict) and set(value) - {i.id for i in question.items}:
        errors["_"] = INVALID
    return rows, errors


def validate(questionnaire: Questionnaire, question: AnyQuestion, value: Any) -> Result:
    """Validate one non-grid answer (grids go through ``validate_grid``)."""
    if isinstance(question, Display):
        return None, None
    kind = special_kind(value)
    if kind is not None:
        if allows_special(questionnaire, question, kind):
            return special(kind), None
        return None, NOT_ALLOWED
    if is_empty(value) or (isinstance(value, str) and not value.strip()):
        return None, (REQUIRED if question.required else None)
    return VALIDATORS[type(question)](question, value)
