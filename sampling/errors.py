"""One error type for the whole package, with stable codes and messages that name the place.

Codes never change meaning once released: callers (the web layer, the CLI, scripts) may
match on them. Messages name the file, the row as the user sees it in the file, and the
column, so the researcher can fix the file without reading a traceback.
"""

from __future__ import annotations

from enum import Enum


class ErrorCode(Enum):
    """Stable codes for everything a user can get wrong in a frame, a design or an RDD table."""

    FILE_NOT_FOUND = ("S100", "file not found")
    FILE_FORMAT = ("S101", "unsupported or unreadable file")
    MISSING_COLUMN = ("S102", "declared column is missing from the file")
    MISSING_VALUE = ("S103", "required value is empty")
    NOT_A_NUMBER = ("S104", "value is not a number")
    COORDINATE_RANGE = ("S105", "coordinate out of range")
    PHONE_UNPARSABLE = ("S110", "phone number cannot be read")
    PHONE_INVALID = ("S111", "phone number is impossible or not assigned")
    PHONE_DUPLICATE = ("S112", "phone number already appears in an earlier row")
    NO_PHONE = ("S113", "row has no phone number")
    ID_DUPLICATE = ("S114", "id already appears in an earlier row")
    TIME_ZONE_UNKNOWN = ("S120", "time zone is not an IANA name")
    TIME_ZONE_MISSING = ("S121", "time zone cannot be inferred from coordinates or phone")
    FRAME_REJECTED = ("S130", "frame has errors and was not imported")
    FRAME_EMPTY = ("S131", "frame has no usable rows")
    DESIGN_INPUT = ("S200", "invalid design input")
    ALLOCATION_INFEASIBLE = ("S201", "allocation bounds cannot be met")
    RDD_INPUT = ("S300", "invalid RDD bank table")

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def summary(self) -> str:
        return self.value[1]


def place(file: str | None = None, row: int | None = None, column: str | None = None) -> str:
    """'frame.csv, row 7, column 'phone'' — the parts that are known, in reading order."""
    parts = []
    if file:
        parts.append(str(file))
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(f"column '{column}'")
    return ", ".join(parts)


class SamplingError(Exception):
    """Raised for every problem a user can cause; carries a stable code and the place."""

    def __init__(
        self,
        code: ErrorCode,
        detail: str = "",
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        report: object | None = None,
    ) -> None:
        self.code = code
        self.detail = detail
        self.file = file
        self.row = row
        self.column = column
        # A frame refused whole carries its ValidationReport so callers can show every issue.
        self.report = report
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = place(self.file, self.row, self.column)
        text = self.code.summary + (f": {self.detail}" if self.detail else "")
        return f"{where}: {text} [{self.code.code}]" if where else f"{text} [{self.code.code}]"
