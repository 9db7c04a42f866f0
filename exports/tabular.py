"""CSV and XLSX data files, with formula-like text neutralized."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from exports.columns import ColumnLike, neutralize


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def _code_key(value: Any) -> Any:
    """A float code such as 3.0 looks up the integer value label 3."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def labelled(frame: pd.DataFrame, columns: Sequence[ColumnLike]) -> pd.DataFrame:
    """The frame with codes replaced by their value labels (unlabelled values stay)."""
    out = frame[[c.name for c in columns]].copy()
    for column in columns:
        if column.value_labels:
            labels = column.value_labels
            out[column.name] = [
                v if _is_missing(v) else labels.get(_code_key(v), v) for v in out[column.name]
            ]
    return out


def _cleaned(frame: pd.DataFrame, columns: Sequence[ColumnLike]) -> pd.DataFrame:
    out = frame[[c.name for c in columns]].copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralize)
    return out


def write_csv(
    frame: pd.DataFrame, columns: Sequence[ColumnLike], path: Path, *, labels: bool = False
) -> None:
    """UTF-8 with a BOM so that Excel reads accents; codes or value labels."""
    data = labelled(frame, columns) if labels else frame
    _cleaned(data, columns).to_csv(path, index=False, encoding="utf-8-sig")


VARIABLE_HEADERS = ("name", "label", "type", "source", "value labels", "missing values")


def write_xlsx(
    frame: pd.DataFrame,
    columns: Sequence[ColumnLike],
    path: Path,
    *,
    labels: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """A "data" sheet and a "variables" sheet; write-only mode keeps memory flat."""
    book = Workbook(write_only=True)
    data_sheet = book.create_sheet("data")
    data_sheet.freeze_panes = "A2"  # the variable names stay in view
    bold = Font(bold=True)

    def header(sheet: Any, names: Sequence[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=neutralize(name))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    header(data_sheet, [c.name for c in columns])
    data = _cleaned(labelled(frame, columns) if labels else frame, columns)
    for row in data.itertuples(index=False, name=None):
        data_sheet.append([None if _is_missing(v) else _excel_value(v) for v in row])
        if progress:
            progress(1, len(data))
    variables = book.create_sheet("variables")
    header(variables, VARIABLE_HEADERS)
    for c in columns:
        value_labels = "; ".join(f"{k} = {v}" for k, v in c.value_labels.items())
        variables.append(
            [
                neutralize(value)
                for value in (
                    c.name,
                    c.label,
                    c.kind,
                    c.source,
                    value_labels,
                    ", ".join(str(m) for m in c.missing),
                )
            ]
        )
    book.save(path)


def _excel_value(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.tz_convert(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)  # Excel has no zones: UTC
    if isinstance(value, (dict, list)):
        return str(value)
    return value


def write_table_csv(frame: pd.DataFrame, path: Path) -> None:
    """Any table (such as paradata) as CSV, formula-like text neutralized."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralize)
    out.to_csv(path, index=False, encoding="utf-8-sig")
