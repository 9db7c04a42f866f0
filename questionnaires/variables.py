"""Data variables: each question maps to named variables with labels valid for SPSS."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cati.problems import N_, Problem
from questionnaires.answers import DONT_KNOW, REFUSED, TIMED_OUT, data_codes
from questionnaires.errors import ErrorCode, placed, problem
from questionnaires.model import (
    AnyQuestion,
    Calculate,
    DateTime,
    Display,
    Grid,
    MultipleChoice,
    OpenText,
    Questionnaire,
    Rating,
    text_in,
)

# SPSS: at most 64 bytes, starts with a letter, then letters, digits or . _ $ # @,
# does not end with a period, is not a reserved word; names are case-insensitive.
SPSS_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._$#@]*$")
SPSS_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
MAX_NAME_BYTES = 64
MAX_LABEL_BYTES = 256
# The built-in labels of a data file, in each language a file can be written in.
BUILT_IN_LABELS = {
    "en": {DONT_KNOW: "Don't know", REFUSED: "Refused", TIMED_OUT: "Timed out"},
    "es": {DONT_KNOW: "No sabe", REFUSED: "No contesta", TIMED_OUT: "Tiempo agotado"},
}
DICHOTOMY_LABELS = {
    "en": {0: "Not selected", 1: "Selected"},
    "es": {0: "No seleccionado", 1: "Seleccionado"},
}
SPECIAL_LABELS = BUILT_IN_LABELS["en"]
SPECIAL_NAMES = {DONT_KNOW: "dont_know", REFUSED: "refused", TIMED_OUT: "timed_out"}


def special_labels_in(language: str | None) -> dict[str, str]:
    """Don't know, Refused and Timed out in ``language`` (English for any other)."""
    return BUILT_IN_LABELS.get(language or "en", SPECIAL_LABELS)


def dichotomy_in(language: str | None) -> dict[int, str]:
    """The value labels of a multiple-choice option's 0/1 column in ``language``."""
    return DICHOTOMY_LABELS.get(language or "en", DICHOTOMY_LABELS["en"])


def is_dichotomy(value_labels: Mapping[int, str]) -> bool:
    """Whether these are a multiple-choice option's 0/1 labels, in any language."""
    return dict(value_labels) in DICHOTOMY_LABELS.values()


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    question_id: str
    kind: str  # "numeric" or "string"
    value_labels: dict[int, str] = field(default_factory=dict)
    loop_item: int | None = None
    value_names: dict[int, str] = field(default_factory=dict)  # code -> XLSForm name


def spss_name_problem(name: str) -> Problem | None:
    """Why ``name`` cannot be an SPSS variable name (None if it can); the problem has no
    place yet."""
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        template = N_("variable name %(name)r is longer than %(limit)s bytes")
    elif not SPSS_NAME.match(name) or name.endswith("."):
        template = N_("variable name %(name)r is not a valid SPSS name")
    elif name.upper() in SPSS_RESERVED:
        template = N_("variable name %(name)r is an SPSS reserved word")
    else:
        return None
    return problem(ErrorCode.VARIABLE_NAME, template, name=name, limit=MAX_NAME_BYTES)


def _label(
    questionnaire: Questionnaire,
    question: AnyQuestion,
    lang: str,
    option: str = "",
    item: str = "",
) -> str:
    # A variable label set by the author is one text for every language.
    base = question.variable_label or text_in(question.text, lang, questionnaire.language)
    label = " ".join(base.split()) or question.id  # a calculate may have no text
    if option:  # "Question: option", which the multiple-response sets split at ": "
        label = f"{label}: {option}"
    if item:  # a grid's item first: a heading that reads well, kept when the label is cut
        label = f"{item} — {label}"
    # SPSS counts the limit in bytes; cut there without splitting a character.
    return label.encode("utf-8")[:MAX_LABEL_BYTES].decode("utf-8", "ignore")


def _value_labels(
    questionnaire: Questionnaire, question: AnyQuestion, language: str | None
) -> dict[int, str]:
    default = questionnaire.language
    lang = language or default
    options = getattr(question, "options", None) or getattr(question, "scale", None) or ()
    labels = {o.code: text_in(o.label, lang, default) for o in options}
    if isinstance(question, Rating):
        if question.min_label:
            labels[question.min] = text_in(question.min_label, lang, default)
        if question.max_label:
            labels[question.max] = text_in(question.max_label, lang, default)
    built_in = special_labels_in(language)
    for kind, code in data_codes(questionnaire, question).items():
        labels.setdefault(code, built_in[kind])
    return labels


def _value_names(questionnaire: Questionnaire, question: AnyQuestion) -> dict[int, str]:
    """Code -> the text value an XLSForm gave it: the choice's name (KoBo's "XML value"),
    and for Don't know, Refused and Timed out the names of their kinds (with ``_`` in front
    while an option has that name: ``_dont_know``). Empty for a question whose options have
    no names (YAML)."""
    options = getattr(question, "options", None) or getattr(question, "scale", None) or ()
    names = {o.code: o.name for o in options if o.name}
    if not names:
        return {}
    for kind, code in data_codes(questionnaire, question).items():
        name = SPECIAL_NAMES[kind]
        while name in names.values():
            name = f"_{name}"
        names.setdefault(code, name)
    return names


def _question_variables(
    questionnaire: Questionnaire,
    question: AnyQuestion,
    prefix: str,
    item: int | None,
    language: str | None,
) -> list[Variable]:
    default = questionnaire.language
    lang = language or default
    if isinstance(question, Display):
        return []
    # A calculate's values decide (cati.dataset); text until they are seen.
    kind = "string" if isinstance(question, OpenText | DateTime | Calculate) else "numeric"
    if isinstance(question, MultipleChoice):
        return [
            Variable(
                f"{prefix}_{o.code}",
                _label(questionnaire, question, lang, text_in(o.label, lang, default)),
                question.id,
                "numeric",
                dict(dichotomy_in(language)),
                item,
            )
            for o in question.options
        ]
    names = _value_names(questionnaire, question) if kind == "numeric" else {}
    if isinstance(question, Grid):
        labels = _value_labels(questionnaire, question, language)
        return [
            Variable(
                f"{prefix}_{row.id}",
                _label(questionnaire, question, lang, item=text_in(row.label, lang, default)),
                question.id,
                "numeric",
                labels,
                item,
                names,
            )
            for row in question.items
        ]
    labels = _value_labels(questionnaire, question, language) if kind == "numeric" else {}
    label = _label(questionnaire, question, lang)
    return [Variable(prefix, label, question.id, kind, labels, item, names)]


def _loop_items(questionnaire: Questionnaire, block_index: int) -> list[int]:
    loop = questionnaire.all_blocks[block_index].loop
    assert loop is not None
    if loop.over is not None:
        source = questionnaire.plan.questions.get(loop.over)
        options = getattr(source.question, "options", ()) if source else ()
        excluded = (
            set(loop.exclude or ())
            if loop.exclude is not None
            else {o.code for o in options if getattr(o, "exclusive", False)}
        )
        return [o.code for o in options if o.code not in excluded]
    if isinstance(loop.times, int):
        return list(range(1, loop.times + 1))
    return list(range(1, loop.max_times + 1))


def variables(questionnaire: Questionnaire, language: str | None = None) -> list[Variable]:
    """All data variables in questionnaire order; loop questions get one set per item.
    Labels are in ``language``, the built-in ones too (a text missing in it falls back to
    the questionnaire's language). Without one, texts are in the questionnaire's language
    and built-in labels in English, the language of the code."""
    result: list[Variable] = []
    for b_index, block in enumerate(questionnaire.all_blocks):
        items: list[int | None] = [None]
        if block.loop is not None:
            items = list(_loop_items(questionnaire, b_index))
        for question in block.questions:
            for item in items:
                prefix = question.var_name if item is None else f"{question.var_name}_{item}"
                result.extend(_question_variables(questionnaire, question, prefix, item, language))
    return result


def variable_problems(questionnaire: Questionnaire) -> list[Problem]:
    """Every invalid or clashing variable name, at the path of its question's variable."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    plan = questionnaire.plan
    for variable in variables(questionnaire):
        path = plan.questions[variable.question_id].path + ".variable"
        invalid = spss_name_problem(variable.name)
        if invalid:
            problems.append(placed(invalid, path=path))
            continue
        other = seen.get(variable.name.upper())
        if other is not None and other != variable.question_id:
            problems.append(
                problem(
                    ErrorCode.VARIABLE_NAME,
                    N_("variable name %(name)r is also used by question %(question)r"),
                    path=path,
                    name=variable.name,
                    question=other,
                )
            )
        seen.setdefault(variable.name.upper(), variable.question_id)
    return problems
