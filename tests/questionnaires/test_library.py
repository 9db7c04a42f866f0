"""The shipped questionnaires: each passes the checks and every random walk reaches the end."""

from __future__ import annotations

import random
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires import Engine, InterviewState, check_questionnaire, read_questionnaire, special
from questionnaires.evaluate import evaluate
from questionnaires.expressions import parse

from .helpers import T0

LIBRARY = Path(__file__).resolve().parents[2] / "questionnaires" / "library"
FILES = sorted(LIBRARY.glob("*.yaml"))
SAMPLES = {
    "brand_awareness": {"region": "Norte", "age_group": 3},
    "opinion_poll": {"district": "Centro"},
}


def test_the_library_has_three_questionnaires():
    assert [f.stem for f in FILES] == ["brand_awareness", "customer_satisfaction", "opinion_poll"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_library_questionnaire_passes_every_check(path):
    questionnaire, problems = check_questionnaire(path)
    assert questionnaire is not None
    assert [str(p) for p in problems] == []
    assert set(questionnaire.languages) == {"es", "en"}


def random_answer(shown, rng: random.Random):
    question = shown.question
    if shown.dont_know and rng.random() < 0.05:
        return special("dk")
    if shown.refused and rng.random() < 0.03:
        return special("ref")
    kind = shown.type
    if kind == "single":
        return rng.choice(shown.options).code
    if kind == "multiple":
        exclusive = [o.code for o in shown.options if o.exclusive]
        if exclusive and rng.random() < 0.2:
            return [rng.choice(exclusive)]
        plain = [o.code for o in shown.options if not o.exclusive]
        most = question.max_selected or len(plain)
        return rng.sample(plain, rng.randint(max(question.min_selected, 1), min(most, len(plain))))
    if kind == "numeric":
        low = int(question.min if question.min is not None else 0)
        high = int(question.max if question.max is not None else 100)
        if rng.random() < 0.5:  # realistic values more often, extremes sometimes
            high = min(high, low + 8)
        return rng.randint(low, high)
    if kind == "rating":
        return rng.randint(question.min, question.max)
    if kind == "text":
        return rng.choice(["bien", "<b>mal</b>", "Ñandú & co"])
    if kind == "grid":
        return {row.id: rng.choice(shown.options).code for row in shown.rows}
    if kind == "date":
        return "2026-03-02"
    return None


def show_if_holds(engine: Engine, state: InterviewState, source: str, loop_item) -> bool:
    """Evaluate a condition with a resolver written here, independently of the engine's."""
    plan = engine.plan
    position_block = None
    if state.position is not None:
        position_block = plan.questions[state.position.split("[")[0]].block

    def resolve(path):
        head, rest = path[0], list(path[1:])
        if head == "sample":
            return state.sample.get(rest[0])
        block = plan.blocks[position_block] if position_block is not None else None
        if block is not None and block.block.loop and head == block.block.loop.name:
            return loop_item
        qp = plan.questions[head]
        key = head
        if plan.blocks[qp.block].block.loop is not None:
            key = f"{head}[{rest.pop(0) if rest else loop_item}]"
        value = state.answers.get(key)
        for part in rest:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    return bool(evaluate(parse(source), resolve))


@lru_cache
def engine_for(path: Path) -> Engine:
    return Engine(read_questionnaire(path))


def walk(path: Path, seed: int, rng: random.Random) -> InterviewState:
    engine = engine_for(path)
    backs_left = 5
    state = engine.start(
        SAMPLES.get(path.stem, {}), seed, now=T0, language=rng.choice(["es", "en"])
    )
    now = T0
    for _ in range(400):
        if state.finished:
            return state
        state = engine.resume(state.to_json())  # every step survives a restart
        page = engine.current_page(state)
        for shown in page.questions:
            block = engine.plan.blocks[engine.plan.questions[shown.id].block].block
            for condition in (shown.question.show_if, block.show_if):
                if condition:
                    assert show_if_holds(engine, state, condition, page.loop_item), (
                        f"{shown.id} shown although {condition!r} is false"
                    )
        if page.can_go_back and backs_left and rng.random() < 0.1:
            backs_left -= 1
            state = engine.back(state, now)
            continue
        now += timedelta(seconds=rng.choice([3, 8, 20, 45]))
        for _attempt in range(30):
            answers = {s.id: random_answer(s, rng) for s in page.questions}
            result = engine.submit(state, answers, now)
            if not result.ok and all(e.soft for e in result.errors):
                result = engine.submit(state, answers, now, [e.check_id for e in result.errors])
            if result.ok:
                state = result.state
                break
        else:
            raise AssertionError(f"no valid answer found for page {page.key}")
    raise AssertionError("the interview did not finish in 400 steps")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), rng=st.randoms(use_true_random=False))
def test_random_valid_answering_always_reaches_the_end(path, seed, rng):
    engine = engine_for(path)
    final = walk(path, seed, rng)
    assert final.status in ("completed", "screened_out", "breakoff", "partial")
    assert final.position is None
    # Every answer kept is on the final path: its question's condition holds.
    for key in final.answers:
        qid, _, item = key.partition("[")
        condition = engine.plan.questions[qid].question.show_if
        loop_item = int(item[:-1]) if item else None
        if condition and loop_item is None:
            assert show_if_holds(engine, final, condition, None), key
