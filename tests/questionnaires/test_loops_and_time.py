"""Loops over chosen options or N times; time limits judged by an injected clock."""

from __future__ import annotations

from datetime import timedelta

from questionnaires import Engine, read_questionnaire, special
from questionnaires.state import BREAKOFF, COMPLETED, PARTIAL

from .helpers import T0, make_questionnaire, run, single

LOOP = """
id: loop
version: "1"
title: Loop
blocks:
  - id: known
    questions:
      - id: brands
        type: multiple
        text: Which brands do you know?
        options:
          - {code: 1, label: Alfa}
          - {code: 2, label: Beta}
          - {code: 3, label: Gamma}
          - {code: 9, label: None, exclusive: true}
  - id: rate
    loop: {over: brands, as: brand}
    questions:
      - id: score
        type: rating
        min: 1
        max: 5
        text: "How do you rate {brand}?"
      - id: why
        type: text
        show_if: "score <= 2 and brand != 3"
        text: "Why so low for {brand}?"
  - id: after
    questions:
      - id: best
        type: single
        show_if: "score[1] = 5"
        text: Best?
        options: [{code: 1, label: Yes}, {code: 2, label: No}]
      - id: done
        type: display
        text: Done
"""


def test_loop_repeats_the_block_for_each_chosen_option_with_its_label():
    engine = Engine(read_questionnaire(LOOP))
    state = run(engine, [{"brands": [3, 1]}])
    texts = []
    while state.position != "done":
        page = engine.current_page(state)
        texts.append((page.key, page.questions[0].text))
        state = engine.submit(state, {page.questions[0].id: 4}, T0).state
    assert texts == [("score[1]", "How do you rate Alfa?"), ("score[3]", "How do you rate Gamma?")]
    assert state.answers == {"brands": [3, 1], "score[1]": 4, "score[3]": 4}


def test_loop_item_is_usable_in_conditions_inside_the_loop():
    engine = Engine(read_questionnaire(LOOP))
    state = run(engine, [{"brands": [1, 3]}, {"score": 1}])
    assert state.position == "why[1]"
    state = run(engine, [{"brands": [1, 3]}, {"score": 4}, {"score": 1}])
    assert state.position == "done"  # brand 3 never asks why


def test_loop_answers_are_reachable_by_index_after_the_loop():
    engine = Engine(read_questionnaire(LOOP))
    assert run(engine, [{"brands": [1]}, {"score": 5}]).position == "best"
    assert run(engine, [{"brands": [1]}, {"score": 4}]).position == "done"


def test_exclusive_option_is_not_looped_over():
    engine = Engine(read_questionnaire(LOOP))
    assert run(engine, [{"brands": [9]}]).position == "done"


def test_loop_n_times_from_an_earlier_answer():
    q = make_questionnaire(
        blocks=[
            {"id": "a", "questions": [{"id": "n", "type": "numeric", "text": "How many?"}]},
            {
                "id": "people",
                "loop": {"times": "n", "as": "person", "max_times": 3},
                "questions": [{"id": "age", "type": "numeric", "text": "Age of person {person}?"}],
            },
            {"id": "z", "questions": [{"id": "bye", "type": "display", "text": "Bye"}]},
        ]
    )
    engine = Engine(q)
    state = run(engine, [{"n": 5}])
    seen = []
    while state.position != "bye":
        seen.append(engine.current_page(state).questions[0].text)
        state = engine.submit(state, {"age": 30}, T0).state
    assert seen == ["Age of person 1?", "Age of person 2?", "Age of person 3?"]
    assert run(engine, [{"n": 0}]).position == "bye"


def test_changing_the_loop_source_drops_answers_of_removed_items():
    engine = Engine(read_questionnaire(LOOP))
    state = run(engine, [{"brands": [1, 2]}, {"score": 4}, {"score": 4}])
    assert state.position == "done"
    for _ in range(3):
        state = engine.back(state)
    state = engine.submit(state, {"brands": [2]}, T0).state
    assert "score[1]" not in state.answers
    assert state.answers["score[2]"] == 4


TIMED = [
    single("a", time_limit={"warning": 10, "limit": 30}),
    single("b"),
]


def test_page_reports_warning_and_closing_times():
    engine = Engine(make_questionnaire(TIMED))
    page = engine.current_page(engine.start({}, 1, now=T0))
    assert page.questions[0].warning_at == T0 + timedelta(seconds=10)
    assert page.questions[0].closes_at == T0 + timedelta(seconds=30)


def test_answer_within_the_limit_counts():
    engine = Engine(make_questionnaire(TIMED))
    state = engine.start({}, 1, now=T0)
    state = engine.submit(state, {"a": 1}, T0 + timedelta(seconds=29)).state
    assert state.answers["a"] == 1


def test_past_the_hard_limit_the_question_is_timed_out_and_routing_goes_on():
    engine = Engine(make_questionnaire(TIMED))
    state = engine.start({}, 1, now=T0)
    result = engine.submit(state, {}, T0 + timedelta(seconds=31))
    assert result.ok
    assert result.state.answers["a"] == special("timeout")
    assert result.state.position == "b"


def test_the_limit_counts_from_when_the_page_was_shown():
    engine = Engine(make_questionnaire([single("z"), *TIMED]))
    state = engine.start({}, 1, now=T0)
    state = engine.submit(state, {"z": 1}, T0 + timedelta(minutes=5)).state
    state = engine.submit(state, {"a": 2}, T0 + timedelta(minutes=5, seconds=20)).state
    assert state.answers["a"] == 2
    assert state.page_seconds == {"z": 300.0, "a": 20.0}


def test_max_duration_breaks_off_the_interview():
    q = make_questionnaire([single("a"), single("b")], max_duration={"limit": 60})
    engine = Engine(q)
    state = engine.submit(engine.start({}, 1, now=T0), {"a": 1}, T0).state
    late = engine.submit(state, {"b": 1}, T0 + timedelta(seconds=61)).state
    assert late.status == BREAKOFF
    assert "b" not in late.answers
    assert engine.back(late) == late


def test_max_duration_can_end_as_partial():
    q = make_questionnaire(
        [single("a")], max_duration={"warning": 30, "limit": 60, "on_limit": "partial"}
    )
    engine = Engine(q)
    state = engine.start({}, 1, now=T0)
    page = engine.current_page(state)
    assert page.interview_warning_at == T0 + timedelta(seconds=30)
    assert page.interview_ends_at == T0 + timedelta(seconds=60)
    assert engine.timed_out(state, T0 + timedelta(seconds=61))
    assert engine.submit(state, {"a": 1}, T0 + timedelta(seconds=61)).state.status == PARTIAL
    assert engine.submit(state, {"a": 1}, T0 + timedelta(seconds=59)).state.status == COMPLETED


def test_naive_datetimes_are_refused():
    engine = Engine(make_questionnaire([single("a")]))
    try:
        engine.start({}, 1, now=T0.replace(tzinfo=None))
    except ValueError as exc:
        assert "timezone-aware" in str(exc)
    else:
        raise AssertionError("a naive datetime was accepted")
