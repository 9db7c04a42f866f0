"""XLSForm import: read the workbook with pyxform's reader and map it onto our model.

pyxform parses the sheets (``pyxform.xls2json_backends.get_xlsform``); headers and types
are reduced to one spelling (``xlsform_headers``), choice lists get integer codes
(``xlsform_choices``), expressions are translated (``xlsform_xpath``) and the survey's
groups are laid out as blocks and pages (``xlsform_survey``, ``xlsform_layout``,
``xlsform_questions``); a form pyxform itself refuses is refused (``xlsform_pyxform``).
The result is validated through the same pydantic model and checks as YAML, and every
problem is placed at its sheet and row. What a telephone cannot ask (a photo, a GPS point)
is skipped with a warning; what we cannot represent faithfully is refused with an error
naming the sheet, the row and the column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import get_xlsform

from cati.problems import N_, Problem
from questionnaires.building import build_questionnaire
from questionnaires.errors import ErrorCode, QuestionnaireError, problem
from questionnaires.model import Questionnaire
from questionnaires.xlsform_leave_out import checked_leaving_out
from questionnaires.xlsform_places import placed_at_rows, rows_by_path
from questionnaires.xlsform_pyxform import pyxform_refusal
from questionnaires.xlsform_survey import SurveyReader

Checked = tuple[Questionnaire | None, list[Problem]]


def read_workbook(
    source: Path | bytes, file: str | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """An XLSForm workbook (a path or its bytes) as the plain data of a questionnaire, with
    the warnings of the import (skipped questions, ignored columns...); each question
    carries its survey row as ``_row`` (``xlsform_places.rows_by_path`` takes it out).

    ``file`` names the workbook in problems (default: the path); its suffix tells pyxform
    the format of bytes, and its stem is the form id when the settings sheet gives none.
    Files a form names (``select_one_from_file``) are read beside a workbook on disk."""
    file = str(source) if file is None else file
    suffix = Path(file).suffix.lower()
    try:
        data = get_xlsform(source, file_type=suffix if isinstance(source, bytes) else None)
    except Exception as exc:
        # pyxform and openpyxl raise whatever their internals hit on a damaged or odd
        # workbook (BadZipFile, zlib.error, AttributeError on a boolean header cell, ...);
        # for an uploaded file every one of them means the same thing to the user.
        reason = str(exc) if isinstance(exc, PyXFormError) else f"{type(exc).__name__}: {exc}"
        raise QuestionnaireError(
            problem(
                ErrorCode.FILE_UNREADABLE,
                N_("cannot read the workbook: %(reason)s"),
                file=file,
                reason=reason,
            )
        ) from None
    folder = source.parent if isinstance(source, Path) else None
    reader = SurveyReader(file, data, data.fallback_form_name or Path(file).stem, folder)
    result = reader.read()
    refusal = pyxform_refusal(data, file)  # after our reading: pyxform may change data
    if refusal is not None:
        raise QuestionnaireError(refusal)
    if reader.problems:
        raise QuestionnaireError(reader.problems)
    return result, reader.warnings


def load_xlsform(
    source: Path | bytes, file: str | None = None
) -> tuple[Questionnaire, list[Problem], dict[str, int]]:
    """``read_workbook`` validated into a Questionnaire (not yet checked), with the
    warnings and the survey row of each question."""
    file = str(source) if file is None else file
    result, warnings = read_workbook(source, file)
    rows = rows_by_path(result)
    try:
        questionnaire = build_questionnaire(result, None, file)
    except QuestionnaireError as exc:
        raise QuestionnaireError(placed_at_rows(exc.problems, rows)) from None
    return questionnaire, warnings, rows


def check_xlsform(source: Path | bytes, file: str | None = None) -> Checked:
    """Read and check a workbook: the questionnaire (None when refused) and every problem,
    each placed at the sheet and row it comes from. pyxform takes the form, so a condition
    our checks cannot use is left out with a warning rather than refusing the form."""
    file = str(source) if file is None else file
    try:
        result, warnings = read_workbook(source, file)
    except QuestionnaireError as exc:
        return None, exc.problems
    return checked_leaving_out(result, warnings, file)


def read_xlsform(source: Path | bytes, file: str | None = None) -> Questionnaire:
    """``load_xlsform``'s questionnaire alone."""
    return load_xlsform(source, file)[0]
