"""Choice lists of an XLSForm: from the choices sheet, the external_choices sheet or a CSV
file beside the workbook, with integer codes for the data.

The code rule: a list whose names are all whole numbers keeps them as codes; any other list
numbers its distinct names 1, 2, 3... in sheet order. The name stays with the option (what
expressions compare and what exports write where a text value is expected); a name written
twice (``allow_choice_duplicates``) is one option with one code.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CODE_LIMIT = 999_999  # Option.code's bounds


@dataclass
class ChoiceList:
    name: str
    row: int  # the first row of the list, for problems
    sheet: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row, cells)
    broken: bool = False  # refused once; questions using it say nothing more

    def numbered(self) -> bool:
        names = [cells["name"] for _, cells in self.rows]
        return all(re.fullmatch(r"-?\d+", n) and abs(int(n)) <= CODE_LIMIT for n in names) and len(
            {int(n) for n in names}
        ) == len(names)

    def codes(self) -> dict[str, int]:
        """Choice name -> code, by the rule above."""
        if self.numbered():
            return {cells["name"]: int(cells["name"]) for _, cells in self.rows}
        codes: dict[str, int] = {}
        for _, cells in self.rows:
            codes.setdefault(cells["name"], len(codes) + 1)
        return codes


def group_lists(
    rows: list[dict[str, Any]], sheet: str, first_row: int = 2
) -> dict[str, ChoiceList]:
    """Rows (canonical headers) by their list; rows without list or name are left out and
    reported by the caller through ``missing``."""
    lists: dict[str, ChoiceList] = {}
    for index, cells in enumerate(rows):
        number = index + first_row
        list_name = cells.get("list_name")
        if not list_name or "name" not in cells:
            continue
        cells = {**cells, "name": str(cells["name"])}
        lists.setdefault(list_name, ChoiceList(list_name, number, sheet)).rows.append(
            (number, cells)
        )
    return lists


def csv_list(path: Path, list_name: str, value: str, label: str) -> ChoiceList:
    """A ``select_one_from_file`` CSV: one choice per line, ``value`` and ``label`` columns
    (pyxform's defaults are name and label), the other columns kept for filters. Raises
    OSError, UnicodeError or KeyError."""
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    found = ChoiceList(list_name, 1, path.name)
    for index, line in enumerate(reader):
        name = (line.get(value) or "").strip()
        if not name:
            continue
        text_label = (line.get(label) or "").strip() or name
        columns = {str(k).strip(): str(v or "").strip() for k, v in line.items() if k}
        # the other columns stay: a choice_filter may test them
        cells = {**columns, "list_name": list_name, "name": name, "label": text_label}
        found.rows.append((index + 2, cells))
    if reader.fieldnames is None or value not in reader.fieldnames:
        raise KeyError(value)
    return found
