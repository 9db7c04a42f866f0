"""The one shape of a user-facing problem, shared by every package of the house.

A :class:`Problem` is a stable code, an English message template marked with :func:`N_`
(so that ``make translations`` extracts it), the parameters that fill it, and the
:class:`Place` the user must look at (file, line, row, column, questionnaire path). The
web layer and the CLI render every problem the same way, in the user's language, through
:meth:`Problem.translated`; ``str()`` gives the English text for logs and tests.

This module sits below every other: the leaf packages (``questionnaires``, ``sampling``,
``cati.stats``) may import it and nothing else of the house, so it imports only the
standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

Gettext = Callable[[str], str]


def N_(text: str) -> str:
    """Mark a message template for extraction without translating it here."""
    return text


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Place:
    """Where a problem is, in the words of the file the user has open."""

    file: str | None = None
    line: int | None = None  # a line of a text file (YAML)
    row: int | None = None  # a row as a spreadsheet shows it
    column: str | None = None
    path: str = ""  # inside a questionnaire: blocks[0].questions[3].show_if

    def text(self, gettext: Gettext = _identity) -> str:
        """'frame.csv, row 7, column 'phone'': the known parts in reading order."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(gettext(N_("line %(line)s")) % {"line": self.line})
        if self.row is not None:
            parts.append(gettext(N_("row %(row)s")) % {"row": self.row})
        if self.column:
            parts.append(gettext(N_("column '%(column)s'")) % {"column": self.column})
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)

    def __str__(self) -> str:
        return self.text()

    def __bool__(self) -> bool:
        return bool(self.text())


NOWHERE = Place()


def _jsonable(value: Any) -> bool:
    return value is None or type(value) in (str, int, float, bool)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing a user got wrong (or should know about), with where it is."""

    code: str
    template: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    place: Place = NOWHERE
    severity: str = "error"  # "error" stops the work; "warning" is reported only

    @property
    def message(self) -> str:
        """The English message without its place."""
        return self.template % dict(self.params)

    def as_json(self) -> dict[str, Any]:
        """The problem as JSON values, kept where it is shown later in the reader's
        language (a background job's result); parameters that are no JSON become text."""
        return {
            "code": str(self.code),
            "template": self.template,
            "params": {k: v if _jsonable(v) else str(v) for k, v in self.params.items()},
            "place": {k: getattr(self.place, k) for k in Place.__slots__},
            "severity": self.severity,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Problem:
        return cls(
            data["code"],
            data["template"],
            dict(data["params"]),
            Place(**data["place"]),
            data["severity"],
        )

    def translated(self, gettext: Gettext = _identity) -> str:
        """Place and message in the language of ``gettext`` (the code stays as it is)."""
        message = gettext(self.template) % dict(self.params)
        where = self.place.text(gettext)
        return f"{where}: {message}" if where else message

    def __str__(self) -> str:
        where = self.place.text()
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.severity} {self.code}: {self.message}"


class ProblemError(Exception):
    """Raised with one or more problems; every package's user-facing error derives from it."""

    def __init__(self, problems: Problem | Iterable[Problem]) -> None:
        self.problems: list[Problem] = (
            [problems] if isinstance(problems, Problem) else list(problems)
        )
        if not self.problems:
            raise ValueError(f"{type(self).__name__} needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def problem(self) -> Problem:
        """The first problem (most errors carry exactly one)."""
        return self.problems[0]

    def texts(self, gettext: Gettext = _identity) -> list[str]:
        """Every problem's text (place and message) in the language of ``gettext``."""
        return [p.translated(gettext) for p in self.problems]
