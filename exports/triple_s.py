"""Triple-S XML 2.0: a definition file (``.sss``) and its fixed-format data file (``.asc``).

One record line per respondent; every variable has fixed columns (``position start..finish``,
1-based, inclusive). Types: labelled numeric columns are ``single``, the 0/1 dichotomies of
one multiple-choice question are one ``multiple`` variable written as a bit string (one
column per option, "1" chosen, "0" not), other numbers ``quantity`` (right-justified, with a
``range`` giving width and decimals), text ``character`` (left-justified, padded). A
missing value is blanks. Positions count characters; the data file is UTF-8.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from exports.columns import ColumnLike

MAX_CHARACTER_WIDTH = 1000


@dataclass
class SSSVariable:
    ident: int
    name: str
    label: str
    type: str  # single, multiple, quantity, character
    columns: list[str]  # the frame columns it is written from
    width: int
    values: dict[int, str] = field(default_factory=dict)
    decimals: int = 0
    low: float = 0
    high: float = 0
    start: int = 0


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _multiple_groups(columns: Sequence[ColumnLike]) -> dict[str, list[ColumnLike]]:
    groups: dict[str, list[ColumnLike]] = {}
    for c in columns:
        if (
            c.question_id
            and c.kind == "numeric"
            and dict(c.value_labels)
            == {
                0: "Not selected",
                1: "Selected",
            }
        ):
            groups.setdefault(c.question_id, []).append(c)
    return groups


def _option_label(column: ColumnLike) -> str:
    return column.label.split(": ", 1)[1] if ": " in column.label else column.name


def plan(frame: pd.DataFrame, columns: Sequence[ColumnLike]) -> list[SSSVariable]:
    """The variables with their positions in the record."""
    groups = _multiple_groups(columns)
    grouped = {c.name for cols in groups.values() for c in cols}
    done: set[str] = set()
    out: list[SSSVariable] = []
    for c in columns:
        if c.name in done:
            continue
        ident = len(out) + 1
        if c.name in grouped:
            members = groups[c.question_id or ""]
            done.update(m.name for m in members)
            label = members[0].label.split(": ", 1)[0]
            values = {i + 1: _option_label(m) for i, m in enumerate(members)}
            out.append(
                SSSVariable(
                    ident,
                    c.question_id or c.name,
                    label,
                    "multiple",
                    [m.name for m in members],
                    len(members),
                    values,
                )
            )
            continue
        series = frame[c.name]
        numbers = _numbers(series) if c.kind == "numeric" and not _holds_times(series) else None
        if numbers is not None and numbers.notna().sum() == series.notna().sum():
            out.append(_numeric_variable(ident, c, numbers))
        else:
            texts = [_text(v) for v in series]
            width = min(max([len(t) for t in texts] + [1]), MAX_CHARACTER_WIDTH)
            out.append(SSSVariable(ident, c.name, c.label, "character", [c.name], width))
    position = 1
    for v in out:
        v.start = position
        position += v.width
    return out


def _holds_times(series: pd.Series) -> bool:
    """Dates and times travel as ISO 8601 text (a character variable)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    present = series.dropna()
    return not present.empty and isinstance(present.iloc[0], datetime)


def _numeric_variable(ident: int, column: ColumnLike, numbers: pd.Series) -> SSSVariable:
    valid = numbers.dropna()
    whole = bool((valid == valid.round()).all())
    decimals = 0 if whole else min(6, max(_decimals(x) for x in valid))
    labels = {int(k): v for k, v in column.value_labels.items()}
    low = float(min([*valid, *labels], default=0))
    high = float(max([*valid, *labels], default=0))
    width = max(len(_number(low, decimals)), len(_number(high, decimals)))
    kind = "single" if labels and whole and low >= 0 else "quantity"
    return SSSVariable(
        ident, column.name, column.label, kind, [column.name], width, labels, decimals, low, high
    )


def _decimals(x: float) -> int:
    text = repr(float(x))
    return len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text else 6


def _number(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    # A record is one line: line breaks in open answers become spaces.
    return " ".join(str(value).splitlines())


def definition(
    variables: Sequence[SSSVariable],
    *,
    name: str,
    title: str,
    data_file: str,
    now: datetime,
    uses: dict[str, str] | None = None,
) -> ET.Element:
    """The metadata file; ``uses`` marks variables as the record's ``serial`` or ``weight``."""
    root = ET.Element("sss", version="2.0")
    ET.SubElement(root, "date").text = now.strftime("%d %B %Y")
    ET.SubElement(root, "time").text = now.strftime("%H:%M:%S")
    ET.SubElement(root, "origin").text = "cati"
    survey = ET.SubElement(root, "survey")
    ET.SubElement(survey, "name").text = name
    ET.SubElement(survey, "title").text = title
    record = ET.SubElement(survey, "record", ident="A", href=data_file, format="fixed")
    for v in variables:
        element = ET.SubElement(record, "variable", ident=str(v.ident), type=v.type)
        if uses and v.name in uses and v.type == "quantity":
            element.set("use", uses[v.name])
        ET.SubElement(element, "name").text = v.name
        ET.SubElement(element, "label").text = v.label
        ET.SubElement(element, "position", start=str(v.start), finish=str(v.start + v.width - 1))
        if v.type in ("single", "multiple"):
            values = ET.SubElement(element, "values")
            for code, label in v.values.items():
                ET.SubElement(values, "value", code=str(code)).text = label
        elif v.type == "quantity":
            values = ET.SubElement(element, "values")
            ET.SubElement(
                values,
                "range",
                {"from": _number(v.low, v.decimals), "to": _number(v.high, v.decimals)},
            )
    return root


def _field_texts(frame: pd.DataFrame, v: SSSVariable) -> list[str]:
    """The fixed-width text of one variable for every record."""
    if v.type == "multiple":
        chosen = frame[v.columns].apply(_numbers).to_numpy(dtype=float)
        return [
            " " * v.width
            if all(math.isnan(x) for x in row)
            else "".join("1" if x == 1 else "0" for x in row)
            for row in chosen
        ]
    series = frame[v.columns[0]]
    if v.type == "character":
        return [_text(x)[: v.width].ljust(v.width) for x in series]
    return [
        ("" if math.isnan(x) else _number(x, v.decimals)).rjust(v.width)
        for x in _numbers(series).to_numpy(dtype=float)
    ]


def records(frame: pd.DataFrame, variables: Sequence[SSSVariable]) -> Iterable[str]:
    for parts in zip(*(_field_texts(frame, v) for v in variables), strict=True):
        yield "".join(parts)


def write_triple_s(
    frame: pd.DataFrame,
    columns: Sequence[ColumnLike],
    path: Path,
    *,
    name: str,
    title: str,
    now: datetime,
    serial: str | None = None,
    weight: str | None = None,
) -> Path:
    """Write ``path`` (.sss) and its data file beside it (.asc); returns the data file.

    ``serial`` and ``weight`` name the respondent number and the weight variable.
    """
    variables = plan(frame, columns)
    data_path = path.with_suffix(".asc")
    uses = {name: use for name, use in ((serial, "serial"), (weight, "weight")) if name}
    tree = ET.ElementTree(
        definition(variables, name=name, title=title, data_file=data_path.name, now=now, uses=uses)
    )
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    with data_path.open("w", encoding="utf-8", newline="\r\n") as out:
        for line in records(frame, variables):
            out.write(line + "\n")
    return data_path
