"""Sampling frames: read a declared set of columns, validate every row, import all or nothing.

Row numbers in reports are the ones the user sees: in CSV and XLSX the header is row 1, so
the first household is row 2; Parquet has no header, so its first record is row 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sampling.errors import ErrorCode, SamplingError
from sampling.phones import Phone, normalize_many, zone_of
from sampling.timezones import known_zones, zones_at

SOURCE_ROW = "source_row"


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

    def __post_init__(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise SamplingError(ErrorCode.DESIGN_INPUT, "declare both latitude and longitude")
        if (self.x is None) != (self.y is None):
            raise SamplingError(ErrorCode.DESIGN_INPUT, "declare both x and y")
        if not self.phones:
            raise SamplingError(ErrorCode.DESIGN_INPUT, "declare at least one phone column")

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


@dataclass(frozen=True)
class Issue:
    """One problem in one row (or in the file when `row` is None)."""

    row: int | None
    column: str | None
    code: ErrorCode
    detail: str = ""

    def message(self, file: str | None = None) -> str:
        return SamplingError(
            self.code, self.detail, file=file, row=self.row, column=self.column
        ).message


@dataclass
class ValidationReport:
    """Everything found while validating: errors (rows refused) and suppressions (do-not-call)."""

    file: str | None
    rows_read: int
    issues: list[Issue] = field(default_factory=list)
    suppressed: list[Issue] = field(default_factory=list)
    rows_dropped: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def bad_rows(self) -> list[int]:
        return sorted({i.row for i in self.issues if i.row is not None})

    def lines(self, limit: int | None = None) -> list[str]:
        shown = self.issues if limit is None else self.issues[:limit]
        return [issue.message(self.file) for issue in shown]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(i.row, i.column, i.code.code, i.code.summary, i.detail) for i in self.issues],
            columns=["row", "column", "code", "reason", "detail"],
        )


@dataclass(frozen=True)
class Frame:
    """A validated frame: clean typed data (one row per unit) plus the report that made it."""

    data: pd.DataFrame
    spec: FrameSpec
    report: ValidationReport

    def __len__(self) -> int:
        return len(self.data)


def read_table(path: str | Path) -> tuple[pd.DataFrame, int]:
    """The raw table as text columns and the row number of its first record."""
    path = Path(path)
    if not path.is_file():
        raise SamplingError(ErrorCode.FILE_NOT_FOUND, file=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix in {".csv", ".txt"}:
            encoding, separator = _csv_dialect(path)
            # Blank lines are kept so later row numbers still match the file.
            table = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                encoding=encoding,
                sep=separator,
            )
            return table, 2
        if suffix in {".xlsx", ".xlsm"}:
            table = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
            return table, 2
        if suffix == ".parquet":
            return pd.read_parquet(path), 1
    except Exception as exc:
        # pandas, openpyxl and pyarrow raise whatever their internals hit on a damaged file
        # (BadZipFile, zlib.error, ArrowInvalid, KeyError, ...): to the user it is one
        # thing, a file that cannot be read, named with the reader's own words.
        raise SamplingError(ErrorCode.FILE_FORMAT, reader_failure(exc), file=str(path)) from None
    raise SamplingError(
        ErrorCode.FILE_FORMAT, f"'{suffix}' (use .csv, .xlsx or .parquet)", file=str(path)
    )


def reader_failure(exc: Exception) -> str:
    """A third-party reader's exception as a reason a person can read."""
    text = str(exc).strip() or "the file is damaged"
    return text if isinstance(exc, (ValueError, OSError)) else f"{type(exc).__name__}: {text}"


def _csv_dialect(path: Path) -> tuple[str, str]:
    """Encoding and separator of a CSV: UTF-8 (with or without BOM) or Windows-1252, and
    ',' or ';' or tab — spreadsheets in Spain save ';'-separated Windows-1252 files."""
    head = path.read_bytes()[:65536]
    try:
        text = head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut at the end of the sample
            text, encoding = head[: exc.start].decode("utf-8-sig"), "utf-8-sig"
        else:
            text, encoding = head.decode("cp1252", errors="replace"), "cp1252"
    header = text.splitlines()[0] if text else ""
    separator = max([",", ";", "\t"], key=header.count)
    return encoding, separator


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


def _text(column: pd.Series) -> pd.Series:
    """Column as stripped text, missing values as ''; '612345678.0' from spreadsheets fixed."""
    text = column.astype("string").fillna("").str.strip()
    return text.str.replace(r"^(\d+)\.0$", r"\1", regex=True)


class _Collector:
    """Gathers issues column by column with vectorised masks over the table."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows
        self.issues: list[Issue] = []
        self.bad = np.zeros(rows.size, dtype=bool)

    def add(self, mask: np.ndarray, column: str, code: ErrorCode, details=None) -> None:
        positions = np.flatnonzero(mask)
        for k, pos in enumerate(positions.tolist()):
            detail = "" if details is None else str(details[k])
            self.issues.append(Issue(int(self.rows[pos]), column, code, detail))
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
    missing = [c for c in spec.declared() if c not in table.columns]
    if missing:
        raise SamplingError(ErrorCode.MISSING_COLUMN, ", ".join(missing), file=file)
    rows = np.arange(len(table)) + first_row
    found = _Collector(rows)
    out = pd.DataFrame({SOURCE_ROW: rows})

    ids = _text(table[spec.id])
    found.add((ids == "").to_numpy(), spec.id, ErrorCode.MISSING_VALUE)
    dup_ids = (ids.duplicated() & (ids != "")).to_numpy()
    found.add(dup_ids, spec.id, ErrorCode.ID_DUPLICATE, ids[dup_ids].tolist())
    out[spec.id] = ids.to_numpy()

    for col in spec.strata:
        values = _text(table[col])
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
            out[col] = _text(table[col]).to_numpy()

    found.issues.sort(key=lambda issue: issue.row or 0)
    report = ValidationReport(file=file, rows_read=len(table), issues=found.issues)
    report.suppressed = [
        Issue(int(r), None, ErrorCode.NO_PHONE, "all numbers on the do-not-call list")
        for r in rows[suppressed]
    ]
    if found.issues and not drop_invalid:
        first = "; ".join(issue.message() for issue in found.issues[:5])
        more = len(found.issues) - 5
        detail = f"{len(found.issues)} problem(s) in {len(report.bad_rows)} row(s): {first}"
        detail += f"; and {more} more" if more > 0 else ""
        raise SamplingError(ErrorCode.FRAME_REJECTED, detail, file=file, report=report)
    keep = ~found.bad & ~suppressed
    report.rows_dropped = int(found.bad.sum())
    data = out.loc[keep].reset_index(drop=True)
    if data.empty:
        raise SamplingError(ErrorCode.FRAME_EMPTY, file=file, report=report)
    return Frame(data=data, spec=spec, report=report)


def _numeric(column: pd.Series, name: str, found: _Collector) -> np.ndarray:
    text = _text(column)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    empty = (text == "").to_numpy()
    found.add(empty, name, ErrorCode.MISSING_VALUE)
    not_number = ~np.isfinite(values) & ~empty  # 'inf' parses as a number but is not one
    found.add(not_number, name, ErrorCode.NOT_A_NUMBER, text[not_number].tolist())
    return values


def _check_range(values: np.ndarray, bound: float, name: str, found: _Collector) -> None:
    outside = np.abs(values) > bound
    found.add(
        outside,
        name,
        ErrorCode.COORDINATE_RANGE,
        [f"{v} not in [-{bound:g}, {bound:g}]" for v in values[outside]],
    )


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
        text = _text(table[col])
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
                found.issues.append(Issue(int(found.rows[pos]), col, result.code, result.detail))
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
        detail = f"{number} (first in row {found.rows[first]})"
        found.issues.append(Issue(int(found.rows[pos]), col, ErrorCode.PHONE_DUPLICATE, detail))
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
    n = len(table)
    zones = np.full(n, None, dtype=object)
    if spec.time_zone:
        given = _text(table[spec.time_zone]).to_numpy(dtype=object)
        present = given != ""
        unknown = present & ~np.isin(given, list(known_zones()))
        found.add(unknown, spec.time_zone, ErrorCode.TIME_ZONE_UNKNOWN, given[unknown].tolist())
        zones[present & ~unknown] = given[present & ~unknown]
    if spec.latitude:
        lat = out[spec.latitude].to_numpy()
        lon = out[spec.longitude].to_numpy()
        todo = np.flatnonzero(pd.isna(zones) & np.isfinite(lat) & np.isfinite(lon) & ~found.bad)
        zones[todo] = zones_at(lat[todo], lon[todo])
    for pos in np.flatnonzero(pd.isna(zones) & (first_numbers != "")).tolist():
        zones[pos] = zone_of(first_numbers[pos])
    missing = pd.isna(zones) & ~found.bad
    found.add(missing, spec.zone_column, ErrorCode.TIME_ZONE_MISSING)
    out[spec.zone_column] = zones
