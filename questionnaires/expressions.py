"""The expression language: a hand-written tokenizer and recursive-descent parser to an AST.

Conditions, checks and loop counts are written in this small language. It is parsed here
into frozen dataclasses and evaluated by a whitelist in ``evaluate.py``; nothing reaches
Python's ``eval``. Grammar, loosest binding first::

    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | compare
    compare  := sum [(= == != <> < <= > >=) sum | ["not"] "in" sum]
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "/" | "%") unary)*
    unary    := "-" unary | postfix
    postfix  := primary ("." NAME | "[" or "]")*
    primary  := NUMBER | STRING | true | false | null | NAME | NAME "(" args ")"
              | "(" or ")" | "[" [or ("," or)*] "]"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cati.problems import N_
from questionnaires.errors import ErrorCode, QuestionnaireError, problem

MAX_LENGTH = 2000  # characters in one expression
MAX_DEPTH = 40  # nesting of parentheses, lists and operators

KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
# name -> number of arguments, or (fewest, most); most None: any number.
FUNCTIONS: dict[str, int | tuple[int, int | None]] = {
    "selected": 2,
    "count_selected": 1,
    "answered": 1,
    "between": 3,
    "dk": 1,
    "refused": 1,
    "timed_out": 1,
    # the XPath functions XLSForms use (xlsform_xpath translates their names)
    "string_length": 1,
    "regex": 2,
    "contains": 2,
    "starts_with": 2,
    "ends_with": 2,
    "today": 0,
    "now": 0,
    "format_date": 2,
    "date": 1,
    "lookup": 3,
    "if": 3,
    "concat": (1, None),
    "coalesce": 2,
    "int": 1,
    "round": (1, 2),
    "number": 1,
    "string": 1,
    "substr": (2, 3),
    "sqrt": 1,
    "pow": 2,
    "abs": 1,
    "floor": 1,
    "ceiling": 1,
    "min": (1, None),
    "max": (1, None),
    **dict.fromkeys(("sin", "cos", "tan", "asin", "acos", "atan", "exp", "log", "log10"), 1),
    "atan2": 2,
    "pi": 0,
}
# Functions whose first argument names a question rather than giving a value.
REFERENCE_FUNCTIONS = {"selected", "count_selected", "answered", "dk", "refused", "timed_out"}

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<>|<=|>=|[=<>+\-*/%().,\[\]])
    """,
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # number, string, name, op, keyword, end
    text: str
    pos: int


# --- AST ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal:
    value: int | float | str | bool | None


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Member:
    obj: Node
    attr: str


@dataclass(frozen=True, slots=True)
class Index:
    obj: Node
    index: Node


@dataclass(frozen=True, slots=True)
class ListExpr:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-" or "not"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # + - * / % = != < <= > >= in "not in" and or
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Node, ...]


Node = Literal | Name | Member | Index | ListExpr | Unary | Binary | Call

COMPARISONS = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">"}
COMPARISONS[">="] = ">="


def _syntax_error(source: str, pos: int, template: str, **params: object) -> QuestionnaireError:
    """Every template ends "at character %(position)s in expression %(expression)r"."""
    return QuestionnaireError(
        problem(
            ErrorCode.EXPRESSION_SYNTAX, template, position=pos + 1, expression=source, **params
        )
    )


def tokenize(source: str) -> list[Token]:
    if not isinstance(source, str):
        raise QuestionnaireError(
            problem(
                ErrorCode.EXPRESSION_SYNTAX,
                N_("an expression must be text, not %(value)r"),
                value=source,
            )
        )
    if len(source) > MAX_LENGTH:
        raise QuestionnaireError(
            problem(
                ErrorCode.EXPRESSION_TOO_LONG,
                N_("expression is %(length)s characters long; the limit is %(limit)s"),
                length=len(source),
                limit=MAX_LENGTH,
            )
        )
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise _syntax_error(
                source,
                pos,
                N_(
                    "unexpected character %(char)r"
                    " at character %(position)s in expression %(expression)r"
                ),
                char=source[pos],
            )
        kind = match.lastgroup or ""
        text = match.group()
        if kind == "name" and text in KEYWORDS:
            kind = "keyword"
        if kind != "space":
            tokens.append(Token(kind, text, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def error(
        self, template: str, tok: Token | None = None, **params: object
    ) -> QuestionnaireError:
        return _syntax_error(self.source, (tok or self.tok).pos, template, **params)

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        tok = self.tok
        if tok.kind == kind and (text is None or tok.text == text):
            self.i += 1
            return tok
        return None

    def expect(self, kind: str, text: str) -> Token:
        tok = self.accept(kind, text)
        if tok is None:
            found = self.tok.text or "end of expression"
            raise self.error(
                N_(
                    "expected %(expected)r but found %(found)r"
                    " at character %(position)s in expression %(expression)r"
                ),
                expected=text,
                found=found,
            )
        return tok

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error(
                N_("empty expression at character %(position)s in expression %(expression)r")
            )
        node = self.parse_or()
        if self.tok.kind != "end":
            raise self.error(
                N_("unexpected %(found)r at character %(position)s in expression %(expression)r"),
                found=self.tok.text,
            )
        return node

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                N_(
                    "expression nested deeper than %(limit)s levels"
                    " at character %(position)s in expression %(expression)r"
                ),
                limit=MAX_DEPTH,
            )

    def parse_or(self) -> Node:
        self.nested()
        node = self.parse_and()
        while self.accept("keyword", "or"):
            node = Binary("or", node, self.parse_and())
        self.depth -= 1
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.accept("keyword", "and"):
            node = Binary("and", node, self.parse_not())
        return node

    def parse_not(self) -> Node:
        if self.accept("keyword", "not"):
            self.nested()
            node = Unary("not", self.parse_not())
            self.depth -= 1
            return node
        return self.parse_compare()

    def parse_compare(self) -> Node:
        left = self.parse_sum()
        tok = self.tok
        if tok.kind == "op" and tok.text in COMPARISONS:
            self.i += 1
            node: Node = Binary(COMPARISONS[tok.text], left, self.parse_sum())
        elif self.accept("keyword", "in"):
            node = Binary("in", left, self.parse_sum())
        elif tok.kind == "keyword" and tok.text == "not" and self.tokens[self.i + 1].text == "in":
            self.i += 2
            node = Binary("not in", left, self.parse_sum())
        else:
            return left
        nxt = self.tok
        if (nxt.kind == "op" and nxt.text in COMPARISONS) or nxt.text == "in":
            raise self.error(
                N_(
                    "comparisons cannot be chained; join them with 'and'"
                    " at character %(position)s in expression %(expression)r"
                )
            )
        return node

    def parse_sum(self) -> Node:
        node = self.parse_product()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.tok.text
            self.i += 1
            node = Binary(op, node, self.parse_product())
        return node

    def parse_product(self) -> Node:
        node = self.parse_unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "%"):
            op = self.tok.text
            self.i += 1
            node = Binary(op, node, self.parse_unary())
        return node

    def parse_unary(self) -> Node:
        if self.accept("op", "-"):
            self.nested()
            operand = self.parse_unary()
            self.depth -= 1
            if isinstance(operand, Literal) and type(operand.value) in (int, float):
                return Literal(-operand.value)
            return Unary("-", operand)
        return self.parse_postfix()

    def parse_postfix(self) -> Node:
        node = self.parse_primary()
        while True:
            if self.accept("op", "."):
                name = self.accept("name")
                if name is None:
                    raise self.error(
                        N_(
                            "expected a name after '.'"
                            " at character %(position)s in expression %(expression)r"
                        )
                    )
                node = Member(node, name.text)
            elif self.tok.kind == "op" and self.tok.text == "[":
                self.i += 1
                index = self.parse_or()
                self.expect("op", "]")
                node = Index(node, index)
            else:
                return node

    def parse_primary(self) -> Node:
        tok = self.tok
        if tok.kind == "number":
            self.i += 1
            return Literal(float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "string":
            self.i += 1
            return Literal(_ESCAPE.sub(r"\1", tok.text[1:-1]))
        if tok.kind == "keyword" and tok.text in ("true", "false", "null"):
            self.i += 1
            return Literal({"true": True, "false": False, "null": None}[tok.text])
        if tok.kind == "name":
            self.i += 1
            if self.accept("op", "("):
                return self.parse_call(tok)
            return Name(tok.text)
        if self.accept("op", "("):
            node = self.parse_or()
            self.expect("op", ")")
            return node
        if self.accept("op", "["):
            items: list[Node] = []
            if not self.accept("op", "]"):
                items.append(self.parse_or())
                while self.accept("op", ","):
                    items.append(self.parse_or())
                self.expect("op", "]")
            return ListExpr(tuple(items))
        found = tok.text or "end of expression"
        raise self.error(
            N_("unexpected %(found)r at character %(position)s in expression %(expression)r"),
            found=found,
        )

    def parse_call(self, name: Token) -> Node:
        if name.text not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise self.error(
                N_(
                    "unknown function %(name)r (known: %(known)s)"
                    " at character %(position)s in expression %(expression)r"
                ),
                name,
                name=name.text,
                known=known,
            )
        args: list[Node] = []
        if not self.accept("op", ")"):
            args.append(self.parse_or())
            while self.accept("op", ","):
                args.append(self.parse_or())
            self.expect("op", ")")
        arity = FUNCTIONS[name.text]
        fewest, most = (arity, arity) if isinstance(arity, int) else arity
        if len(args) < fewest or (most is not None and len(args) > most):
            raise self.error(
                N_(
                    "%(name)s() takes %(arity)s argument(s), got %(count)s"
                    " at character %(position)s in expression %(expression)r"
                ),
                name,
                name=name.text,
                arity=fewest if fewest == most else f"{fewest} to {most or 'any'}",
                count=len(args),
            )
        if name.text in REFERENCE_FUNCTIONS and not is_reference(args[0]):
            raise self.error(
                N_(
                    "the first argument of %(name)s() must name a question"
                    " at character %(position)s in expression %(expression)r"
                ),
                name,
                name=name.text,
            )
        return Call(name.text, tuple(args))


def is_reference(node: Node) -> bool:
    """A name, optionally followed by .member or [index]: something that names an answer."""
    while isinstance(node, Member | Index):
        node = node.obj
    return isinstance(node, Name)


@lru_cache(maxsize=8192)
def parse(source: str) -> Node:
    """Parse an expression; raises QuestionnaireError (EXPRESSION_SYNTAX) with the position."""
    return _Parser(source).parse()


def names_in(node: Node) -> list[Node]:
    """Every reference (Name/Member/Index chain) in an expression, outermost form."""
    found: list[Node] = []

    def walk(n: Node) -> None:
        if is_reference(n):
            found.append(n)
            if isinstance(n, Index):
                walk(n.index)
                inner = n.obj
                while isinstance(inner, Member | Index):
                    if isinstance(inner, Index):
                        walk(inner.index)
                    inner = inner.obj
            return
        if isinstance(n, Unary):
            walk(n.operand)
        elif isinstance(n, Binary):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Call):
            for arg in n.args:
                walk(arg)
        elif isinstance(n, ListExpr):
            for item in n.items:
                walk(item)
        elif isinstance(n, Member | Index):
            walk(n.obj)

    walk(node)
    return found


def root_name(node: Node) -> str:
    while isinstance(node, Member | Index):
        node = node.obj
    assert isinstance(node, Name)
    return node.name
