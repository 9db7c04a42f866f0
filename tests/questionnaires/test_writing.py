"""The designer's YAML: the documented format, key order as the docs show it, one line for
each small mapping; loading it gives the questionnaire it was written from."""

from pathlib import Path

import pytest

from questionnaires import read_questionnaire
from questionnaires.writing import document_of, ordered, to_yaml

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"
FILES = sorted(p for p in LIBRARY.iterdir() if p.suffix in (".yaml", ".xlsx"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_library_file_round_trips_through_the_designers_document(path):
    """load → designer document → YAML → load gives the same model, with the same keys
    given (``codes:`` given counts for the data codes) and the same fingerprint."""
    loaded = read_questionnaire(path)
    text = to_yaml(document_of(loaded))
    again = read_questionnaire(text, "designer.yaml")
    assert again == loaded
    assert again.fingerprint() == loaded.fingerprint()
    assert again.model_dump(exclude_unset=True) == loaded.model_dump(exclude_unset=True)
    assert to_yaml(document_of(again)) == text  # written once, it stays as written


def test_keys_come_in_the_documented_order():
    text = to_yaml(
        {
            "blocks": [
                {
                    "questions": [
                        {
                            "routing": [{"screen_out": "SO", "if": "drinks = 2"}],
                            "options": [{"label": "Yes", "code": 1}],
                            "text": "Do you drink coffee?",
                            "type": "single",
                            "id": "drinks",
                        }
                    ],
                    "id": "main",
                }
            ],
            "title": "Coffee",
            "version": "1.0",
            "id": "coffee",
        }
    )
    assert text == (
        "id: coffee\n"
        "version: '1.0'\n"
        "title: Coffee\n"
        "blocks:\n"
        "  - id: main\n"
        "    questions:\n"
        "      - id: drinks\n"
        "        type: single\n"
        "        text: Do you drink coffee?\n"
        "        options:\n"
        "          - {code: 1, label: 'Yes'}\n"
        "        routing:\n"
        "          - {if: drinks = 2, screen_out: SO}\n"
    )


def test_a_long_mapping_is_a_block_and_a_text_of_several_lines_stays_readable():
    long_label = "A label long enough that the option no longer fits on one line of the file"
    text = to_yaml(
        {
            "id": "t",
            "intro": "Good morning.\nThis is a survey.",
            "questions": [
                {
                    "id": "q",
                    "type": "single",
                    "text": "Q?",
                    "options": [{"code": 1, "label": long_label}],
                }
            ],
        }
    )
    assert "intro: |-\n  Good morning.\n  This is a survey.\n" in text
    assert f"      - code: 1\n        label: {long_label}\n" in text


def test_a_draft_half_written_is_ordered_as_far_as_it_goes():
    half = {"blocks": [{"questions": ["not a question", {"type": "numeric"}], "id": 3}], "junk": 1}
    assert list(ordered(half)) == ["blocks", "junk"]
    assert ordered(half)["blocks"][0] == {
        "id": 3,
        "questions": ["not a question", {"type": "numeric"}],
    }


def test_whole_numbers_in_ranges_are_written_as_whole_and_defaults_keep_their_type():
    questionnaire = read_questionnaire(
        "id: t\nversion: '1'\ntitle: T\nquestions:\n"
        "  - {id: n, type: numeric, text: N, min: 0, max: 2.5, decimals: 1, default: 1.0}\n",
        "t.yaml",
    )
    question = document_of(questionnaire)["questions"][0]
    assert (question["min"], question["max"], question["default"]) == (0, 2.5, 1.0)
    assert type(question["min"]) is int and type(question["default"]) is float
