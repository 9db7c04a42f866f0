"""Reading a drawn sample (the sampling package's output, or any CSV/XLSX) into case records.

All rows are checked before anything is written; every problem is reported with its file,
row (as numbered in the file, header = row 1) and column, and one bad row refuses the file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from cati.errors import CatiErrors, ErrorCode, problem
from cati.problems import N_, Place, Problem
from sampling.errors import SamplingError
from sampling.frames import reader_failure
from sampling.phones import normalize_phone

CASE_ID = "case_id"
CASE_ID_ALIASES = ("id",)  # the sampling package writes the frame's unit id as "id"
PHONE_COLUMN = re.compile(r"^phone(_\d+)?$")
KNOWN = {CASE_ID, "phones", "time_zone", "replicate", "pi", "weight"}
# Bookkeeping columns of the sampling package's output, not facts about the respondent.
IGNORED = {"source_row", "phone_kind"}
MAX_PROBLEMS_REPORTED = 50


class SampleError(CatiErrors):
    """A sample file with problems; ``problems`` lists each one with its place."""


@dataclass
class CaseRecord:
    external_id: str
    phones: list[tuple[str, str]]  # (E.164, kind)
    time_zone: str
    replicate: int = 1
    inclusion_prob: float | None = None
    design_weight: float | None = None
    sample_vars: dict[str, Any] = field(default_factory=dict)
    row: int = 0


def read_csv(source: Path | IO[bytes]) -> pd.DataFrame:
    """A CSV as text cells, empty cells as '' (a drawn sample's bytes are read this way too)."""
    return pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def read_table(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path).astype(str)
        return read_csv(path)
    except Exception as exc:  # whatever pandas' readers hit in a damaged file: see frames.py
        raise SampleError(
            [
                problem(
                    ErrorCode.SAMPLE_UNREADABLE, Place(file=path.name), reason=reader_failure(exc)
                )
            ]
        ) from None


def _number(value: str, positive: bool) -> float:
    number = float(value)
    if not math.isfinite(number) or (positive and number <= 0):
        raise ValueError(f"{value!r} must be a positive number")
    return number


def parse_sample(
    table: pd.DataFrame, file_name: str, default_zone: str, region: str = "ES"
) -> list[CaseRecord]:
    """Check every row; return the records, or raise SampleError listing every problem."""
    columns = [str(c).strip() for c in table.columns]
    if CASE_ID not in columns:
        alias = next((a for a in CASE_ID_ALIASES if a in columns), None)
        columns = [CASE_ID if c == alias else c for c in columns]
    table.columns = columns
    phone_columns = [c for c in columns if PHONE_COLUMN.match(c)] or (
        ["phones"] if "phones" in columns else []
    )
    missing = [c for c in (CASE_ID,) if c not in columns]
    if not phone_columns:
        missing.append("phone (or phone_1, phone_2, … or phones)")
    if missing:
        raise SampleError(
            [
                problem(ErrorCode.SAMPLE_COLUMN_MISSING, Place(file=file_name), column=c)
                for c in missing
            ]
        )
    extra = [c for c in columns if c not in KNOWN | IGNORED and c not in phone_columns]

    problems: list[Problem] = []
    records: list[CaseRecord] = []
    first_row: dict[str, int] = {}

    def bad_cell(row: int, column: str, template: str, **params: Any) -> None:
        """A SAMPLE_ROW_INVALID problem in `column` of `row`, saying what is wrong with it."""
        place = Place(file=file_name, row=row, column=column)
        problems.append(Problem(ErrorCode.SAMPLE_ROW_INVALID, template, params, place))

    for index, values in enumerate(table.to_dict("records")):
        row = index + 2  # the header is row 1
        case_id = str(values[CASE_ID]).strip()
        if not case_id:
            bad_cell(row, CASE_ID, N_("the case id is empty"))
            continue
        if case_id in first_row:
            problems.append(
                problem(
                    ErrorCode.SAMPLE_DUPLICATE_CASE,
                    Place(file=file_name, row=row),
                    case=case_id,
                    first=first_row[case_id],
                )
            )
            continue
        first_row[case_id] = row
        record = CaseRecord(external_id=case_id, phones=[], time_zone=default_zone, row=row)
        raw_phones = [
            (column, raw.strip())
            for column in phone_columns
            for raw in str(values[column]).split(";")
            if raw.strip()
        ]
        if not raw_phones:
            bad_cell(row, phone_columns[0], N_("no phone number"))
        seen = set()
        for column, raw in raw_phones:
            try:
                phone = normalize_phone(raw, region)
            except SamplingError as exc:  # the sampling package's words, in the user's language
                bad_cell(row, column, exc.problem.template, **exc.problem.params)
                continue
            if phone.e164 not in seen:
                seen.add(phone.e164)
                record.phones.append((phone.e164, phone.kind))
        zone = str(values.get("time_zone", "") or "").strip()
        if zone:
            try:
                ZoneInfo(zone)
                record.time_zone = zone
            except (ZoneInfoNotFoundError, ValueError):
                bad_cell(row, "time_zone", N_("%(zone)r is not an IANA time zone"), zone=zone)
        for column, attribute, convert in (
            ("replicate", "replicate", lambda v: int(v)),
            ("pi", "inclusion_prob", lambda v: _number(v, positive=True)),
            ("weight", "design_weight", lambda v: _number(v, positive=True)),
        ):
            raw = str(values.get(column, "") or "").strip()
            if raw:
                try:
                    setattr(record, attribute, convert(raw))
                except ValueError:
                    bad_cell(
                        row, column, N_("%(value)r is not a valid %(name)s"), value=raw, name=column
                    )
        if record.inclusion_prob is not None and record.inclusion_prob > 1:
            bad_cell(row, "pi", N_("an inclusion probability cannot exceed 1"))
        if record.replicate < 1:
            bad_cell(row, "replicate", N_("replicates are numbered from 1"))
        record.sample_vars = {c: values[c] for c in extra}
        records.append(record)
        if len(problems) >= MAX_PROBLEMS_REPORTED:
            break
    if problems:
        raise SampleError(problems)
    if not records:
        raise SampleError(
            [problem(ErrorCode.SAMPLE_UNREADABLE, Place(file=file_name), reason="no rows")]
        )
    return records
