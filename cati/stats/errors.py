"""Errors a user can cause with bad data or a bad specification, as shared problems.

``cati.stats`` is a leaf package: of the rest of the house it imports only
:mod:`cati.problems`, so its errors have the one shape every package shares (a stable code
below, an English template marked ``N_`` for the catalogue, its parameters and, for an
unknown variable, the column as the place). Codes never change meaning once released. The
errors stay ``ValueError``\\s, as callers that only know Python's own types expect.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from cati.problems import N_, NOWHERE, Place, Problem, ProblemError


class ErrorCode(StrEnum):
    """Stable codes for everything a specification or the data can get wrong."""

    UNKNOWN_VARIABLE = "T001"
    DISPOSITION_UNKNOWN = "T101"
    DISPOSITION_COUNT_NEGATIVE = "T102"
    ELIGIBILITY_SHARE = "T103"
    CATEGORY_UNKNOWN = "T201"
    NET_MEMBER_UNKNOWN = "T202"
    SIZE_MISMATCH = "T203"
    STRATUM_MISSING = "T301"
    FPC_INVALID = "T302"
    WEIGHTS_INVALID = "T303"
    SINGLE_RESPONDENT_STRATUM = "T304"
    LONELY_PSU_OPTION = "T305"
    REPLICATE_WEIGHTS = "T306"
    CALIBRATION_FAILED = "T307"
    DESIGN_COLUMN = "T308"
    NO_RESPONDENTS = "T401"
    PROPORTION_VALUES = "T402"
    INTERVAL_METHOD = "T403"
    TABLE_TOO_SMALL = "T404"
    INCLUSION_PROBABILITY = "T501"
    EMPTY_CELL = "T502"
    TARGETS_INVALID = "T503"
    VALUE_WITHOUT_TARGET = "T504"
    START_WEIGHTS = "T505"
    RAKING_SETTINGS = "T506"
    TRIMMING_SETTINGS = "T507"


class StatsError(ProblemError, ValueError):
    """A problem with the data or the specification: one problem, its message naming the place."""

    def __init__(
        self, code: ErrorCode, template: str, place: Place = NOWHERE, /, **params: Any
    ) -> None:
        super().__init__(Problem(code, template, params, place))

    @property
    def code(self) -> ErrorCode:
        return ErrorCode(self.problem.code)


class UnknownVariableError(StatsError):
    """A variable named in a specification is not a column of the data."""

    def __init__(self, variable: str) -> None:
        super().__init__(
            ErrorCode.UNKNOWN_VARIABLE,
            N_("unknown variable: it is not a column of the data"),
            Place(column=variable),
        )
        self.variable = variable


class WeightingError(StatsError):
    """Weighting targets or inputs that cannot be used (bad shares, empty cells, bad weights)."""


def require_columns(columns: object, names: list[str] | tuple[str, ...]) -> None:
    """Raise :class:`UnknownVariableError` for the first name not in ``columns``."""
    for name in names:
        if name not in columns:  # type: ignore[operator]
            raise UnknownVariableError(name)
