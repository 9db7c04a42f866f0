"""The one error type the package raises, with stable codes and the place of each problem.

Problems have the shape every package of the house shares (``cati.problems``): a code, an
English template marked with ``N_`` for translation, its parameters and a place.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from cati.problems import Place, Problem, ProblemError


class ErrorCode(StrEnum):
    """Stable codes for user-facing problems; the text may improve, the code never changes."""

    FILE_UNREADABLE = "Q001"
    FILE_TOO_LARGE = "Q002"
    YAML_SYNTAX = "Q003"
    TOO_DEEP = "Q004"
    TOO_MANY_NODES = "Q005"
    NOT_A_MAPPING = "Q006"
    FILE_TYPE = "Q007"
    INVALID_VALUE = "Q010"
    EXPRESSION_SYNTAX = "Q020"
    EXPRESSION_TOO_LONG = "Q021"
    UNDEFINED_NAME = "Q030"
    TYPE_ERROR = "Q031"
    UNREACHABLE = "Q032"
    GOTO_CYCLE = "Q033"
    GOTO_TARGET = "Q034"
    DUPLICATE_ID = "Q035"
    MISSING_TRANSLATION = "Q036"
    LOOP_SOURCE = "Q037"
    VARIABLE_NAME = "Q038"
    RANDOMIZE_GROUP = "Q039"
    SPECIAL_CODE = "Q046"
    VERSION_CHANGE = "Q070"
    VERSION_INCOMPATIBLE = "Q071"
    XLSFORM_UNSUPPORTED = "Q050"
    XLSFORM_INVALID = "Q051"
    XLSFORM_ADAPTED = "Q052"  # a warning: imported, but not as the form says (skipped, ...)
    XLSFORM_LEFT_OUT = "Q053"  # a warning: what an XLSForm written from a questionnaire lacks
    TEXT_SHEET = "Q060"  # the workbook of texts for a translator, read back


# The words of another library (pydantic, PyYAML) passed through as they are: not ours to
# translate. Our own refusals always have a template of their own.
LIBRARY_MESSAGE = "%(detail)s"


def problem(
    code: ErrorCode,
    template: str,
    *,
    path: str = "",
    file: str | None = None,
    line: int | None = None,
    column: str | None = None,
    severity: str = "error",
    **params: Any,
) -> Problem:
    """A problem in a questionnaire: ``template`` is English marked with ``N_``, filled with
    ``params`` (``%(name)s``) when shown, in the user's language."""
    place = Place(file=file, line=line, column=column, path=path)
    return Problem(code, template, MappingProxyType(params), place, severity)


def placed(found: Problem, code: ErrorCode | None = None, **place: Any) -> Problem:
    """The same problem (under ``code`` when given) at a place with some of its parts
    (file, line, path...) replaced."""
    return replace(found, code=code or found.code, place=replace(found.place, **place))


class QuestionnaireError(ProblemError):
    """A questionnaire could not be read, parsed or checked; carries every problem found."""

    @property
    def code(self) -> ErrorCode:
        return ErrorCode(self.problem.code)


class InvalidValue(ValueError):
    """A model validator's refusal, carried through pydantic's ValidationError to the
    reader, which gives the problem its place in the file."""

    def __init__(self, found: Problem) -> None:
        super().__init__(found.message)
        self.problem = found


def format_path(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """('blocks', 0, 'questions', 3, 'show_if') -> 'blocks[0].questions[3].show_if'."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
