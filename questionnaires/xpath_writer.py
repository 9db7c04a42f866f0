"""Our expressions written as XLSForm's XPath, for the XLSForm a questionnaire is downloaded
as: names become ``${name}``, our functions XPath's (``count_selected`` ->
``count-selected``, ``answered(q)`` -> ``${q} != ''``), ``x in [1, 2]`` a disjunction.

What XPath cannot say (Don't know and Refused, sample variables, the item of a loop over
answers, ``lookup``) raises :class:`Unsayable` with the reason; the writer then leaves the
expression out and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from cati.problems import N_
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
    parse,
)

# Ours -> XPath's, where the name differs; the others keep theirs.
RENAMED = {
    "count_selected": "count-selected",
    "string_length": "string-length",
    "starts_with": "starts-with",
    "ends_with": "ends-with",
    "format_date": "format-date",
}
UNSAYABLE_CALLS = {"dk", "refused", "timed_out", "lookup"}
# How tightly each operator binds, loosest first, for the brackets the XPath needs.
BINDING = {"or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4}
BINDING.update({"+": 5, "-": 5, "*": 6, "/": 6, "%": 6})
XPATH_OPERATORS = {"/": "div", "%": "mod"}


class Unsayable(Exception):
    """An expression XPath has no words for; ``template`` (English, for N_) says why."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template % params)
        self.template = template
        self.params = params


@dataclass(frozen=True)
class Names:
    """What names mean where an expression is written: each question's name in the
    survey (a grid's rows are questions of their own), and the loop around it."""

    survey: dict[str, str]  # question id -> its row's name
    grid_rows: dict[tuple[str, str], str]  # (grid id, row id) -> the row's name
    repeat_item: str | None = None  # the loop's item name, where it is a repeat's position
    repeats: dict[str, str] | None = None  # question id -> the repeat it is in


def _string(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    raise Unsayable(N_("the text %(text)r holds both kinds of quote"), text=text)


class _Writer:
    def __init__(self, names: Names) -> None:
        self.names = names

    def ref(self, node: Node) -> str:
        """A reference to an answer: ${name}, a grid row's ${row}, a loop answer by index."""
        if isinstance(node, Name):
            if node.name == self.names.repeat_item:
                return "position(..)"
            if node.name in self.names.survey:
                return "${" + self.names.survey[node.name] + "}"
            raise Unsayable(N_("%(name)r has no place in the XLSForm"), name=node.name)
        if isinstance(node, Member) and isinstance(node.obj, Name):
            if node.obj.name == "sample":
                raise Unsayable(
                    N_("sample variables (%(name)s) are not in an XLSForm"), name=node.attr
                )
            row = self.names.grid_rows.get((node.obj.name, node.attr))
            if row is not None:
                return "${" + row + "}"
        if isinstance(node, Index) and isinstance(node.obj, Name):
            repeat = (self.names.repeats or {}).get(node.obj.name)
            if repeat is not None:
                index = self.write(node.index, 0)
                return f"indexed-repeat({self.ref(node.obj)}, ${{{repeat}}}, {index})"
        raise Unsayable(N_("the reference %(ref)s has no XLSForm form"), ref=_source(node))

    def write(self, node: Node, outer: int) -> str:
        if isinstance(node, Literal):
            value = node.value
            if value is True:
                return "true()"
            if value is False:
                return "false()"
            if value is None:
                return "''"
            return _string(value) if isinstance(value, str) else repr(value)
        if isinstance(node, Name | Member | Index):
            return self.ref(node)
        if isinstance(node, ListExpr):
            raise Unsayable(N_("a list is only written after 'in'"))
        if isinstance(node, Unary):
            if node.op == "not":
                return f"not({self.write(node.operand, 0)})"
            return f"-{self.write(node.operand, 7)}"
        if isinstance(node, Call):
            return self.call(node)
        assert isinstance(node, Binary)
        if node.op in ("in", "not in"):
            text = self.membership(node)
            return text if node.op == "in" else f"not({text})"
        if node.op == "+" and _texty(node.left, node.right):
            return f"concat({self.write(node.left, 0)}, {self.write(node.right, 0)})"
        binding = BINDING[node.op]
        op = XPATH_OPERATORS.get(node.op, node.op)
        # the right side of - / mod binds tighter: a - (b - c) keeps its brackets
        text = f"{self.write(node.left, binding)} {op} {self.write(node.right, binding + 1)}"
        return f"({text})" if binding < outer else text

    def membership(self, node: Binary) -> str:
        if isinstance(node.right, ListExpr):
            left = self.write(node.left, 3)
            parts = [f"{left} = {self.write(item, 4)}" for item in node.right.items]
            return "(" + " or ".join(parts) + ")" if parts else "false()"
        if isinstance(node.left, Literal) and isinstance(node.left.value, int):
            return f"selected({self.ref(node.right)}, '{node.left.value}')"
        raise Unsayable(N_("'in' an answer is written for a code, as 4 in brands"))

    def call(self, node: Call) -> str:
        func = node.func
        if func in UNSAYABLE_CALLS:
            raise Unsayable(N_("%(func)s() has no XLSForm equivalent"), func=func)
        if func == "selected":
            code = node.args[1]
            if not isinstance(code, Literal):
                raise Unsayable(N_("selected() is written with an option code"))
            return f"selected({self.ref(node.args[0])}, '{code.value}')"
        if func == "answered":
            return f"{self.ref(node.args[0])} != ''"
        if func == "between":
            value, low, high = (self.write(a, 4) for a in node.args)
            return f"({value} >= {low} and {value} <= {high})"
        args = ", ".join(self.write(a, 0) for a in node.args)
        return f"{RENAMED.get(func, func)}({args})"


def _texty(*nodes: Node) -> bool:
    return any(isinstance(n, Literal) and isinstance(n.value, str) for n in nodes)


def _source(node: Node) -> str:
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Member):
        return f"{_source(node.obj)}.{node.attr}"
    if isinstance(node, Index):
        return f"{_source(node.obj)}[…]"
    return "…"


def xpath(source: str, names: Names) -> str:
    """``source`` in XPath; raises Unsayable."""
    return _Writer(names).write(parse(source), 0)


def xpath_reference(node: Node, names: Names) -> str:
    """A reference piped into a label: only ``${name}`` can be; raises Unsayable."""
    text = _Writer(names).ref(node)
    if not text.startswith("${"):
        raise Unsayable(N_("a label shows only an answer, not %(ref)s"), ref=_source(node))
    return text
