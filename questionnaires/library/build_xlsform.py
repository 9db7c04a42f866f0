"""Write customer_satisfaction.xlsx, the XLSForm twin of customer_satisfaction.yaml.

Run ``python -m questionnaires.library.build_xlsform`` after changing the YAML; the tests
check that the workbook loads to exactly the same questionnaire. Only the XLSForm subset
the YAML uses is written (blocks as groups, grids as table-list groups, ranges for ratings).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from questionnaires.files import read_questionnaire
from questionnaires.model import Grid, ModeText, Questionnaire, in_mode

HERE = Path(__file__).resolve().parent
LANGUAGE_NAMES = {"es": "Español (es)", "en": "English (en)"}


def _xpath(expression: str | None) -> str | None:
    """Our condition syntax for the subset used: names become ${name}."""
    if expression is None:
        return None
    return re.sub(
        r"\b([a-z][a-z0-9_]*)\b(?!\()",
        lambda m: m.group(1) if m.group(1) in ("and", "or", "not") else f"${{{m.group(1)}}}",
        expression,
    )


def _texts(text: Any, languages: list[str]) -> list[str | None]:
    if text is None:
        return [None] * len(languages)
    if isinstance(text, str):
        return [text.replace("{", "${")] * len(languages)
    return [text[lang].replace("{", "${") for lang in languages]


def build(questionnaire: Questionnaire, target: Path) -> None:
    languages = list(questionnaire.languages)
    names = [LANGUAGE_NAMES[lang] for lang in languages]
    header = [
        "type",
        "name",
        *[f"label::{n}" for n in names],
        *[f"label_web::{n}" for n in names],
        *[f"hint::{n}" for n in names],
        "relevant",
        "required",
        "appearance",
        "parameters",
    ]
    survey: list[list[Any]] = [header]
    choices: list[list[Any]] = [["list_name", "name", *[f"label::{n}" for n in names], "exclusive"]]

    def row(
        kind,
        name,
        label=None,
        hint=None,
        relevant=None,
        required=None,
        appearance=None,
        parameters=None,
    ):
        survey.append(
            [
                kind,
                name,
                *_texts(in_mode(label), languages),
                # The web wording, where the label has one of its own.
                *_texts(label.web if isinstance(label, ModeText) else None, languages),
                *_texts(hint, languages),
                _xpath(relevant),
                required,
                appearance,
                parameters,
            ]
        )

    def add_list(name: str, options) -> None:
        for option in options:
            choices.append(
                [
                    name,
                    str(option.code),
                    *_texts(option.label, languages),
                    "yes" if option.exclusive else None,
                ]
            )

    for block in questionnaire.blocks:
        row("begin group", block.id, block.title, relevant=block.show_if)
        for q in block.questions:
            required = "yes" if q.required and q.type != "display" else None
            if isinstance(q, Grid):
                add_list(q.id, q.scale)
                row("begin group", q.id, q.text, relevant=q.show_if, appearance="table-list")
                for item in q.items:
                    row(f"select_one {q.id}", item.id, item.label, q.instruction, required=required)
                row("end group", None)
            elif q.type in ("single", "multiple"):
                add_list(q.id, q.options)
                kind = "select_one" if q.type == "single" else "select_multiple"
                row(f"{kind} {q.id}", q.id, q.text, q.instruction, q.show_if, required)
            elif q.type == "rating":
                row(
                    "range",
                    q.id,
                    q.text,
                    q.instruction,
                    q.show_if,
                    required,
                    "nps" if q.nps else None,
                    f"start={q.min} end={q.max} step=1",
                )
            else:
                kind = {"display": "note", "text": "text"}[q.type]
                row(kind, q.id, q.text, q.instruction, q.show_if, required)
        row("end group", None)

    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for line in survey:
        sheet.append(line)
    choice_sheet = book.create_sheet("choices")
    for line in choices:
        choice_sheet.append(line)
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "version", "default_language"])
    settings.append(
        [
            questionnaire.id,
            questionnaire.title,
            questionnaire.version,
            LANGUAGE_NAMES[questionnaire.language],
        ]
    )
    book.save(target)


if __name__ == "__main__":
    build(
        read_questionnaire(HERE / "customer_satisfaction.yaml"), HERE / "customer_satisfaction.xlsx"
    )
