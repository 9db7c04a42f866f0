"""A paper version of a questionnaire in HTML, with the routing written out for a client."""

from __future__ import annotations

from html import escape
from typing import Any

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
from questionnaires.model import AnyQuestion, Grid, Questionnaire, Rating, text_in

_OPERATORS = {
    "=": "is",
    "!=": "is not",
    "<": "is less than",
    "<=": "is at most",
    ">": "is more than",
    ">=": "is at least",
    "in": "is one of",
    "not in": "is none of",
}
_CALLS = {
    "answered": "{0} is answered",
    "dk": "{0} is Don't know",
    "refused": "{0} is refused",
    "timed_out": "{0} timed out",
    "count_selected": "the number chosen in {0}",
}

STYLE = """
body { font-family: Georgia, serif; max-width: 50em; margin: 2em auto; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #999; margin-top: 2em; }
.q { margin: 1.2em 0; padding-left: .8em; border-left: 3px solid #ccc; }
.id { font-family: monospace; color: #555; }
.route { color: #8a3b00; font-style: italic; }
.instr { color: #225; font-size: .9em; text-transform: uppercase; }
table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: .2em .5em; }
"""


class _Writer:
    def __init__(self, questionnaire: Questionnaire, language: str) -> None:
        self.q = questionnaire
        self.lang = language
        self.plan = questionnaire.plan
        self.out: list[str] = []

    def t(self, text: Any) -> str:
        return escape(text_in(text, self.lang, self.q.language))

    def option_label(self, question_id: str, code: Any) -> str | None:
        qp = self.plan.questions.get(question_id)
        options = getattr(qp.question, "options", None) if qp else None
        for option in options or ():
            if option.code == code:
                return f"{code} «{text_in(option.label, self.lang, self.q.language)}»"
        return None

    def describe(self, node: Node) -> str:
        """An expression in words, with option labels beside codes."""
        if isinstance(node, Literal):
            if node.value is None:
                return "empty"
            if isinstance(node.value, bool):
                return "true" if node.value else "false"
            return repr(node.value)
        if isinstance(node, Name):
            return node.name
        if isinstance(node, Member):
            return f"{self.describe(node.obj)}.{node.attr}"
        if isinstance(node, Index):
            return f"{self.describe(node.obj)}[{self.describe(node.index)}]"
        if isinstance(node, ListExpr):
            return ", ".join(self.describe(i) for i in node.items)
        if isinstance(node, Unary):
            prefix = "not " if node.op == "not" else "-"
            return f"{prefix}({self.describe(node.operand)})"
        if isinstance(node, Call):
            args = [self.describe(a) for a in node.args]
            if node.func == "selected":
                code = node.args[1]
                label = None
                if isinstance(node.args[0], Name) and isinstance(code, Literal):
                    label = self.option_label(node.args[0].name, code.value)
                return f"{args[0]} includes {label or args[1]}"
            if node.func == "between":
                return f"{args[0]} is between {args[1]} and {args[2]}"
            return _CALLS[node.func].format(*args)
        assert isinstance(node, Binary)
        if node.op in ("and", "or"):
            return f"({self.describe(node.left)} {node.op} {self.describe(node.right)})"
        right = self.describe(node.right)
        if isinstance(node.left, Name):
            if isinstance(node.right, Literal):
                right = self.option_label(node.left.name, node.right.value) or right
            elif isinstance(node.right, ListExpr):
                right = ", ".join(
                    self.option_label(node.left.name, getattr(i, "value", None)) or self.describe(i)
                    for i in node.right.items
                )
        word = _OPERATORS.get(node.op, node.op)
        return f"{self.describe(node.left)} {word} {right}"

    def words(self, source: str) -> str:
        return escape(self.describe(parse(source)))

    def write(self) -> str:
        q = self.q
        self.out += [
            "<!DOCTYPE html>",
            f'<html lang="{escape(self.lang)}"><head>',
            '<meta charset="utf-8">',
            f"<title>{self.t(q.title)}</title>",
            f"<style>{STYLE}</style></head><body>",
            f"<h1>{self.t(q.title)}</h1>",
            f"<p>Questionnaire <span class=id>{escape(q.id)}</span>, version "
            f"{escape(q.version)}; languages {escape(', '.join(q.languages))}.</p>",
        ]
        if q.max_duration:
            d = q.max_duration
            self.out.append(
                f"<p class=route>The interview stops after {d.limit} s "
                f"(recorded as {d.on_limit}).</p>"
            )
        for group in q.randomize_blocks:
            self.out.append(
                f"<p class=route>Blocks {escape(', '.join(group))} are asked in a random order.</p>"
            )
        if q.intro:
            self.out.append(f"<p><strong>Introduction:</strong> {self.t(q.intro)}</p>")
        for block in self.plan.blocks:
            b = block.block
            self.out.append(f"<h2>{self.t(b.title) if b.title else escape(b.id)}</h2>")
            if b.show_if:
                self.out.append(
                    f"<p class=route>Ask this block only if {self.words(b.show_if)}.</p>"
                )
            if b.loop:
                source = (
                    f"each option chosen in {escape(b.loop.over)}"
                    if b.loop.over
                    else f"{escape(str(b.loop.times))} times"
                )
                self.out.append(
                    f"<p class=route>Repeat this block for {source}; "
                    f"{{{escape(b.loop.name)}}} is the current item.</p>"
                )
            for question in b.questions:
                self.question(question)
        if q.closing:
            self.out.append(f"<p><strong>Closing:</strong> {self.t(q.closing)}</p>")
        if q.support:
            self.out.append("<h2>Interviewer support</h2><dl>")
            for item in q.support:
                self.out.append(f"<dt>{self.t(item.question)}</dt><dd>{self.t(item.answer)}</dd>")
            self.out.append("</dl>")
        self.out.append("</body></html>")
        return "\n".join(self.out)

    def question(self, question: AnyQuestion) -> None:
        o = self.out
        o.append(f'<div class=q id="{escape(question.id)}">')
        o.append(
            f"<p><span class=id>{escape(question.id)}</span> [{question.type}] "
            f"{self.t(question.text)}</p>"
        )
        if question.show_if:
            o.append(f"<p class=route>Ask only if {self.words(question.show_if)}.</p>")
        if question.instruction:
            o.append(f"<p class=instr>{self.t(question.instruction)}</p>")
        options = getattr(question, "options", None)
        if options:
            how = {"shuffle": " (read in random order)", "rotate": " (read in rotated order)"}
            note = how.get(getattr(question, "randomize", None) or "", "")
            if not getattr(question, "read_out", True):
                note += " (do not read out)"
            o.append(f"<ol>{note and f'<li class=route>{escape(note.strip())}</li>'}")
            for option in options:
                flags = [
                    f
                    for f, on in (
                        ("exclusive", option.exclusive),
                        ("stays in place", option.anchor),
                    )
                    if on
                ]
                extra = f" <em>({', '.join(flags)})</em>" if flags else ""
                o.append(
                    f"<li value={option.code}>{option.code}. {self.t(option.label)}{extra}</li>"
                )
            o.append("</ol>")
        if isinstance(question, Grid):
            o.append(
                "<table><tr><th></th>"
                + "".join(
                    f"<th>{option.code}. {self.t(option.label)}</th>" for option in question.scale
                )
                + "</tr>"
            )
            for item in question.items:
                o.append(
                    f"<tr><td>{self.t(item.label)}</td>"
                    + "<td></td>" * len(question.scale)
                    + "</tr>"
                )
            o.append("</table>")
        if isinstance(question, Rating):
            ends = f"{question.min}–{question.max}"
            if question.min_label or question.max_label:
                ends += f" ({self.t(question.min_label)} … {self.t(question.max_label)})"
            o.append(f"<p>Scale {ends}{' — NPS' if question.nps else ''}</p>")
        if question.time_limit:
            o.append(
                f"<p class=route>Time limit {question.time_limit.limit} s; then recorded "
                "as timed out.</p>"
            )
        for check in question.checks:
            kind = "Soft check (can be confirmed)" if check.soft else "Check"
            o.append(
                f"<p class=route>{kind}: {self.words(check.valid_if)} — "
                f"“{self.t(check.message)}”</p>"
            )
        for rule in question.routing:
            condition = f"If {self.words(rule.when)}" if rule.when else "Always"
            if rule.goto:
                action = f'go to <a href="#{escape(rule.goto)}">{escape(rule.goto)}</a>'
            elif rule.screen_out:
                action = f"screen out (outcome {escape(rule.screen_out)})"
            else:
                action = "end the interview"
            o.append(f"<p class=route>{condition}: {action}.</p>")
        o.append("</div>")


def preview_html(questionnaire: Questionnaire, language: str | None = None) -> str:
    return _Writer(questionnaire, language or questionnaire.language).write()
