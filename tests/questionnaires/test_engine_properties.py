"""Properties of the engine on generated questionnaires: routing, loops, pages, go-to,
randomized blocks and checks combined at random."""

from __future__ import annotations

import random
from datetime import timedelta

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from questionnaires import Engine, QuestionnaireError, read_questionnaire, special
from questionnaires.expressions import names_in, parse, root_name

from .helpers import T0
from .test_library import show_if_holds

TYPES = {"a": "single", "b": "numeric", "c": "single", "d": "rating", "e": "text",
         "g": "grid", "m": "multiple", "z": "display"}  # fmt: skip
ATOMS = ["a = 1", "c != 2", "b > 3", "d <= 4", "e = 'x'", "g.r1 = 1", "selected(m, 2)",
         "count_selected(m) >= 2", "answered(b)", "dk(a)", "between(b, 1, 4)", "a in [1, 2]",
         "2 in m", "sample.region = 'N'", "b + d > 5", "not answered(e)"]  # fmt: skip


def condition(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 1 or roll < 0.6:
        return rng.choice(ATOMS)
    if roll < 0.9:
        joiner = rng.choice(["and", "or"])
        return f"({condition(rng, depth + 1)}) {joiner} ({condition(rng, depth + 1)})"
    return f"not ({condition(rng, depth + 1)})"


def question(rng: random.Random, qid: str, later: list[str]) -> dict:
    kind = TYPES[qid]
    q: dict = {"id": qid, "type": kind, "text": rng.choice(["T {a}", "T {g.r1}", "T {m}", "T"])}
    if kind in ("single", "multiple"):
        q["options"] = [{"code": c, "label": f"o{c}"} for c in (1, 2, 3)]
        q["options"].append({"code": 9, "label": "none", "anchor": True,
                             "exclusive": kind == "multiple"})  # fmt: skip
        if rng.random() < 0.3:
            q["randomize"] = rng.choice(["shuffle", "rotate"])
    elif kind == "grid":
        q["items"] = [{"id": "r1", "label": "R1"}, {"id": "r2", "label": "R2"}]
        q["scale"] = [{"code": 1, "label": "x"}, {"code": 2, "label": "y"}]
    elif kind == "numeric":
        q.update(min=0, max=9)
    elif kind == "rating":
        q.update(min=1, max=5)
    if rng.random() < 0.4:
        q["show_if"] = condition(rng)
    if rng.random() < 0.2 and kind != "display":
        # Soft only: a random hard check may have no answer that passes it.
        q["checks"] = [{"valid_if": condition(rng), "message": "check {a}", "soft": True}]
    if rng.random() < 0.3 and later:
        action = rng.choice(["goto", "goto", "screen_out", "end"])
        value = {"goto": rng.choice(later), "screen_out": "SO", "end": True}[action]
        q["routing"] = [{"if": condition(rng), action: value}]
    if rng.random() < 0.2:
        q["page"] = "p"
    return q


def generated(rng: random.Random) -> str:
    ids = list(TYPES)
    rng.shuffle(ids)
    blocks: list[dict] = []
    for index, qid in enumerate(ids):
        if index % 2 == 0:
            blocks.append({"id": f"b{index}", "questions": []})
        blocks[-1]["questions"].append(question(rng, qid, ids[index + 1 :]))
    if rng.random() < 0.5:
        blocks[-1]["loop"] = rng.choice([{"over": "m"}, {"times": 2}, {"times": "b"}])
    if rng.random() < 0.3:
        blocks[-1]["show_if"] = condition(rng)
    doc = {"id": "gen", "version": "1", "title": "Generated", "blocks": blocks,
           "sample_variables": {"region": {"type": "text"}}}  # fmt: skip
    if rng.random() < 0.3:
        doc["randomize_blocks"] = [[blocks[1]["id"], blocks[2]["id"]]]
    return yaml.safe_dump(doc)


def random_answer(shown, rng: random.Random):
    if shown.dont_know and rng.random() < 0.1:
        return special("dk")
    kind = shown.type
    if kind == "single":
        return rng.choice(shown.options).code
    if kind == "multiple":
        return [rng.choice([o.code for o in shown.options])]
    if kind == "grid":
        return {row.id: rng.choice(shown.options).code for row in shown.rows}
    if kind in ("numeric", "rating"):
        return rng.randint(1, 5)
    return rng.choice(["x", "y"])


def refers_only_backwards(engine: Engine, state, source: str, question_id: str) -> bool:
    """Whether the condition uses only answers from earlier pages, in this interview's block
    order (conditions on later or same-page answers are warnings, and may turn later)."""

    def asked_at(qid: str) -> tuple[int, int]:
        plan = engine.plan.questions[qid]
        block_id = engine.plan.blocks[plan.block].block.id
        return state.block_order.index(block_id), plan.page

    names = (root_name(ref) for ref in names_in(parse(source)))
    return all(asked_at(n) < asked_at(question_id) for n in names if n in engine.plan.questions)


def assert_answers_are_on_the_path(engine: Engine, state) -> None:
    """No kept answer belongs to a question whose condition on earlier answers is now false
    (a condition on a later answer is only a warning, and may turn after the fact)."""
    for key in state.answers:
        if "[" in key:
            continue  # loop answers depend on their item; the walk checks them when shown
        plan = engine.plan.questions[key]
        block = engine.plan.blocks[plan.block].block
        for source in (plan.question.show_if, block.show_if):
            if source and refers_only_backwards(engine, state, source, key):
                assert show_if_holds(engine, state, source, None), f"{key} kept off the path"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.randoms(use_true_random=False), st.integers(0, 1000))
def test_generated_questionnaires_run_to_the_end_showing_only_visible_questions(rng, seed):
    try:
        questionnaire = read_questionnaire(generated(rng))
    except QuestionnaireError:
        assume(False)  # the generator also writes questionnaires that check refuses
        return
    engine = Engine(questionnaire)
    state = engine.start({"region": rng.choice(["N", "S"])}, seed, now=T0)
    now = T0
    backs_left = 5
    for _step in range(200):
        if state.finished:
            break
        page = engine.current_page(state)
        assert page.questions, "an empty page was shown"
        for shown in page.questions:
            plan = engine.plan.questions[shown.id]
            for source in (shown.question.show_if, engine.plan.blocks[plan.block].block.show_if):
                if source:
                    assert show_if_holds(engine, state, source, page.loop_item), shown.id
        now += timedelta(seconds=3)
        answers = {shown.id: random_answer(shown, rng) for shown in page.questions}
        result = engine.submit(state, answers, now)
        if not result.ok and all(e.soft for e in result.errors):
            result = engine.submit(state, answers, now, [e.check_id for e in result.errors])
        assert result.ok, result.errors  # valid answers, soft checks confirmed
        state = result.state
        assert_answers_are_on_the_path(engine, state)
        if backs_left and rng.random() < 0.1:
            backs_left -= 1
            state = engine.back(state, now)
        state = engine.resume(state.to_json())
    assert state.finished
