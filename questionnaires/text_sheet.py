"""The texts of a questionnaire for a translator: a workbook with one row per text and one
column per language, and the translated workbook read back into the questionnaire.

The sheet ``texts`` has the columns ``path`` (where the text is, as the checks name it:
``blocks[0].questions[2].text.web``), ``question`` (the question it belongs to, to read by)
and one column per language. A text the same in every language is written in each column;
it stays one text unless a translator makes a column differ. Reading back is all or nothing:
a row whose path is no text of the questionnaire, or a column that is no language of it, is
refused with its row and column, and nothing changes.
"""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from cati.problems import N_, Problem
from questionnaires.errors import ErrorCode, QuestionnaireError, placed, problem
from questionnaires.loader import path_parts
from questionnaires.model import MODES, TEXT_KEYS

SHEET = "texts"
MAX_ROWS = 100_000


@dataclass(frozen=True)
class Text:
    path: str  # as the checks write it
    question: str  # the id of the question it belongs to, "" outside questions
    value: str | dict[str, str]


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def texts(document: dict[str, Any]) -> list[Text]:
    """Every text of the document in the order it is written (sample variables' labels are
    the researcher's own, not read out, and left out)."""
    found: list[Text] = []

    def walk(value: Any, path: str, question: str) -> None:
        if isinstance(value, list):
            for n, item in enumerate(value):
                walk(item, _join(path, n), question)
            return
        if not isinstance(value, dict):
            return
        here = value["id"] if "type" in value and isinstance(value.get("id"), str) else question
        for key, child in value.items():
            where = _join(path, key)
            if key in TEXT_KEYS and isinstance(child, str | dict):
                if isinstance(child, dict) and set(child) == set(MODES):
                    for mode in MODES:
                        if isinstance(child[mode], str | dict):
                            found.append(Text(_join(where, mode), here, child[mode]))
                else:
                    found.append(Text(where, here, child))
            elif key != "sample_variables":
                walk(child, where, here)

    walk(document, "", "")
    return found


def languages_of(document: dict[str, Any]) -> list[str]:
    declared = document.get("languages")
    if isinstance(declared, list) and all(isinstance(x, str) for x in declared) and declared:
        return declared
    return ["en"]


def export_texts(document: dict[str, Any]) -> bytes:
    """The texts as a workbook for a translator."""
    languages = languages_of(document)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(["path", "question", *languages])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for text in texts(document):
        if isinstance(text.value, str):
            values = [text.value] * len(languages)
        else:
            values = [text.value.get(lang) for lang in languages]
        sheet.append([text.path, text.question, *values])
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 38
    for column in "CDEFGH"[: len(languages)]:
        sheet.column_dimensions[column].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _at(file: str, row: int | None, column: str | None, template: str, **params: Any) -> Problem:
    """A problem at a row (as the spreadsheet numbers it) and column of the file."""
    return placed(
        problem(
            ErrorCode.TEXT_SHEET,
            template,
            file=file,
            column=column,
            path=f"sheet '{SHEET}'",
            **params,
        ),
        row=row,
    )


def _rows(data: bytes, file: str) -> list[tuple[Any, ...]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise QuestionnaireError(
            _at(file, None, None, N_("cannot read the workbook: %(reason)s"), reason=str(exc))
        ) from None
    try:
        if SHEET not in book.sheetnames:
            raise QuestionnaireError(
                _at(
                    file,
                    None,
                    None,
                    N_("the workbook has no sheet %(sheet)r (export the texts to get one)"),
                    sheet=SHEET,
                )
            )
        rows = []
        for n, row in enumerate(book[SHEET].iter_rows(values_only=True)):
            if n > MAX_ROWS:
                raise QuestionnaireError(
                    _at(file, n + 1, None, N_("more than %(limit)s rows"), limit=MAX_ROWS)
                )
            rows.append(row)
        return rows
    finally:
        book.close()


def import_texts(document: dict[str, Any], data: bytes, file: str) -> tuple[dict[str, Any], int]:
    """The document with the workbook's texts in it, and how many texts changed; raises
    QuestionnaireError naming the row and column of every problem (nothing is changed)."""
    rows = _rows(data, file)
    header = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else ())]
    if "path" not in header:
        raise QuestionnaireError(
            _at(
                file,
                1,
                None,
                N_("the first row must name a column 'path'"),
            )
        )
    declared = languages_of(document)
    problems: list[Problem] = []
    columns: dict[int, str] = {}
    for n, name in enumerate(header):
        if name in ("path", "question", ""):
            continue
        if name not in declared:
            problems.append(
                _at(
                    file,
                    1,
                    name,
                    N_("%(name)r is not a language of the questionnaire (%(languages)s)"),
                    name=name,
                    languages=", ".join(declared),
                )
            )
        columns[n] = name
    result = copy.deepcopy(document)
    known = {text.path for text in texts(result)}
    where = header.index("path")
    changed = 0
    for number, row in enumerate(rows[1:], start=2):
        path = row[where] if where < len(row) else None
        if path is None or str(path).strip() == "":
            continue
        path = str(path).strip()
        if path not in known:
            problems.append(
                _at(
                    file,
                    number,
                    "path",
                    N_("%(text)s is not a text of the questionnaire"),
                    text=path,
                )
            )
            continue
        given = {
            lang: str(row[n]).strip()
            for n, lang in columns.items()
            if n < len(row) and row[n] is not None and str(row[n]).strip() and lang in declared
        }
        changed += _put(result, path, given, declared)
    if problems:
        raise QuestionnaireError(problems)
    return result, changed


def _put(document: dict[str, Any], path: str, given: dict[str, str], declared: list[str]) -> int:
    """Write the languages ``given`` into the text at ``path``; 1 if it changed."""
    parts = path_parts(path)
    holder: Any = document
    for part in parts[:-1]:
        holder = holder[part]
    key = parts[-1]
    before = holder[key]
    if not given:
        return 0
    if isinstance(before, str):
        if set(given.values()) == {before}:
            return 0  # the same in every language, as it was
        after: Any = {lang: before for lang in declared}
        after.update(given)
    else:
        after = {**before, **given}
    if after == before:
        return 0
    holder[key] = after
    return 1
