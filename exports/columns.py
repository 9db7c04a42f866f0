"""What the exporters know about a column, and which columns leave the house.

The exporters take a DataFrame and a sequence of column descriptions. ``ColumnLike`` is the
shape they need; ``cati.dataset.ColumnMeta`` has it, and so can any plain dataclass.

Personal data rule: sample variables (``source == "sample"``: names, phones, addresses,
anything the client's list carried) are personal unless named in ``safe``. They are left out
unless ``include_personal`` is set. Answers and paradata (ids, status, weights, timings) go.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Protocol

import pandas as pd

from questionnaires.model import Questionnaire
from questionnaires.piping import PLACEHOLDER

# The name ending of the variable that holds a text or date question's Don't know/Refused
# code (the answer's own variable cannot): the same in SPSS, Stata and Triple-S.
COMPANION = "_sp"


class ColumnLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def kind(self) -> str: ...  # "numeric" or "string"
    @property
    def value_labels(self) -> Mapping[int, str]: ...
    @property
    def value_names(self) -> Mapping[int, str]: ...  # code -> XLSForm choice name
    @property
    def missing(self) -> tuple[int, ...]: ...
    @property
    def source(self) -> str: ...  # "question", "sample" or "paradata"
    @property
    def question_id(self) -> str | None: ...


def is_personal(column: ColumnLike, safe: Iterable[str] = ()) -> bool:
    return column.source == "sample" and column.name not in set(safe)


def select_columns(
    columns: Sequence[ColumnLike], *, include_personal: bool = False, safe: Iterable[str] = ()
) -> list[ColumnLike]:
    """The columns to export under the personal-data rule (see the module docstring)."""
    safe = set(safe)
    return [c for c in columns if include_personal or not is_personal(c, safe)]


# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-15.37116", "+3") starts like a formula but runs nothing.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def neutralize(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


# Date, time and date-time answers are ISO 8601 text in the data set.
TEMPORAL = {
    "date": (re.compile(r"\d{4}-\d{2}-\d{2}"), date.fromisoformat),
    "time": (re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?"), time.fromisoformat),
    "datetime": (
        re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"),
        datetime.fromisoformat,
    ),
}


def is_code(value: object) -> bool:
    """A whole number in a text or date column: a special answer's code (answers are text)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return not math.isnan(value) and float(value).is_integer()


def temporal_kind(values: Iterable[object]) -> str | None:
    """ "date", "time" or "datetime" when every text value is one in ISO 8601 (at least one;
    the other values special codes or blanks), else None."""
    strings = []
    for v in values:
        if isinstance(v, str):
            strings.append(v)
        elif not (_blank(v) or is_code(v)):
            return None
    for kind, (pattern, _) in TEMPORAL.items():
        if strings and all(pattern.fullmatch(v) for v in strings):
            return kind
    return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == "NaT"


def parse_temporal(kind: str, text: str) -> date | time | datetime:
    return TEMPORAL[kind][1](text)


def kind_of(
    column: ColumnLike, questionnaire: Questionnaire | None, series: pd.Series
) -> tuple[str, int | None]:
    """What a column holds, from its question's type, and its decimals (None: as the data
    has them): ``code`` (single choice, a multiple choice's 0/1), ``ordinal`` (rating, grid
    item), ``number``, ``text``, ``date``, ``time`` or ``datetime``."""
    plan = questionnaire.plan.questions.get(column.question_id or "") if questionnaire else None
    if plan is None:
        if pd.api.types.is_datetime64_any_dtype(series) or any(
            isinstance(v, datetime) for v in series.dropna().head(1)
        ):
            return "datetime", None
        if column.kind == "string":
            return "text", None
        return ("code", 0) if column.value_labels else ("number", None)
    question = plan.question
    if question.type in ("single", "multiple"):
        return "code", 0
    if question.type in ("rating", "grid"):
        return ("text", None) if column.kind == "string" else ("ordinal", 0)
    if question.type == "numeric":
        return "number", question.decimals
    if question.type == "date":
        return question.kind, None
    if question.type == "calculate":  # numeric when its values all are (cati.dataset)
        return ("text", None) if column.kind == "string" else ("number", None)
    return "text", None


def without_placeholders(text: str, questionnaire: Questionnaire | None = None) -> str:
    """A label with its piping placeholders as readable stand-ins: ``{nps}`` becomes
    ``[NPS answer]``, ``{sample.name}`` ``[name]``, a loop's ``{item}`` ``[item]``."""
    questions = questionnaire.plan.questions if questionnaire is not None else {}

    def stand_in(match: object) -> str:
        reference = match.group(1).strip()  # type: ignore[attr-defined]
        if reference.startswith("sample."):
            return f"[{reference.removeprefix('sample.')}]"
        if reference.split(".")[0] in questions or questionnaire is None:
            return f"[{reference.upper()} answer]"
        return f"[{reference}]"

    return PLACEHOLDER.sub(stand_in, text)


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…"
