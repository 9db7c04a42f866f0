"""Reading sample and frame files as people save them: the one reader of every sample path.

`cati sample check`/`draw`/`rdd`, the browser draw, `cati project import-sample` and the
web upload all read through `read_table`, so a file that one of them reads, all read the
same way. A CSV is decoded as UTF-8 (with or without a byte-order mark), else Windows-1252,
else Latin-1 (which decodes any byte); its separator is the one of ',', ';' and tab that
the header line holds most of: Excel in Spain saves ';'-separated Windows-1252 (or UTF-8
with a BOM), with CRLF line ends and decimal commas.

Header names are matched without regard to case, accents, spaces or hyphens (`header_key`),
and each column with a meaning to the sample has documented aliases (`ALIASES`), so that
`ID`, `Teléfono` and `Móvil` are the id and two phones.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from cati.problems import N_, Place
from sampling.errors import ErrorCode, SamplingError

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
SEPARATORS = (",", ";", "\t")
ENCODINGS = ("utf-8-sig", "cp1252")

# The names (as header keys) a column of each role goes by. Phone columns may also carry a
# number ("phone_2", "Teléfono 2", "movil2").
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "case_id", "caseid", "case", "identifier", "identificador", "id_caso", "caso"),
    "phone": (
        "phone",
        "telephone",
        "phone_number",
        "tel",
        "tlf",
        "telf",
        "telefono",
        "numero_de_telefono",
        "mobile",
        "cell",
        "movil",
        "celular",
        "fijo",
        "landline",
    ),
    "phones": ("phones", "telefonos"),
    "replicate": ("replicate", "replica"),
    "pi": ("pi", "inclusion_prob", "inclusion_probability", "probabilidad_de_inclusion"),
    "weight": ("weight", "design_weight", "peso"),
    "time_zone": ("time_zone", "timezone", "tz", "zona_horaria", "huso_horario"),
    "latitude": ("latitude", "lat", "latitud"),
    "longitude": ("longitude", "lon", "lng", "long", "longitud"),
    "postcode": ("postcode", "postal_code", "zip", "zip_code", "zipcode", "cp", "codigo_postal"),
    "region": (
        "region",
        "province",
        "provincia",
        "comunidad",
        "comunidad_autonoma",
        "ccaa",
        "state",  # a US or Mexican state
        "distrito",  # a Portuguese district
    ),
}
_NUMBERED = re.compile(r"^(?P<base>[a-z_]+?)_?(?P<n>\d+)$")
# Patterns as text: pandas hands those to pyarrow's regex engine, compiled ones to Python's.
_FLOAT_INTEGER = r"^([+-]?\d+)\.0+$"
_DECIMAL_COMMA = r"^([+-]?\d*),(\d+)$"


def header_key(name: object) -> str:
    """A header as compared: case-folded, accents dropped, runs of other characters '_'."""
    text = unicodedata.normalize("NFKD", str(name)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def role_of(name: object) -> str | None:
    """The role a header names by its aliases ('Teléfono 2' is a phone), or None."""
    key = header_key(name)
    for role, aliases in ALIASES.items():
        if key in aliases:
            return role
    numbered = _NUMBERED.match(key)
    if numbered and numbered["base"] in ALIASES["phone"]:
        return "phone"
    return None


def columns_for(columns: Iterable[object], role: str) -> list[str]:
    """The columns of `role`, in file order."""
    return [str(c) for c in columns if role_of(c) == role]


def find_column(columns: Iterable[object], name: str, *, aliases: bool = True) -> str | None:
    """The column `name` means: that exact header, else one with the same header key, else
    (when `name` is an alias and `aliases`) the first column of the same role."""
    columns = [str(c) for c in columns]
    if name in columns:
        return name
    key = header_key(name)
    same = [c for c in columns if header_key(c) == key]
    if same:
        return same[0]
    role = role_of(name) if aliases else None
    found = columns_for(columns, role) if role else []
    return found[0] if found else None


def plain_text(column: pd.Series) -> pd.Series:
    """A column as stripped text, missing cells as ''."""
    return column.astype("string").fillna("").str.strip()


def cell_text(column: pd.Series) -> pd.Series:
    """`plain_text`, and a whole number a spreadsheet wrote as a float ('910000011.0') as
    the number it is."""
    return plain_text(column).str.replace(_FLOAT_INTEGER, r"\1", regex=True)


def decimal_points(text: pd.Series) -> pd.Series:
    """Numbers written with a decimal comma ('0,25', as Spanish spreadsheets save them)
    with a point; other text unchanged."""
    return text.str.replace(_DECIMAL_COMMA, r"\1.\2", regex=True)


def read_table(path: str | Path, name: str | None = None) -> tuple[pd.DataFrame, int]:
    """The table at `path` and the row number of its first record (CSV and XLSX count the
    header as row 1; Parquet has none). CSV and XLSX cells are text.

    Problems name the file `name` when given (an upload's temporary path means nothing to
    the researcher), else its path; every failure is a SamplingError (S100/S101).
    """
    path = Path(path)
    where = Place(file=name or str(path))
    if not path.is_file():
        raise SamplingError.one(ErrorCode.FILE_NOT_FOUND, N_("file not found"), where)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv_bytes(path.read_bytes(), where), 2
    try:
        if suffix in {".xlsx", ".xlsm"}:
            table = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
            return table, 2
        if suffix == ".parquet":
            return pd.read_parquet(path), 1
    except Exception as exc:
        # pandas, openpyxl and pyarrow raise whatever their internals hit on a damaged file
        # (BadZipFile, zlib.error, ArrowInvalid, KeyError, ...): to the user it is one
        # thing, a file that cannot be read, named with the reader's own words.
        raise _unreadable(exc, where) from None
    raise SamplingError.one(
        ErrorCode.FILE_FORMAT,
        N_("unsupported or unreadable file: '%(suffix)s' (use .csv, .xlsx or .parquet)"),
        where,
        suffix=suffix,
    )


def count_rows(path: str | Path) -> int | None:
    """About how many records the table at `path` has, found without reading it: a CSV's
    lines after the header (a quoted line break counts one more), a workbook's first sheet
    by the size it declares, a Parquet file's by its footer. None when the file does not
    say (a workbook saved without its size) or cannot be opened: `read_table` says why."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            content = path.read_bytes()
            return content.count(b"\n") - 1 + (not content.endswith(b"\n"))
        if suffix in {".xlsx", ".xlsm"}:
            import openpyxl

            workbook = openpyxl.load_workbook(path, read_only=True)
            try:
                rows = workbook.worksheets[0].max_row
            finally:
                workbook.close()
            return rows - 1 if rows else None
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
    except Exception:  # whatever a damaged file raises: read_table reports it, in words
        return None
    return None


def read_csv_bytes(content: bytes, where: Place) -> pd.DataFrame:
    """A CSV's bytes as a table of text cells, its encoding and separator detected."""
    text = decode(content)
    first_line = text.split("\n", 1)[0]
    separator = max(SEPARATORS, key=first_line.count)
    try:
        # Blank lines are kept so that later row numbers still match the file.
        return pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            sep=separator,
        )
    except pd.errors.ParserError as exc:
        raise SamplingError.one(
            ErrorCode.FILE_FORMAT,
            N_(
                "unsupported or unreadable file: its rows do not match its header "
                "(%(reason)s); put values that contain the separator %(separator)r in "
                "double quotes, or save the file again as CSV from the spreadsheet"
            ),
            where,
            reason=str(exc).strip(),
            separator=separator,
        ) from None
    except Exception as exc:
        raise _unreadable(exc, where) from None


def decode(content: bytes) -> str:
    """UTF-8 (a BOM dropped), else Windows-1252, else Latin-1, which decodes any byte."""
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def reader_failure(exc: Exception) -> str:
    """A third-party reader's exception as a reason a person can read."""
    text = str(exc).strip() or "the file is damaged"
    return text if isinstance(exc, (ValueError, OSError)) else f"{type(exc).__name__}: {text}"


def _unreadable(exc: Exception, where: Place) -> SamplingError:
    return SamplingError.one(
        ErrorCode.FILE_FORMAT,
        N_("unsupported or unreadable file: %(reason)s"),
        where,
        reason=reader_failure(exc),
    )
