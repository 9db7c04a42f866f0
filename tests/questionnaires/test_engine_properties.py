"""Properties of the engine on generated questionnaires: routing, loops, pages, go-to,
randomized blocks and checks combined at random."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from questionnaires import Engine, QuestionnaireError, read_questionnaire, special
from questionnaires.expressions import names_in, parse, root_name

from .helpers import T0
from .strategies import generated, sample_values
from .test_library import show_if_holds

DATES = {"date": "2026-11-30", "time": "10:00", "datetime": "2026-11-30T10:00:00"}


def random_answer(shown, rng: random.Random):
    if shown.dont_know and rng.random() < 0.1:
        return special("dk")
    kind = shown.type
    if kind == "single":
        return rng.choice(shown.options).code
    if kind == "multiple":
        codes = [o.code for o in shown.options]
        return rng.sample(codes, rng.randint(1, len(codes)))
    if kind == "grid":
        codes = [o.code for o in shown.options]
        if shown.question.multiple:
            return {row.id: [rng.choice(codes)] for row in shown.rows}
        return {row.id: rng.choice(codes) for row in shown.rows}
    if kind in ("numeric", "rating"):
        return rng.randint(1, 5)
    if kind == "date":
        return DATES[shown.question.kind]
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
    sample = {k: int(v) if k == "size" else v for k, v in sample_values(rng).items()}
    state = engine.start(sample, seed, now=T0)
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
        for _try in range(30):  # a hard check some answers fail: other answers pass it
            answers = {shown.id: random_answer(shown, rng) for shown in page.questions}
            result = engine.submit(state, answers, now)
            if not result.ok and all(e.soft for e in result.errors):
                result = engine.submit(state, answers, now, [e.check_id for e in result.errors])
            if result.ok:
                break
        assert result.ok, result.errors  # valid answers, soft checks confirmed
        state = result.state
        assert_answers_are_on_the_path(engine, state)
        if backs_left and rng.random() < 0.1:
            backs_left -= 1
            state = engine.back(state, now)
        state = engine.resume(state.to_json())
    assert state.finished
