"""XLSForm import: read the workbook with pyxform's reader and map it onto our model.

pyxform parses the sheets (``pyxform.xls2json_backends.get_xlsform``) into rows of text;
we translate rows, groups and expressions ourselves and then validate through the same
pydantic model and checks as YAML. Anything we cannot represent faithfully is refused with
an error naming the sheet, the row and the column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import get_xlsform

from cati.problems import N_, Problem
from questionnaires.building import build_questionnaire
from questionnaires.errors import ErrorCode, QuestionnaireError, placed, problem
from questionnaires.expressions import parse
from questionnaires.model import Questionnaire

SURVEY_COLUMNS = {
    "type",
    "name",
    "label",
    "label_web",  # our extension: the wording a web respondent reads instead of the label
    "hint",
    "relevant",
    "constraint",
    "constraint_message",
    "required",
    "appearance",
    "parameters",
    "repeat_count",
}
CHOICE_COLUMNS = {"list_name", "list name", "name", "label", "exclusive", "anchor"}
SETTINGS_COLUMNS = {"form_id", "form_title", "version", "default_language", "dont_know", "refused"}
# Metadata fields ODK fills in by itself; they ask nothing, so they are skipped.
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "simserial",
    "subscriberid",
    "phonenumber",
    "audit",
}
SIMPLE_TYPES = {
    "integer": {"type": "numeric"},
    "decimal": {"type": "numeric", "decimals": 6},
    "text": {"type": "text"},
    "note": {"type": "display"},
    "date": {"type": "date", "kind": "date"},
    "time": {"type": "date", "kind": "time"},
    "datetime": {"type": "date", "kind": "datetime"},
}
YES = {"yes", "true", "true()", "1"}

_LANGUAGE = re.compile(r"^(?:.*\()?\s*([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\s*\)?$")
_XPATH_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{\s*(?P<refname>[A-Za-z_][A-Za-z0-9_]*)\s*\})
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_:-]*)
  | (?P<dot>\.(?![0-9]))
  | (?P<op>!=|<=|>=|[=<>+\-*(),])
    """,
    re.VERBOSE,
)
_FUNCTIONS = {"selected": "selected", "count-selected": "count_selected"}
_WORDS = {"and": "and", "or": "or", "not": "not", "div": "/", "mod": "%"}


class _Form:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.languages: list[str] = []

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
        place = self.place_of(sheet, row, column)
        self.problems.append(problem(code, template, **place, **params))

    def place_of(self, sheet: str, row: int | None, column: str | None) -> dict[str, Any]:
        where = f"{sheet} sheet" + (f", row {row}" if row is not None else "")
        return {"path": where, "file": self.file, "line": row, "column": column}

    # --- languages and texts -----------------------------------------------------------

    def language_of(self, suffix: str, sheet: str, row: int | None) -> str | None:
        match = _LANGUAGE.match(suffix.strip())
        if match is None:
            self.fail(
                sheet,
                row,
                N_(
                    "cannot tell the language code of %(suffix)r; write it as "
                    "'Name (code)', e.g. 'English (en)'"
                ),
                suffix=suffix,
            )
            return None
        return match.group(1)

    def note_languages(self, headers: list[str], sheet: str) -> None:
        for header in headers:
            base, sep, suffix = header.partition("::")
            if sep and base in ("label", "label_web", "hint", "constraint_message"):
                code = self.language_of(suffix, sheet, 1)
                if code and code not in self.languages:
                    self.languages.append(code)

    def text(self, row: dict[str, str], column: str, sheet: str, number: int) -> Any:
        plain = row.get(column)
        translated = {}
        for key, value in row.items():
            base, sep, suffix = key.partition("::")
            if sep and base == column:
                code = self.language_of(suffix, sheet, number)
                if code:
                    translated[code] = _pipe(value)
        if plain is not None and translated:
            self.fail(
                sheet,
                number,
                N_("both %(base)s and %(base)s::<language> are filled in"),
                base=column,
            )
        if translated:
            return translated
        return None if plain is None else _pipe(plain)

    # --- expressions -------------------------------------------------------------------

    def expression(
        self, source: str, sheet: str, number: int, column: str, own: str | None = None
    ) -> str | None:
        out: list[str] = []
        pos = 0
        while pos < len(source):
            match = _XPATH_TOKEN.match(source, pos)
            if match is None:
                self.fail(
                    sheet,
                    number,
                    N_("cannot translate %(rest)r"),
                    column=column,
                    rest=source[pos:],
                )
                return None
            pos = match.end()
            kind = match.lastgroup
            text = match.group()
            if kind == "space":
                continue
            if kind == "ref":
                out.append(match.group("refname"))
            elif kind == "dot":
                if own is None:
                    self.fail(
                        sheet,
                        number,
                        N_("'.' only means the answer in a constraint"),
                        column=column,
                    )
                    return None
                out.append(own)
            elif kind == "string":
                inner = text[1:-1]
                out.append(inner if re.fullmatch(r"-?\d+", inner) else repr(inner))
            elif kind == "name":
                lowered = text.lower()
                if lowered in _WORDS:
                    out.append(_WORDS[lowered])
                elif lowered in _FUNCTIONS and source[pos:].lstrip().startswith("("):
                    out.append(_FUNCTIONS[lowered])
                elif lowered in ("true", "false") and source[pos:].lstrip().startswith("()"):
                    out.append(lowered)
                    pos = source.index(")", pos) + 1
                else:
                    self.fail(
                        sheet,
                        number,
                        N_(
                            "%(word)r is not supported; use "
                            "${name}, selected(), count-selected(), and, or, not, "
                            "comparisons and arithmetic"
                        ),
                        column=column,
                        word=text,
                    )
                    return None
            else:
                out.append(text)
        translated = " ".join(out)
        try:
            parse(translated)
        except QuestionnaireError as exc:
            # The expression's own problem, at this cell.
            where = self.place_of(sheet, number, column)
            self.problems.append(placed(exc.problem, ErrorCode.XLSFORM_UNSUPPORTED, **where))
            return None
        return translated


def _pipe(label: str) -> str:
    """XLSForm ``${name}`` in a label becomes our ``{name}``."""
    return re.sub(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}", r"{\1}", label)


def _is_yes(value: str | None) -> bool:
    return value is not None and value.strip().lower() in YES


def _parameters(text: str | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for part in re.split(r"[\s;,]+", (text or "").strip()):
        if part:
            key, _, value = part.partition("=")
            result[key.strip().lower()] = value.strip()
    return result


class _Reader(_Form):
    def __init__(self, file: str, data: Any, fallback_id: str) -> None:
        super().__init__(file)
        self.data = data
        self.fallback_id = fallback_id
        self.choices: dict[str, list[dict[str, Any]]] = {}

    def read(self) -> dict[str, Any]:
        survey = list(self.data.survey or [])
        if not survey:
            self.fail(
                "survey", None, N_("the workbook has no survey sheet"), ErrorCode.XLSFORM_INVALID
            )
            return {}
        for sheet in ("survey", "choices"):
            headers = [h for row in (getattr(self.data, sheet) or []) for h in row]
            self.note_languages(headers, sheet)
        for sheet in ("external_choices", "entities", "osm"):
            if getattr(self.data, sheet):
                self.fail(sheet, None, N_("the %(name)s sheet is not supported"), name=sheet)
        self.read_choices()
        settings = dict((self.data.settings or [{}])[0] or {})
        for key in settings:
            if key not in SETTINGS_COLUMNS:
                self.fail("settings", 2, N_("setting %(key)r is not supported"), key=key)
        form_id = settings.get("form_id") or self.fallback_id or "form"
        result: dict[str, Any] = {
            "id": form_id,
            "version": settings.get("version") or "1",
            "title": settings.get("form_title") or form_id,
        }
        if self.languages:
            result["languages"] = self.languages
        if settings.get("default_language"):
            result["default_language"] = self.language_of(
                settings["default_language"], "settings", 2
            )
        for key in ("dont_know", "refused"):
            if key in settings:
                result[key] = _is_yes(settings[key])
        blocks = self.read_survey(survey)
        if len(blocks) == 1 and blocks[0].get("implicit"):
            result["questions"] = blocks[0]["questions"]
        else:
            for block in blocks:
                block.pop("implicit", None)
            result["blocks"] = blocks
        return result

    def read_choices(self) -> None:
        for index, row in enumerate(self.data.choices or []):
            number = index + 2
            if not row:
                continue
            for key in row:
                if key.partition("::")[0] not in CHOICE_COLUMNS:
                    self.fail("choices", number, N_("column %(key)r is not supported"), key=key)
            list_name = row.get("list_name") or row.get("list name")
            name = row.get("name", "")
            if not list_name:
                self.fail(
                    "choices", number, N_("the choice has no list_name"), ErrorCode.XLSFORM_INVALID
                )
                continue
            if not re.fullmatch(r"-?\d+", name):
                self.fail(
                    "choices",
                    number,
                    N_(
                        "choice name %(name)r must be a whole-number code "
                        "(codes are the data values)"
                    ),
                    name=name,
                )
                continue
            option: dict[str, Any] = {
                "code": int(name),
                "label": self.text(row, "label", "choices", number) or name,
            }
            if _is_yes(row.get("exclusive")):
                option["exclusive"] = True
            if _is_yes(row.get("anchor")):
                option["anchor"] = True
            self.choices.setdefault(list_name, []).append(option)

    def read_survey(self, survey: list[dict[str, str]]) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        stack: list[tuple[str, dict[str, Any], int]] = []  # (kind, container, row)
        for index, row in enumerate(survey):
            number = index + 2
            if not row:
                continue
            for key in row:
                if key.partition("::")[0] not in SURVEY_COLUMNS:
                    self.fail("survey", number, N_("column %(key)r is not supported"), key=key)
            raw_type = " ".join(row.get("type", "").split())
            kind = raw_type.lower().replace("_", " ")
            if kind in ("begin group", "begin repeat"):
                self.begin(kind, row, number, stack, blocks)
            elif kind in ("end group", "end repeat"):
                if not stack or stack[-1][0] != kind.replace("end", "begin"):
                    self.fail(
                        "survey",
                        number,
                        N_("%(type)s without a matching begin"),
                        ErrorCode.XLSFORM_INVALID,
                        type=raw_type,
                    )
                else:
                    self.end(stack.pop())
            elif kind in METADATA_TYPES:
                continue
            else:
                question = self.question(raw_type, row, number)
                if question is not None:
                    self.place(question, row, number, stack, blocks)
        for kind, _, number in stack:
            self.fail(
                "survey",
                number,
                N_("%(type)s is never closed"),
                ErrorCode.XLSFORM_INVALID,
                type=kind,
            )
        return blocks

    def begin(self, kind: str, row: dict[str, str], number: int, stack: list, blocks: list) -> None:
        name = row.get("name", "")
        appearance = (row.get("appearance") or "").strip().lower()
        label = self.text(row, "label", "survey", number)
        relevant = row.get("relevant")
        show_if = self.expression(relevant, "survey", number, "relevant") if relevant else None
        if not stack:
            block: dict[str, Any] = {"id": name, "questions": []}
            if label is not None:
                block["title"] = label
            if show_if:
                block["show_if"] = show_if
            if kind == "begin repeat":
                count = row.get("repeat_count")
                if not count:
                    self.fail("survey", number, N_("a repeat needs a repeat_count"))
                elif re.fullmatch(r"\d+", count.strip()):
                    block["loop"] = {"times": int(count)}
                else:
                    times = self.expression(count, "survey", number, "repeat_count")
                    block["loop"] = {"times": times}
            elif appearance == "table-list":
                self.fail("survey", number, N_("a table-list grid must sit inside a group"))
            elif appearance == "field-list":
                self.fail("survey", number, N_("a field-list page must sit inside a group"))
            blocks.append(block)
            stack.append((kind, block, number))
            return
        if len(stack) > 1 or kind == "begin repeat":
            self.fail(
                "survey", number, N_("groups nest two levels at most: block, then page or grid")
            )
            stack.append((kind, {"ignored": True, "questions": []}, number))
            return
        if appearance == "field-list":
            if show_if:
                self.fail(
                    "survey",
                    number,
                    N_("relevant on a field-list page is not supported; put it on the questions"),
                )
            stack.append((kind, {"page": name, "parent": stack[-1][1], "questions": []}, number))
        elif appearance == "table-list":
            grid: dict[str, Any] = {
                "id": name,
                "type": "grid",
                "text": label or name,
                "items": [],
                "grid_rows": [],
            }
            if show_if:
                grid["show_if"] = show_if
            stack.append((kind, {"grid": grid, "parent": stack[-1][1], "questions": []}, number))
        else:
            self.fail(
                "survey",
                number,
                N_("an inner group needs appearance field-list (a page) or table-list (a grid)"),
            )
            stack.append((kind, {"ignored": True, "questions": []}, number))

    def end(self, entry: tuple[str, dict[str, Any], int]) -> None:
        _, container, number = entry
        if "grid" in container:
            self.finish_grid(container, number)
        elif "page" in container:
            container["parent"]["questions"].extend(container["questions"])

    def finish_grid(self, container: dict[str, Any], number: int) -> None:
        grid = container["grid"]
        rows = container["questions"]
        if not rows:
            self.fail("survey", number, N_("a table-list grid has no rows"))
            return
        lists = {r.get("_list") for r in rows}  # a text row has none: refused just below
        types = {r["type"] for r in rows}
        if len(lists) != 1 or len(types) != 1 or types - {"single", "multiple"}:
            self.fail(
                "survey",
                number,
                N_(
                    "a table-list grid needs rows that are all select_one "
                    "(or all select_multiple) from the same list"
                ),
            )
            return
        grid["items"] = [{"id": r["id"], "label": r["text"]} for r in rows]
        grid["scale"] = rows[0]["options"]
        if types == {"multiple"}:
            grid["multiple"] = True
        grid["required"] = rows[0].get("required", False)
        if rows[0].get("instruction"):
            grid["instruction"] = rows[0]["instruction"]
        del grid["grid_rows"]
        container["parent"]["questions"].append(grid)

    def place(
        self, question: dict[str, Any], row: dict[str, str], number: int, stack: list, blocks: list
    ) -> None:
        if not stack:
            if not blocks or not blocks[-1].get("implicit"):
                blocks.append({"id": f"block_{number}", "questions": [], "implicit": True})
            blocks[-1]["questions"].append(question)
            return
        container = stack[-1][1]
        if "grid" in container:
            container["questions"].append(question)
            return
        question.pop("_list", None)
        if "page" in container:
            question["page"] = container["page"]
        container["questions"].append(question)

    def question(self, raw_type: str, row: dict[str, str], number: int) -> dict[str, Any] | None:
        name = row.get("name")
        if not name:
            self.fail("survey", number, N_("the question has no name"), ErrorCode.XLSFORM_INVALID)
            return None
        words = raw_type.split()
        base = words[0].lower() if words else ""
        question: dict[str, Any] = {"id": name}
        if base in ("select_one", "select_multiple"):
            if len(words) != 2:
                self.fail(
                    "survey",
                    number,
                    N_("%(type)r: 'or_other' and files are not supported"),
                    type=raw_type,
                )
                return None
            options = self.choices.get(words[1])
            if options is None:
                self.fail(
                    "survey",
                    number,
                    N_("choice list %(list)r is not in the choices sheet"),
                    ErrorCode.XLSFORM_INVALID,
                    list=words[1],
                )
                return None
            question.update(
                type="single" if base == "select_one" else "multiple",
                options=options,
                _list=words[1],
            )
            params = _parameters(row.get("parameters"))
            if _is_yes(params.pop("randomize", None)):
                question["randomize"] = "shuffle"
            params.pop("seed", None)
            if params:
                self.fail(
                    "survey",
                    number,
                    N_("parameters %(names)s are not supported"),
                    names=sorted(params),
                )
        elif base == "range":
            params = _parameters(row.get("parameters"))
            try:
                low, high = int(params.pop("start", "1")), int(params.pop("end", "10"))
                step = int(params.pop("step", "1"))
            except ValueError:
                self.fail("survey", number, N_("range parameters must be whole numbers"))
                return None
            if step != 1 or params:
                self.fail("survey", number, N_("only range start= end= step=1 is supported"))
            question.update(type="rating", min=low, max=high)
            if "nps" in (row.get("appearance") or "").lower().split():
                question["nps"] = True
        elif base.lower() in SIMPLE_TYPES:
            question.update(SIMPLE_TYPES[base.lower()])
            if row.get("parameters"):
                self.fail("survey", number, N_("parameters are not supported on this type"))
        else:
            self.fail(
                "survey",
                number,
                N_("question type %(type)r is not supported"),
                type=raw_type,
            )
            return None
        text = self.text(row, "label", "survey", number)
        if text is None:
            self.fail("survey", number, N_("the question has no label"), ErrorCode.XLSFORM_INVALID)
            return None
        web = self.text(row, "label_web", "survey", number)
        question["text"] = text if web is None else {"phone": text, "web": web}
        hint = self.text(row, "hint", "survey", number)
        if hint is not None:
            question["instruction"] = hint
        if row.get("relevant"):
            question["show_if"] = self.expression(row["relevant"], "survey", number, "relevant")
        if question["type"] != "display":
            question["required"] = _is_yes(row.get("required"))
        elif row.get("required"):
            self.fail("survey", number, N_("a note cannot be required"))
        if row.get("constraint"):
            condition = self.expression(row["constraint"], "survey", number, "constraint", name)
            message = self.text(row, "constraint_message", "survey", number)
            question["checks"] = [{"valid_if": condition, "message": message or row["constraint"]}]
        elif any(k.partition("::")[0] == "constraint_message" for k in row):
            self.fail(
                "survey",
                number,
                N_("constraint_message without a constraint"),
                ErrorCode.XLSFORM_INVALID,
            )
        if row.get("repeat_count"):
            self.fail("survey", number, N_("repeat_count belongs on a begin repeat row"))
        return question


def read_xlsform(source: Path | bytes, file: str | None = None) -> Questionnaire:
    """An XLSForm workbook (a path or its bytes) as a Questionnaire, validated, not yet checked.

    ``file`` names the workbook in problems (default: the path); its suffix tells pyxform
    the format of bytes, and its stem is the form id when the settings sheet gives none."""
    file = str(source) if file is None else file
    suffix = Path(file).suffix.lower()
    try:
        data = get_xlsform(source, file_type=suffix if isinstance(source, bytes) else None)
    except Exception as exc:
        # pyxform and openpyxl raise whatever their internals hit on a damaged or odd
        # workbook (BadZipFile, zlib.error, AttributeError on a boolean header cell, ...);
        # for an uploaded file every one of them means the same thing to the user.
        reason = str(exc) if isinstance(exc, PyXFormError) else f"{type(exc).__name__}: {exc}"
        raise QuestionnaireError(
            problem(
                ErrorCode.FILE_UNREADABLE,
                N_("cannot read the workbook: %(reason)s"),
                file=file,
                reason=reason,
            )
        ) from None
    reader = _Reader(file, data, data.fallback_form_name or Path(file).stem)
    result = reader.read()
    if reader.problems:
        raise QuestionnaireError(reader.problems)
    _strip_private(result)
    return build_questionnaire(result, None, file)


def _strip_private(value: Any) -> None:
    if isinstance(value, dict):
        for key in [k for k in value if k.startswith("_")]:
            del value[key]
        for child in value.values():
            _strip_private(child)
    elif isinstance(value, list):
        for child in value:
            _strip_private(child)
