"""The front door for questionnaire files: the reader is picked by the file's suffix.

A questionnaire comes as a file on disk (a ``Path``), as the bytes of an upload or of a
stored version, or as YAML text (a ``str``). YAML goes to ``loader``, XLSForm workbooks to
``xlsform``; both build the same model, and then the same static checks run on it.
"""

from __future__ import annotations

from pathlib import Path

from cati.problems import N_, Problem
from questionnaires.checks import check
from questionnaires.errors import ErrorCode, QuestionnaireError, problem
from questionnaires.loader import collector_paused, decode, read_text, read_yaml, with_lines
from questionnaires.model import Questionnaire
from questionnaires.xlsform import check_xlsform

YAML_SUFFIXES = (".yaml", ".yml")
XLSFORM_SUFFIXES = (".xlsx", ".xlsm", ".xls")

Source = Path | bytes | str
Checked = tuple[Questionnaire | None, list[Problem]]


def check_questionnaire(source: Source, filename: str | None = None) -> Checked:
    """Read and check a questionnaire; every problem (errors and warnings) is returned,
    none raised.

    ``filename`` names the source in problems and its suffix picks the reader; it defaults
    to the path of a ``Path``. A source without a name is YAML. Text (``str``) named as a
    workbook is a programming mistake, not a user's: TypeError.
    """
    file = str(source) if filename is None and isinstance(source, Path) else filename
    suffix = Path(file).suffix.lower() if file else YAML_SUFFIXES[0]
    try:
        if suffix in XLSFORM_SUFFIXES:
            if isinstance(source, str):
                raise TypeError("a workbook is read from its path or its bytes, not from text")
            return check_xlsform(source, file)
        if suffix not in YAML_SUFFIXES:
            raise QuestionnaireError(
                problem(
                    ErrorCode.FILE_TYPE,
                    N_(
                        "cannot tell the format of %(name)r from its name: a questionnaire is "
                        "YAML (.yaml, .yml) or an XLSForm workbook (.xlsx, .xlsm, .xls)"
                    ),
                    file=file,
                    name=Path(file or "").name,
                )
            )
        if isinstance(source, Path):
            text = read_text(source)
        elif isinstance(source, bytes):
            text = decode(source, file)
        else:
            text = source
    except QuestionnaireError as exc:
        return None, exc.problems
    return _check_yaml(text, file)


def _check_yaml(text: str, file: str | None) -> Checked:
    """The fast path records no line numbers; only when something is wrong is the text
    parsed again with lines, so that every problem names its line."""
    with collector_paused():
        try:
            questionnaire: Questionnaire | None = read_yaml(text, file)
        except QuestionnaireError as exc:
            problems = exc.problems
            questionnaire = None
        else:
            problems = check(questionnaire, file)
        if any(p.place.line is None for p in problems):
            try:
                problems = with_lines(problems, text, file)
            except QuestionnaireError as exc:  # a problem found while reading the YAML itself
                return None, exc.problems
        return questionnaire, problems


def read_questionnaire(source: Source, filename: str | None = None) -> Questionnaire:
    """A checked Questionnaire (see ``check_questionnaire``); raises QuestionnaireError
    listing every error (warnings do not stop it)."""
    questionnaire, problems = check_questionnaire(source, filename)
    errors = [p for p in problems if p.severity == "error"]
    if errors or questionnaire is None:
        raise QuestionnaireError(errors)
    return questionnaire
