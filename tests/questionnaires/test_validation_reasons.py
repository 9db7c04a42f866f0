"""Why a value is refused, in our words (and so in Spanish too), at the path written in the
file; a list whose items were refused is not also called empty."""

import pytest

from questionnaires.files import check_questionnaire

HEAD = "id: t\nversion: '1'\ntitle: T\n"


def problems(body):
    _, found = check_questionnaire(HEAD + body, "t.yaml")
    return [(p.place.path, p.message) for p in found]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "questions:\n  - {id: a, type: singl, text: A}\n",
            (
                "questions[0]",
                "type 'singl' is not one of 'single', 'multiple', 'numeric', "
                "'text', 'rating', 'grid', 'date', 'display', 'calculate'",
            ),
        ),
        (
            "questions:\n  - {id: 1a, type: text, text: A}\n",
            (
                "questions[0].id",
                "must start with a letter and hold only letters, digits and _ "
                "(at most 64 characters)",
            ),
        ),
        (
            "questions:\n  - {id: a, type: text, text: A, show_iff: x}\n",
            ("questions[0].show_iff", "unknown key (a typo?)"),
        ),
        (
            "questions:\n  - {id: a, type: rating, text: A, min: x}\n",
            ("questions[0].min", "must be a whole number"),
        ),
        (
            "questions:\n  - {id: a, type: numeric, text: A, max: x}\n",
            ("questions[0].max", "must be a number"),
        ),
        (
            "questions:\n  - {id: a, type: rating, text: A, nps: maybe}\n",
            ("questions[0].nps", "must be true or false"),
        ),
        (
            "questions:\n  - {id: a, type: single, text: A, options: [{code: 1}]}\n",
            ("questions[0].options[0].label", "is required"),
        ),
        (
            "questions:\n  - {id: a, type: text, text: ''}\n",
            ("questions[0].text", "must not be empty"),
        ),
        (
            "questions:\n  - {id: a, type: single, text: A, options: [{code: 1, label: x}],"
            " randomize: yes}\n",
            ("questions[0].randomize", "must be one of 'shuffle' or 'rotate'"),
        ),
        (
            "questions:\n  - {id: a, type: text, text: A, time_limit: {limit: 0}}\n",
            ("questions[0].time_limit.limit", "must be more than 0"),
        ),
    ],
)
def test_a_refused_value_is_named_in_our_words_at_its_path(body, expected):
    assert problems(body) == [expected]


def test_a_list_whose_items_were_refused_is_not_also_called_empty():
    found = problems(
        "blocks:\n  - id: b\n    questions:\n"
        "      - {id: a, type: single, text: A, options: [{code: x, label: X}]}\n"
    )
    assert found == [("blocks[0].questions[0].options[0].code", "must be a whole number")]
