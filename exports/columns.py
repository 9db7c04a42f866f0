"""What the exporters know about a column, and which columns leave the house.

The exporters take a DataFrame and a sequence of column descriptions. ``ColumnLike`` is the
shape they need; ``cati.dataset.ColumnMeta`` has it, and so can any plain dataclass.

Personal data rule: sample variables (``source == "sample"``: names, phones, addresses,
anything the client's list carried) are personal unless named in ``safe``. They are left out
unless ``include_personal`` is set. Answers and paradata (ids, status, weights, timings) go.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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


def neutralize(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
