"""Conditions, checks and routing in words, in English or Spanish, from the expression AST.

``in_words("age >= 18 and region = 2", "en", label)`` reads "age is at least 18 and region
is 2 «Norte»": question ids stay as they are, codes of a choice question get their option
label (``label(question_id, code)`` gives it, or None; for ``sat.delivery`` the id is
``sat``), ``answered(age)`` reads "age is
answered". The words of each language are in ``WORDS``; an expression that cannot be put in
words (one that does not parse, or one whose function the language's words leave out) gives
None, and the caller prints its code instead.
"""

from __future__ import annotations

from collections.abc import Callable

from questionnaires.errors import QuestionnaireError
from questionnaires.expressions import (
    Binary,
    Call,
    Index,
    ListExpr,
    Literal,
    Member,
    Name,
    Node,
    Unary,
    is_reference,
    parse,
    root_name,
)

Labeler = Callable[[str, object], str | None]

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "=": "{0} is {1}",
        "!=": "{0} is not {1}",
        "<": "{0} is less than {1}",
        "<=": "{0} is at most {1}",
        ">": "{0} is more than {1}",
        ">=": "{0} is at least {1}",
        "in": "{0} is one of {1}",
        "not in": "{0} is none of {1}",
        "+": "{0} plus {1}",
        "-": "{0} minus {1}",
        "*": "{0} times {1}",
        "/": "{0} divided by {1}",
        "%": "the remainder of {0} divided by {1}",
        "and": "{0} and {1}",
        "or": "{0} or {1}",
        "not": "it is not so that {0}",
        "minus": "minus {0}",
        "answered": "{0} is answered",
        "not answered": "{0} is not answered",
        "dk": "{0} is Don't know",
        "not dk": "{0} is not Don't know",
        "refused": "{0} is Refused",
        "not refused": "{0} is not Refused",
        "timed_out": "{0} ran out of time",
        "not timed_out": "{0} did not run out of time",
        "selected": "{0} includes {1}",
        "not selected": "{0} does not include {1}",
        "count_selected": "the number of options chosen in {0}",
        "between": "{0} is between {1} and {2}",
        "not between": "{0} is not between {1} and {2}",
        "list": "{0} or {1}",
        "empty list": "no value",
        "member": "{1} of {0}",
        "index": "item {1} of {0}",
        "label": "{0} «{1}»",
        "string": "“{0}”",
        "true": "true",
        "false": "false",
        "null": "empty",
        "decimal": ".",
    },
    "es": {
        "=": "{0} es {1}",
        "!=": "{0} no es {1}",
        "<": "{0} es menor que {1}",
        "<=": "{0} es como mucho {1}",
        ">": "{0} es mayor que {1}",
        ">=": "{0} es al menos {1}",
        "in": "{0} es uno de {1}",
        "not in": "{0} no es ninguno de {1}",
        "+": "{0} más {1}",
        "-": "{0} menos {1}",
        "*": "{0} por {1}",
        "/": "{0} entre {1}",
        "%": "el resto de dividir {0} entre {1}",
        "and": "{0} y {1}",
        "or": "{0} o {1}",
        "not": "no se cumple que {0}",
        "minus": "menos {0}",
        "answered": "{0} tiene respuesta",
        "not answered": "{0} no tiene respuesta",
        "dk": "{0} es «no sabe»",
        "not dk": "{0} no es «no sabe»",
        "refused": "{0} es «no contesta»",
        "not refused": "{0} no es «no contesta»",
        "timed_out": "a {0} se le acabó el tiempo",
        "not timed_out": "a {0} no se le acabó el tiempo",
        "selected": "{0} incluye {1}",
        "not selected": "{0} no incluye {1}",
        "count_selected": "el número de opciones elegidas en {0}",
        "between": "{0} está entre {1} y {2}",
        "not between": "{0} no está entre {1} y {2}",
        "list": "{0} o {1}",
        "empty list": "ningún valor",
        "member": "{1} de {0}",
        "index": "el elemento {1} de {0}",
        "label": "{0} «{1}»",
        "string": "«{0}»",
        "true": "verdadero",
        "false": "falso",
        "null": "vacío",
        "decimal": ",",
    },
}
_NEGATED = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<", "in": "not in"}
_NEGATED["not in"] = "in"
_COMPARISONS = set(_NEGATED)
_LOGICAL = ("and", "or")
_ARITHMETIC = ("+", "-", "*", "/", "%")


def in_words(source: str, language: str, label: Labeler) -> str | None:
    """``source`` as a sentence in ``language`` (English if unknown); None if it has none.

    An expression has none if it does not parse, or uses a function or an operator that the
    language's words leave out.
    """
    try:
        return _Speaker(WORDS.get(language, WORDS["en"]), label).say(parse(source))
    except (QuestionnaireError, KeyError):
        return None


def _joined_by(node: Node, negated: bool = False) -> str | None:
    """The "and" or "or" that joins the sentence of ``node`` at its top, if one does."""
    if isinstance(node, Unary) and node.op == "not":
        return _joined_by(node.operand, not negated)
    if isinstance(node, Binary) and node.op in _LOGICAL:
        return ("or" if node.op == "and" else "and") if negated else node.op
    return None


class _Speaker:
    def __init__(self, words: dict[str, str], label: Labeler) -> None:
        self.w = words
        self.label = label

    def say(self, node: Node, negated: bool = False) -> str:
        w = self.w
        if isinstance(node, Unary) and node.op == "not":
            return self.say(node.operand, not negated)
        if negated:
            return self.negation(node)
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Call):
            return self.call(node, "")
        if isinstance(node, Unary):
            operand = self.say(node.operand)
            if isinstance(node.operand, Literal):
                return f"-{operand}"
            return w["minus"].format(operand)
        if isinstance(node, Literal):
            return self.literal(node.value)
        if isinstance(node, Name):
            return node.name
        if isinstance(node, Member):
            return w["member"].format(self.say(node.obj), node.attr)
        if isinstance(node, Index):
            return w["index"].format(self.say(node.obj), self.say(node.index))
        assert isinstance(node, ListExpr)
        return self.items([self.say(i) for i in node.items])

    def negation(self, node: Node) -> str:
        if isinstance(node, Binary) and node.op in _LOGICAL:  # not (a and b): not a or not b
            op = "or" if node.op == "and" else "and"
            return self.binary(Binary(op, Unary("not", node.left), Unary("not", node.right)))
        if isinstance(node, Binary) and node.op in _COMPARISONS:
            return self.binary(Binary(_NEGATED[node.op], node.left, node.right))
        if isinstance(node, Call) and f"not {node.func}" in self.w:
            return self.call(node, "not ")
        return self.w["not"].format(self.grouped(node))

    def grouped(self, node: Node) -> str:
        """A part of a longer sentence, in parentheses if it reads as an and / or."""
        text = self.say(node)
        return f"({text})" if _joined_by(node) else text

    def binary(self, node: Binary) -> str:
        if node.op in _LOGICAL:
            parts = [
                self.grouped(side) if _joined_by(side) not in (None, node.op) else self.say(side)
                for side in (node.left, node.right)
            ]
            return self.w[node.op].format(*parts)
        if node.op in _ARITHMETIC:  # (a + b) * 2: "(a plus b) times 2"
            left, right = (
                f"({self.say(side)})" if isinstance(side, Binary) else self.grouped(side)
                for side in (node.left, node.right)
            )
            return self.w[node.op].format(left, right)
        right = self.valued(node.left, node.right)
        return self.w[node.op].format(self.grouped(node.left), right)

    def valued(self, subject: Node, value: Node) -> str:
        """``value`` said as an answer to ``subject``: codes of a choice get their labels."""
        if not is_reference(subject):
            return self.grouped(value)
        if isinstance(value, ListExpr):
            return self.items([self.valued(subject, i) for i in value.items])
        if isinstance(value, Literal):
            label = self.label(root_name(subject), value.value)
            if label:
                return self.w["label"].format(self.literal(value.value), label)
        return self.grouped(value)

    def call(self, node: Call, prefix: str) -> str:
        args = [self.say(a) for a in node.args]
        if node.func == "selected":
            args[1] = self.valued(node.args[0], node.args[1])
        return self.w[prefix + node.func].format(*args)

    def items(self, said: list[str]) -> str:
        if not said:
            return self.w["empty list"]
        if len(said) == 1:
            return said[0]
        return self.w["list"].format(", ".join(said[:-1]), said[-1])

    def literal(self, value: object) -> str:
        if value is None:
            return self.w["null"]
        if isinstance(value, bool):
            return self.w["true" if value else "false"]
        if isinstance(value, str):
            return self.w["string"].format(value)
        return _number(value, self.w)


def number(value: float, language: str) -> str:
    """A number as the document writes it: 18, 2.5 (en), 2,5 (es)."""
    return _number(value, WORDS.get(language, WORDS["en"]))


def _number(value: object, words: dict[str, str]) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", words["decimal"])
