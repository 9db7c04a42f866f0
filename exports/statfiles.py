"""SPSS ``.sav`` and Stata ``.dta`` files with variable labels, value labels and missing values.

SPSS keeps the special codes (97, 98, 99) as data and declares them user-missing (at most
three discrete values per variable, SPSS's own limit). Stata has no user-missing codes; it
has extended missing values ``.a`` to ``.z``, so each declared missing code becomes one
letter in code order (97 → .a, 98 → .b, 99 → .c by default) and keeps its value label.
Dates and times are written as text in ISO 8601 (UTC).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from string import ascii_lowercase

import numpy as np
import pandas as pd
import pyreadstat

from exports.columns import ColumnLike

SPSS_MAX_MISSING = 3
STATA_MAX_LABEL = 80  # Stata variable labels are at most 80 characters
STATA_MAX_STRING = 2045  # longer text needs strL, which pyreadstat does not write
STATA_MAX_NAME = 32


def _prepared(frame: pd.DataFrame, columns: Sequence[ColumnLike]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for c in columns:
        series = frame[c.name]
        if c.kind == "numeric" and not _is_datetime(series):
            out[c.name] = pd.to_numeric(series, errors="coerce").astype(float)
        else:
            out[c.name] = series.map(_text)
    return out.reset_index(drop=True)


def _is_text(series: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(series)


def _is_datetime(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    first = series.dropna()
    return not first.empty and isinstance(first.iloc[0], datetime)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _numeric_labels(column: ColumnLike, frame: pd.DataFrame) -> dict[float, str] | None:
    if not column.value_labels or _is_text(frame[column.name]):
        return None
    return {float(k): v for k, v in column.value_labels.items()}


def write_sav(
    frame: pd.DataFrame, columns: Sequence[ColumnLike], path: Path, *, file_label: str = ""
) -> None:
    data = _prepared(frame, columns)
    labels: dict[str, dict[float, str]] = {}
    missing: dict[str, list[float]] = {}
    for c in columns:
        numeric_labels = _numeric_labels(c, data)
        if numeric_labels:
            labels[c.name] = numeric_labels
        if c.missing and not _is_text(data[c.name]):
            codes = sorted(c.missing)
            missing[c.name] = (
                [float(m) for m in codes]
                if len(codes) <= SPSS_MAX_MISSING
                else [{"lo": float(codes[0]), "hi": float(codes[-1])}]
            )
    measure = {
        c.name: "nominal" if c.value_labels else "scale"
        for c in columns
        if not _is_text(data[c.name])
    }
    pyreadstat.write_sav(
        data,
        path,
        file_label=file_label,
        column_labels={c.name: c.label for c in columns},
        variable_value_labels=labels,
        missing_ranges=missing,
        variable_measure=measure,
    )


def stata_letters(column: ColumnLike) -> dict[int, str]:
    """Declared missing code → Stata extended missing letter, in code order."""
    return {code: ascii_lowercase[i] for i, code in enumerate(sorted(column.missing)[:26])}


def write_dta(
    frame: pd.DataFrame, columns: Sequence[ColumnLike], path: Path, *, file_label: str = ""
) -> None:
    too_long = [c.name for c in columns if len(c.name) > STATA_MAX_NAME]
    if too_long:
        raise ValueError(
            f"Stata names have at most {STATA_MAX_NAME} characters; rename {', '.join(too_long)} "
            "(the questionnaire's `variable:`) or export to SPSS"
        )
    data = _prepared(frame, columns)
    labels: dict[str, dict[float | str, str]] = {}
    missing: dict[str, list[str]] = {}
    for c in columns:
        if _is_text(data[c.name]):
            data[c.name] = data[c.name].str.slice(0, STATA_MAX_STRING)
            continue
        letters = stata_letters(c)
        value_labels: dict[float | str, str] = dict(_numeric_labels(c, data) or {})
        if letters:
            # The column holds floats and, where a code is missing, its letter.
            data[c.name] = (
                data[c.name]
                .astype(object)
                .map(
                    lambda v, lt=letters: (
                        lt.get(int(v), v) if v == v and float(v).is_integer() else v
                    )
                )
            )
            for code, letter in letters.items():
                if float(code) in value_labels:
                    value_labels[letter] = value_labels.pop(float(code))
            missing[c.name] = list(letters.values())
        if value_labels:
            labels[c.name] = value_labels
    pyreadstat.write_dta(
        data,
        path,
        file_label=file_label[:STATA_MAX_LABEL],
        column_labels={c.name: c.label[:STATA_MAX_LABEL] for c in columns},
        variable_value_labels=labels,
        missing_user_values=missing,
    )
