"""Whole questionnaires generated for property tests, over every feature of the language:
every question type (grids single and multiple, every date kind, NPS), Don't know and
Refused offered or not, hard and soft checks, piping (answers, grid rows, sample variables,
loop items), loops over a multiple answer or a count, option, grid-row and block
randomization, go-to, end and screen-out routing, time limits, intro, closing and support
texts (question texts, intro and closing worded apart by mode now and then), one or two
languages, and sample variables of every declared type.

``generated(rng)`` writes one as YAML text from a ``random.Random`` (``questionnaire_sources``
draws it with ``st.randoms``); some of what it writes is refused by the
static checks (a go-to into a shuffled block, say): tests ``assume`` those away. The hard
checks it writes can always be met, by some answer the question offers.
"""

from __future__ import annotations

import random

import yaml
from hypothesis import strategies as st

from questionnaires.expressions import names_in, parse, root_name

TYPES = {"a": "single", "b": "numeric", "c": "single", "d": "rating", "e": "text",
         "g": "grid", "h": "grid", "m": "multiple", "t": "date", "z": "display"}  # fmt: skip
ATOMS = ["a = 1", "c != 2", "b > 3", "d <= 4", "e = 'x'", "g.r1 = 1", "selected(m, 2)",
         "count_selected(m) >= 2", "answered(b)", "dk(a)", "refused(c)", "between(b, 1, 4)",
         "a in [1, 2]", "2 in m", "sample.region = 'N'", "sample.size > 2", "b + d > 5",
         "not answered(e)", "answered(t)"]  # fmt: skip
PIPES = ["{a}", "{c}", "{b}", "{e}", "{m}", "{g.r1}", "{t}", "{sample.region}", "{sample.size}"]
# Hard checks each question's own answers can fail, and some answer always passes.
HARD_CHECKS = {"a": "not answered(a) or a != 2", "b": "not answered(b) or b != 4",
               "m": "count_selected(m) <= 3", "d": "not answered(d) or d != 3",
               "c": "not answered(c) or c != 1"}  # fmt: skip
LANGUAGES = [("en",), ("es", "en"), ("en", "es")]
SCREEN_OUT = "SO_GEN"


def condition(rng: random.Random, depth: int = 0, avoid: str = "") -> str:
    """A random condition, not on question ``avoid`` (a show_if on its own answer)."""
    roll = rng.random()
    if depth > 1 or roll < 0.6:
        return rng.choice([a for a in ATOMS if avoid not in names(a)])
    if roll < 0.9:
        joiner = rng.choice(["and", "or"])
        left, right = condition(rng, depth + 1, avoid), condition(rng, depth + 1, avoid)
        return f"({left}) {joiner} ({right})"
    return f"not ({condition(rng, depth + 1, avoid)})"


def names(source: str) -> set[str]:
    return {root_name(ref) for ref in names_in(parse(source))}


def text(rng: random.Random, languages: tuple[str, ...], base: str) -> str | dict:
    """A plain text (the same in every language) or one per language, naming its language."""
    if rng.random() < 0.2:
        return base
    return {language: f"{base} ({language})" for language in languages}


def piped(rng: random.Random, languages: tuple[str, ...], base: str) -> str | dict:
    return text(rng, languages, f"{base} {rng.choice(PIPES)}" if rng.random() < 0.5 else base)


def wording(rng: random.Random, languages: tuple[str, ...], base: str) -> str | dict:
    """A text, now and then worded apart for the phone and the web."""
    if rng.random() < 0.2:
        return {mode: piped(rng, languages, f"{base} {mode}") for mode in ("phone", "web")}
    return piped(rng, languages, base)


def options(rng: random.Random, languages, multiple: bool) -> list[dict]:
    chosen = [{"code": c, "label": piped(rng, languages, f"o{c}")} for c in (1, 2, 3)]
    none = {"code": 9, "label": text(rng, languages, "none"), "anchor": True}
    return [*chosen, {**none, "exclusive": True} if multiple else none]


def details(rng: random.Random, qid: str, languages) -> dict:
    """What the question's type takes: options, scale, bounds, kind."""
    kind = TYPES[qid]
    if kind in ("single", "multiple"):
        q: dict = {"options": options(rng, languages, kind == "multiple")}
        if rng.random() < 0.3:
            q["randomize"] = rng.choice(["shuffle", "rotate"])
        if rng.random() < 0.2:
            q["read_out"] = False
        if kind == "multiple" and rng.random() < 0.3:
            q["max_selected"] = 3
        if kind == "multiple" and rng.random() < 0.2:
            q["min_selected"] = rng.choice([0, 2])
        return q
    if kind == "grid":
        rows = [{"id": f"r{n}", "label": text(rng, languages, f"R{n}")} for n in (1, 2, 3)]
        scale = [{"code": c, "label": text(rng, languages, f"s{c}")} for c in (1, 2)]
        q = {"items": rows[: rng.randint(1, 3)] if qid == "h" else rows[:2], "scale": scale}
        if qid == "h":
            q["multiple"] = True
        if rng.random() < 0.3:
            q["randomize_items"] = True
        return q
    if kind == "numeric":
        q = {"min": 0, "max": 9, "decimals": rng.choice([0, 0, 1])}
        if rng.random() < 0.4:
            q["unit"] = text(rng, languages, "km")
        return q
    if kind == "rating":
        if rng.random() < 0.3:
            return {"min": 0, "max": 10, "nps": True}
        ends = {"min_label": text(rng, languages, "bad"), "max_label": text(rng, languages, "good")}
        return {"min": 1, "max": 5, **(ends if rng.random() < 0.6 else {})}
    if kind == "text":
        return {"max_length": rng.choice([40, 1000])}
    if kind == "date":
        return {"kind": rng.choice(["date", "time", "datetime"])}
    return {}


def question(rng: random.Random, qid: str, later: list[str], languages, short: int) -> dict:
    kind = TYPES[qid]
    q: dict = {"id": qid, "type": kind, "text": wording(rng, languages, f"Q{qid}")}
    q.update(details(rng, qid, languages))
    if rng.random() < 0.3:
        q["instruction"] = piped(rng, languages, "Read slowly")
    if kind != "display":
        if rng.random() < 0.15:
            q["required"] = False
        for special in ("dont_know", "refused"):
            if rng.random() < 0.2:
                q[special] = rng.random() < 0.5
    if rng.random() < 0.4:
        q["show_if"] = condition(rng, avoid=qid)
    checks = []
    if qid in HARD_CHECKS and rng.random() < 0.4:
        message = piped(rng, languages, f"not that {qid}")
        checks.append({"valid_if": HARD_CHECKS[qid], "message": message})
    if rng.random() < 0.2 and kind != "display":
        # Soft only: a random hard check may have no answer that passes it.
        checks.append({"valid_if": condition(rng), "message": piped(rng, languages, "sure?"),
                       "soft": True})  # fmt: skip
    if checks:
        q["checks"] = checks
    if rng.random() < 0.3 and later:
        action = rng.choice(["goto", "goto", "screen_out", "end"])
        value = {"goto": rng.choice(later), "screen_out": SCREEN_OUT, "end": True}[action]
        q["routing"] = [{"if": condition(rng), action: value}]
    if rng.random() < 0.1:
        q["time_limit"] = rng.choice([{"warning": 200, "limit": 300}, {"limit": short}])
    if rng.random() < 0.2:
        q["page"] = "p"
    return q


def loop_block(rng: random.Random, languages) -> dict:
    """A block repeated for each chosen option of ``m`` or a number of times, piping the item."""
    loop = rng.choice([{"over": "m", "as": "brand"}, {"times": 2, "as": "brand"},
                       {"times": "b", "max_times": 3, "as": "brand"}])  # fmt: skip
    inner = [
        {"id": "l1", "type": "single", "text": text(rng, languages, "About {brand}"),
         "options": options(rng, languages, False)},
        {"id": "l2", "type": "numeric", "min": 1, "max": 5,
         "text": text(rng, languages, "How much for {brand}?"),
         "show_if": rng.choice(["brand != 2", "l1 != 3", "sample.size >= 0"])},
    ]  # fmt: skip
    return {"id": "lp", "title": text(rng, languages, "Each"), "loop": loop, "questions": inner}


def generated(rng: random.Random, short_limit: int = 5) -> str:
    """A questionnaire; some questions time out after ``short_limit`` seconds."""
    languages = rng.choice(LANGUAGES)
    ids = list(TYPES)
    rng.shuffle(ids)
    blocks: list[dict] = []
    for index, qid in enumerate(ids):
        if index % 2 == 0:
            blocks.append({"id": f"b{index}", "questions": []})
        blocks[-1]["questions"].append(question(rng, qid, ids[index + 1 :], languages, short_limit))
    if rng.random() < 0.3:
        blocks[-1]["show_if"] = condition(rng)
    if rng.random() < 0.6:
        blocks.append(loop_block(rng, languages))
    doc: dict = {"id": "gen", "version": "1", "title": text(rng, languages, "Generated"),
                 "languages": list(languages), "blocks": blocks,
                 "sample_variables": {"region": {"type": "text", "label": "Region"},
                                      "size": {"type": "number"}}}  # fmt: skip
    if rng.random() < 0.3:
        doc["default_language"] = rng.choice(languages)
    for key in ("dont_know", "refused"):
        if rng.random() < 0.2:
            doc[key] = False
    if rng.random() < 0.6:
        doc["intro"] = text(rng, languages, "Hello")  # intro and closing are not piped
        if rng.random() < 0.3:
            doc["intro"] = {"phone": doc["intro"], "web": text(rng, languages, "Welcome")}
    if rng.random() < 0.6:
        doc["closing"] = text(rng, languages, "Goodbye and thanks")
        if rng.random() < 0.3:
            doc["closing"] = {"phone": doc["closing"], "web": text(rng, languages, "Thanks")}
    if rng.random() < 0.5:
        doc["support"] = [{"question": text(rng, languages, f"Why {n}?"),
                           "answer": text(rng, languages, f"Because {n}")}
                          for n in range(rng.randint(1, 2))]  # fmt: skip
    if rng.random() < 0.2:
        doc["max_duration"] = {"warning": 3000, "limit": 3600}
    if rng.random() < 0.3:
        shuffled = blocks[1:3]
        doc["randomize_blocks"] = [[b["id"] for b in shuffled]]
        inside = {q["id"] for b in shuffled for q in b["questions"]}
        for q in (q for b in blocks for q in b["questions"]):
            for rule in q.get("routing", ()):
                if "goto" in rule and (q["id"] in inside or rule["goto"] in inside):
                    del rule["goto"]  # into or out of a shuffled block: Q034
                    rule["end"] = True
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def sample_values(rng: random.Random) -> dict[str, str]:
    """A sample row's declared variables as a sample file writes them (text)."""
    return {"region": rng.choice(["N", "S", "Norte"]), "size": str(rng.randint(0, 5))}


def questionnaire_sources(short_limit: int = 5) -> st.SearchStrategy[str]:
    """A generated questionnaire's YAML text."""
    return st.randoms(use_true_random=False).map(lambda rng: generated(rng, short_limit))
