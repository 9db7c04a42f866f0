"""Test runs: any starting page, preset answers and sample variables, the same engine as
interviews, and clear refusals of presets a question does not take."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from questionnaires import Engine, QuestionnaireError, read_questionnaire
from questionnaires.trial import page_choices, presets, shown_answer, start

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def brands():
    return read_questionnaire(LIBRARY / "brand_awareness.yaml")


def test_every_page_is_a_place_to_start_and_loop_pages_start_at_their_first_item(brands):
    keys = [choice.key for choice in page_choices(brands)]
    assert keys[:3] == ["age", "region", "drinks_coffee"]
    assert "brand_opinion[1]" in keys  # the loop over aided, at brand 1
    pages = sum(len(block.pages) for block in brands.plan.blocks)
    assert len(keys) == pages


def test_a_run_starts_at_the_chosen_page_with_the_preset_answers_piped(brands):
    engine = Engine(brands)
    answers = presets(brands, "age: 34\nregion: 2\ndrinks_coffee: 1\naided: [1, 3]\n")
    sample = {"region": "north", "age_group": 3}
    state = start(
        engine,
        sample=sample,
        answers=answers,
        page="brand_opinion[1]",
        language="en",
        seed=7,
        now=NOW,
    )
    page = engine.current_page(state)
    assert page.key in ("brand_opinion[1]", "brand_opinion[3]")  # the loop's shown order
    assert "Lumbre" in page.questions[0].text or "Tostadora Real" in page.questions[0].text
    assert state.history == []  # nothing before the start to go back to
    result = engine.submit(
        state, {"brand_opinion": 4, "brand_bought": 1}, NOW + timedelta(seconds=9)
    )
    assert result.ok, result.errors
    assert result.state.answers["age"] == 34


def test_a_page_the_presets_skip_starts_the_run_at_the_next_page_shown(brands):
    engine = Engine(brands)
    # No brand known: the loop is not asked; the run starts after it.
    answers = presets(brands, "aided: [6]\n")
    state = start(
        engine,
        sample={},
        answers=answers,
        page="brand_opinion[1]",
        language="es",
        seed=1,
        now=NOW,
    )
    assert engine.current_page(state).block_id not in ("brand_rating", "awareness")


def test_presets_a_question_does_not_take_are_refused_at_their_line(brands):
    text = "age: 200\nnosuch: 1\nbrand_opinion: 3\nregion: 9\nage_ok: x\n"
    with pytest.raises(QuestionnaireError) as refused:
        presets(brands, text)
    found = [(p.place.line, p.message) for p in refused.value.problems]
    assert found == [
        (1, "age = 200: The value is out of range."),
        (2, "nosuch is not a question that takes an answer"),
        (3, "brand_opinion: a question in a loop is answered per item, as brand_opinion[2]"),
        (4, "region = 9: This answer is not valid here."),
        (5, "age_ok is not a question that takes an answer"),
    ]


def test_presets_in_spanish_say_why_in_spanish(brands):
    with pytest.raises(QuestionnaireError) as refused:
        presets(brands, "age: 200\n", "es")
    assert refused.value.problem.message == "age = 200: El valor está fuera de rango."


def test_special_answers_loop_answers_and_grid_rows_are_presets_too():
    satisfaction = read_questionnaire(LIBRARY / "customer_satisfaction.yaml")
    grid = next(q for q in satisfaction.plan.questions.values() if q.question.type == "grid")
    rows = {item.id: 4 for item in grid.question.items}
    rows_yaml = ", ".join(f"{row}: 4" for row in rows)
    found = presets(satisfaction, f"{grid.question.id}: {{{rows_yaml}}}\n")
    assert found == {grid.question.id: rows}
    brands = read_questionnaire(LIBRARY / "brand_awareness.yaml")
    assert presets(brands, "age: {special: ref}\nbrand_opinion[2]: 5\n") == {
        "age": {"special": "ref"},
        "brand_opinion[2]": 5,
    }


def test_answers_are_shown_with_their_labels(brands):
    specials = {"dk": "No sabe", "ref": "No contesta"}
    assert shown_answer(brands, "aided", [1, 6], "en", specials) == "1 Lumbre, 6 None of them"
    assert shown_answer(brands, "region", 2, "es", specials) == "2 Centro"
    assert shown_answer(brands, "age", {"special": "dk"}, "es", specials) == "No sabe"
    assert shown_answer(brands, "age", 34, "es", specials) == "34"
