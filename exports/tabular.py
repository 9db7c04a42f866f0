"""CSV and XLSX data files: typed cells, formula-like text never run."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font

from exports.columns import ColumnLike, neutralize, parse_temporal, temporal_kind


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def _code_key(value: Any) -> Any:
    """A float code such as 3.0 looks up the integer value label 3."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def labelled(
    frame: pd.DataFrame, columns: Sequence[ColumnLike], *, names: bool = False
) -> pd.DataFrame:
    """The frame with codes replaced by their value labels, or with ``names`` by their
    XLSForm choice names (the text values KoBo exports as "XML values"); a value with
    none stays as it is."""
    out = frame[[c.name for c in columns]].copy()
    for column in columns:
        texts = column.value_names if names else column.value_labels
        if texts:
            out[column.name] = [
                v if _is_missing(v) else texts.get(_code_key(v), v) for v in out[column.name]
            ]
    return out


def _values(
    frame: pd.DataFrame, columns: Sequence[ColumnLike], labels: bool, names: bool
) -> pd.DataFrame:
    if labels and names:
        raise ValueError("value labels or choice names, not both")
    if labels or names:
        return labelled(frame, columns, names=names)
    return frame[[c.name for c in columns]]


# Text openpyxl would not store as a string by itself.
RETYPED = ("=", *ERROR_CODES)


def _csv_cell(value: Any) -> Any:
    """Text neutralized, a whole number written as an integer (3, never 3.0)."""
    if isinstance(value, str):
        return neutralize(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Only text cells are neutralized: a number (-15.37116) is written as it is. A numeric
    column of whole numbers is written as integers even with blanks (pandas' Int64)."""
    out = frame.copy()
    for name in out.columns:
        series = out[name]
        if pd.api.types.is_float_dtype(series):
            present = series.dropna()
            if (present == present.round()).all():
                out[name] = series.astype("Int64")
        elif not pd.api.types.is_numeric_dtype(series) and not _is_times(series):
            out[name] = series.map(_csv_cell)
    return out


def _is_times(series: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(series)


def write_csv(
    frame: pd.DataFrame,
    columns: Sequence[ColumnLike],
    path: Path,
    *,
    labels: bool = False,
    names: bool = False,
) -> None:
    """UTF-8 with a BOM so that Excel reads accents; codes, value labels or choice names."""
    _for_csv(_values(frame, columns, labels, names)).to_csv(path, index=False, encoding="utf-8-sig")


VARIABLE_HEADERS = (
    "name",
    "label",
    "type",
    "source",
    "value labels",
    "missing values",
    "choice names",
)


def write_xlsx(
    frame: pd.DataFrame,
    columns: Sequence[ColumnLike],
    path: Path,
    *,
    labels: bool = False,
    names: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """A "data" sheet and a "variables" sheet; write-only mode keeps memory flat.

    Cells are typed: numbers are numbers, date and time answers and timestamps are dates
    (openpyxl gives them the formats yyyy-mm-dd, h:mm:ss, yyyy-mm-dd h:mm:ss), text is a
    string cell. A string cell is never run as a formula, so text starting with = + - @ is
    stored unaltered, with no apostrophe. The "variables" sheet lists each variable's value
    labels and, for an XLSForm's choices, their names (code = name).
    """
    book = Workbook(write_only=True)
    data_sheet = book.create_sheet("data")
    data_sheet.freeze_panes = "A2"  # the variable names stay in view
    bold = Font(bold=True)

    def header(sheet: Any, names: Sequence[str]) -> None:
        cells = []
        for name in names:
            cell = _text_cell(sheet, name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    header(data_sheet, [c.name for c in columns])
    data = _values(frame, columns, labels, names)
    kinds = [temporal_kind(data[c.name]) if c.kind == "string" else None for c in columns]
    for row in data.itertuples(index=False, name=None):
        data_sheet.append([_cell(data_sheet, v, k) for v, k in zip(row, kinds, strict=True)])
        if progress:
            progress(1, len(data))
    variables = book.create_sheet("variables")
    header(variables, VARIABLE_HEADERS)
    for c in columns:
        value_labels = "; ".join(f"{k} = {v}" for k, v in c.value_labels.items())
        missing = ", ".join(str(m) for m in c.missing)
        choice_names = "; ".join(f"{k} = {v}" for k, v in c.value_names.items())
        texts = (c.name, c.label, c.kind, c.source, value_labels, missing, choice_names)
        variables.append([_text_cell(variables, t) if t else None for t in texts])
    book.save(path)


def _text_cell(sheet: Any, text: str) -> WriteOnlyCell:
    """A string cell, even for text openpyxl would make a formula ("=...") or an error
    ("#N/A")."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _cell(sheet: Any, value: Any, kind: str | None) -> Any:
    """One typed data cell (``kind``: the column's date or time kind, if any). Plain values
    keep write-only mode fast; openpyxl types them (text "s", numbers "n", dates "d")."""
    if _is_missing(value):
        return None
    if isinstance(value, dict | list):
        value = str(value)
    if isinstance(value, str):
        if kind is not None:
            return _excel_value(parse_temporal(kind, value))
        return _text_cell(sheet, value) if value.startswith(RETYPED) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return _excel_value(value)


def _excel_value(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.tz_convert(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)  # Excel has no zones: UTC
    if isinstance(value, time) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # a time answer's zone, if one was typed
    return value


def write_table_csv(frame: pd.DataFrame, path: Path) -> None:
    """Any table (such as paradata) as CSV, formula-like text neutralized."""
    _for_csv(frame).to_csv(path, index=False, encoding="utf-8-sig")
