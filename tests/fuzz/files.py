"""Hypothesis strategies that make the files people upload, broken in the ways people break
them: mutated library questionnaires (YAML and XLSForm), sample frames in every format and
encoding, do-not-call lists, calling rules and weighting targets. Everything is fictional:
phones are NANP 555-01xx and UK 07700 900xxx numbers."""

from __future__ import annotations

import copy
import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import yaml
from hypothesis import strategies as st

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"
YAML_FILES = sorted(LIBRARY.glob("*.yaml"))
XLSFORM_BYTES = (LIBRARY / "customer_satisfaction.xlsx").read_bytes()

# Strings that have broken parsers before: empty, blank, control and bidi characters,
# numbers that are not finite or do not fit, dates past ``datetime``, format strings, markup.
NASTY = [
    "",
    " ",
    "\t",
    "\x00",
    "a\x00b",
    "\u202e",
    "\ufeff",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-1",
    "0",
    "1.5",
    "9" * 40,
    "99999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "2026-02-30",
    "10000-01-01",
    "9999-12-31T23:59:59",
    "x" * 5000,
    "ñandú ☎",
    "%s %(x)s {0}",
    "<script>alert(1)</script>",
    "null",
    "~",
    "- a",
    ": b",
    "a: [",
]
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.integers().map(str),
    st.floats().map(str),
)

FICTIONAL_PHONES = st.one_of(
    st.integers(100, 199).map(lambda n: f"+1 201 555 0{n}"),
    st.integers(100, 199).map(lambda n: f"(202) 555-0{n}"),
    st.integers(0, 999).map(lambda n: f"07700 900{n:03d}"),
    st.integers(0, 999).map(lambda n: f"+447700900{n:03d}"),
)
cell_text = st.one_of(FICTIONAL_PHONES, nasty_text)

# --- byte-level damage, for every format ----------------------------------------------


class Blob(bytes):
    """File content that prints as its size and first bytes, not as pages of escapes."""

    def __repr__(self) -> str:
        return f"Blob({len(self)} bytes: {bytes(self[:80])!r}...)"


def stable_zip(data: bytes) -> bytes:
    """The same zip with fixed entry times, so that a saved workbook has the same bytes on
    every run and a failing example replays exactly."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def damage(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` cut short, with bytes flipped, inserted or removed, or left whole.

    Positions are drawn as fractions of the length, so that the same draws mean the same
    damage when the bytes differ slightly between runs (a workbook's save time, say).
    """
    how = draw(st.sampled_from(["whole", "truncate", "flip", "insert", "delete"]))
    if how == "whole" or not data:
        return Blob(data)
    at = draw(st.integers(0, 2**16 - 1)) * len(data) // 2**16
    if how == "truncate":
        return Blob(data[:at])
    if how == "flip":
        return Blob(data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :])
    if how == "insert":
        return Blob(data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:])
    return Blob(data[:at] + data[at + draw(st.integers(1, 64)) :])


# --- questionnaires -----------------------------------------------------------------

yaml_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(),
        nasty_text,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(nasty_text, children, max_size=3),
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path from the root to a value inside ``node``."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _parent(root: Any, path: tuple) -> Any:
    for part in path[:-1]:
        root = root[part]
    return root


@st.composite
def mutated_document(draw: st.DrawFn, document: Any) -> Any:
    """The document with one to four keys dropped, renamed, or given a value of a wrong type."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(document, path), path[-1]
        how = draw(st.sampled_from(["drop", "replace", "rename", "duplicate"]))
        if how == "drop":
            del parent[key]
        elif how == "replace":
            parent[key] = draw(yaml_values)
        elif how == "rename" and isinstance(parent, dict):
            parent[draw(nasty_text)] = parent.pop(key)
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))  # the same id twice, say
    return document


@st.composite
def questionnaire_yaml(draw: st.DrawFn) -> bytes:
    """A library questionnaire mutated as data or as text, or bytes that are no YAML at all."""
    source = draw(st.sampled_from(YAML_FILES)).read_text(encoding="utf-8")
    how = draw(st.sampled_from(["document", "document", "text", "random"]))
    if how == "document":
        document = draw(mutated_document(yaml.safe_load(source)))
        return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()
    if how == "text":
        return damage(draw, source.encode())
    return draw(st.binary(max_size=200).map(Blob))


def storable(value: Any) -> Any:
    """A cell value a worksheet can hold: control characters are refused by the format."""
    return "".join(c for c in value if c.isprintable()) if isinstance(value, str) else value


class DateFormatted(float):
    """A number stored in a cell formatted as a date: a reader turns it into a date, which
    for a serial past 2958465 (9999-12-31) or before 0 does not exist."""


xlsx_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    nasty_text.map(storable),
    st.sampled_from(["=1/0", "=A1", "begin group", "end repeat", "select_one nope", "integer"]),
    # Excel's dates run from 1900 to 9999; a date cell may also hold any number.
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    st.sampled_from([-1.0, 0.0, 2958465.99, 2958466.0, 1e15]).map(DateFormatted),
)


def put(sheet: Any, row: int, column: int, value: Any) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = float(value) if isinstance(value, DateFormatted) else value
    if isinstance(value, DateFormatted):
        cell.number_format = "yyyy-mm-dd hh:mm"


@st.composite
def mutated_workbook(draw: st.DrawFn) -> bytes:
    """The library XLSForm with cells, rows or sheets changed, then maybe damaged as a zip."""
    book = openpyxl.load_workbook(io.BytesIO(XLSFORM_BYTES))
    for _ in range(draw(st.integers(1, 4))):
        sheet = book[draw(st.sampled_from(book.sheetnames))]
        how = draw(st.sampled_from(["cell", "cell", "delete_row", "rename", "drop_sheet"]))
        if how == "cell":
            row = draw(st.integers(1, sheet.max_row + 1))
            column = draw(st.integers(1, sheet.max_column + 1))
            put(sheet, row, column, draw(xlsx_values))
        elif how == "delete_row":
            sheet.delete_rows(draw(st.integers(1, sheet.max_row)))
        elif how == "rename":
            sheet.title = draw(st.sampled_from(["survey", "choices", "settings", "other", "x"]))
        elif len(book.sheetnames) > 1:
            book.remove(sheet)
    out = io.BytesIO()
    book.save(out)
    return damage(draw, stable_zip(out.getvalue()))


xlsform_bytes = st.one_of(mutated_workbook(), st.binary(max_size=300).map(Blob))

# --- sample frames ------------------------------------------------------------------

FRAME_COLUMNS = [
    "case_id",
    "id",
    "phone",
    "phone_1",
    "phone_2",
    "phones",
    "time_zone",
    "replicate",
    "pi",
    "weight",
    "stratum",
    "latitude",
    "longitude",
    "age",
    "",
    "ñ",
]


@st.composite
def frame_rows(draw: st.DrawFn) -> list[list[str]]:
    """A header (the real column names and some others, maybe repeated) and rows of cells."""
    header = draw(st.lists(st.one_of(st.sampled_from(FRAME_COLUMNS), nasty_text), max_size=7))
    width = len(header)
    # Rows may be short or long: real files have ragged lines.
    cells = st.lists(cell_text, min_size=max(0, width - 1), max_size=width + 1)
    return [header, *draw(st.lists(cells, max_size=6))]


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    rows = draw(frame_rows())
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([",", ";", "\t", "|", " "])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])),
    )
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    return damage(draw, out.getvalue().encode(encoding, errors="replace"))


@st.composite
def xlsx_bytes(draw: st.DrawFn) -> bytes:
    book = openpyxl.Workbook()
    for number, row in enumerate(draw(frame_rows()), start=1):
        for column, cell in enumerate(row, start=1):
            put(book.active, number, column, draw(xlsx_values) if cell == "" else storable(cell))
    out = io.BytesIO()
    book.save(out)
    return damage(draw, stable_zip(out.getvalue()))


@st.composite
def parquet_bytes(draw: st.DrawFn) -> bytes:
    header, *rows = draw(frame_rows())
    names = list(dict.fromkeys(header))  # Parquet needs distinct column names
    columns: dict[str, Any] = {}
    for position, name in enumerate(names):
        values = [row[position] if position < len(row) else "" for row in rows]
        kind = draw(st.sampled_from(["text", "float", "int", "date", "timestamp"]))
        if kind == "float":
            floats = st.floats(allow_nan=True, allow_infinity=True)
            values = [draw(floats) for _ in values]
        elif kind == "int":
            values = [draw(st.integers(-(2**63), 2**63 - 1)) for _ in values]
        elif kind == "date":  # Parquet's dates reach years 1 and 9999, past pandas' stamps
            values = [draw(st.dates(date(1, 1, 1), date(9999, 12, 31))) for _ in values]
        elif kind == "timestamp":
            values = [
                draw(st.datetimes(datetime(1678, 1, 1), datetime(2262, 4, 11))) for _ in values
            ]
        columns[name] = values
    out = io.BytesIO()
    pd.DataFrame(columns).to_parquet(out)
    return damage(draw, out.getvalue())


# (suffix, bytes) pairs: the right content, or the wrong content under a known suffix.
frame_files = st.one_of(
    st.tuples(st.just(".csv"), csv_bytes()),
    st.tuples(st.just(".xlsx"), xlsx_bytes()),
    st.tuples(st.just(".parquet"), parquet_bytes()),
    st.tuples(st.sampled_from([".csv", ".xlsx", ".parquet"]), st.binary(max_size=200).map(Blob)),
)

# --- do-not-call lists --------------------------------------------------------------

dnc_lines = st.lists(cell_text, max_size=6)


@st.composite
def dnc_bytes(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(draw(dnc_lines))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    return damage(draw, text.encode(encoding, errors="replace"))


# --- calling rules ------------------------------------------------------------------

# Scalars as written in YAML, unquoted, so that YAML makes them dates, times, numbers or
# nothing: the dates past ``datetime``, the impossible ones, the huge numbers.
RULE_SCALARS = [
    "2026-12-24",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "2026-02-30",
    "9999-12-31 23:59:59",
    "2026-12-01T09:00:00+14:00",
    "'24:00'",
    "'25:61'",
    "'23:59:59'",
    "99999999999999999999",
    "-1",
    "0.5",
    ".inf",
    ".nan",
    "~",
    r'"\0"',  # a NUL character, in YAML's own escape
    "[]",
    "{}",
]
RULE_KEYS = [
    "windows",
    "holidays",
    "field_start",
    "field_end",
    "max_attempts_case",
    "max_attempts_phone",
    "slots",
    "claim_minutes",
    "appointment_grace_minutes",
    "missed_appointment_minutes",
    "auto_release_share",
    "frequency_cap_calls",
    "frequency_cap_days",
    "nonsense",
]
rule_scalar = st.one_of(
    st.sampled_from(RULE_SCALARS), nasty_text.map(lambda t: yaml.safe_dump(t).strip())
)


@st.composite
def rule_value(draw: st.DrawFn) -> str:
    """A value in YAML's flow style: a scalar, a list of them, or a window list."""
    kind = draw(st.sampled_from(["scalar", "list", "windows"]))
    if kind == "scalar":
        return draw(rule_scalar)
    if kind == "list":
        return "[" + ", ".join(draw(st.lists(rule_scalar, max_size=3))) + "]"
    day = draw(st.sampled_from(["mon", "sun", "xyz"]))
    start, end = draw(rule_scalar), draw(rule_scalar)
    return f"{{{day}: [{{start: {start}, end: {end}}}]}}"


@st.composite
def rules_yaml(draw: st.DrawFn) -> bytes:
    keys = draw(st.lists(st.sampled_from(RULE_KEYS), unique=True, max_size=5))
    text = "".join(f"{key}: {draw(rule_value())}\n" for key in keys)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return damage(draw, text.encode(encoding, errors="replace"))


# --- weighting targets --------------------------------------------------------------


@st.composite
def targets_csv(draw: st.DrawFn, variable: str, categories: list[str]) -> bytes:
    """A targets file for the project's ``variable`` and its ``categories``, and others."""
    header = draw(
        st.one_of(
            st.just(["variable", "category", "target"]),
            st.lists(st.sampled_from(["variable", "category", "target", "x", ""]), max_size=4),
        )
    )
    cell = st.one_of(
        st.sampled_from([variable, *categories, "0.5", "40", "1e309", "-3", "9" * 30]),
        nasty_text,
    )
    rows = draw(st.lists(st.lists(cell, min_size=2, max_size=4), max_size=5))
    out = io.StringIO()
    csv.writer(out, delimiter=draw(st.sampled_from([",", ";"]))).writerows([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return damage(draw, out.getvalue().encode(encoding, errors="replace"))
