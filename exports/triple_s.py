"""Triple-S XML 2.0: a definition file (``.sss``) and its fixed-format data file (``.asc``).

One record line per respondent; every variable has fixed columns (``position start..finish``,
1-based, inclusive). Types:

- ``single``: a numeric column whose every answer is a labelled code (choices, grid rows,
  fully labelled scales), with all its codes declared, Don't know / Refused included;
- ``multiple``: the 0/1 dichotomies of one multiple-choice question as one bit string, one
  column per option ("1" chosen, "0" not), then one column per special answer of the
  question (Don't know, Refused...), so that "Don't know" is ``0001`` and never the
  ``0000`` of "none selected";
- ``quantity``: other numbers, right-justified, with a ``range`` of the answers given and a
  ``value`` for every labelled or special code (98 Don't know beside the range 18..85);
- ``date``: a date answer as ``YYYYMMDD`` with its range, special codes as values;
- ``character``: text, left-justified and padded, never cut (the width is the longest
  answer). A text answered Don't know / Refused is blank there and has its code in a
  ``single`` companion variable ``<name>_sp`` (as in SPSS and Stata).

A missing value (not asked) is blanks. The data file is UTF-8, the encoding the definition
file declares, and positions count BYTES: a reader slices each record's bytes and decodes
the field (an "ñ" takes two columns).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from exports.columns import COMPANION, ColumnLike, is_code, temporal_kind
from questionnaires.variables import is_dichotomy

ENCODING = "utf-8"


@dataclass
class SSSVariable:
    ident: int
    name: str
    label: str
    type: str  # single, multiple, quantity, date, character
    columns: list[str]  # the frame columns it is written from
    width: int
    values: dict[int, str] = field(default_factory=dict)
    decimals: int = 0
    low: float = 0
    high: float = 0
    start: int = 0
    special: tuple[int, ...] = ()  # the codes of special answers (multiple: extra bits)
    of_special: bool = False  # the companion of a text: holds the special code only


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _multiple_groups(columns: Sequence[ColumnLike]) -> dict[str, list[ColumnLike]]:
    groups: dict[str, list[ColumnLike]] = {}
    for c in columns:
        if c.question_id and c.kind == "numeric" and is_dichotomy(c.value_labels):
            groups.setdefault(c.question_id, []).append(c)
    return groups


def _option_label(column: ColumnLike) -> str:
    return column.label.split(": ", 1)[1] if ": " in column.label else column.name


def _specials(
    column: ColumnLike, series: pd.Series, labels: Mapping[str, Mapping[int, str]]
) -> dict[int, str]:
    """The special codes of a column with their labels: its declared missing codes, those
    ``labels`` gives for its question, and any other whole number a text column holds."""
    known = labels.get(column.question_id or "", {})
    codes = {*column.missing, *known}
    if column.kind != "numeric":
        codes |= {int(v) for v in series if is_code(v)}
    return {
        code: known.get(code) or column.value_labels.get(code) or str(code)
        for code in sorted(codes)
    }


def plan(
    frame: pd.DataFrame,
    columns: Sequence[ColumnLike],
    special_labels: Mapping[str, Mapping[int, str]] | None = None,
) -> list[SSSVariable]:
    """The variables with their positions in the record (``special_labels``: question id →
    special code → label, for the columns that do not label their own)."""
    labels = special_labels or {}
    groups = _multiple_groups(columns)
    grouped = {c.name for cols in groups.values() for c in cols}
    done: set[str] = set()
    out: list[SSSVariable] = []
    for c in columns:
        if c.name in done:
            continue
        series = frame[c.name]
        specials = _specials(c, series, labels) if c.source == "question" else {}
        if c.name in grouped:
            members = groups[c.question_id or ""]
            done.update(m.name for m in members)
            values = {i + 1: _option_label(m) for i, m in enumerate(members)}
            extra = {len(members) + 1 + i: label for i, label in enumerate(specials.values())}
            out.append(
                SSSVariable(
                    0,
                    c.question_id or c.name,
                    members[0].label.split(": ", 1)[0],
                    "multiple",
                    [m.name for m in members],
                    len(values) + len(extra),
                    values | extra,
                    special=tuple(specials),
                )
            )
        elif c.kind == "numeric" and _all_numbers(series):
            out.append(_numeric_variable(c, _numbers(series), specials))
        elif temporal_kind(series) == "date":
            out.append(_date_variable(c, series, specials))
        else:
            texts = [_text(v).encode(ENCODING) for v in series if not _special(v, specials)]
            width = max([len(t) for t in texts] + [1])
            out.append(
                SSSVariable(
                    0, c.name, c.label, "character", [c.name], width, special=tuple(specials)
                )
            )
            if specials:
                out.append(_companion(c, specials))
    position = 1
    for ident, v in enumerate(out, start=1):
        v.ident, v.start = ident, position
        position += v.width
    return out


def _special(value: object, codes: Iterable[int]) -> bool:
    """A special answer in a text column (a sample variable's number is a value)."""
    return is_code(value) and int(value) in codes  # type: ignore[call-overload]


def _companion(column: ColumnLike, specials: dict[int, str]) -> SSSVariable:
    width = max(len(str(code)) for code in specials)
    name = f"{column.name}{COMPANION}"  # labelled like its text: one language per file
    return SSSVariable(
        0,
        name,
        column.label,
        "single",
        [column.name],
        width,
        specials,
        special=tuple(specials),
        of_special=True,
    )


def _all_numbers(series: pd.Series) -> bool:
    """Numbers only: a grid row with several points ("1;3") or timestamps travel as text."""
    return not _holds_times(series) and _numbers(series).notna().sum() == series.notna().sum()


def _holds_times(series: pd.Series) -> bool:
    """Timestamps (paradata) travel as ISO 8601 text with their zone (a character variable)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    present = series.dropna()
    return not present.empty and isinstance(present.iloc[0], datetime)


def _date_variable(column: ColumnLike, series: pd.Series, specials: dict[int, str]) -> SSSVariable:
    dates = sorted(int(v.replace("-", "")) for v in series if isinstance(v, str))
    width = max([8, *(len(str(code)) for code in specials)])
    return SSSVariable(
        0,
        column.name,
        column.label,
        "date",
        [column.name],
        width,
        specials,
        0,
        dates[0],
        dates[-1],
        special=tuple(specials),
    )


def _numeric_variable(
    column: ColumnLike, numbers: pd.Series, specials: dict[int, str]
) -> SSSVariable:
    labels = {int(k): v for k, v in column.value_labels.items()} | specials
    answers = numbers[~numbers.isin(list(specials))].dropna()
    whole = bool((numbers.dropna() == numbers.dropna().round()).all())
    decimals = 0 if whole else min(6, max(_decimals(x) for x in numbers.dropna()))
    coded = whole and bool(labels) and set(answers.astype(int)) <= set(labels) - set(specials)
    kind = "single" if coded and min(labels) >= 0 else "quantity"
    low = float(answers.min()) if len(answers) else 0.0
    high = float(answers.max()) if len(answers) else 0.0
    texts = [_number(x, decimals) for x in (low, high, *labels)]
    return SSSVariable(
        0,
        column.name,
        column.label,
        kind,
        [column.name],
        max(len(t) for t in texts),
        labels,
        decimals,
        low,
        high,
        special=tuple(specials),
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
        elif v.type in ("quantity", "date"):
            values = ET.SubElement(element, "values")
            low, high = (
                (_number(v.low, v.decimals), _number(v.high, v.decimals))
                if v.type == "quantity"
                else (str(int(v.low)), str(int(v.high)))
            )
            ET.SubElement(values, "range", {"from": low, "to": high})
            for code, label in v.values.items():
                ET.SubElement(values, "value", code=_number(code, v.decimals)).text = label
    return root


def _bits(row: Sequence[float], v: SSSVariable) -> str:
    """One multiple-choice answer: a bit per option, then a bit per special answer."""
    if all(math.isnan(x) for x in row):
        return " " * v.width
    options = v.width - len(v.special)
    special = next((x for x in row if x in v.special), None)
    if special is not None:
        return "0" * options + "".join("1" if c == special else "0" for c in v.special)
    return "".join("1" if x == 1 else "0" for x in row) + "0" * len(v.special)


def _field_texts(frame: pd.DataFrame, v: SSSVariable) -> list[bytes]:
    """The fixed-width bytes of one variable for every record."""
    if v.type == "multiple":
        chosen = frame[v.columns].apply(_numbers).to_numpy(dtype=float)
        return [_bits(row, v).encode(ENCODING) for row in chosen]
    series = frame[v.columns[0]]
    if v.type == "character":
        texts = ["" if _special(x, v.special) else _text(x) for x in series]
        return [t.encode(ENCODING).ljust(v.width) for t in texts]
    if v.of_special:
        texts = [str(int(x)) if _special(x, v.special) else "" for x in series]
    elif v.type == "date":
        texts = [str(int(x)) if is_code(x) else _text(x).replace("-", "") for x in series]
    else:
        texts = [
            "" if math.isnan(x) else _number(x, v.decimals)
            for x in _numbers(series).to_numpy(dtype=float)
        ]
    return [t.rjust(v.width).encode(ENCODING) for t in texts]


def records(frame: pd.DataFrame, variables: Sequence[SSSVariable]) -> Iterable[bytes]:
    for parts in zip(*(_field_texts(frame, v) for v in variables), strict=True):
        yield b"".join(parts)


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
    special_labels: Mapping[str, Mapping[int, str]] | None = None,
) -> Path:
    """Write ``path`` (.sss) and its data file beside it (.asc); returns the data file.

    ``serial`` and ``weight`` name the respondent number and the weight variable;
    ``special_labels`` (question id → code → label) names the special answers.
    """
    variables = plan(frame, columns, special_labels)
    data_path = path.with_suffix(".asc")
    uses = {name: use for name, use in ((serial, "serial"), (weight, "weight")) if name}
    tree = ET.ElementTree(
        definition(variables, name=name, title=title, data_file=data_path.name, now=now, uses=uses)
    )
    ET.indent(tree)
    tree.write(path, encoding=ENCODING, xml_declaration=True)
    with data_path.open("wb") as out:
        for line in records(frame, variables):
            out.write(line + b"\r\n")
    return data_path
