"""XLSForm expressions (ODK XPath) into our expression language.

Forms write ``${name}``, relative paths (``../name``, ``current()/../name``), XPath's
function names (``count-selected``, ``string-length``), ``div``/``mod``, and compare
choices by their names (``${sex} = 'male'``). Choices carry integer codes here, so a name
compared with a choice question becomes its code; ``${x} = ''`` becomes ``not answered(x)``.
A ``calculate`` is written in where it is used. Some functions are rewritten into ours:
``position(..)`` is the repeat's time round, ``indexed-repeat(${x}, ${r}, n)`` is ``x[n]``,
``jr:choice-name(${q}, '${q}')`` and ``pulldata('file', 'col', 'key', k)`` look the value up
in a table written into the expression (the list's labels, the CSV beside the workbook).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cati.problems import N_

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{\s*(?P<refname>[A-Za-z_][A-Za-z0-9_.-]*)\s*\})
  | (?P<path>(?:current\(\)\s*/\s*)?(?:\.\.\s*/\s*)+(?P<relname>[A-Za-z_][\w.-]*)
      | /[A-Za-z_][\w.-]*(?:/[A-Za-z_][\w.-]*)*/(?P<absname>[A-Za-z_][\w.-]*))
  | (?P<string>'[^']*'|"[^"]*"|‘[^’]*’|“[^”]*”)
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_:.-]*)
  | (?P<dot>\.(?![0-9.]))
  | (?P<op>!=|<=|>=|[=<>+\-*(),])
    """,
    re.VERBOSE,
)
# XPath function -> ours (expressions.FUNCTIONS); ``once`` only guards against recomputing.
FUNCTIONS = {
    "selected": "selected",
    "count-selected": "count_selected",
    "string-length": "string_length",
    "regex": "regex",
    "today": "today",
    "now": "now",
    "format-date": "format_date",
    "format-date-time": "format_date",
    "date": "date",
    "contains": "contains",
    "starts-with": "starts_with",
    "ends-with": "ends_with",
    "if": "if",
    "concat": "concat",
    "coalesce": "coalesce",
    "int": "int",
    "round": "round",
    "number": "number",
    "string": "string",
    "substr": "substr",
    "sqrt": "sqrt",
    "pow": "pow",
    "abs": "abs",
    "floor": "floor",
    "ceiling": "ceiling",
    "min": "min",
    "max": "max",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "asin": "asin",
    "acos": "acos",
    "atan": "atan",
    "atan2": "atan2",
    "exp": "exp",
    "log": "log",
    "log10": "log10",
    "pi": "pi",
    "once": "",
}
WORDS = {"and": "and", "or": "or", "not": "not", "div": "/", "mod": "%"}


class Untranslatable(Exception):
    """An expression we cannot write in our language: a template and its parameters."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template % params)
        self.template = template
        self.params = params


@dataclass
class Names:
    """What the translator knows of the form's names."""

    codes: dict[str, Mapping[str, int]] = field(default_factory=dict)  # choice question
    calculations: dict[str, str] = field(default_factory=dict)  # name -> XPath source
    skipped: set[str] = field(default_factory=set)  # no answer here (geopoint, photo...)
    translated: dict[str, str] = field(default_factory=dict)  # calculations done
    busy: set[str] = field(default_factory=set)  # calculations being translated
    renamed: dict[str, str] = field(default_factory=dict)  # written -> identifier
    multiple: set[str] = field(default_factory=set)  # select_multiple questions
    labels: dict[str, dict[int, str]] = field(default_factory=dict)  # choice question
    loop_item: str | None = None  # the name of the time round, inside a repeat
    folder: Path | None = None  # where pulldata's CSV files are
    tables: dict[tuple[str, str, str], tuple[list[object], list[object]]] = field(
        default_factory=dict
    )  # pulldata's look-ups read
    notes: list[tuple[str, dict[str, object]]] = field(default_factory=list)  # warnings


# A code no option has (Option.code stays within ±999,999): a choice name the list lacks.
NO_SUCH_CODE = "-1000000"


def safe_name(name: str) -> str:
    """A name as our identifier: ``label-test`` -> ``label_test``, ``_1`` -> ``q_1``."""
    safe = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return (safe if re.match(r"[A-Za-z]", safe) else f"q{safe}")[:64]


def _tokens(source: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise Untranslatable(N_("cannot translate %(rest)r"), rest=source[pos:])
        pos = match.end()
        kind = match.lastgroup or ""
        if kind == "space":
            continue
        if kind in ("ref", "path"):
            name = match.group("refname") or match.group("relname") or match.group("absname")
            found.append(("ref", name))
        elif kind == "string":
            found.append(("string", match.group()[1:-1]))
        elif kind == "name" and match.group().lower() in ("true", "false"):
            rest = source[pos:].lstrip()
            if rest.startswith("("):  # true() / false()
                pos = source.index(")", pos) + 1
            found.append(("word", match.group().lower()))
        else:
            found.append((kind, match.group()))
    return found


POSITION = re.compile(r"position\s*\(\s*\.\.\s*\)")


def translate(
    source: str,
    names: Names,
    own: str | None = None,
    column: Callable[[str], str] | None = None,
) -> str:
    """``source`` in our language. ``own`` is the question that ``.`` means (constraints);
    ``column`` gives a choice's value in a column (choice_filter: ``cf = ${state}``; a
    column the choice lacks is empty, as in XPath)."""
    if POSITION.search(source):
        if names.loop_item is None:
            raise Untranslatable(N_("position(..) is only known inside a repeat"))
        source = POSITION.sub("${" + names.loop_item + "}", source)
    tokens = [
        ("ref", names.renamed.get(text, text))
        if kind == "ref"
        else ("ref", own)
        if kind == "dot" and own is not None
        else (kind, text)
        for kind, text in _tokens(source)
    ]
    if column is not None:
        tokens = [
            ("string", column(text))
            if kind == "name"
            and text.lower() not in WORDS
            and tokens[i + 1 : i + 2] != [("op", "(")]
            else (kind, text)
            for i, (kind, text) in enumerate(tokens)
        ]
    tokens = _membership(_rewritten_calls(tokens, names), names)
    out: list[str] = []
    for i, (kind, text) in enumerate(tokens):
        if kind == "ref":
            out.append(_reference(text, names, own))
        elif kind == "dot":
            if own is None:
                raise Untranslatable(N_("'.' only means the answer in a constraint"))
            out.append(own)
        elif kind == "string":
            out.append(_literal(tokens, i, names, own))
        elif kind == "name":
            lowered = text.lower()
            calls = i + 1 < len(tokens) and tokens[i + 1] == ("op", "(")
            if lowered in WORDS:
                out.append(WORDS[lowered])
            elif calls and lowered in FUNCTIONS:
                out.append(FUNCTIONS[lowered])
            else:
                raise Untranslatable(
                    N_("%(word)r is not supported (see the functions listed in the docs)"),
                    word=text,
                )
        else:
            out.append(text)
    return _empty_tests(" ".join(out))


def _table(keys: list[object], values: list[object]) -> list[tuple[str, str]]:
    """``[keys] , [values] ,``: the first arguments of our ``lookup``."""
    return [("raw", repr(list(keys))), ("op", ","), ("raw", repr(list(values))), ("op", ",")]


def _rewritten_calls(tokens: list[tuple[str, str]], names: Names) -> list[tuple[str, str]]:
    """``jr:choice-name``, ``pulldata`` and ``indexed-repeat`` in our terms (module doc)."""
    result: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        call = text.lower() if kind == "name" and tokens[i + 1 : i + 2] == [("op", "(")] else ""
        args = tokens[i + 2 :]
        if call == "jr:choice-name":
            if not (args and args[0][0] == "ref" and args[0][1] in names.labels):
                raise Untranslatable(N_("jr:choice-name only takes a select_one's answer"))
            labels = names.labels[args[0][1]]
            result += [
                ("raw", "lookup"),
                ("op", "("),
                *_table(list(labels), list(labels.values())),
            ]
            result.append(args[0])
            i += 3
            while i < len(tokens) and tokens[i] != ("op", ")"):  # the second argument
                i += 1
            continue
        if call == "pulldata":
            strings = args[0:6:2]
            if [k for k, _ in strings] != ["string"] * 3 or args[1:7:2] != [("op", ",")] * 3:
                raise Untranslatable(N_("pulldata takes a file, a column and a key column"))
            keys, values = pulldata_table(names, *(t for _, t in strings))
            key = args[6:8]
            if key[1:] == [("op", ")")] and key[0][0] == "ref" and key[0][1] in names.codes:
                codes = names.codes[key[0][1]]  # a choice's value in XPath is its name
                keys = [codes.get(str(k), NO_SUCH_CODE) for k in keys]
            result += [("raw", "lookup"), ("op", "("), *_table(keys, values)]
            i += 8
            continue
        if call == "indexed-repeat":
            if not (args[0:1] and args[0][0] == "ref" and args[1:2] == [("op", ",")]):
                raise Untranslatable(N_("indexed-repeat takes a question of a repeat"))
            end, depth, commas = 4, 0, 0
            while end < len(args) and not (depth == 0 and args[end] == ("op", ")")):
                if args[end][0] == "op":
                    depth += {"(": 1, ")": -1}.get(args[end][1], 0)
                    commas += depth == 0 and args[end][1] == ","
                end += 1
            if commas:  # a repeat inside a repeat: its copies have names of their own
                raise Untranslatable(N_("indexed-repeat is only taken with one repeat"))
            result += [args[0], ("raw", "["), *args[4:end], ("raw", "]")]
            i += 2 + end + 1
            continue
        result.append(tokens[i])
        i += 1
    return result


def pulldata_table(
    names: Names, file: str, column: str, key: str
) -> tuple[list[object], list[object]]:
    """The key and value columns of pulldata's CSV (``file.csv`` beside the workbook),
    numbers as numbers when a whole column is."""
    if (file, column, key) not in names.tables:
        found = None
        if names.folder is not None:
            wanted = f"{file}.csv".lower()
            found = next((p for p in names.folder.iterdir() if p.name.lower() == wanted), None)
        if found is None:
            raise Untranslatable(
                N_("pulldata's file %(file)r is not beside the workbook"), file=f"{file}.csv"
            )
        with found.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if not rows or column not in rows[0] or key not in rows[0]:
            raise Untranslatable(
                N_("%(file)r has no columns %(column)r and %(key)r"),
                file=found.name,
                column=column,
                key=key,
            )
        names.tables[(file, column, key)] = (
            _typed([r[key] for r in rows]),
            _typed([r[column] for r in rows]),
        )
    return names.tables[(file, column, key)]


def _typed(cells: list[str | None]) -> list[object]:
    texts = [(c or "").strip() for c in cells]
    if all(re.fullmatch(r"-?\d+", t) for t in texts):
        return [int(t) for t in texts]
    if all(re.fullmatch(r"-?\d+(\.\d+)?", t) for t in texts):
        return [float(t) for t in texts]
    return list(texts)


def _membership(tokens: list[tuple[str, str]], names: Names) -> list[tuple[str, str]]:
    """``${many} = 'a'`` on a select_multiple (XPath compares the text of the answer, the
    names chosen) -> ``selected(many, 'a')``; ``!=`` -> ``not selected(...)``."""
    result: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        three = tokens[i : i + 3]
        if (
            len(three) == 3
            and three[0][0] == "ref"
            and three[0][1] in names.multiple
            and three[1] in (("op", "="), ("op", "!="))
            and three[2][0] == "string"
            and three[2][1] != ""
        ):
            if three[1][1] == "!=":
                result.append(("name", "not"))
            call = [("name", "selected"), ("op", "("), three[0], ("op", ","), three[2]]
            result.extend([*call, ("op", ")")])
            i += 3
        else:
            result.append(tokens[i])
            i += 1
    return result


def _reference(name: str, names: Names, own: str | None) -> str:
    if name in names.skipped:
        return "null"
    if name in names.calculations and name != own:
        if name not in names.translated:
            if name in names.busy:
                raise Untranslatable(N_("calculation %(name)r depends on itself"), name=name)
            names.busy.add(name)
            try:
                names.translated[name] = translate(names.calculations[name], names)
            finally:
                names.busy.discard(name)
        return f"( {names.translated[name]} )"
    return name


def _compared_question(tokens: list[tuple[str, str]], i: int) -> str | None:
    """The choice question a string at ``i`` is compared with, if any."""
    before = tokens[max(0, i - 2) : i]
    after = tokens[i + 1 : i + 3]
    if len(before) == 2 and before[0][0] == "ref" and before[1] in (("op", "="), ("op", "!=")):
        return before[0][1]
    if len(after) == 2 and after[1][0] == "ref" and after[0] in (("op", "="), ("op", "!=")):
        return after[1][1]
    back = tokens[max(0, i - 4) : i]
    if (
        len(back) == 4
        and back[0][0] == "name"
        and back[0][1].lower() == "selected"
        and back[2][0] == "ref"
    ):
        return back[2][1]
    return None


def _literal(tokens: list[tuple[str, str]], i: int, names: Names, own: str | None) -> str:
    value = tokens[i][1]
    question = _compared_question(tokens, i)
    codes = names.codes.get(question or "")
    if codes is not None and value != "":
        if value in codes:
            return str(codes[value])
        if not re.fullmatch(r"-?\d+", value):
            names.notes.append(
                (
                    N_("%(value)r is not a choice name of %(name)s: that comparison never holds"),
                    {"value": value, "name": question},
                )
            )
            return NO_SUCH_CODE
    if re.fullmatch(r"-?\d+", value):
        return value
    return repr(value)


_EMPTY = re.compile(
    r"(?P<a>[A-Za-z_][A-Za-z0-9_]*) (?P<op>!?=) ''|'' (?P<op2>!?=) (?P<b>[A-Za-z_][A-Za-z0-9_]*)"
)


def _empty_tests(expression: str) -> str:
    """``x = ''`` (unanswered in XPath) -> ``not answered(x)``; ``!=`` -> ``answered(x)``."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("a") or match.group("b")
        if name in ("null", "true", "false", "and", "or", "not"):
            return match.group()
        op = match.group("op") or match.group("op2")
        test = f"answered ( {name} )"
        return test if op == "!=" else f"not {test}"

    return _EMPTY.sub(replace, expression)
