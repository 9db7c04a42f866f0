"""What the designer shows for each part of a questionnaire: its fields, their kinds and
labels (in the user's language), for the page's script to build its forms from.

The keys are those of the questionnaire format (questionnaires/model.py is the truth); a
field's ``kind`` says how it is edited (see static/designer_form.js) and ``default`` which
value is left out of the document, as the format's documentation leaves it out.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from questionnaires.model import TEXT_KEYS

QUESTION_TYPES = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "numeric": _l("Number"),
    "text": _l("Open text"),
    "rating": _l("Rating scale"),
    "grid": _l("Grid"),
    "date": _l("Date or time"),
    "display": _l("Text shown (no answer)"),
    "calculate": _l("Calculated variable"),
}


def field(key: str, kind: str, label: Any, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": label, **extra}


def _options(exclusive: bool) -> dict[str, Any]:
    item = [
        field("code", "int", _l("Code"), required=True),
        field("label", "text", _l("Label")),
        field("anchor", "bool", _l("Keeps its place when shuffled"), default=False),
    ]
    if exclusive:
        item.append(field("exclusive", "bool", _l("Not combined with others"), default=False))
    item += [
        field("name", "string", _l("Name (XLSForm value)")),
        field("show_if", "expr", _l("Offered only if")),
    ]
    return field("options", "list", _l("Options"), item=item, add=_l("Add an option"), new="option")


def _scale() -> dict[str, Any]:
    item = [field("code", "int", _l("Code"), required=True), field("label", "text", _l("Label"))]
    return field("scale", "list", _l("Scale"), item=item, add=_l("Add a scale point"), new="option")


CHOICE = [
    field(
        "randomize",
        "select",
        _l("Order of the options"),
        choices=[["", _l("as written")], ["shuffle", _l("shuffled")], ["rotate", _l("rotated")]],
    ),
    field("read_out", "bool", _l("The interviewer reads the options out"), default=True),
]


def _type_fields() -> dict[str, list[dict[str, Any]]]:
    return {
        "single": [_options(False), *CHOICE],
        "multiple": [
            _options(True),
            *CHOICE,
            field("min_selected", "int", _l("Fewest options to choose"), default=1),
            field("max_selected", "int", _l("Most options to choose")),
        ],
        "numeric": [
            field("decimals", "int", _l("Decimals (0: whole numbers)"), default=0),
            field("min", "number", _l("Lowest answer")),
            field("max", "number", _l("Highest answer")),
            field("unit", "text", _l("Unit")),
        ],
        "text": [field("max_length", "int", _l("Longest answer (characters)"), default=1000)],
        "rating": [
            field("min", "int", _l("Lowest point"), default=0),
            field("max", "int", _l("Highest point"), default=10),
            field("min_label", "text", _l("Label of the lowest point")),
            field("max_label", "text", _l("Label of the highest point")),
            field("nps", "bool", _l("Net Promoter Score (0 to 10)"), default=False),
        ],
        "grid": [
            field(
                "items",
                "list",
                _l("Rows"),
                item=[
                    field("id", "id", _l("Row id"), required=True),
                    field("label", "text", _l("Label")),
                ],
                add=_l("Add a row"),
                new="row",
            ),
            _scale(),
            field("multiple", "bool", _l("Several points per row"), default=False),
            field("randomize_items", "bool", _l("Rows in random order"), default=False),
        ],
        "date": [
            field(
                "kind",
                "select",
                _l("Asks for"),
                choices=[["date", _l("a date")], ["time", _l("a time")], ["datetime", _l("both")]],
                default="date",
            )
        ],
        "display": [],
        "calculate": [field("expression", "expr", _l("Expression"), required=True)],
    }


def _rule_item() -> list[dict[str, Any]]:
    return [
        field("if", "expr", _l("If (empty: always)")),
        field("action", "action", _l("Then")),
    ]


def _question_fields() -> list[dict[str, Any]]:
    """The fields every question has, after its text and its type's own fields."""
    special = [["", _l("as the questionnaire")], ["true", _l("yes")], ["false", _l("no")]]
    return [
        field("instruction", "text", _l("Instruction for the interviewer (not read out)")),
        field("show_if", "expr", _l("Asked only if")),
        field(
            "page",
            "id",
            _l("Page (questions next to each other with one name share a page)"),
            advanced=True,
        ),
        field("required", "bool", _l("An answer is required"), default=True, advanced=True),
        field("dont_know", "tristate", _l("Offer Don't know"), choices=special, advanced=True),
        field("refused", "tristate", _l("Offer Refused"), choices=special, advanced=True),
        field(
            "default", "value", _l("Answer filled in (code, codes, number or text)"), advanced=True
        ),
        field(
            "checks",
            "list",
            _l("Checks"),
            item=[
                field("valid_if", "expr", _l("Must hold"), required=True),
                field("message", "text", _l("Message when it does not")),
                field("soft", "bool", _l("Soft: can be confirmed"), default=False),
            ],
            add=_l("Add a check"),
            new="check",
        ),
        field(
            "routing", "list", _l("Routing"), item=_rule_item(), add=_l("Add a rule"), new="rule"
        ),
        field(
            "time_limit",
            "group",
            _l("Time limit"),
            item=[
                field("warning", "int", _l("Warning after (seconds)")),
                field("limit", "int", _l("Closes after (seconds)"), required=True),
            ],
            new="time_limit",
            advanced=True,
        ),
        field("variable", "string", _l("Variable name in the data"), advanced=True),
        field("variable_label", "string", _l("Variable label"), advanced=True),
        _codes(),
    ]


def _codes() -> dict[str, Any]:
    return field(
        "codes",
        "group",
        _l("Data codes of Don't know, Refused and Timed out"),
        item=[
            field("dont_know", "int", _l("Don't know"), default=98),
            field("refused", "int", _l("Refused"), default=99),
            field("timed_out", "int", _l("Timed out"), default=97),
        ],
        new="codes",
        advanced=True,
    )


def _block_fields() -> list[dict[str, Any]]:
    return [
        field("id", "id", _l("Block id"), required=True),
        field("title", "text", _l("Title")),
        field("show_if", "expr", _l("Asked only if")),
        field(
            "loop",
            "group",
            _l("Repeat the block"),
            item=[
                field("over", "ref", _l("For each option chosen in (a multiple question)")),
                field("times", "times", _l("Or a number of times (a number or an expression)")),
                field("as", "id", _l("Name of the item in expressions and texts"), default="item"),
                field("exclude", "codes", _l("Codes not repeated for (default: exclusive ones)")),
                field("max_times", "int", _l("At most (for a count by expression)"), default=20),
            ],
            new="loop",
        ),
    ]


def _questionnaire_fields() -> list[dict[str, Any]]:
    return [
        field("id", "id", _l("Questionnaire id"), required=True),
        field("version", "string", _l("Version"), required=True),
        field("title", "text", _l("Title")),
        field("languages", "languages", _l("Languages (codes, comma between: es, en)")),
        field("default_language", "string", _l("Default language (else the first)")),
        field("intro", "wording", _l("Introduction")),
        field("closing", "wording", _l("Closing text")),
        field(
            "support",
            "list",
            _l("Help for the interviewer (questions and objections)"),
            item=[
                field("question", "text", _l("Question or objection")),
                field("answer", "text", _l("Answer")),
            ],
            add=_l("Add a help item"),
            new="support",
        ),
        field(
            "max_duration",
            "group",
            _l("Longest interview"),
            item=[
                field("warning", "int", _l("Warning after (seconds)")),
                field("limit", "int", _l("Ends after (seconds)"), required=True),
                field(
                    "on_limit",
                    "select",
                    _l("At the limit, the interview is"),
                    choices=[["breakoff", _l("a break-off")], ["partial", _l("a partial")]],
                    default="breakoff",
                ),
            ],
            new="max_duration",
        ),
        field("sample_variables", "sample", _l("Sample variables (used as sample.name)")),
        field("dont_know", "bool", _l("Offer Don't know on every question"), default=True),
        field("refused", "bool", _l("Offer Refused on every question"), default=True),
        _codes(),
        field("randomize_blocks", "groups", _l("Blocks asked in random order (a, b; c, d)")),
    ]


STRINGS = {
    "questionnaire": _l("Questionnaire"),
    "settings": _l("Settings"),
    "block": _l("Block"),
    "question": _l("Question"),
    "question_id": _l("Question id"),
    "type": _l("Type"),
    "text": _l("Text"),
    "text_optional": _l("Text (optional: nothing is shown)"),
    "more": _l("More settings: page, required, Don't know and Refused, time limit, data"),
    "add_block": _l("Add a block"),
    "add_question": _l("Add a question"),
    "new_question_type": _l("Type of the new question"),
    "move_up": _l("Move up"),
    "move_down": _l("Move down"),
    "copy": _l("Copy"),
    "delete": _l("Delete"),
    "drag": _l("Drag to move"),
    "undone": _l("Undone."),
    "deleted": _l("Deleted %(what)s. Ctrl+Z brings it back."),
    "moved": _l("Moved %(what)s to position %(n)s."),
    "copied": _l("Copied %(what)s."),
    "saving": _l("Saving…"),
    "saved": _l("Saved (revision %(n)s)"),
    "unsaved": _l("Changes not saved yet"),
    "save_failed": _l("Not saved: %(reason)s"),
    "offline": _l("The server cannot be reached; your changes are kept in this browser."),
    "restored": _l("Your changes not saved last time were restored from this browser."),
    "conflict_title": _l("Someone else saved this draft"),
    "keep_mine": _l("Keep my version (replace theirs)"),
    "take_theirs": _l("Take their version (drop mine)"),
    "their_version": _l("Differences (- yours, + theirs)"),
    "errors": _l("%(n)s errors"),
    "warnings": _l("%(n)s warnings"),
    "no_problems": _l("No problems found."),
    "problems": _l("Problems"),
    "all_languages": _l("The same in every language"),
    "web_wording": _l("Other wording on the web"),
    "phone": _l("Phone (read out)"),
    "web": _l("Web (read)"),
    "use_group": _l("Set"),
    "none": _l("(none)"),
    "goto": _l("go to question"),
    "screen_out": _l("screen out with code"),
    "end": _l("end the interview (completed)"),
    "target": _l("Question or code"),
    "name": _l("Name"),
    "variable_type": _l("Type"),
    "number": _l("number"),
    "text_type": _l("text"),
    "label": _l("Label"),
    "add_variable": _l("Add a sample variable"),
    "suggestions": _l("Suggestions"),
    "empty_block": _l("No questions yet."),
    "editor": _l("Editor"),
    "translations": _l("Translations"),
    "missing": _l("missing"),
    "left": _l("Language on the left"),
    "right": _l("Language on the right"),
    "where": _l("Where"),
    "no_texts": _l("No texts yet."),
    "one_language": _l("The questionnaire has one language: add another under Settings."),
    "shared": _l("(the same in every language)"),
}


def designer_spec() -> dict[str, Any]:
    """Everything the page's script needs to build its forms, with texts in the user's
    language (lazy texts become plain ones when the page is rendered)."""
    return _plain(
        {
            "types": list(QUESTION_TYPES.items()),
            "questionnaire": _questionnaire_fields(),
            "block": _block_fields(),
            "question": _question_fields(),
            "by_type": _type_fields(),
            "text_keys": sorted(TEXT_KEYS),
            "strings": STRINGS,
        }
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)  # a lazy text, in the user's language now
