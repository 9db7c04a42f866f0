"""One error type for the whole package: shared problems with stable codes and their place.

Every problem is a :class:`cati.problems.Problem` (the one module of the house this package
may import): a code below, an English template marked ``N_`` so the catalogue carries its
Spanish text, its parameters, and the file, row (as the user sees it in the file) and column,
so the researcher can fix the file without reading a traceback. Codes never change meaning
once released: callers (the web layer, the CLI, scripts) may match on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from cati.problems import N_, NOWHERE, Place, Problem, ProblemError


class ErrorCode(StrEnum):
    """Stable codes for everything a user can get wrong in a frame, a design or an RDD table."""

    FILE_NOT_FOUND = "S100"
    FILE_FORMAT = "S101"
    MISSING_COLUMN = "S102"
    MISSING_VALUE = "S103"
    NOT_A_NUMBER = "S104"
    COORDINATE_RANGE = "S105"
    PHONE_UNPARSABLE = "S110"
    PHONE_INVALID = "S111"
    PHONE_DUPLICATE = "S112"
    NO_PHONE = "S113"
    ID_DUPLICATE = "S114"
    TIME_ZONE_UNKNOWN = "S120"
    TIME_ZONE_MISSING = "S121"
    FRAME_REJECTED = "S130"
    FRAME_EMPTY = "S131"
    DESIGN_INPUT = "S200"
    ALLOCATION_INFEASIBLE = "S201"
    RDD_INPUT = "S300"


# What each code means in a few words: the `reason` column of a frame's problem table.
SUMMARIES: dict[ErrorCode, str] = {
    ErrorCode.FILE_NOT_FOUND: N_("file not found"),
    ErrorCode.FILE_FORMAT: N_("unsupported or unreadable file"),
    ErrorCode.MISSING_COLUMN: N_("declared column is missing from the file"),
    ErrorCode.MISSING_VALUE: N_("required value is empty"),
    ErrorCode.NOT_A_NUMBER: N_("value is not a number"),
    ErrorCode.COORDINATE_RANGE: N_("coordinate out of range"),
    ErrorCode.PHONE_UNPARSABLE: N_("phone number cannot be read"),
    ErrorCode.PHONE_INVALID: N_("phone number is impossible or not assigned"),
    ErrorCode.PHONE_DUPLICATE: N_("phone number already appears in an earlier row"),
    ErrorCode.NO_PHONE: N_("row has no phone number"),
    ErrorCode.ID_DUPLICATE: N_("id already appears in an earlier row"),
    ErrorCode.TIME_ZONE_UNKNOWN: N_("time zone is not an IANA name"),
    ErrorCode.TIME_ZONE_MISSING: N_("time zone cannot be inferred from coordinates or phone"),
    ErrorCode.FRAME_REJECTED: N_("frame has errors and was not imported"),
    ErrorCode.FRAME_EMPTY: N_("frame has no usable rows"),
    ErrorCode.DESIGN_INPUT: N_("invalid design input"),
    ErrorCode.ALLOCATION_INFEASIBLE: N_("allocation bounds cannot be met"),
    ErrorCode.RDD_INPUT: N_("invalid RDD bank table"),
}


class SamplingError(ProblemError):
    """Raised for every problem a user can cause. A frame refused whole carries its headline
    (S130) first and then every problem found in its rows, so callers can show them all."""

    @classmethod
    def one(
        cls, code: ErrorCode, template: str, place: Place = NOWHERE, /, **params: Any
    ) -> SamplingError:
        """The error of a single problem: `template` (marked ``N_``) filled with `params`."""
        return cls(Problem(code, template, params, place))

    @property
    def code(self) -> ErrorCode:
        """The headline's code."""
        return ErrorCode(self.problem.code)

    @property
    def row_problems(self) -> list[Problem]:
        """The problems after the headline: those of every row of a frame refused whole."""
        return self.problems[1:]


def missing_columns(
    columns: Iterable[str], found: Iterable[object], file: str | None = None
) -> SamplingError:
    """The error for declared columns the table does not have, naming the headers it has."""
    return SamplingError.one(
        ErrorCode.MISSING_COLUMN,
        N_(
            "declared column is missing from the file: %(columns)s (the file's columns: "
            "%(found)s); name the column in the file's header, or declare the one it has"
        ),
        Place(file=file),
        columns=", ".join(columns),
        found=", ".join(str(c) for c in found) or "none",
    )
