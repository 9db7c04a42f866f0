"""pyxform's own verdict on a workbook: a form pyxform refuses is refused here too.

pyxform builds its XForm from the sheets already read (no second read of the file, no ODK
Validate, no Java); its refusal names a row as ``[row : 5]`` or quotes the offending value,
from which the sheet and row of our problem are found.
"""

from __future__ import annotations

import re
from typing import Any

from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json

from cati.problems import N_, Problem
from questionnaires.errors import ErrorCode, problem

_ROW = re.compile(r"\[row\s*:\s*(\d+)\]")
_SHEET = re.compile(r"'(survey|choices|settings|external_choices|entities)' sheet")
_QUOTED = re.compile(r"'([^']+)'")


def pyxform_refusal(data: Any, file: str) -> Problem | None:
    """The problem pyxform finds in the read workbook ``data``, or None when it accepts it."""
    try:
        found = workbook_to_json(
            workbook_dict=data, fallback_form_name=data.fallback_form_name, warnings=[]
        )
        create_survey_element_from_dict(found).to_xml(validate=False, warnings=[])
    except PyXFormError as exc:
        message = str(exc).strip()
    except Exception as exc:  # pyxform's internals on an odd sheet: no XForm either way
        message = f"{type(exc).__name__}: {exc}"
    else:
        return None
    sheet_match = _SHEET.search(message)
    sheet = sheet_match.group(1) if sheet_match else "survey"
    row_match = _ROW.search(message)
    row = int(row_match.group(1)) if row_match else _row_quoted(data, sheet, message)
    if row is None and "choices sheet" in message:  # no choices at all: the first select
        row = next(
            (
                i + 2
                for i, r in enumerate(data.survey or [])
                if re.match(r"(select|rank)", str(r.get("type", "")).strip(), re.I)
            ),
            None,
        )
    where = f"{sheet} sheet" + (f", row {row}" if row is not None else "")
    return problem(
        ErrorCode.XLSFORM_INVALID,
        N_("pyxform refuses the form: %(reason)s"),
        path=where,
        file=file,
        line=row,
        reason=_ROW.sub("", message).strip(),
    )


def _row_quoted(data: Any, sheet: str, message: str) -> int | None:
    """The first row of ``sheet`` holding a value the message quotes (a type, a name)."""
    quoted = {q.strip() for q in _QUOTED.findall(message)}
    quoted.add(message.rpartition(": ")[2].strip().rstrip("."))  # "... sheet: nolist"
    quoted.discard("")
    for index, row in enumerate(getattr(data, sheet, None) or []):
        for value in row.values():
            text = str(value).strip()
            if text in quoted or (text.split() or [""])[-1] in quoted:  # select_one nolist
                return index + 2
    return None
