"""Where a problem found in the questionnaire is in the workbook: the model and the checks
name paths (``blocks[1].questions[3].show_if``); the reader marked each question with its
survey row, so the problem is placed at that row and column too."""

from __future__ import annotations

import re
from typing import Any

from cati.problems import Problem
from questionnaires.errors import placed

# A question's part -> the survey column it was written in.
COLUMNS = {
    ".show_if": "relevant",
    ".checks": "constraint",
    ".text": "label",
    ".instruction": "hint",
    ".options": "type",
    ".default": "default",
}


def rows_by_path(data: dict[str, Any]) -> dict[str, int]:
    """The survey row of each question, by its path in the questionnaire
    (``blocks[1].questions[3]``), taken out of the data the reader marked."""
    rows: dict[str, int] = {}
    blocks = (
        [("", data)]
        if "questions" in data
        else [(f"blocks[{b}].", block) for b, block in enumerate(data.get("blocks", []))]
    )
    for prefix, block in blocks:
        for q, question in enumerate(block.get("questions", [])):
            row = question.pop("_row", None)
            if row is not None:
                rows[f"{prefix}questions[{q}]"] = row
    return rows


def placed_at_rows(problems: list[Problem], rows: dict[str, int]) -> list[Problem]:
    """Problems the model or the checks found at a path, placed at the sheet row too."""
    result = []
    for found in problems:
        path = found.place.path
        owner = re.match(r"(?:blocks\[\d+\]\.)?questions\[\d+\]", path)
        row = rows.get(owner.group()) if owner else None
        if found.place.line is None and row is not None:
            rest = path[len(owner.group()) :] if owner else ""
            column = next((c for part, c in COLUMNS.items() if rest.startswith(part)), None)
            found = placed(
                found,
                line=row,
                path=f"survey sheet, row {row}, {path}",
                column=found.place.column or column,
            )
        result.append(found)
    return result
