"""Piping of answers into texts (HTML-escaped) and seeded randomization of orders."""

from __future__ import annotations

from questionnaires import Engine, read_questionnaire
from questionnaires.randomize import reorder, rng_for
from questionnaires.state import InterviewState

from .helpers import T0, make_questionnaire, run, single


def test_piping_answers_labels_and_sample_values():
    q = make_questionnaire(
        [
            single("colour", (1, 2)),
            {"id": "name", "type": "text", "text": "Name?"},
            {
                "id": "msg",
                "type": "display",
                "text": "{name} from {sample.town} likes {colour}",
            },
        ],
        sample_variables={"town": {"type": "text"}},
    )
    engine = Engine(q)
    state = run(engine, [{"colour": 2}, {"name": "Ana"}], sample={"town": "Villaverde"})
    assert engine.current_page(state).questions[0].text == "Ana from Villaverde likes option 2"


def test_piped_text_is_html_escaped():
    q = make_questionnaire(
        [
            {"id": "name", "type": "text", "text": "Name?"},
            {"id": "msg", "type": "display", "text": "Hello <{name}>"},
        ]
    )
    engine = Engine(q)
    state = run(engine, [{"name": "<script>alert(1)</script>"}])
    text = engine.current_page(state).questions[0].text
    assert text == "Hello &lt;&lt;script&gt;alert(1)&lt;/script&gt;&gt;"


def test_piping_multiple_choice_lists_labels_in_language():
    q = make_questionnaire(
        [
            {
                "id": "m",
                "type": "multiple",
                "text": {"en": "Which?", "es": "¿Cuáles?"},
                "options": [
                    {"code": 1, "label": {"en": "Red", "es": "Rojo"}},
                    {"code": 2, "label": {"en": "Blue", "es": "Azul"}},
                ],
            },
            {"id": "d", "type": "display", "text": {"en": "You chose {m}", "es": "Eligió {m}"}},
        ],
        languages=["en", "es"],
    )
    engine = Engine(q)
    state = run(engine, [{"m": [2, 1]}], language="es")
    assert engine.current_page(state).questions[0].text == "Eligió Azul, Rojo"


def test_unanswered_piping_is_empty():
    q = make_questionnaire(
        [single("a", required=False), {"id": "d", "type": "display", "text": "[{a}]"}]
    )
    engine = Engine(q)
    assert engine.current_page(run(engine, [{}])).questions[0].text == "[]"


def test_reorder_keeps_anchored_options_in_place():
    values = [1, 2, 3, 4, 5, 97, 98]
    anchored = [False] * 5 + [True, True]
    for seed in range(30):
        result = reorder(values, anchored, "shuffle", rng_for(seed, "q"))
        assert result[5:] == [97, 98]
        assert sorted(result[:5]) == [1, 2, 3, 4, 5]


def test_rotation_keeps_the_cyclic_order():
    values = list(range(1, 7))
    result = reorder(values, [False] * 6, "rotate", rng_for(3, "q"))
    start = result.index(1)
    assert result[start:] + result[:start] == values


def test_shuffle_is_deterministic_per_seed_and_varies_across_seeds():
    orders = {
        tuple(reorder(list(range(8)), [False] * 8, "shuffle", rng_for(seed, "q")))
        for seed in range(20)
    }
    again = {
        tuple(reorder(list(range(8)), [False] * 8, "shuffle", rng_for(seed, "q")))
        for seed in range(20)
    }
    assert orders == again
    assert len(orders) > 10


RANDOM = """
id: r
version: "1"
title: R
randomize_blocks: [[b2, b3, b4]]
blocks:
  - id: b1
    questions:
      - id: q
        type: single
        page: first
        randomize: shuffle
        text: Pick
        options:
          - {code: 1, label: A}
          - {code: 2, label: B}
          - {code: 3, label: C}
          - {code: 4, label: D}
          - {code: 96, label: Other, anchor: true}
      - id: g
        type: grid
        page: first
        randomize_items: true
        text: Rate
        items: [{id: a, label: A}, {id: b, label: B}, {id: c, label: C}, {id: d, label: D}]
        scale: [{code: 1, label: Low}, {code: 2, label: High}]
  - {id: b2, questions: [{id: x2, type: display, text: two}]}
  - {id: b3, questions: [{id: x3, type: display, text: three}]}
  - {id: b4, questions: [{id: x4, type: display, text: four}]}
"""


def test_realized_orders_are_recorded_and_shown():
    engine = Engine(read_questionnaire(RANDOM))
    state = engine.start({}, "case-17", now=T0)
    page = engine.current_page(state)
    assert [o.code for o in page.questions[0].options] == state.option_orders["q"]
    assert state.option_orders["q"][-1] == 96
    assert [row.id for row in page.questions[1].rows] == state.item_orders["g"]
    assert state.block_order[0] == "b1"
    assert sorted(state.block_order[1:]) == ["b2", "b3", "b4"]


def test_same_seed_same_orders_and_resumed_state_keeps_them():
    engine = Engine(read_questionnaire(RANDOM))
    first = engine.start({}, 99, now=T0)
    second = engine.start({}, 99, now=T0)
    assert first == second
    resumed = InterviewState.from_json(first.to_json())
    assert engine.current_page(resumed) == engine.current_page(first)


def test_block_order_varies_with_the_seed_and_routing_follows_it():
    engine = Engine(read_questionnaire(RANDOM))
    orders = {tuple(engine.start({}, seed, now=T0).block_order) for seed in range(40)}
    assert len(orders) == 6
    state = engine.start({}, 5, now=T0)
    state = engine.submit(state, {"q": 1, "g": {"a": 1, "b": 1, "c": 2, "d": 2}}, T0).state
    visited = []
    while state.position is not None and len(visited) < 10:
        visited.append(state.position)
        result = engine.submit(state, {}, T0)
        assert result.ok
        state = result.state
    assert visited == [f"x{b[-1]}" for b in engine.start({}, 5, now=T0).block_order[1:]]
