"""The one error type the package raises, with stable codes and the place of each problem."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ErrorCode(Enum):
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
    XLSFORM_UNSUPPORTED = "Q050"
    XLSFORM_INVALID = "Q051"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a questionnaire, with where it is."""

    code: ErrorCode
    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    severity: str = "error"  # "error" stops loading; "warning" is reported only

    def place(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)

    def __str__(self) -> str:
        place = self.place()
        prefix = f"{place}: " if place else ""
        return f"{prefix}{self.severity} {self.code.value}: {self.message}"


class QuestionnaireError(Exception):
    """A questionnaire could not be read, parsed or checked; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        if not self.problems:
            raise ValueError("QuestionnaireError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def code(self) -> ErrorCode:
        return self.problems[0].code


def format_path(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """('blocks', 0, 'questions', 3, 'show_if') -> 'blocks[0].questions[3].show_if'."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
