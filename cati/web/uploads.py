"""What an uploaded file must be (an allowed extension, and content of the type it claims),
and where it waits while a view reads it.

One validator for every upload form, so that a renamed executable, a CSV saved as .xlsx or
a binary called .yaml is refused beside the field, naming the file, before anything reads
it. Size is bounded before this runs, by MAX_CONTENT_LENGTH (a 413 page); a workbook's
unpacked size too, before anything unpacks it.
"""

from __future__ import annotations

import codecs
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from wtforms.validators import StopValidation

CHUNK = 1024 * 1024


MB = 1024 * 1024
# Deflate packs a workbook's XML some 5 to 30 to 1; a file packed far tighter is made to
# blow up when opened (a zip bomb). Below the floor any ratio is harmless.
MAX_PACKING = 100
PACKING_FLOOR = 10 * MB
MAX_MEMBERS = 1000  # a workbook holds a few files per sheet; more is not a spreadsheet


def _xlsx(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            if "[Content_Types].xml" in archive.namelist():
                return _unpacked_size(archive.infolist())
    except zipfile.BadZipFile:
        pass
    return gettext("this is not an Excel workbook inside; save it from Excel as .xlsx")


def _unpacked_size(members: list[zipfile.ZipInfo]) -> str | None:
    """Why an archive is too large once unpacked, judged from its directory before any
    member is read. The sizes it declares bind: Python's zipfile, which openpyxl reads
    with, stops at a member's declared size and fails its checksum."""
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    limit = current_app.config["CATI_SETTINGS"].upload_max_expanded_mb
    if len(members) > MAX_MEMBERS:
        return gettext(
            "it holds %(count)s files, more than the %(most)s a workbook may; save it again "
            "from the spreadsheet, or as CSV",
            count=f"{len(members):,}",
            most=f"{MAX_MEMBERS:,}",
        )
    if unpacked > limit * MB:
        return gettext(
            "it unpacks to %(size)s MB, more than the %(limit)s MB a workbook may hold "
            "(CATI_UPLOAD_MAX_EXPANDED_MB); split it, or save it as CSV",
            size=f"{unpacked / MB:,.0f}",
            limit=limit,
        )
    if unpacked > PACKING_FLOOR and unpacked > MAX_PACKING * packed:
        return gettext(
            "it is packed %(ratio)s to 1 (it unpacks to %(size)s MB), far tighter than any "
            "spreadsheet; save it again from the spreadsheet, or as CSV",
            ratio=f"{unpacked // packed:,}",
            size=f"{unpacked / MB:,.0f}",
        )
    return None


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound document an Excel 97-2003 .xls is


def _xls(stream: IO[bytes]) -> str | None:
    if stream.read(len(OLE2)) == OLE2:
        return None
    return gettext("this is not an Excel 97-2003 workbook inside; save it from Excel as .xls")


def _parquet(stream: IO[bytes]) -> str | None:
    """A Parquet file starts and ends with the magic bytes PAR1."""
    head = stream.read(4)
    size = stream.seek(0, io.SEEK_END)
    stream.seek(max(0, size - 4))
    if size >= 8 and head == b"PAR1" and stream.read(4) == b"PAR1":
        return None
    return gettext("this is not a Parquet file (its PAR1 marks are missing)")


def _text(stream: IO[bytes], *, utf8: bool = True) -> str | None:
    """Text without NUL bytes, read in chunks: UTF-8 (a byte-order mark is fine), or any
    encoding when not `utf8` (sample files, whose reader detects UTF-8, Windows-1252 or
    Latin-1: sampling.tables)."""
    decoder = codecs.getincrementaldecoder("utf-8")() if utf8 else None
    offset = 0
    while chunk := stream.read(CHUNK):
        nul = chunk.find(b"\0")
        if nul >= 0:
            return gettext(
                "this is not a text file (byte %(offset)s is a NUL byte)", offset=offset + nul
            )
        try:
            if decoder:
                decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            return gettext(
                "this is not UTF-8 text (byte %(offset)s); save it as UTF-8",
                offset=offset + exc.start,
            )
        offset += len(chunk)
    try:
        if decoder:
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return gettext("this is not UTF-8 text (it ends inside a character); save it as UTF-8")
    return None


CONTENT_CHECKS: dict[str, Callable[[IO[bytes]], str | None]] = {
    "xlsx": _xlsx,
    "xls": _xls,
    "parquet": _parquet,
    "csv": _text,
    "yaml": _text,
    "yml": _text,
    "txt": _text,
}


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


class Upload:
    """WTForms validator: one of ``extensions``, with content of that type."""

    def __init__(self, extensions: Sequence[str], message: str, *, any_encoding=False) -> None:
        unknown = set(extensions) - set(CONTENT_CHECKS)
        if unknown:
            raise ValueError(f"no content check for {sorted(unknown)}")
        self.extensions = set(extensions)
        self.message = message
        # Text whose reader detects its encoding need not be UTF-8 (see _text).
        self.checks = CONTENT_CHECKS | (
            {kind: partial(_text, utf8=False) for kind, c in CONTENT_CHECKS.items() if c is _text}
            if any_encoding
            else {}
        )

    def __call__(self, _form, field) -> None:
        storage = field.data
        if not isinstance(storage, FileStorage) or not storage:
            return  # FileRequired speaks for a missing file
        name = storage.filename or ""
        kind = extension(name)
        if kind not in self.extensions:
            raise StopValidation(self.message)
        try:
            problem = self.checks[kind](storage.stream)
        finally:
            storage.stream.seek(0)
        if problem:
            raise StopValidation(gettext("%(file)s: %(problem)s", file=name, problem=problem))


@contextmanager
def saved_upload(storage: FileStorage) -> Iterator[Path]:
    """The uploaded file saved under its own (made safe) name in a folder of its own,
    removed with the folder when the block ends."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (secure_filename(storage.filename or "upload") or "upload")
        storage.save(path)
        yield path
