"""The rows of an XLSForm as the plain data of a questionnaire: the settings, the choice
lists, the names expressions refer to, the survey as a tree of groups, then its layout
(``xlsform_layout``) and questions (``xlsform_questions``)."""

from __future__ import annotations

import re
from typing import Any

from cati.problems import N_
from questionnaires.errors import ErrorCode
from questionnaires.xlsform_choices import ChoiceList, group_lists
from questionnaires.xlsform_form import (
    CHOICE_COLUMNS,
    METADATA_TYPES,
    OFF_THE_PHONE,
    SETTINGS_COLUMNS,
    SURVEY_COLUMNS,
    computed,
    is_yes,
)
from questionnaires.xlsform_headers import canonical_row, canonical_type, language_code, select_type
from questionnaires.xlsform_layout import Layout
from questionnaires.xlsform_xpath import safe_name


def _first_label(cells: dict[str, Any]) -> str:
    """A choice's label for ``jr:choice-name``: the plain column, else the first language's,
    else its name (a text for the data, so in one language)."""
    for key, value in cells.items():
        if key == "label" or key.startswith("label::"):
            return str(value)
    return str(cells["name"])


class SurveyReader(Layout):
    # --- the form ----------------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        self.survey = [canonical_row(r) for r in (self.data.survey or [])]
        if not any(self.survey):
            self.fail(
                "survey", None, N_("the workbook has no survey sheet"), ErrorCode.XLSFORM_INVALID
            )
            return {}
        choices = [canonical_row(r) for r in (self.data.choices or [])]
        external = [canonical_row(r) for r in (self.data.external_choices or [])]
        self.note_languages(self.survey + choices + external)
        for sheet in ("entities", "osm"):
            if getattr(self.data, sheet, None):
                self.fail(sheet, None, N_("the %(name)s sheet is not supported"), name=sheet)
        self.lists = self.read_lists(choices, "choices")
        self.external = self.read_lists(external, "external_choices")
        settings = canonical_row(dict((self.data.settings or [{}])[0] or {}))
        self.ignored_columns |= {k for k in settings if k not in SETTINGS_COLUMNS}
        form_id = re.sub(r"\W", "_", settings.get("id_string") or self.fallback_id or "form")
        if not re.match(r"[A-Za-z]", form_id):
            form_id = f"form_{form_id}"
        result: dict[str, Any] = {
            "id": form_id[:64],
            "version": str(settings.get("version") or "1")[:40],
            "title": settings.get("title") or form_id,
        }
        if self.languages:
            result["languages"] = self.languages
        if settings.get("default_language"):
            code, _ = language_code(str(settings["default_language"]))
            if code in self.languages:
                result["default_language"] = code
            else:
                self.warn(
                    "settings",
                    2,
                    N_("default_language %(language)r has no texts in the form; ignored"),
                    language=settings["default_language"],
                )
        for key in ("dont_know", "refused"):
            if key in settings:
                result[key] = is_yes(settings[key])
        self.collect_names()
        tree = self.tree()
        for node in tree:
            self.top(node)
        self.report_columns(choices)
        if self.names.calculations:
            self.warn(
                "survey",
                None,
                N_(
                    "calculations are written into the expressions that use them and stored "
                    "in the data as computed variables: %(names)s"
                ),
                names=", ".join(sorted(self.names.calculations)),
            )
        if not any(q.get("type") != "calculate" for b in self.blocks for q in b["questions"]):
            if self.problems:
                return result
            # pyxform takes a form of GPS points or calculations alone: one page says so.
            self.warn("survey", None, N_("the form asks no question a telephone can ask"))
            self.block = None
            self.new_block("nothing")["questions"].append(
                {
                    "id": self.unique("nothing_to_ask"),
                    "type": "display",
                    "text": "This form has nothing to ask on the telephone.",
                }
            )
        if len(self.blocks) == 1 and self.blocks[0].pop("implicit", False):
            result["questions"] = self.blocks[0]["questions"]
        else:
            for block in self.blocks:
                block.pop("implicit", None)
            result["blocks"] = self.blocks
        return result

    def report_columns(self, choices: list[dict[str, str]]) -> None:
        filters = " ".join(str(r.get("choice_filter", "")) for r in self.survey)
        for row in choices:
            for key in row:
                base = key.partition("::")[0]
                if base not in CHOICE_COLUMNS and not re.search(rf"\b{re.escape(base)}\b", filters):
                    self.ignored_columns.add(base)
        if self.ignored_columns:
            self.warn(
                "survey",
                1,
                N_("columns with no meaning here are ignored: %(columns)s"),
                columns=", ".join(sorted(self.ignored_columns)),
            )

    def read_lists(self, rows: list[dict[str, str]], sheet: str) -> dict[str, ChoiceList]:
        for index, row in enumerate(rows):
            if row.get("list_name") and "name" not in row:
                self.fail(sheet, index + 2, N_("the choice has no name"), ErrorCode.XLSFORM_INVALID)
        return group_lists(rows, sheet)

    def collect_names(self) -> None:
        """Before translating anything: which names are choice questions, calculations or
        questions we skip, wherever they are in the sheet."""
        for row in self.survey:
            name = row.get("name")
            kind = canonical_type(row.get("type", ""))
            if not name:
                continue
            safe = safe_name(str(name))
            if safe != name:
                self.names.renamed[str(name)] = safe
            if safe != name and kind not in ("calculate", "hidden"):  # no data: no matter
                self.warn(
                    "survey",
                    None,
                    N_("names that are not identifiers are written with _ (%(name)r -> %(safe)r)"),
                    once="renamed",
                    name=name,
                    safe=safe,
                )
                name = safe
            select = select_type(kind)
            if select and select[0] != "rank":
                found = self.list_for(select, None)
                if found is not None:
                    codes = found.codes()
                    self.names.labels[name] = {
                        codes[cells["name"]]: _first_label(cells) for _, cells in found.rows
                    }
                    if select[3]:
                        codes["other"] = max(codes.values(), default=0) + 1
                    self.names.codes[name] = codes
                    if select[0] == "multiple":
                        self.names.multiple.add(name)
            elif kind == "acknowledge":
                self.names.codes[name] = {"OK": 1}
            elif kind in ("calculate", "hidden") or computed(row):
                source = row.get("calculation")
                if source is None and row.get("default") is not None:
                    source = "'" + str(row["default"]).replace("'", "") + "'"
                if source is None:
                    self.names.skipped.add(name)
                else:
                    self.names.calculations[name] = str(source)
            elif kind in OFF_THE_PHONE or kind in METADATA_TYPES or kind == "note":
                self.names.skipped.add(name)  # a note has no value in ODK either

    # --- the survey as a tree ----------------------------------------------------------

    def tree(self) -> list[dict[str, Any]]:
        root: dict[str, Any] = {"kind": "root", "children": []}
        stack = [root]
        for index, row in enumerate(self.survey):
            number = index + 2
            if not row:
                continue
            self.ignored_columns |= {
                k.partition("::")[0] for k in row if k.partition("::")[0] not in SURVEY_COLUMNS
            }
            kind = " ".join(str(row.get("type", "")).split())
            marker = re.match(r"^(begin|end)[ _](group|repeat|loop)(?: over (\S+))?$", kind, re.I)
            if marker and marker.group(1).lower() == "begin":
                node = {"kind": marker.group(2).lower(), "row": number, "cells": row}
                node["children"] = []
                if marker.group(3):
                    node["list"] = marker.group(3)
                stack[-1]["children"].append(node)
                stack.append(node)
            elif marker:
                if len(stack) == 1 or stack[-1]["kind"] != marker.group(2).lower():
                    self.fail(
                        "survey",
                        number,
                        N_("%(type)s without a matching begin"),
                        ErrorCode.XLSFORM_INVALID,
                        type=row.get("type"),
                    )
                else:
                    stack.pop()
            else:
                stack[-1]["children"].append({"kind": "question", "row": number, "cells": row})
        for node in stack[1:]:
            self.fail(
                "survey",
                node["row"],
                N_("%(type)s is never closed"),
                ErrorCode.XLSFORM_INVALID,
                type=node["cells"].get("type"),
            )
        return root["children"]
