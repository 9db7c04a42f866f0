"""Sampling frames: read a declared set of columns, validate every row, import all or nothing.

Row numbers in reports are the ones the user sees: in CSV and XLSX the header is row 1, so
the first household is row 2; Parquet has no header, so its first record is row 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from cati.problems import N_, Place, Problem
from sampling.errors import SUMMARIES, ErrorCode, SamplingError, missing_columns
from sampling.phones import Phone, normalize_many
from sampling.tables import cell_text, columns_for, decimal_points, find_column, read_table
from sampling.timezones import infer_zones, known_zones

SOURCE_ROW = "source_row"
# Beside each unit's zone, where it came from (sampling.timezones.ZoneSource).
ZONE_SOURCE = "time_zone_source"


@dataclass(frozen=True)
class FrameSpec:
    """Which columns of the file mean what. Only `id` and at least one phone are required."""

    id: str = "id"
    phones: tuple[str, ...] = ("phone",)
    strata: tuple[str, ...] = ()
    latitude: str | None = None
    longitude: str | None = None
    x: str | None = None
    y: str | None = None
    time_zone: str | None = None
    auxiliary: tuple[str, ...] = ()
    region: str = "ES"
    # The zone of units nothing else places (and the pick among a number's several zones).
    default_zone: str | None = None

    def __post_init__(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise SamplingError.one(
                ErrorCode.DESIGN_INPUT,
                N_("invalid design input: declare both latitude and longitude"),
            )
        if (self.x is None) != (self.y is None):
            raise SamplingError.one(
                ErrorCode.DESIGN_INPUT, N_("invalid design input: declare both x and y")
            )
        if not self.phones:
            raise SamplingError.one(
                ErrorCode.DESIGN_INPUT,
                N_("invalid design input: declare at least one phone column"),
            )

    @property
    def zone_column(self) -> str:
        return self.time_zone or "time_zone"

    @property
    def numeric(self) -> tuple[str, ...]:
        coords = (self.latitude, self.longitude, self.x, self.y)
        return tuple(c for c in coords if c) + self.auxiliary

    def declared(self) -> list[str]:
        cols = [self.id, *self.phones, *self.strata, *self.numeric]
        return cols + ([self.time_zone] if self.time_zone else [])

    def matched(self, columns: Iterable[str]) -> FrameSpec:
        """This spec with each declared name replaced by the file's header it means ('ID'
        for id, 'Teléfono' for phone: `sampling.tables.find_column`); a name the file does
        not have is kept, to be reported missing."""
        columns = list(columns)

        def match(name: str | None, aliases: bool = True) -> str | None:
            return name and (find_column(columns, name, aliases=aliases) or name)

        def exactly(name: str) -> str:  # design columns have no aliases: 'province' is not 'region'
            return match(name, aliases=False)

        return replace(
            self,
            id=match(self.id),
            phones=tuple(map(match, self.phones)),
            strata=tuple(map(exactly, self.strata)),
            latitude=match(self.latitude),
            longitude=match(self.longitude),
            x=exactly(self.x) if self.x else None,
            y=exactly(self.y) if self.y else None,
            time_zone=match(self.time_zone),
            auxiliary=tuple(map(exactly, self.auxiliary)),
        )


# The message of each problem a row can have, by code; `%(value)s` is the cell's text.
ROW_PROBLEMS: dict[ErrorCode, str] = {
    ErrorCode.MISSING_VALUE: N_("required value is empty"),
    ErrorCode.NOT_A_NUMBER: N_("value is not a number: %(value)s"),
    ErrorCode.COORDINATE_RANGE: N_(
        "coordinate out of range: %(value)s not in [-%(bound)s, %(bound)s]"
    ),
    ErrorCode.NO_PHONE: N_("row has no phone number"),
    ErrorCode.ID_DUPLICATE: N_("id already appears in an earlier row: %(value)s"),
    ErrorCode.PHONE_DUPLICATE: N_(
        "phone number already appears in an earlier row: %(value)s (first in row %(first)s)"
    ),
    ErrorCode.TIME_ZONE_UNKNOWN: N_("time zone is not an IANA name: %(value)s"),
    ErrorCode.TIME_ZONE_MISSING: N_(
        "time zone cannot be inferred from coordinates, postcode, region or phone; give a "
        "time_zone column or a default zone (--default-zone)"
    ),
}


@dataclass
class ValidationReport:
    """Everything found while validating: problems (rows refused) and suppressions
    (do-not-call), each a problem placed at its file, row and column."""

    rows_read: int
    problems: list[Problem] = field(default_factory=list)
    suppressed: list[Problem] = field(default_factory=list)
    rows_dropped: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.place.row for p in self.problems if p.place.row is not None})


def problem_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """One line per problem, for a CSV the researcher can sort and filter."""
    return pd.DataFrame(
        [
            (p.place.row, p.place.column, p.code, SUMMARIES[ErrorCode(p.code)], p.message)
            for p in problems
        ],
        columns=["row", "column", "code", "reason", "message"],
    )


@dataclass(frozen=True)
class Frame:
    """A validated frame: clean typed data (one row per unit) plus the report that made it."""

    data: pd.DataFrame
    spec: FrameSpec
    report: ValidationReport

    def __len__(self) -> int:
        return len(self.data)


def load_frame(
    path: str | Path,
    spec: FrameSpec,
    *,
    drop_invalid: bool = False,
    do_not_call: Iterable[str] = (),
) -> Frame:
    """Read and validate a frame file; see `validate_frame`."""
    table, first_row = read_table(path)
    return validate_frame(
        table,
        spec,
        file=str(path),
        first_row=first_row,
        drop_invalid=drop_invalid,
        do_not_call=do_not_call,
    )


class _Collector:
    """Gathers problems column by column with vectorised masks over the table."""

    def __init__(self, rows: np.ndarray, file: str | None) -> None:
        self.rows = rows
        self.file = file
        self.problems: list[Problem] = []
        self.bad = np.zeros(rows.size, dtype=bool)

    def place(self, pos: int, column: str | None) -> Place:
        return Place(file=self.file, row=int(self.rows[pos]), column=column)

    def add(self, mask: np.ndarray, column: str, code: ErrorCode, values=None, **params) -> None:
        """A problem of `code` in `column` of every row in `mask`; `values` (one per row
        in the mask) fill the template's `%(value)s`."""
        positions = np.flatnonzero(mask)
        for k, pos in enumerate(positions.tolist()):
            found = params if values is None else {"value": str(values[k]), **params}
            self.problems.append(Problem(code, ROW_PROBLEMS[code], found, self.place(pos, column)))
        self.bad[positions] = True


def validate_frame(
    table: pd.DataFrame,
    spec: FrameSpec,
    *,
    file: str | None = None,
    first_row: int = 2,
    drop_invalid: bool = False,
    do_not_call: Iterable[str] = (),
) -> Frame:
    """Validate every row; refuse the frame whole if any row is bad, unless `drop_invalid`.

    Phones become E.164 with their kind (fixed/mobile); missing time zones are inferred from
    the coordinates, else from a phone number that maps to a single zone. Phones on the
    do-not-call list are removed, and a row left without a phone is suppressed (reported,
    not an error). Nothing is returned unless the whole result is consistent.
    """
    spec = spec.matched(table.columns)
    missing = [c for c in spec.declared() if c not in table.columns]
    if missing:
        raise missing_columns(missing, table.columns, file)
    rows = np.arange(len(table)) + first_row
    found = _Collector(rows, file)
    out = pd.DataFrame({SOURCE_ROW: rows})

    ids = cell_text(table[spec.id])
    found.add((ids == "").to_numpy(), spec.id, ErrorCode.MISSING_VALUE)
    dup_ids = (ids.duplicated() & (ids != "")).to_numpy()
    found.add(dup_ids, spec.id, ErrorCode.ID_DUPLICATE, ids[dup_ids].tolist())
    out[spec.id] = ids.to_numpy()

    for col in spec.strata:
        values = cell_text(table[col])
        found.add((values == "").to_numpy(), col, ErrorCode.MISSING_VALUE)
        out[col] = values.to_numpy()

    for col in spec.numeric:
        out[col] = _numeric(table[col], col, found)
    if spec.latitude:
        _check_range(out[spec.latitude].to_numpy(), 90.0, spec.latitude, found)
        _check_range(out[spec.longitude].to_numpy(), 180.0, spec.longitude, found)

    dnc = set(_dnc_numbers(do_not_call, spec.region))
    first_numbers, suppressed = _phones(table, spec, found, out, dnc)
    _time_zones(table, spec, found, out, first_numbers)
    # Every other column rides along as text: fieldwork uses them as sample variables
    # (quotas, piping into the questionnaire), so a drawn sample must not lose them.
    for col in table.columns:
        if col not in out.columns and col not in spec.declared():
            out[col] = cell_text(table[col]).to_numpy()

    found.problems.sort(key=lambda problem: problem.place.row or 0)
    report = ValidationReport(rows_read=len(table), problems=found.problems)
    report.suppressed = [
        Problem(
            ErrorCode.NO_PHONE,
            N_("row has no phone number: all numbers on the do-not-call list"),
            place=found.place(pos, None),
            severity="warning",
        )
        for pos in np.flatnonzero(suppressed).tolist()
    ]
    if found.problems and not drop_invalid:
        headline = Problem(
            ErrorCode.FRAME_REJECTED,
            N_("frame has errors and was not imported: %(problems)s problem(s) in %(rows)s row(s)"),
            {"problems": len(found.problems), "rows": len(report.bad_rows)},
            Place(file=file),
        )
        raise SamplingError([headline, *found.problems])
    keep = ~found.bad & ~suppressed
    report.rows_dropped = int(found.bad.sum())
    data = out.loc[keep].reset_index(drop=True)
    if data.empty:
        empty = Problem(ErrorCode.FRAME_EMPTY, N_("frame has no usable rows"), place=Place(file))
        raise SamplingError([empty, *found.problems])
    return Frame(data=data, spec=spec, report=report)


def _numeric(column: pd.Series, name: str, found: _Collector) -> np.ndarray:
    text = cell_text(column)
    values = pd.to_numeric(decimal_points(text), errors="coerce").to_numpy(dtype=float)
    empty = (text == "").to_numpy()
    found.add(empty, name, ErrorCode.MISSING_VALUE)
    not_number = ~np.isfinite(values) & ~empty  # 'inf' parses as a number but is not one
    found.add(not_number, name, ErrorCode.NOT_A_NUMBER, text[not_number].tolist())
    return values


def _check_range(values: np.ndarray, bound: float, name: str, found: _Collector) -> None:
    outside = np.abs(values) > bound
    found.add(outside, name, ErrorCode.COORDINATE_RANGE, values[outside], bound=f"{bound:g}")


def _dnc_numbers(do_not_call: Iterable[str], region: str) -> list[str]:
    outcomes = normalize_many((str(v).strip() for v in do_not_call), region)
    return [o.e164 for o in outcomes.values() if isinstance(o, Phone)]


def _phones(
    table: pd.DataFrame, spec: FrameSpec, found: _Collector, out: pd.DataFrame, dnc: set[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Normalize every phone column into `out`; returns each row's first number and the
    mask of rows suppressed by the do-not-call list."""
    n = len(table)
    has_phone = np.zeros(n, dtype=bool)
    had_any = np.zeros(n, dtype=bool)
    first_numbers = np.full(n, "", dtype=object)
    normalized = []
    for col in spec.phones:
        text = cell_text(table[col])
        present = (text != "").to_numpy()
        outcomes = normalize_many(text[present].unique().tolist(), spec.region)
        results = text.map(outcomes).to_numpy(dtype=object)
        e164 = np.full(n, "", dtype=object)
        kind = np.full(n, "", dtype=object)
        failed = np.zeros(n, dtype=bool)
        for pos in np.flatnonzero(present).tolist():
            result = results[pos]
            if isinstance(result, Phone):
                e164[pos], kind[pos] = result.e164, result.kind
            else:
                failed[pos] = True
                found.problems.append(replace(result.problem, place=found.place(pos, col)))
        found.bad |= failed
        on_list = np.isin(e164, list(dnc)) if dnc else np.zeros(n, dtype=bool)
        e164[on_list], kind[on_list] = "", ""
        first_numbers[first_numbers == ""] = e164[first_numbers == ""]
        had_any |= present
        has_phone |= e164 != ""
        normalized.append((col, e164, kind))
    found.add(~had_any, spec.phones[0], ErrorCode.NO_PHONE)
    suppressed = had_any & ~has_phone & ~found.bad

    # Duplicates across rows: the first row keeps the number, later rows are errors.
    stacked = pd.DataFrame(
        {
            "pos": np.concatenate([np.arange(n)] * len(normalized)),
            "col": np.repeat([c for c, _, _ in normalized], n),
            "e164": np.concatenate([e for _, e, _ in normalized]),
        }
    )
    stacked = stacked[stacked["e164"] != ""].drop_duplicates(["pos", "e164"])
    stacked = stacked.sort_values("pos", kind="stable")
    first_pos = stacked.groupby("e164")["pos"].transform("min")
    dup = stacked[stacked["pos"] != first_pos]
    for pos, col, number, first in zip(
        dup["pos"], dup["col"], dup["e164"], first_pos[dup.index], strict=True
    ):
        found.problems.append(
            Problem(
                ErrorCode.PHONE_DUPLICATE,
                ROW_PROBLEMS[ErrorCode.PHONE_DUPLICATE],
                {"value": number, "first": int(found.rows[first])},
                found.place(pos, col),
            )
        )
        found.bad[pos] = True

    for col, e164, kind in normalized:
        out[col] = e164
        out[f"{col}_kind"] = kind
    return first_numbers, suppressed


def _time_zones(
    table: pd.DataFrame,
    spec: FrameSpec,
    found: _Collector,
    out: pd.DataFrame,
    first_numbers: np.ndarray,
) -> None:
    """Each good row's zone and its source by `sampling.timezones.infer_zones`."""
    n = len(table)
    given = np.full(n, "", dtype=object)
    if spec.time_zone:
        given = cell_text(table[spec.time_zone]).to_numpy(dtype=object)
        unknown = (given != "") & ~np.isin(given, list(known_zones()))
        found.add(unknown, spec.time_zone, ErrorCode.TIME_ZONE_UNKNOWN, given[unknown].tolist())
        given[unknown] = ""
    nowhere = np.full(n, np.nan)
    lat = out[spec.latitude].to_numpy(dtype=float) if spec.latitude else nowhere
    lon = out[spec.longitude].to_numpy(dtype=float) if spec.longitude else nowhere
    good = ~found.bad
    zones = np.full(n, None, dtype=object)
    sources = np.full(n, None, dtype=object)
    zones[good], sources[good] = infer_zones(
        given=given[good],
        latitude=lat[good],
        longitude=lon[good],
        postcode=_first_of(table, "postcode")[good],
        region=_first_of(table, "region")[good],
        phone=first_numbers[good],
        country=spec.region,
        default=spec.default_zone,
    )
    missing = pd.isna(zones) & ~found.bad
    found.add(missing, spec.zone_column, ErrorCode.TIME_ZONE_MISSING)
    out[spec.zone_column] = zones
    out[ZONE_SOURCE] = sources


def _first_of(table: pd.DataFrame, role: str) -> np.ndarray:
    """The text of the first column of `role` (postcode, region), or '' in every row."""
    columns = columns_for(table.columns, role)
    if not columns:
        return np.full(len(table), "", dtype=object)
    return cell_text(table[columns[0]]).to_numpy(dtype=object)
