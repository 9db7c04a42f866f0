"""The rows of an XLSForm as the plain data of a questionnaire.

Layout: a top-level group is a block; a repeat is a loop block (a repeat without a count
first asks how many times); a ``field-list`` group at any depth is one page; any other
inner group is flattened, its ``relevant`` joined to each of its questions'; a
``table-list`` group of selects from one list is a grid (else a page).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from cati.problems import N_, Problem
from questionnaires.errors import ErrorCode, QuestionnaireError, placed, problem
from questionnaires.expressions import parse
from questionnaires.xlsform_choices import ChoiceList, csv_list, group_lists
from questionnaires.xlsform_headers import (
    canonical_row,
    canonical_type,
    language_code,
    select_type,
)
from questionnaires.xlsform_xpath import Names, Untranslatable, safe_name, translate

SURVEY_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "relevant",
    "constraint",
    "constraint_message",
    "required",
    "appearance",
    "parameters",
    "repeat_count",
    "calculation",
    "choice_filter",
    "default",
}
CHOICE_COLUMNS = {"list_name", "name", "label", "exclusive", "anchor"}
SETTINGS_COLUMNS = {"id_string", "title", "version", "default_language", "dont_know", "refused"}
TEXT_COLUMNS = {"label", "hint", "constraint_message"}
# Metadata ODK fills in by itself; they ask nothing, so they are left out.
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "imei",
    "username",
    "email",
    "simserial",
    "subscriberid",
    "phonenumber",
    "audit",
    "uri:deviceid",
    "uri:username",
    "uri:email",
    "uri:phonenumber",
    "uri:simserial",
    "uri:subscriberid",
    "xml-external",
    "csv-external",
    "start-geopoint",
    "background-audio",
}
# Questions a telephone cannot ask: skipped, one warning each.
OFF_THE_PHONE = {
    "geopoint",
    "geotrace",
    "geoshape",
    "gps",
    "image",
    "photo",
    "audio",
    "video",
    "file",
    "barcode",
    "signature",
    "osm",
    "background-geopoint",
    "add image prompt",
    "add photo prompt",
    "add audio prompt",
    "add video prompt",
    "add file prompt",
}
SIMPLE_TYPES = {
    "integer": {"type": "numeric"},
    "int": {"type": "numeric"},
    "decimal": {"type": "numeric", "decimals": 6},
    "text": {"type": "text"},
    "string": {"type": "text"},
    "note": {"type": "display"},
    "date": {"type": "date", "kind": "date"},
    "time": {"type": "date", "kind": "time"},
    "datetime": {"type": "date", "kind": "datetime"},
    "datetime-local": {"type": "date", "kind": "datetime"},
}
YES = {"yes", "true", "true()", "1"}
NO = {"no", "false", "false()", "0"}
REPEAT_LIMIT = 20  # how many times a repeat without a count may be asked
NESTED_LIMIT = 10  # copies of a repeat inside a repeat whose count is not a number


def _names_in(node: dict[str, Any]) -> set[str]:
    found = set()
    for child in node.get("children", []):
        if child["cells"].get("name"):
            found.add(safe_name(str(child["cells"]["name"])))
        found |= _names_in(child)
    return found


def _rename_refs(text: str, renames: dict[str, str]) -> str:
    def renamed(match: re.Match[str]) -> str:
        name = safe_name(match.group(1))
        return "${" + renames.get(name, name) + "}"

    return re.sub(r"\$\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}", renamed, text)


def _rename_all(node: dict[str, Any], renames: dict[str, str]) -> None:
    cells = node["cells"]
    for key, value in list(cells.items()):
        if isinstance(value, str):
            cells[key] = _rename_refs(value, renames)
    if cells.get("name"):
        name = safe_name(str(cells["name"]))
        cells["name"] = renames.get(name, name)
    for child in node.get("children", []):
        _rename_all(child, renames)


def _is_yes(value: str | None) -> bool:
    return value is not None and str(value).strip().lower() in YES


def _parameters(text: str | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for part in re.split(r"[\s;,]+", (text or "").strip()):
        if part:
            key, _, value = part.partition("=")
            result[key.strip().lower()] = value.strip().strip("'\"")
    return result


def _and(conditions: list[str]) -> str | None:
    kept = [c for c in conditions if c]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else " and ".join(f"( {c} )" for c in kept)


class SurveyReader:
    def __init__(self, file: str, data: Any, fallback_id: str, folder: Path | None) -> None:
        self.file = file
        self.data = data
        self.fallback_id = fallback_id
        self.folder = folder
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.languages: list[str] = []
        self.lists: dict[str, ChoiceList] = {}
        self.external: dict[str, ChoiceList] = {}
        self.names = Names()
        self.ignored_columns: set[str] = set()
        self.once: set[str] = set()
        self.blocks: list[dict[str, Any]] = []
        self.block: dict[str, Any] | None = None  # the block questions go into
        self.group: dict[str, Any] | None = None  # the top-level group being laid out
        self.scope: list[str] = []  # names of the groups and repeats around a question
        self.used: set[str] = set()  # question ids given so far
        self.block_ids: set[str] = set()
        self.survey: list[dict[str, str]] = []

    # --- problems ----------------------------------------------------------------------

    def place_of(self, sheet: str, row: int | None, column: str | None) -> dict[str, Any]:
        where = f"{sheet} sheet" + (f", row {row}" if row is not None else "")
        return {"path": where, "file": self.file, "line": row, "column": column}

    def fail(
        self,
        sheet: str,
        row: int | None,
        template: str,
        code: ErrorCode = ErrorCode.XLSFORM_UNSUPPORTED,
        *,
        column: str | None = None,
        **params: Any,
    ) -> None:
        self.problems.append(problem(code, template, **self.place_of(sheet, row, column), **params))

    def warn(
        self, sheet: str, row: int | None, template: str, *, once: str = "", **params: Any
    ) -> None:
        """A warning; with ``once``, only the first of its kind in the form."""
        if once:
            if once in self.once:
                return
            self.once.add(once)
        place = self.place_of(sheet, row, None)
        self.warnings.append(
            problem(ErrorCode.XLSFORM_ADAPTED, template, severity="warning", **place, **params)
        )

    # --- texts -------------------------------------------------------------------------

    def note_languages(self, rows: list[dict[str, str]]) -> None:
        for row in rows:
            for key in row:
                base, sep, suffix = key.partition("::")
                if sep and base in TEXT_COLUMNS:
                    code, _ = language_code(suffix)
                    if code not in self.languages:
                        self.languages.append(code)

    def text(self, row: dict[str, str], column: str) -> Any:
        plain = row.get(column)
        translated: dict[str, str] = {}
        for key, value in row.items():
            base, sep, suffix = key.partition("::")
            if sep and base == column:
                translated.setdefault(language_code(suffix)[0], self.pipe(str(value)))
        if not translated:
            return None if plain is None else self.pipe(str(plain))
        # A text missing in a language: the plain column (pyxform's "default"), else
        # another language's, so that every language has one (pyxform only warns).
        filler = self.pipe(str(plain)) if plain is not None else next(iter(translated.values()))
        missing = [code for code in self.languages if code not in translated]
        if missing:
            self.warn(
                "survey",
                None,
                N_("some texts are missing in a language; the untranslated text is used"),
                once="missing-language",
            )
        return {code: translated.get(code, filler) for code in self.languages}

    def pipe(self, label: str) -> str:
        """XLSForm ``${name}`` in a label becomes our ``{name}``; a calculation or a skipped
        question has no answer to show, so its name stays, in brackets."""

        def piped(match: re.Match[str]) -> str:
            name = self.names.renamed.get(match.group(1), match.group(1))
            if name in self.names.calculations or name in self.names.skipped:
                return f"[{name}]"
            return "{" + name + "}"

        return re.sub(r"\$\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}", piped, label)

    # --- expressions -------------------------------------------------------------------

    def expression(
        self, source: str, row: int, cell: str, own: str | None = None, **options: Any
    ) -> str | None:
        """``source`` translated, or None with an error at the ``cell`` of the row."""
        try:
            translated = translate(str(source), self.names, own, **options)
            for template, params in self.names.notes:
                self.warn("survey", row, template, **params)
            self.names.notes.clear()
            parse(translated)
        except Untranslatable as exc:
            self.fail("survey", row, exc.template, column=cell, **exc.params)
            return None
        except QuestionnaireError as exc:
            where = self.place_of("survey", row, cell)
            self.problems.append(placed(exc.problem, ErrorCode.XLSFORM_UNSUPPORTED, **where))
            return None
        return translated

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
        self.note_languages(self.survey + choices)
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
                result[key] = _is_yes(settings[key])
        self.collect_names()
        tree = self.tree()
        for node in tree:
            self.top(node)
        self.report_columns(choices)
        if not self.blocks:
            self.fail("survey", None, N_("the form asks no question a telephone can ask"))
            return result
        codes = self.special_codes()
        if codes:
            result["codes"] = codes
        if len(self.blocks) == 1 and self.blocks[0].pop("implicit", False):
            result["questions"] = self.blocks[0]["questions"]
        else:
            for block in self.blocks:
                block.pop("implicit", None)
            result["blocks"] = self.blocks
        return result

    def special_codes(self) -> dict[str, int] | None:
        """Don't know, refused and timed out are written as 98, 99 and 97 unless an option
        already has one of those codes (a list of 97 choices or more, or a form's own
        ``98 Don't know``): then they go past the largest code, to 998, 999 and 997, or
        9998... The form's options keep their codes."""
        largest = max(
            (
                option["code"]
                for block in self.blocks
                for question in block["questions"]
                for option in question.get("options", question.get("scale", []))
            ),
            default=0,
        )
        if largest < 97:
            return None
        top = 10 ** len(str(largest + 3)) - 1
        return {"dont_know": top - 1, "refused": top, "timed_out": top - 2}

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
                    if select[3]:
                        codes["other"] = max(codes.values(), default=0) + 1
                    self.names.codes[name] = codes
            elif kind == "acknowledge":
                self.names.codes[name] = {"OK": 1}
            elif kind in ("calculate", "hidden") or (
                row.get("calculation") and kind in ("", "text", "string", "integer", "decimal")
            ):
                source = row.get("calculation")
                if source is None and row.get("default") is not None:
                    source = "'" + str(row["default"]).replace("'", "") + "'"
                if source is None:
                    self.names.skipped.add(name)
                else:
                    self.names.calculations[name] = str(source)
            elif kind in OFF_THE_PHONE or kind in METADATA_TYPES:
                self.names.skipped.add(name)

    def list_for(self, select: tuple[str, str, str, bool], row: int | None) -> ChoiceList | None:
        _, list_name, spelling, _ = select
        if "file" in spelling:
            return self.file_list(list_name, row)
        lists = self.external if spelling == "select_one_external" else self.lists
        return lists.get(list_name)

    def file_list(self, file_name: str, row: int | None) -> ChoiceList | None:
        key = f"file:{file_name}"
        if key in self.lists:
            return self.lists[key]
        params = _parameters(self.survey[row - 2].get("parameters")) if row else {}
        found = None
        if not file_name.lower().endswith(".csv"):
            reason = N_("only CSV files are read for choices, not %(name)r")
        elif self.folder is None:
            reason = N_("the choices file %(name)r is read beside a workbook on disk")
        else:
            beside = {p.name.lower(): p for p in self.folder.iterdir() if p.is_file()}
            try:
                found = csv_list(
                    beside.get(Path(file_name).name.lower(), self.folder / file_name),
                    key,
                    params.get("value", "name"),
                    params.get("label", "label"),
                )
            except (OSError, UnicodeError, KeyError):
                reason = N_("cannot read the choices file %(name)r (name and label columns)")
        if row is None:
            return found
        if found is None:
            self.warn(
                "survey",
                row,
                N_("%(reason)s: the question is asked as open text"),
                reason=reason % {"name": file_name},
            )
            found = ChoiceList(key, row, "survey", broken=True)
        self.lists[key] = found
        return found

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

    # --- layout ------------------------------------------------------------------------

    def new_block(self, base: str, **fields: Any) -> dict[str, Any]:
        block_id, number = safe_name(base), 1
        while block_id in self.block_ids:
            number += 1
            block_id = safe_name(f"{base}_{number}")
        self.block_ids.add(block_id)
        block = {"id": block_id, "questions": [], **{k: v for k, v in fields.items() if v}}
        self.blocks.append(block)
        self.block = block
        return block

    def add(self, question: dict[str, Any]) -> None:
        if self.block is None:
            group = self.group
            if group is None:
                self.new_block("block", implicit=True)
            else:
                # a group goes on after a repeat inside it in a block of its own
                self.new_block(group["id"], title=group["title"], show_if=group["show_if"])
        assert self.block is not None
        self.block["questions"].append(question)

    def top(self, node: dict[str, Any]) -> None:
        if node["kind"] != "group":
            self.emit(node, [], None, None)
            return
        cells, number = node["cells"], node["row"]
        relevant = cells.get("relevant")
        show_if = self.expression(relevant, number, "relevant") if relevant else None
        page = cells.get("name") if self.appearance(cells) == "field-list" else None
        self.group = {
            "id": str(cells.get("name") or f"block_{number}"),
            "title": self.text(cells, "label"),
            "show_if": show_if,
        }
        self.block = None
        self.scope.append(self.group["id"])
        for child in node["children"]:
            self.emit(child, [], page, None)
        self.scope.pop()
        self.group = self.block = None

    @staticmethod
    def appearance(cells: dict[str, str]) -> str:
        words = str(cells.get("appearance") or "").lower().split()
        for word in ("field-list", "table-list"):
            if word in words:
                return word
        return ""

    def emit(
        self, node: dict[str, Any], conditions: list[str], page: str | None, loop: str | None
    ) -> None:
        kind, cells, number = node["kind"], node["cells"], node["row"]
        if kind == "question":
            for question in self.questions(cells, number):
                show_if = _and([*conditions, question.get("show_if", "")])
                if show_if:
                    question["show_if"] = show_if
                if page:
                    question["page"] = page
                question.pop("_list", None)
                self.add(question)
            return
        relevant = cells.get("relevant")
        show_if = self.expression(relevant, number, "relevant") if relevant else None
        if kind == "repeat":
            self.repeat(node, [*conditions, show_if or ""], loop)
            return
        if kind == "loop":
            self.loop_over(node, [*conditions, show_if or ""], page, loop)
            return
        inner = [*conditions, show_if or ""]
        appearance = self.appearance(cells)
        if appearance == "table-list" and self.grid(node, inner, page):
            return
        if appearance:
            page = page or str(cells.get("name") or f"page_{number}")
        self.scope.append(safe_name(str(cells.get("name") or "group")))
        for child in node["children"]:
            self.emit(child, inner, page, loop)
        self.scope.pop()

    def grid(self, node: dict[str, Any], conditions: list[str], page: str | None) -> bool:
        """A table-list of selects from one list as a grid; False when it is not one."""
        rows = [c["cells"] for c in node["children"] if c["kind"] == "question"]
        if len(rows) != len(node["children"]) or not rows:
            return False
        selects = [select_type(canonical_type(r.get("type", ""))) for r in rows]
        if None in selects or any(r.get("relevant") for r in rows):
            return False
        kinds = {(s[0], s[1], s[2], s[3]) for s in selects if s is not None}
        if len(kinds) != 1 or next(iter(kinds))[0] == "rank" or next(iter(kinds))[3]:
            return False
        questions = [
            q
            for r, c in zip(rows, node["children"], strict=True)
            for q in self.questions(r, c["row"])
        ]
        if len(questions) != len(rows):
            return True  # each refused row has its problem
        types = {q["type"] for q in questions}
        cells = node["cells"]
        grid: dict[str, Any] = {
            "id": cells.get("name") or f"grid_{node['row']}",
            "type": "grid",
            "text": self.text(cells, "label") or cells.get("name"),
            "items": [{"id": q["id"], "label": q["text"]} for q in questions],
            "scale": questions[0]["options"],
            "required": questions[0].get("required", False),
        }
        if types == {"multiple"}:
            grid["multiple"] = True
        if questions[0].get("instruction"):
            grid["instruction"] = questions[0]["instruction"]
        show_if = _and(conditions)
        if show_if:
            grid["show_if"] = show_if
        if page:
            grid["page"] = page
        self.add(grid)
        return True

    def repeat(self, node: dict[str, Any], conditions: list[str], loop: str | None) -> None:
        cells, number = node["cells"], node["row"]
        name = str(cells.get("name") or f"repeat_{number}")
        if loop is not None:
            self.copies(node, conditions, loop)
            return
        count = cells.get("repeat_count")
        label = self.text(cells, "label")
        times: Any
        if count is None:
            times = self.counter(cells, name, conditions)
        elif re.fullmatch(r"\d+", str(count).strip()):
            times = max(1, min(int(count), 100))
        else:
            times = self.expression(count, number, "repeat_count")
            if times is None:
                return
        block = self.new_block(name, title=label, show_if=_and(conditions), loop={"times": times})
        self.scope.append(safe_name(name))
        for child in node["children"]:
            self.emit(child, [], None, name)
        self.scope.pop()
        if not block["questions"]:
            self.blocks.remove(block)
        self.block = None

    def counter(self, cells: dict[str, str], name: str, conditions: list[str]) -> str:
        """For a repeat without a count: the question of how many times, asked first."""
        label = self.text(cells, "label")
        question = {
            "id": self.unique(safe_name(f"{name}_count")),
            "type": "numeric",
            "text": label or name,
            "instruction": "How many times? The next questions are asked once for each.",
            "min": 0,
            "max": REPEAT_LIMIT,
            "required": True,
        }
        show_if = _and(conditions)
        if show_if:
            question["show_if"] = show_if
        self.add(question)
        return question["id"]

    def copies(self, node: dict[str, Any], conditions: list[str], loop: str) -> None:
        """A repeat inside a repeat: our loops do not nest, so its questions are written
        out as copies 1, 2, 3... (``name_1``, ``name_2``), each asked while the count
        reaches it."""
        cells, number = node["cells"], node["row"]
        name = safe_name(str(cells.get("name") or f"repeat_{number}"))
        count = cells.get("repeat_count")
        if count is None:
            limit, times = NESTED_LIMIT, self.counter(cells, name, conditions)
        elif re.fullmatch(r"\d+", str(count).strip()):
            limit, times = max(1, min(int(count), 100)), None
        else:
            limit, times = NESTED_LIMIT, self.expression(count, number, "repeat_count")
            if times is None:
                return
        self.warn(
            "survey",
            number,
            N_("a repeat inside a repeat is asked as numbered copies (at most %(limit)s)"),
            once="nested-repeat",
            limit=limit,
        )
        inner = _names_in(node)
        self.scope.append(name)
        for copy_number in range(1, limit + 1):
            renames = {n: f"{n}_{copy_number}" for n in inner}
            for n, renamed in renames.items():
                self.copy_name(n, renamed, renames)
            shown = [*conditions, f"( {times} ) >= {copy_number}" if times else ""]
            for child in node["children"]:
                copied = copy.deepcopy(child)
                _rename_all(copied, renames)
                self.emit(copied, shown, None, loop)
        self.scope.pop()

    def copy_name(self, name: str, renamed: str, renames: dict[str, str]) -> None:
        names = self.names
        if name in names.codes:
            names.codes[renamed] = names.codes[name]
        if name in names.skipped:
            names.skipped.add(renamed)
        if name in names.calculations:
            names.calculations[renamed] = _rename_refs(names.calculations[name], renames)

    def loop_over(
        self, node: dict[str, Any], conditions: list[str], page: str | None, loop: str | None
    ) -> None:
        """pyxform's ``begin loop over list``: its questions once per choice of the list,
        named ``<question>_<choice>``, ``%(label)s`` in their texts the choice's label."""
        found = self.lists.get(node["list"])
        if found is None:
            self.fail(
                "survey",
                node["row"],
                N_("choice list %(list)r is not in the choices sheet"),
                ErrorCode.XLSFORM_INVALID,
                list=node["list"],
            )
            return
        for _, choice in found.rows:
            for child in node["children"]:
                copied = copy.deepcopy(child)
                self.rename(copied, choice)
                self.emit(copied, conditions, page, loop)

    def rename(self, node: dict[str, Any], choice: dict[str, Any]) -> None:
        cells = node["cells"]
        if cells.get("name"):
            cells["name"] = f"{cells['name']}_{choice['name']}"
        label = self.text(choice, "label") or choice["name"]
        for key, value in list(cells.items()):
            if not isinstance(value, str):
                continue
            language = language_code(key.partition("::")[2])[0] if "::" in key else ""
            text = label.get(language, "") if isinstance(label, dict) else label
            value = value.replace("%(name)s", choice["name"])
            cells[key] = value.replace("%(label)s", text or choice["name"])
        for child in node.get("children", []):
            self.rename(child, choice)

    # --- questions ---------------------------------------------------------------------

    def questions(self, cells: dict[str, str], number: int) -> list[dict[str, Any]]:
        """The questions one row becomes: none (metadata, skipped), one, or two (a choice
        with or_other adds its 'specify' text)."""
        raw_type = " ".join(str(cells.get("type", "")).split())
        kind = canonical_type(raw_type)
        name = cells.get("name")
        name = safe_name(str(name)) if name else name
        if not raw_type:
            if cells.get("name") or cells.get("label"):
                self.fail("survey", number, N_("the row has no type"), ErrorCode.XLSFORM_INVALID)
            return []
        if kind in METADATA_TYPES or kind in ("calculate", "hidden"):
            return []
        if kind in OFF_THE_PHONE:
            self.warn(
                "survey",
                number,
                N_("%(type)r %(name)r cannot be asked on the telephone; skipped"),
                type=raw_type,
                name=name,
            )
            return []
        if not name:
            self.fail("survey", number, N_("the question has no name"), ErrorCode.XLSFORM_INVALID)
            return []
        question: dict[str, Any] = {"id": self.unique(str(name))}
        extra: list[dict[str, Any]] = []
        select = select_type(kind)
        if select is not None:
            if not self.choice(question, select, cells, number, extra):
                return []
        elif kind == "acknowledge":
            question.update(type="single", options=[{"code": 1, "label": "OK", "name": "OK"}])
        elif kind.split()[0] == "range":
            if not self.range(question, cells, number):
                return []
        elif kind in SIMPLE_TYPES:
            question.update(SIMPLE_TYPES[kind])
        else:
            self.fail(
                "survey", number, N_("question type %(type)r is not supported"), type=raw_type
            )
            return []
        if cells.get("calculation"):
            self.warn(
                "survey",
                number,
                N_("a calculation on a question is not applied: the interviewer asks it"),
                once="calculation-on-question",
            )
        if cells.get("default") is not None:
            self.warn(
                "survey",
                number,
                N_("default answers are not filled in: the interviewer asks each question"),
                once="default",
            )
        text = self.text(cells, "label")
        if text is None:
            if question["type"] != "display" and not self.text(cells, "hint"):
                self.fail(
                    "survey", number, N_("the question has no label"), ErrorCode.XLSFORM_INVALID
                )
                return []
            text = self.text(cells, "hint") or name
        question["text"] = text
        hint = self.text(cells, "hint")
        if hint is not None and hint != text:
            question["instruction"] = hint
        if cells.get("relevant"):
            show_if = self.expression(cells["relevant"], number, "relevant")
            if show_if is None:
                return []
            question["show_if"] = show_if
        if question["type"] != "display":
            question["required"] = _is_yes(cells.get("required"))
        if cells.get("constraint"):
            condition = self.expression(cells["constraint"], number, "constraint", name)
            message = self.text(cells, "constraint_message")
            if condition is None:
                return []
            if question["type"] != "display":
                # ODK judges a constraint only on an answer; so do we (not on a skip or DK)
                valid_if = f"not answered ( {question['id']} ) or ( {condition} )"
                question["checks"] = [
                    {"valid_if": valid_if, "message": message or str(cells["constraint"])}
                ]
        return [question, *extra]

    def unique(self, name: str) -> str:
        """pyxform allows a name again in another group or repeat; our ids are unique in
        the questionnaire, so a repeated name is prefixed by its groups' names."""
        candidate = name
        for outer in reversed(self.scope):
            if candidate not in self.used:
                break
            candidate = safe_name(f"{outer}_{candidate}")
        number = 1
        while candidate in self.used:
            number += 1
            candidate = safe_name(f"{name}_{number}")
        if candidate != name:
            self.warn(
                "survey",
                None,
                N_("a name used again in another group is prefixed (%(name)r -> %(id)r)"),
                once="prefixed",
                name=name,
                id=candidate,
            )
        self.used.add(candidate)
        return candidate

    def choice(
        self,
        question: dict[str, Any],
        select: tuple[str, str, str, bool],
        cells: dict[str, str],
        number: int,
        extra: list[dict[str, Any]],
    ) -> bool:
        kind, list_name, _, other = select
        found = self.list_for(select, number)
        if found is None:
            key = f"missing:{list_name}"
            if key not in self.once:  # one error per missing list, not one per question
                self.once.add(key)
                self.fail(
                    "survey",
                    number,
                    N_("choice list %(list)r is not in the choices sheet"),
                    ErrorCode.XLSFORM_INVALID,
                    list=list_name,
                )
            return False
        if found.broken:  # a choices file that is not there: the answer is written down
            question.update(type="text")
            return True
        options = self.options(found, cells, number)
        if options is None:
            return False
        if kind == "rank":
            question.update(
                type="grid",
                items=[
                    {"id": f"{question['id']}_{o['code']}", "label": o["label"]} for o in options
                ],
                scale=[{"code": n, "label": str(n)} for n in range(1, len(options) + 1)],
            )
            self.warn(
                "survey",
                number,
                N_("rank is asked as a grid: a rank for each option (ranks may repeat)"),
                once="rank",
            )
            return True
        if other:
            code = max(o["code"] for o in options) + 1
            options.append({"code": code, "label": "Other", "name": "other"})
            extra.append(
                {
                    "id": f"{question['id']}_other",
                    "type": "text",
                    "text": "Specify other.",
                    "show_if": f"selected ( {question['id']} , {code} )",
                    "required": True,
                }
            )
        question.update(
            type="single" if kind == "single" else "multiple", options=options, _list=list_name
        )
        params = _parameters(cells.get("parameters"))
        if _is_yes(params.pop("randomize", None)):
            question["randomize"] = "shuffle"
        for known in ("seed", "value", "label"):
            params.pop(known, None)
        if params:
            self.warn(
                "survey",
                number,
                N_("parameters %(names)s are ignored"),
                names=", ".join(sorted(params)),
            )
        return True

    def options(
        self, found: ChoiceList, cells: dict[str, str], number: int
    ) -> list[dict[str, Any]] | None:
        codes = found.codes()
        numbered = found.numbered()
        by_code: dict[int, dict[str, Any]] = {}
        filters: dict[int, list[str]] = {}
        choice_filter = cells.get("choice_filter")
        for _, row in found.rows:
            code = codes[row["name"]]
            if code not in by_code:
                option: dict[str, Any] = {
                    "code": code,
                    "label": self.text(row, "label") or row["name"],
                }
                if not numbered:
                    option["name"] = row["name"][:200]
                if _is_yes(row.get("exclusive")):
                    option["exclusive"] = True
                if _is_yes(row.get("anchor")):
                    option["anchor"] = True
                by_code[code] = option
            if choice_filter:
                columns = {**row}

                def column(name: str, columns: dict[str, Any] = columns) -> str:
                    return str(columns.get(name, ""))

                condition = self.expression(choice_filter, number, "choice_filter", column=column)
                if condition is None:
                    return None
                filters.setdefault(code, []).append(condition)
        for code, conditions in filters.items():
            unique = list(dict.fromkeys(conditions))
            by_code[code]["show_if"] = (
                unique[0] if len(unique) == 1 else " or ".join(f"( {c} )" for c in unique)
            )
        return list(by_code.values())

    def range(self, question: dict[str, Any], cells: dict[str, str], number: int) -> bool:
        params = _parameters(cells.get("parameters"))
        try:
            low, high = float(params.pop("start", "1")), float(params.pop("end", "10"))
            step = float(params.pop("step", "1"))
        except ValueError:
            self.fail("survey", number, N_("range parameters must be numbers"))
            return False
        whole = all(v.is_integer() for v in (low, high, step))
        if whole and step == 1 and 0 < high - low <= 100:
            question.update(type="rating", min=int(low), max=int(high))
            if "nps" in str(cells.get("appearance") or "").lower().split():
                question["nps"] = True
        else:
            question.update(
                type="numeric", min=min(low, high), max=max(low, high), decimals=0 if whole else 6
            )
        return True
