"""A paper version of a questionnaire in HTML, with the routing written out for a client."""

from __future__ import annotations

from html import escape
from typing import Any

from questionnaires.model import (
    AnyQuestion,
    Calculate,
    ChoiceBase,
    DateTime,
    Grid,
    MultipleChoice,
    Numeric,
    OpenText,
    Option,
    Questionnaire,
    Rating,
    text_in,
)
from questionnaires.sentences import in_words, number

# The document's own words, per language; the sentences of expressions are in sentences.py.
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "about": "Questionnaire {id}, version {version}; languages {languages}.",
        "max_duration": "The interview stops after {limit} s (recorded as {on_limit}).",
        "random_blocks": "Blocks {blocks} are asked in a random order.",
        "intro": "Introduction:",
        "closing": "Closing:",
        "support": "Interviewer support",
        "block_if": "Ask this block only if {condition}.",
        "loop_over": (
            "Repeat this block for each option chosen in {over}; {name} is the current item."
        ),
        "loop_times": "Repeat this block {times} times; {name} is the current item.",
        "ask_if": "Ask only if {condition}.",
        "shuffle": "Options read in random order.",
        "rotate": "Options read in rotated order.",
        "not_read": "Do not read out the options.",
        "random_items": "Rows read in random order.",
        "date": "A date.",
        "time": "A time of day.",
        "datetime": "A date and time.",
        "exclusive": "exclusive",
        "anchor": "stays in place",
        "choose": "Choose {min} to {max} options.",
        "range": "Number from {min} to {max}.",
        "at_least": "Number of at least {min}.",
        "at_most": "Number of at most {max}.",
        "any_number": "A number.",
        "whole": "Whole numbers.",
        "decimals": "Decimals: up to {decimals}.",
        "unit": "Unit: {unit}.",
        "text_length": "At most {max} characters.",
        "scale": "Scale {ends}",
        "special": "The interviewer may record: {kinds}.",
        "dk": "Don't know",
        "refused": "Refused",
        "optional": "Optional.",
        "time_limit": "Time limit {limit} s; then recorded as timed out.",
        "check": "Check: {condition}; otherwise “{message}”",
        "soft_check": "Soft check (can be confirmed): {condition}; otherwise “{message}”",
        "rule_if": "If {condition}: {action}.",
        "rule_always": "Always: {action}.",
        "goto": "go to {target}",
        "screen_out": "screen out (outcome {outcome})",
        "end": "end the interview",
        "breakoff": "a break-off",
        "partial": "a partial interview",
        "type_single": "single choice",
        "type_multiple": "multiple choice",
        "type_numeric": "number",
        "type_text": "open text",
        "type_rating": "rating",
        "type_grid": "grid",
        "type_date": "date",
        "type_display": "read out",
        "type_calculate": "computed, not asked",
        "computed": "Computed after each page: {expression}.",
    },
    "es": {
        "about": "Cuestionario {id}, versión {version}; idiomas {languages}.",
        "max_duration": "La entrevista se detiene a los {limit} s (se registra como {on_limit}).",
        "random_blocks": "Los bloques {blocks} se preguntan en orden aleatorio.",
        "intro": "Introducción:",
        "closing": "Despedida:",
        "support": "Ayuda para el entrevistador",
        "block_if": "Preguntar este bloque solo si {condition}.",
        "loop_over": (
            "Repetir este bloque por cada opción elegida en {over}; {name} es el elemento actual."
        ),
        "loop_times": "Repetir este bloque {times} veces; {name} es el elemento actual.",
        "ask_if": "Preguntar solo si {condition}.",
        "shuffle": "Opciones leídas en orden aleatorio.",
        "rotate": "Opciones leídas en orden rotado.",
        "not_read": "No leer las opciones.",
        "random_items": "Filas leídas en orden aleatorio.",
        "date": "Una fecha.",
        "time": "Una hora.",
        "datetime": "Una fecha y hora.",
        "exclusive": "excluyente",
        "anchor": "no cambia de lugar",
        "choose": "Elegir de {min} a {max} opciones.",
        "range": "Número de {min} a {max}.",
        "at_least": "Número de al menos {min}.",
        "at_most": "Número de como mucho {max}.",
        "any_number": "Un número.",
        "whole": "Números enteros.",
        "decimals": "Decimales: hasta {decimals}.",
        "unit": "Unidad: {unit}.",
        "text_length": "Como mucho {max} caracteres.",
        "scale": "Escala {ends}",
        "special": "El entrevistador puede registrar: {kinds}.",
        "dk": "No sabe",
        "refused": "No contesta",
        "optional": "Opcional.",
        "time_limit": "Límite de tiempo {limit} s; después se registra como tiempo agotado.",
        "check": "Control: {condition}; si no, «{message}»",
        "soft_check": "Control suave (se puede confirmar): {condition}; si no, «{message}»",
        "rule_if": "Si {condition}: {action}.",
        "rule_always": "Siempre: {action}.",
        "goto": "ir a {target}",
        "screen_out": "filtrar (resultado {outcome})",
        "end": "terminar la entrevista",
        "breakoff": "una interrupción",
        "partial": "una entrevista parcial",
        "type_single": "respuesta única",
        "type_multiple": "respuesta múltiple",
        "type_numeric": "número",
        "type_text": "texto abierto",
        "type_rating": "escala",
        "type_grid": "batería",
        "type_date": "fecha",
        "type_display": "leer",
        "type_calculate": "calculada, no se pregunta",
        "computed": "Se calcula tras cada página: {expression}.",
    },
}

STYLE = """
body { font-family: Georgia, serif; max-width: 50em; margin: 2em auto; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #999; margin-top: 2em; }
.q { margin: 1.2em 0; padding-left: .8em; border-left: 3px solid #ccc; }
.id { font-family: monospace; color: #555; }
.route { color: #8a3b00; font-style: italic; }
.options { list-style: none; padding-left: 1em; } .notes { font-size: .9em; color: #444; }
.instr { color: #225; font-size: .9em; text-transform: uppercase; }
table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: .2em .5em; }
"""


class _Writer:
    def __init__(self, questionnaire: Questionnaire, language: str) -> None:
        self.q = questionnaire
        self.lang = language
        self.p = PHRASES.get(language, PHRASES["en"])
        self.plan = questionnaire.plan
        self.out: list[str] = []

    def t(self, text: Any) -> str:
        return escape(text_in(text, self.lang, self.q.language))

    def say(self, key: str, **values: Any) -> str:
        """A phrase of the document; ``values`` are markup, escaped by the caller."""
        return self.p[key].format(**values)

    def note(self, key: str, **values: Any) -> str:
        return f"<p class=route>{self.say(key, **values)}</p>"

    def coded(self, option: Option) -> str:
        """An option as the paper numbers it: "2. No", or "2" alone for a label that is its code."""
        label = self.t(option.label)
        return str(option.code) if label == str(option.code) else f"{option.code}. {label}"

    def option_label(self, question_id: str, code: Any) -> str | None:
        """The label of ``code`` among the options (or a grid's scale) of a question."""
        qp = self.plan.questions.get(question_id)
        question = qp.question if qp else None
        options = question.scale if isinstance(question, Grid) else getattr(question, "options", ())
        for option in options:
            if option.code == code:
                return text_in(option.label, self.lang, self.q.language)
        return None

    def words(self, source: str) -> str:
        """An expression in words, or its code in a monospace span if it has none."""
        sentence = in_words(source, self.lang, self.option_label)
        return escape(sentence) if sentence is not None else f"<code>{escape(source)}</code>"

    def write(self) -> str:
        q = self.q
        self.out += [
            "<!DOCTYPE html>",
            f'<html lang="{escape(self.lang)}"><head>',
            '<meta charset="utf-8">',
            f"<title>{self.t(q.title)}</title>",
            f"<style>{STYLE}</style></head><body>",
            f"<h1>{self.t(q.title)}</h1>",
            "<p>"
            + self.say(
                "about",
                id=f"<span class=id>{escape(q.id)}</span>",
                version=escape(q.version),
                languages=escape(", ".join(q.languages)),
            )
            + "</p>",
        ]
        if q.max_duration:
            d = q.max_duration
            self.out.append(self.note("max_duration", limit=d.limit, on_limit=self.p[d.on_limit]))
        for group in q.randomize_blocks:
            self.out.append(self.note("random_blocks", blocks=escape(", ".join(group))))
        if q.intro:
            self.out.append(f"<p><strong>{self.p['intro']}</strong> {self.t(q.intro)}</p>")
        for block in self.plan.blocks:
            b = block.block
            self.out.append(f"<h2>{self.t(b.title) if b.title else escape(b.id)}</h2>")
            if b.show_if:
                self.out.append(self.note("block_if", condition=self.words(b.show_if)))
            if b.loop:
                name = f"{{{escape(b.loop.name)}}}"
                if b.loop.over:
                    self.out.append(self.note("loop_over", over=escape(b.loop.over), name=name))
                else:
                    times = b.loop.times
                    said = self.words(times) if isinstance(times, str) else escape(str(times))
                    self.out.append(self.note("loop_times", times=said, name=name))
            for question in b.questions:
                self.question(question)
        if q.closing:
            self.out.append(f"<p><strong>{self.p['closing']}</strong> {self.t(q.closing)}</p>")
        if q.support:
            self.out.append(f"<h2>{self.p['support']}</h2><dl>")
            for item in q.support:
                self.out.append(f"<dt>{self.t(item.question)}</dt><dd>{self.t(item.answer)}</dd>")
            self.out.append("</dl>")
        self.out.append("</body></html>")
        return "\n".join(self.out)

    def question(self, question: AnyQuestion) -> None:
        o = self.out
        o.append(f'<div class=q id="{escape(question.id)}">')
        o.append(
            f"<p><span class=id>{escape(question.id)}</span> [{self.p['type_' + question.type]}] "
            f"{self.t(question.text)}</p>"
        )
        if question.show_if:
            o.append(self.note("ask_if", condition=self.words(question.show_if)))
        if question.instruction:
            o.append(f"<p class=instr>{self.t(question.instruction)}</p>")
        if isinstance(question, ChoiceBase):
            o.append("<ul class=options>")
            for option in question.options:
                flags = [
                    self.p[f]
                    for f, on in (("exclusive", option.exclusive), ("anchor", option.anchor))
                    if on
                ]
                extra = f" <em>({', '.join(flags)})</em>" if flags else ""
                o.append(f"<li>{self.coded(option)}{extra}</li>")
            o.append("</ul>")
        if isinstance(question, Grid):
            o.append(
                "<table><tr><th></th>"
                + "".join(f"<th>{self.coded(option)}</th>" for option in question.scale)
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
            o.append(f"<p>{self.say('scale', ends=ends)}{' — NPS' if question.nps else ''}</p>")
        notes = self.notes(question)
        if notes:
            o.append(f"<p class=notes>{' '.join(notes)}</p>")
        if question.time_limit:
            o.append(self.note("time_limit", limit=question.time_limit.limit))
        for check in question.checks:
            o.append(
                self.note(
                    "soft_check" if check.soft else "check",
                    condition=self.words(check.valid_if),
                    message=self.t(check.message),
                )
            )
        for rule in question.routing:
            if rule.goto:
                target = f'<a href="#{escape(rule.goto)}">{escape(rule.goto)}</a>'
                action = self.say("goto", target=target)
            elif rule.screen_out:
                action = self.say("screen_out", outcome=escape(rule.screen_out))
            else:
                action = self.p["end"]
            if rule.when:
                o.append(self.note("rule_if", condition=self.words(rule.when), action=action))
            else:
                o.append(self.note("rule_always", action=action))
        o.append("</div>")

    def notes(self, question: AnyQuestion) -> list[str]:
        """Short notes on how the question is asked and what answers it takes."""
        notes = []
        if isinstance(question, ChoiceBase):
            if question.randomize:
                notes.append(self.p[question.randomize])
            if not question.read_out:
                notes.append(self.p["not_read"])
        if isinstance(question, Grid) and question.randomize_items:
            notes.append(self.p["random_items"])
        if isinstance(question, DateTime):
            notes.append(self.p[question.kind])
        if isinstance(question, MultipleChoice):
            most = question.max_selected or len(question.options)
            if question.max_selected or question.min_selected > 1:
                notes.append(self.say("choose", min=question.min_selected, max=most))
        if isinstance(question, Numeric):
            notes.append(self.number_range(question))
            if question.decimals:
                notes.append(self.say("decimals", decimals=question.decimals))
            else:
                notes.append(self.p["whole"])
            if question.unit:
                notes.append(self.say("unit", unit=self.t(question.unit)))
        if isinstance(question, OpenText):
            notes.append(self.say("text_length", max=question.max_length))
        if isinstance(question, Calculate):
            return [self.say("computed", expression=self.words(question.expression))]
        kinds = [
            self.p[kind]
            for kind, own, default in (
                ("dk", question.dont_know, self.q.dont_know),
                ("refused", question.refused, self.q.refused),
            )
            if (default if own is None else own)
        ]
        if kinds and question.type != "display":
            notes.append(self.say("special", kinds=" / ".join(kinds)))
        if not question.required and question.type != "display":
            notes.append(self.p["optional"])
        return notes

    def number_range(self, question: Numeric) -> str:
        low, high = (
            None if v is None else number(v, self.lang) for v in (question.min, question.max)
        )
        if low is not None and high is not None:
            return self.say("range", min=low, max=high)
        if low is not None:
            return self.say("at_least", min=low)
        if high is not None:
            return self.say("at_most", max=high)
        return self.p["any_number"]


def preview_html(questionnaire: Questionnaire, language: str | None = None) -> str:
    return _Writer(questionnaire, language or questionnaire.language).write()
