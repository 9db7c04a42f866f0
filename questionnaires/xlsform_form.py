"""The shared part of reading an XLSForm's rows: problems and warnings at sheet and row,
texts in the form's languages, expressions translated at their cell."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cati.problems import N_, Problem
from questionnaires.errors import ErrorCode, QuestionnaireError, problem
from questionnaires.expressions import parse
from questionnaires.xlsform_choices import ChoiceList
from questionnaires.xlsform_headers import language_code
from questionnaires.xlsform_xpath import Names, Untranslatable, translate

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
    "calculation",
    "choice_filter",
    "default",
    "read_only",
}
CHOICE_COLUMNS = {"list_name", "name", "label", "exclusive", "anchor"}
SETTINGS_COLUMNS = {"id_string", "title", "version", "default_language", "dont_know", "refused"}
TEXT_COLUMNS = {"label", "label_web", "hint", "constraint_message"}
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


def is_yes(value: str | None) -> bool:
    return value is not None and str(value).strip().lower() in YES


def computed(cells: dict[str, str]) -> bool:
    """A question with a calculation that cannot be changed: a calculate by another name."""
    return bool(cells.get("calculation")) and is_yes(cells.get("read_only"))


def parameters_of(text: str | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for part in re.split(r"[\s;,]+", (text or "").strip()):
        if part:
            key, _, value = part.partition("=")
            result[key.strip().lower()] = value.strip().strip("'\"")
    return result


def all_of(conditions: list[str]) -> str | None:
    kept = [c for c in conditions if c]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else " and ".join(f"( {c} )" for c in kept)


# An expression we cannot use, by its column: what leaving it out means for the interview.
LEFT_OUT = {
    "relevant": N_("relevant left out (%(reason)s): asked as if it held"),
    "constraint": N_("constraint left out (%(reason)s): the answer is not checked"),
    "choice_filter": N_("choice_filter left out (%(reason)s): every choice is offered"),
    "default": N_("default left out (%(reason)s): nothing is filled in"),
    "calculation": N_("calculation left out (%(reason)s): it is not stored in the data"),
    "repeat_count": N_(
        "repeat_count left out (%(reason)s): asked as a repeat without a count (whether to "
        "add one more, or inside a repeat how many times)"
    ),
}


class FormRows:
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
        self.names = Names(folder=folder)
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
        self,
        sheet: str,
        row: int | None,
        template: str,
        *,
        once: str = "",
        column: str | None = None,
        **params: Any,
    ) -> None:
        """A warning; with ``once``, only the first of its kind in the form."""
        if once:
            if once in self.once:
                return
            self.once.add(once)
        place = self.place_of(sheet, row, column)
        self.warnings.append(
            problem(ErrorCode.XLSFORM_ADAPTED, template, severity="warning", **place, **params)
        )

    def left_out(self, row: int | None, cell: str, reason: str) -> None:
        """An expression we cannot use: the form is imported without it, one warning."""
        once = f"left-out:{row}:{cell}"
        self.warn("survey", row, LEFT_OUT[cell], once=once, column=cell, reason=reason)

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
        """``source`` translated; None when we cannot use it, with a warning at the cell:
        pyxform takes the form, so it is imported, with that condition left out."""
        try:
            translated = translate(str(source), self.names, own, **options)
            parse(translated)
        except Untranslatable as exc:
            self.left_out(row, cell, exc.template % exc.params)
            return None
        except QuestionnaireError as exc:
            self.left_out(row, cell, exc.problem.message)
            return None
        finally:
            for template, params in self.names.notes:
                self.warn("survey", row, template, column=cell, **params)
            self.names.notes.clear()
        return translated
