"""Reading a drawn sample (the sampling package's output, or any CSV/XLSX/Parquet) into case
records.

Files are read by the one reader of `cati sample check` (`sampling.tables`: encoding,
separator, header aliases), and each case's zone is placed by its one rule
(`sampling.timezones.infer_zones`), its source kept. All rows are checked before anything
is written; every problem is reported with its file, row (as numbered in the file, header =
row 1) and column, and one bad row refuses the file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cati.errors import CatiErrors, ErrorCode, problem
from cati.problems import N_, Place, Problem
from sampling.errors import SamplingError
from sampling.frames import ZONE_SOURCE
from sampling.phones import normalize_phone
from sampling.tables import (
    ALIASES,
    cell_text,
    columns_for,
    decimal_points,
    find_column,
    plain_text,
    read_csv_bytes,
    role_of,
)
from sampling.tables import read_table as read_any_table
from sampling.timezones import ZoneSource, infer_zones, known_zones

CASE_ID = "case_id"  # the sampling package writes the frame's unit id as "id", an alias
PHONES = "phone (or phone_1, phone_2, … or phones)"
NUMBERS = ("replicate", "pi", "weight")
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
    time_zone_source: str = ZoneSource.DEFAULT


def read_csv(content: bytes, file_name: str) -> pd.DataFrame:
    """A CSV's bytes (a drawn sample kept in the database) read as any sample file is."""
    try:
        return read_csv_bytes(content, Place(file=file_name))
    except SamplingError as exc:
        raise _unreadable(exc, file_name) from None


def read_table(path: Path) -> pd.DataFrame:
    """A sample file by the one reader of `sampling.tables` (encoding and separator
    detected); its problems as SampleError naming the file."""
    try:
        table, _ = read_any_table(path, name=path.name)
    except SamplingError as exc:
        raise _unreadable(exc, path.name) from None
    return table


def _unreadable(exc: SamplingError, file_name: str) -> SampleError:
    """The reader's problem, in its own words, as the sample's E2301."""
    found = exc.problem
    return SampleError(
        [Problem(ErrorCode.SAMPLE_UNREADABLE, found.template, found.params, Place(file_name))]
    )


def _number(value: str, positive: bool) -> float:
    number = float(value)
    if not math.isfinite(number) or (positive and number <= 0):
        raise ValueError(f"{value!r} must be a positive number")
    return number


@dataclass(frozen=True)
class _Columns:
    """Which header of the file plays each part (None: the file has none)."""

    case_id: str | None
    phones: list[str]
    time_zone: str | None
    numbers: dict[str, str]  # replicate, pi, weight -> header
    evidence: dict[str, str]  # latitude, longitude, postcode, region -> header
    extra: list[str]  # every other column: the sample variables

    @classmethod
    def of(cls, columns: list[str]) -> _Columns:
        phones = [c for c in columns if role_of(c) in {"phone", "phones"}]
        time_zone = find_column(columns, "time_zone")
        numbers = {n: c for n in NUMBERS if (c := find_column(columns, n))}
        # Bookkeeping of the sampling package's output, not facts about the respondent.
        ignored = {"source_row", ZONE_SOURCE, *(f"{p}_kind" for p in phones)}
        case_id = find_column(columns, CASE_ID)
        used = {case_id, time_zone, *phones, *numbers.values(), *ignored}
        evidence = {
            role: found[0]
            for role in ("latitude", "longitude", "postcode", "region")
            if (found := columns_for(columns, role))
        }
        return cls(
            case_id, phones, time_zone, numbers, evidence, [c for c in columns if c not in used]
        )

    def missing(self, columns: list[str], file_name: str) -> list[Problem]:
        """A problem for each required column the file lacks, naming the headers it has."""
        lacking = [
            (CASE_ID, "id", self.case_id is None),
            (PHONES, "phone", not self.phones),
        ]
        return [
            Problem(
                ErrorCode.SAMPLE_COLUMN_MISSING,
                N_(
                    "required column %(column)s is missing (the file's columns: %(found)s); "
                    "add it, or name the column that holds it one of: %(aliases)s"
                ),
                {
                    "column": column,
                    "found": ", ".join(columns) or "none",
                    "aliases": ", ".join(ALIASES[role]),
                },
                Place(file=file_name),
            )
            for column, role, absent in lacking
            if absent
        ]


def parse_sample(
    table: pd.DataFrame, file_name: str, default_zone: str, region: str = "ES"
) -> list[CaseRecord]:
    """Check every row; return the records, or raise SampleError listing every problem.

    Each case's zone is `sampling.timezones.infer_zones`'s, as at `cati sample check`: the
    file's zone, else the coordinates', postcode's, region's or first phone's, else
    `default_zone` (the project's); `region` is the country of national numbers."""
    columns = [str(c).strip() for c in table.columns]
    found = _Columns.of(columns)
    missing = found.missing(columns, file_name)
    if missing:
        raise SampleError(missing)
    # Every cell as text; in the id and phones, 910000011.0 from a spreadsheet is the
    # number 910000011 (sample variables stay as written: the questionnaire types them).
    whole = {found.case_id, *found.phones, *found.numbers.values()}
    text = pd.DataFrame(
        {
            c: (cell_text if c in whole else plain_text)(table.iloc[:, k])
            for k, c in enumerate(columns)
        }
    )
    for column in found.numbers.values():
        text[column] = decimal_points(text[column])

    problems: list[Problem] = []
    records: list[CaseRecord] = []
    givens: list[str] = []  # each record's valid zone from the file, or ''
    first_row: dict[str, int] = {}

    def bad_cell(row: int, column: str, template: str, **params: Any) -> None:
        """A SAMPLE_ROW_INVALID problem in `column` of `row`, saying what is wrong with it."""
        place = Place(file=file_name, row=row, column=column)
        problems.append(Problem(ErrorCode.SAMPLE_ROW_INVALID, template, params, place))

    for index, values in enumerate(text.to_dict("records")):
        row = index + 2  # the header is row 1
        case_id = values[found.case_id]
        if not case_id:
            bad_cell(row, found.case_id, N_("the case id is empty"))
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
            for column in found.phones
            for raw in values[column].split(";")
            if raw.strip()
        ]
        if not raw_phones:
            bad_cell(row, found.phones[0], N_("no phone number"))
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
        given = values[found.time_zone] if found.time_zone else ""
        if given and given not in known_zones():
            bad_cell(
                row,
                found.time_zone,
                N_("%(zone)r is not an IANA time zone; write it as Europe/Madrid, Asia/Tokyo…"),
                zone=given,
            )
            given = ""
        givens.append(given)
        for column, attribute, convert in (
            ("replicate", "replicate", lambda v: int(v)),
            ("pi", "inclusion_prob", lambda v: _number(v, positive=True)),
            ("weight", "design_weight", lambda v: _number(v, positive=True)),
        ):
            header = found.numbers.get(column)
            raw = values[header] if header else ""
            if raw:
                try:
                    setattr(record, attribute, convert(raw))
                except ValueError:
                    bad_cell(
                        row, header, N_("%(value)r is not a valid %(name)s"), value=raw, name=column
                    )
        if record.inclusion_prob is not None and record.inclusion_prob > 1:
            bad_cell(row, found.numbers["pi"], N_("an inclusion probability cannot exceed 1"))
        if record.replicate < 1:
            bad_cell(row, found.numbers["replicate"], N_("replicates are numbered from 1"))
        record.sample_vars = {c: values[c] for c in found.extra}
        records.append(record)
        if len(problems) >= MAX_PROBLEMS_REPORTED:
            break
    if problems:
        raise SampleError(problems)
    if not records:
        raise SampleError(
            [problem(ErrorCode.SAMPLE_UNREADABLE, Place(file=file_name), reason="no rows")]
        )
    _place_in_zones(records, givens, text, found, region, default_zone)
    return records


def _place_in_zones(
    records: list[CaseRecord],
    givens: list[str],
    text: pd.DataFrame,
    found: _Columns,
    country: str,
    default_zone: str,
) -> None:
    """Each record's zone and its source; a drawn sample's zones keep the source the
    frame's validation found (coordinates, phone…)."""
    rows = text.iloc[[r.row - 2 for r in records]]

    def evidence(role: str) -> np.ndarray:
        column = found.evidence.get(role)
        return rows[column].to_numpy(dtype=object) if column else np.full(len(rows), "", object)

    zones, sources = infer_zones(
        given=np.array(givens, dtype=object),
        latitude=np.array([_coordinate(v) for v in evidence("latitude")], dtype=float),
        longitude=np.array([_coordinate(v) for v in evidence("longitude")], dtype=float),
        postcode=evidence("postcode"),
        region=evidence("region"),
        phone=np.array([r.phones[0][0] if r.phones else "" for r in records], dtype=object),
        country=country,
        default=default_zone,
    )
    drawn = rows[ZONE_SOURCE].tolist() if ZONE_SOURCE in rows else [""] * len(rows)
    for record, given, zone, source, drawn_source in zip(
        records, givens, zones, sources, drawn, strict=True
    ):
        record.time_zone, record.time_zone_source = zone, source
        if given and drawn_source in set(ZoneSource):
            record.time_zone_source = ZoneSource(drawn_source)


def _coordinate(text: str) -> float:
    """A coordinate cell as a number (a decimal comma read as a point), else NaN: the
    coordinates only place a case in its zone, so a cell that is no number places nothing."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return math.nan
