"""Questionnaires written back as the documented YAML: readable, and diffable line by line.

The designer edits a questionnaire as plain data (the *document*: what a YAML file holds,
as JSON). :func:`document_of` gives the document of a loaded questionnaire, with only the
keys it was given; :func:`ordered` puts any document's keys in the order the format's
documentation shows them (id and type first); :func:`to_yaml` writes it, each small mapping
or list on one line (``{code: 1, label: {es: Sí, en: "Yes"}}``) and the rest as blocks.
Loading the YAML gives the same questionnaire again (tested on the whole library).
"""

from __future__ import annotations

from typing import Any

import yaml

from questionnaires.model import Questionnaire

WIDTH = 100  # a small collection goes on one line when the line stays this short

# Keys in the order docs/questionnaire-format.md shows them; a key not listed follows.
QUESTIONNAIRE_KEYS = (
    "id",
    "version",
    "title",
    "languages",
    "default_language",
    "intro",
    "closing",
    "support",
    "max_duration",
    "sample_variables",
    "dont_know",
    "refused",
    "codes",
    "randomize_blocks",
    "blocks",
    "questions",
)
BLOCK_KEYS = ("id", "title", "show_if", "loop", "questions")
QUESTION_KEYS = (
    "id",
    "type",
    "text",
    "instruction",
    # the keys of one type or another, in the order of the types' table
    "options",
    "randomize",
    "read_out",
    "min_selected",
    "max_selected",
    "decimals",
    "min",
    "max",
    "unit",
    "max_length",
    "min_label",
    "max_label",
    "nps",
    "items",
    "scale",
    "multiple",
    "randomize_items",
    "kind",
    "expression",
    # then the keys every question has
    "show_if",
    "page",
    "required",
    "dont_know",
    "refused",
    "default",
    "checks",
    "routing",
    "time_limit",
    "variable",
    "variable_label",
    "codes",
)
OPTION_KEYS = ("id", "code", "label", "anchor", "exclusive", "name", "show_if")
LOOP_KEYS = ("over", "times", "as", "exclude", "max_times")
RULE_KEYS = ("if", "goto", "screen_out", "end")
CHECK_KEYS = ("valid_if", "message", "soft")
# Texts: the modes first, then the languages as given.
MODE_KEYS = ("phone", "web")


def document_of(questionnaire: Questionnaire) -> dict[str, Any]:
    """The questionnaire as plain data: the keys it was given (defaults given explicitly
    stay, since some of them count as given, e.g. ``codes:``), in the documented order."""
    data = questionnaire.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return ordered(_whole_numbers(data, None))


def _whole_numbers(value: Any, key: str | None) -> Any:
    """``min: 0.0`` read back as ``min: 0``: a float field holds a whole number as it was
    written. A ``default`` keeps its type (a number there may be meant as a decimal)."""
    if isinstance(value, float) and value.is_integer() and key != "default":
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v, key) for v in value]
    return value


def _sorted(mapping: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    rank = {key: n for n, key in enumerate(keys)}
    return dict(sorted(mapping.items(), key=lambda item: rank.get(item[0], len(rank))))


# Each part of a questionnaire: the order of its keys, and the parts below it by their key.
Part = tuple[tuple[str, ...], dict[str, Any]]
OPTION: Part = (OPTION_KEYS, {})
QUESTION: Part = (
    QUESTION_KEYS,
    {
        "options": OPTION,
        "scale": OPTION,
        "items": OPTION,
        "routing": (RULE_KEYS, {}),
        "checks": (CHECK_KEYS, {}),
    },
)
BLOCK: Part = (BLOCK_KEYS, {"loop": (LOOP_KEYS, {}), "questions": QUESTION})
QUESTIONNAIRE: Part = (QUESTIONNAIRE_KEYS, {"blocks": BLOCK, "questions": QUESTION})


def _in_order(value: Any, part: Part) -> Any:
    """``value`` (a part, or a list of them) with its keys in order, and its parts' keys."""
    if isinstance(value, list):
        return [_in_order(item, part) for item in value]
    if not isinstance(value, dict):
        return value  # a draft may hold anything while it is typed
    keys, below = part
    result = _sorted(value, keys)
    for key, child in below.items():
        if key in result:
            result[key] = _in_order(result[key], child)
    return result


def ordered(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its keys in the documented order, at every level it knows; it
    need not be valid (a draft half-written keeps whatever it holds)."""
    return _in_order(document, QUESTIONNAIRE)


# --- YAML ------------------------------------------------------------------------------

_representer = yaml.SafeDumper(None)  # only to turn scalars into nodes the way PyYAML does


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the documentation and the library write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _scalar(value: Any) -> yaml.ScalarNode:
    node = _representer.represent_data(value)
    if isinstance(value, str) and "\n" in value:
        node.style = "|"  # a text of several lines stays readable as it was typed
    return node


def _flow_length(value: Any) -> int:
    """About how long ``value`` is written on one line (strings counted as quoted)."""
    if isinstance(value, dict):
        return 2 + sum(len(str(k)) + 2 + _flow_length(v) + 2 for k, v in value.items())
    if isinstance(value, list):
        return 2 + sum(_flow_length(v) + 2 for v in value)
    if isinstance(value, str):
        return len(value) + 2 + value.count('"')
    return len(str(value).lower()) if isinstance(value, bool) else len(str(value))


def _one_line(value: Any) -> bool:
    """A list of mappings (options, rules, questions) is written one item a line, so that
    changing an item changes its line; anything holding such a list is a block too."""
    if isinstance(value, list):
        return all(not isinstance(v, dict) and _one_line(v) for v in value)
    if isinstance(value, dict):
        return all(_one_line(v) for v in value.values())
    return not (isinstance(value, str) and "\n" in value)


def _node(value: Any, indent: int, key_length: int) -> yaml.Node:
    if not isinstance(value, dict | list):
        return _scalar(value)
    flow = bool(value) and key_length > 0 and _one_line(value)  # the document itself: a block
    flow = flow and indent + key_length + _flow_length(value) <= WIDTH
    if isinstance(value, dict):
        pairs = [(_scalar(str(k)), _node(v, indent + 2, len(str(k)) + 2)) for k, v in value.items()]
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=flow or not value)
    items = [_node(v, indent + 2, 2) for v in value]
    return yaml.SequenceNode("tag:yaml.org,2002:seq", items, flow_style=flow or not value)


def to_yaml(document: dict[str, Any]) -> str:
    """The document as YAML text in the documented key order."""
    return yaml.serialize(
        _node(ordered(document), 0, 0),
        Dumper=_Dumper,
        allow_unicode=True,
        width=10**9,  # long texts stay on one line: a change to them is a change of one line
        indent=2,
    )
