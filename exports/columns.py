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
