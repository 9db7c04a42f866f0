"""Multiple-response sets in an SPSS ``.sav`` file, which pyreadstat does not write.

A multiple choice question is a multiple dichotomy set (``MRSETS /MDGROUP``): its 0/1
variables, counted value 1, the question's label. SPSS keeps the sets in an extension record
(type 7, subtype 7, the layout in the GNU PSPP manual, "System File Format") in the file's
dictionary; ``add_mr_sets`` walks the dictionary records pyreadstat wrote and inserts that
record before the dictionary's end (record type 999). Variables are named there by their
short (8-byte) names, which the file's long-name record maps to the real ones.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HEADER_BYTES = 176
END_OF_DICTIONARY = 999


@dataclass(frozen=True)
class MrSet:
    name: str  # without the leading $
    label: str
    variables: tuple[str, ...]  # the dichotomies, counted value 1


def _int(data: bytes, at: int) -> int:
    return struct.unpack_from("<i", data, at)[0]


def _dictionary(data: bytes) -> tuple[int, dict[str, str]]:
    """Where the end-of-dictionary record starts, and long name → short name."""
    at = HEADER_BYTES
    short_names: list[str] = []
    long_names: dict[str, str] = {}
    while True:
        kind = _int(data, at)
        if kind == END_OF_DICTIONARY:
            return at, {long_names.get(s, s).lower(): s for s in short_names}
        if kind == 2:
            width, has_label, n_missing = struct.unpack_from("<iii", data, at + 4)
            if width != -1:  # -1: the continuation of a long string
                short_names.append(data[at + 24 : at + 32].decode("ascii").rstrip())
            at += 32
            if has_label:
                at += 4 + (_int(data, at) + 3) // 4 * 4
            at += abs(n_missing) * 8
        elif kind == 3:
            count = _int(data, at + 4)
            at += 8
            for _ in range(count):
                at += (8 + 1 + data[at + 8] + 7) // 8 * 8
        elif kind == 4:
            at += 8 + 4 * _int(data, at + 4)
        elif kind == 6:
            at += 8 + 80 * _int(data, at + 4)
        elif kind == 7:
            subtype, size, count = struct.unpack_from("<iii", data, at + 4)
            body = data[at + 16 : at + 16 + size * count]
            if subtype == 13:  # SHORT=Long pairs, tab-separated
                for pair in body.decode("utf-8").split("\t"):
                    short, _, long = pair.partition("=")
                    long_names[short] = long
            at += 16 + size * count
        else:
            raise ValueError(f"unexpected record type {kind} at byte {at} of the .sav file")


def _record(sets: Sequence[MrSet], short: dict[str, str]) -> bytes:
    lines = []
    for s in sets:
        label = s.label.encode("utf-8")
        names = " ".join(short[v.lower()].lower() for v in s.variables).encode("utf-8")
        lines.append(b"$%s=D1 1 %d %s %s\n" % (s.name.encode("utf-8"), len(label), label, names))
    body = b"".join(lines)
    return struct.pack("<iiii", 7, 7, 1, len(body)) + body


def add_mr_sets(path: Path, sets: Sequence[MrSet]) -> None:
    """Write ``sets`` into the uncompressed or bytecode-compressed ``.sav`` at ``path``."""
    if not sets:
        return
    data = path.read_bytes()
    if data[:4] != b"$FL2" or _int(data, 64) != 2:
        raise ValueError(f"{path} is not a little-endian SPSS system file")
    end, short = _dictionary(data)
    path.write_bytes(data[:end] + _record(sets, short) + data[end:])
