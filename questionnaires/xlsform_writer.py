"""A questionnaire written as an XLSForm workbook (survey, choices, settings) that pyxform
accepts and our XLSForm reader reads back.

Blocks become groups, loops repeats, pages ``field-list`` groups, grids ``table-list``
groups of selects from one list, ratings ``range`` rows; conditions, hard checks and
option conditions go into ``relevant``, ``constraint`` and ``choice_filter`` in XPath
(``xpath_writer``); our own columns carry what XLSForm lacks a column for (``label_web``,
``exclusive``, ``anchor``, ``appearance: nps``, the settings ``dont_know``/``refused``).
What XLSForm cannot hold at all (routing, soft checks, time limits, data codes, sample
variables...) is left out, and every such thing is returned as a warning at its path.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from babel import Locale, UnknownLocaleError
from openpyxl import Workbook
from openpyxl.styles import Font

from cati.problems import N_, Problem
from questionnaires.errors import ErrorCode, problem
from questionnaires.model import (
    Block,
    Calculate,
    DateTime,
    Display,
    Grid,
    ModeText,
    MultipleChoice,
    Numeric,
    OpenText,
    Questionnaire,
    Rating,
    SingleChoice,
    in_mode,
    text_in,
)
from questionnaires.piping import segments
from questionnaires.xpath_writer import Names, Unsayable, xpath, xpath_reference

DATE_TYPES = {"date": "date", "time": "time", "datetime": "dateTime"}


def column_language(code: str) -> str:
    """``English (en)``: the language's English name, and its code the reader goes by."""
    try:
        name = Locale.parse(code.replace("-", "_")).english_name or code
    except (ValueError, UnknownLocaleError):
        name = code
    return f"{name} ({code})"


@dataclass
class _Sheets:
    questionnaire: Questionnaire
    survey: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[Problem] = field(default_factory=list)

    @property
    def languages(self) -> tuple[str, ...]:
        return self.questionnaire.languages

    def leave_out(self, path: str, template: str, **params: Any) -> None:
        found = problem(
            ErrorCode.XLSFORM_LEFT_OUT, template, path=path, severity="warning", **params
        )
        if found not in self.left_out:  # once, not once per language
            self.left_out.append(found)

    # --- texts -------------------------------------------------------------------------

    def texts(self, column: str, text: Any, names: Names, path: str) -> dict[str, str]:
        """One cell per language; ``{answer}`` piped as ``${answer}`` where XLSForm can."""
        if text is None:
            return {}
        cells = {}
        for language in self.languages:
            value = text_in(text, language, self.questionnaire.language)
            cells[f"{column}::{column_language(language)}"] = self.piped(value, names, path)
        return cells

    def piped(self, text: str, names: Names, path: str) -> str:
        if "{" not in text:
            return text
        out = []
        for part in segments(text):
            if isinstance(part, str):
                out.append(part)
                continue
            try:
                out.append(xpath_reference(part, names))
            except Unsayable as exc:  # shown as [...] in the label
                self.leave_out(path, exc.template, **exc.params)
                out.append("[…]")
        return "".join(out)

    def expression(self, source: str | None, names: Names, path: str) -> str | None:
        """``source`` in XPath, or None (left out, the path saying which) when it has none."""
        if source is None:
            return None
        try:
            return xpath(source, names)
        except Unsayable as exc:
            self.leave_out(path, exc.template, **exc.params)
            return None


def _names(questionnaire: Questionnaire) -> Names:
    survey: dict[str, str] = {}
    rows: dict[tuple[str, str], str] = {}
    repeats: dict[str, str] = {}
    taken: set[str] = set()
    for qp in questionnaire.plan.questions.values():
        survey[qp.question.id] = qp.question.id
        taken.add(qp.question.id)
    for qp in questionnaire.plan.questions.values():
        if isinstance(qp.question, Grid):
            for item in qp.question.items:
                name = item.id if item.id not in taken else f"{qp.question.id}_{item.id}"
                rows[(qp.question.id, item.id)] = name
                taken.add(name)
        block = questionnaire.plan.blocks[qp.block].block
        if block.loop is not None:
            repeats[qp.question.id] = block.id
    return Names(survey, rows, None, repeats)


def write_xlsform(questionnaire: Questionnaire) -> tuple[bytes, list[Problem]]:
    """The workbook, and a warning for each thing of the questionnaire it leaves out."""
    sheets = _Sheets(questionnaire)
    names = _names(questionnaire)
    q = questionnaire
    for key in ("intro", "closing", "support", "max_duration", "sample_variables", "codes"):
        if key in q.model_fields_set and getattr(q, key):
            sheets.leave_out(key, N_("XLSForm has no place for %(key)s"), key=key)
    if q.randomize_blocks:
        sheets.leave_out("randomize_blocks", N_("XLSForm does not shuffle groups"))
    for block_plan in q.plan.blocks:
        _block(sheets, block_plan.block, block_plan.path or "questions", names)
    return _workbook(sheets), sheets.left_out


def _block(sheets: _Sheets, block: Block, path: str, names: Names) -> None:
    loop = block.loop
    row: dict[str, Any] = {"name": block.id}
    if loop is None:
        row["type"] = "begin group"
    else:
        row["type"] = "begin repeat"
        if loop.over is not None:
            row["repeat_count"] = f"count-selected(${{{loop.over}}})"
            sheets.leave_out(
                f"{path}.loop",
                N_(
                    "a loop over the options chosen is a repeat once per option chosen; its "
                    "item is the round's number, not the option"
                ),
            )
        elif isinstance(loop.times, int):
            row["repeat_count"] = str(loop.times)
        else:
            row["repeat_count"] = sheets.expression(loop.times, names, f"{path}.loop.times")
        names = Names(names.survey, names.grid_rows, loop.name, names.repeats)
    row.update(sheets.texts("label", block.title, names, f"{path}.title"))
    row["relevant"] = sheets.expression(block.show_if, names, f"{path}.show_if")
    sheets.survey.append(row)
    page: str | None = None
    for index, question in enumerate(block.questions):
        q_path = f"{path}.questions[{index}]" if path != "questions" else f"questions[{index}]"
        if question.page != page:
            if page is not None:
                sheets.survey.append({"type": "end group"})
            page = question.page
            if page is not None:
                sheets.survey.append(
                    {"type": "begin group", "name": f"{page}_{index}", "appearance": "field-list"}
                )
        _question(sheets, question, q_path, names)
    if page is not None:
        sheets.survey.append({"type": "end group"})
    sheets.survey.append({"type": "end repeat" if loop is not None else "end group"})


def _common(sheets: _Sheets, question: Any, path: str, names: Names) -> dict[str, Any]:
    row: dict[str, Any] = {"name": question.id}
    text = question.text
    row.update(sheets.texts("label", in_mode(text), names, f"{path}.text"))
    if isinstance(text, ModeText):
        row.update(sheets.texts("label_web", text.web, names, f"{path}.text.web"))
    row.update(sheets.texts("hint", question.instruction, names, f"{path}.instruction"))
    row["relevant"] = sheets.expression(question.show_if, names, f"{path}.show_if")
    if question.required and question.has_value:
        row["required"] = "yes"
    hard = []
    for n, check in enumerate(question.checks):
        where = f"{path}.checks[{n}]"
        if check.soft:
            sheets.leave_out(where, N_("a soft check has no XLSForm form"))
            continue
        written = sheets.expression(check.valid_if, names, f"{where}.valid_if")
        if written is not None:
            hard.append((written, check.message))
    if hard:
        row["constraint"] = " and ".join(f"({c})" for c, _ in hard)
        row.update(_messages(sheets, [m for _, m in hard]))
    lost = {
        "routing": (bool(question.routing), N_("XLSForm has no routing (go-to, screen-out, end)")),
        "time_limit": (question.time_limit is not None, N_("XLSForm has no time limits")),
        "codes": (
            question.codes is not None,
            N_("XLSForm has no data codes for Don't know and Refused"),
        ),
        "variable": (
            question.variable is not None,
            N_("the data variable is the question's name in XLSForm"),
        ),
    }
    for key in ("dont_know", "refused"):
        lost[key] = (
            getattr(question, key) is not None,
            N_("Don't know and Refused are set for the whole form in XLSForm"),
        )
    for key, (is_lost, template) in lost.items():
        if is_lost:
            sheets.leave_out(f"{path}.{key}", template)
    return row


def _messages(sheets: _Sheets, messages: list[Any]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for language in sheets.languages:
        texts = [text_in(m, language, sheets.questionnaire.language) for m in messages]
        cells[f"constraint_message::{column_language(language)}"] = " ".join(texts)
    return cells


def _and(*parts: str | None) -> str | None:
    found = [p for p in parts if p]
    if not found:
        return None
    return found[0] if len(found) == 1 else " and ".join(f"({p})" for p in found)


def _choices(sheets: _Sheets, list_name: str, options: Any, path: str, names: Names) -> str | None:
    """The options as a choice list (names are the codes, so they stay the codes), and the
    choice_filter of their conditions."""
    filters = []
    for n, option in enumerate(options):
        row = {"list_name": list_name, "name": str(option.code)}
        row.update(sheets.texts("label", option.label, names, f"{path}[{n}].label"))
        if getattr(option, "exclusive", False):
            row["exclusive"] = "yes"
        if getattr(option, "anchor", False):
            row["anchor"] = "yes"
        if getattr(option, "name", None):
            sheets.leave_out(f"{path}[{n}].name", N_("choice names are the codes in the XLSForm"))
        sheets.choices.append(row)
        condition = sheets.expression(
            getattr(option, "show_if", None), names, f"{path}[{n}].show_if"
        )
        filters.append((str(option.code), condition))
    if not any(c for _, c in filters):
        return None
    return " or ".join(f"name = '{code}'" + (f" and ({c})" if c else "") for code, c in filters)


def _question(sheets: _Sheets, question: Any, path: str, names: Names) -> None:
    if isinstance(question, Grid):
        _grid(sheets, question, path, names)
        return
    row = _common(sheets, question, path, names)
    if isinstance(question, SingleChoice | MultipleChoice):
        kind = "select_one" if isinstance(question, SingleChoice) else "select_multiple"
        row["type"] = f"{kind} {question.id}"
        row["choice_filter"] = _choices(
            sheets, question.id, question.options, f"{path}.options", names
        )
        if question.randomize is not None:
            row["parameters"] = "randomize=true"
            if question.randomize == "rotate":
                sheets.leave_out(f"{path}.randomize", N_("XLSForm shuffles; it does not rotate"))
        if isinstance(question, MultipleChoice):
            counts = []
            if question.min_selected > 1:
                counts.append(f"count-selected(.) >= {question.min_selected}")
            if question.max_selected is not None:
                counts.append(f"count-selected(.) <= {question.max_selected}")
            row["constraint"] = _and(row.get("constraint"), *counts)
    elif isinstance(question, Numeric):
        row["type"] = "integer" if question.decimals == 0 else "decimal"
        bounds = []
        if question.min is not None:
            bounds.append(f". >= {question.min:g}")
        if question.max is not None:
            bounds.append(f". <= {question.max:g}")
        row["constraint"] = _and(row.get("constraint"), *bounds)
        if question.unit is not None:
            sheets.leave_out(f"{path}.unit", N_("XLSForm has no column for a unit"))
    elif isinstance(question, OpenText):
        row["type"] = "text"
        if question.max_length != 1000:
            row["constraint"] = _and(
                row.get("constraint"), f"string-length(.) <= {question.max_length}"
            )
    elif isinstance(question, Rating):
        row["type"] = "range"
        row["parameters"] = f"start={question.min} end={question.max} step=1"
        if question.nps:
            row["appearance"] = "nps"
        for key in ("min_label", "max_label"):
            if getattr(question, key) is not None:
                sheets.leave_out(f"{path}.{key}", N_("XLSForm has no labels for a range's ends"))
    elif isinstance(question, DateTime):
        row["type"] = DATE_TYPES[question.kind]
    elif isinstance(question, Display):
        row["type"] = "note"
    elif isinstance(question, Calculate):
        row["type"] = "calculate"
        row["calculation"] = sheets.expression(question.expression, names, f"{path}.expression")
        row.pop("required", None)
    if question.default is not None:
        default = question.default
        row["default"] = (
            " ".join(str(v) for v in default) if isinstance(default, tuple) else str(default)
        )
    sheets.survey.append(row)


def _grid(sheets: _Sheets, question: Grid, path: str, names: Names) -> None:
    group = _common(sheets, question, path, names)
    group.pop("required", None)
    group.pop("hint", None)
    constraint = {k: v for k, v in group.items() if k.startswith("constraint")}
    for key in constraint:
        group.pop(key)
    sheets.survey.append({**group, "type": "begin group", "appearance": "table-list"})
    _choices(sheets, question.id, question.scale, f"{path}.scale", names)
    kind = "select_multiple" if question.multiple else "select_one"
    for n, item in enumerate(question.items):
        row = {"type": f"{kind} {question.id}", "name": names.grid_rows[(question.id, item.id)]}
        row.update(sheets.texts("label", item.label, names, f"{path}.items[{n}].label"))
        if question.required:
            row["required"] = "yes"
        if n == 0:
            row.update(sheets.texts("hint", question.instruction, names, f"{path}.instruction"))
            row.update(constraint)
        sheets.survey.append(row)
    if question.randomize_items:
        sheets.leave_out(f"{path}.randomize_items", N_("XLSForm does not shuffle a table's rows"))
    sheets.survey.append({"type": "end group"})


def _table(book: Workbook, title: str, rows: list[dict[str, Any]], first: list[str]) -> None:
    sheet = book.create_sheet(title)
    columns = list(first)
    for row in rows:
        for key, value in row.items():
            if value is not None and key not in columns:
                columns.append(key)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(c) for c in columns])


def _workbook(sheets: _Sheets) -> bytes:
    q = sheets.questionnaire
    book = Workbook()
    book.remove(book.active)
    _table(book, "survey", sheets.survey, ["type", "name"])
    _table(book, "choices", sheets.choices, ["list_name", "name"])
    settings = {
        "form_id": q.id,
        "form_title": text_in(q.title, q.language, q.language),
        "version": q.version,
        "default_language": column_language(q.language),
        "dont_know": "yes" if q.dont_know else "no",
        "refused": "yes" if q.refused else "no",
    }
    _table(book, "settings", [settings], list(settings))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
