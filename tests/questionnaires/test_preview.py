"""The paper questionnaire a client approves: options numbered once, notes, routing in words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from questionnaires import read_questionnaire, sentences
from questionnaires.preview import preview_html

from .helpers import make_questionnaire, single

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"
BILINGUAL = {"languages": ["en", "es"]}


def both(text: str) -> dict[str, str]:
    """A text in English and in Spanish ("Yes" / "Yes es")."""
    return {"en": text, "es": f"{text} es"}


def notes(html: str) -> list[str]:
    return re.findall(r"<p class=(?:route|notes)>(.*?)</p>", html)


def test_each_option_is_numbered_once_by_its_code():
    q = make_questionnaire([single("a", codes=(1, 7))])
    html = preview_html(q)
    assert "<li>1. option 1</li>" in html and "<li>7. option 7</li>" in html
    assert "<ol" not in html and "1. 1." not in html


def test_a_scale_point_labelled_by_its_own_code_shows_the_code_once():
    grid = {
        "id": "g",
        "type": "grid",
        "text": "Rate",
        "items": [{"id": "x", "label": "X"}],
        "scale": [{"code": 1, "label": "1"}, {"code": 2, "label": "Good"}],
    }
    html = preview_html(make_questionnaire([grid]))
    assert "<th>1</th><th>2. Good</th>" in html


def test_rotation_is_a_note_under_the_question_not_an_option():
    q = make_questionnaire(
        [single("a", randomize="rotate", read_out=False)], dont_know=False, refused=False
    )
    html = preview_html(q)
    assert re.findall(r"<li>(.*?)</li>", html) == ["1. option 1", "2. option 2"]
    assert notes(html) == ["Options read in rotated order. Do not read out the options."]


def test_answer_limits_are_short_notes_in_each_language():
    q = make_questionnaire(
        [
            {
                "id": "age",
                "type": "numeric",
                "text": both("Age?"),
                "min": 18,
                "max": 99.5,
                "decimals": 1,
                "unit": {"en": "years", "es": "años"},
                "refused": False,
            },
            {"id": "why", "type": "text", "text": both("Why?"), "max_length": 200},
            {
                "id": "brands",
                "type": "multiple",
                "text": both("Brands?"),
                "options": [{"code": c, "label": both(f"b{c}")} for c in (1, 2, 3, 4)],
                "min_selected": 2,
                "max_selected": 3,
                "randomize": "shuffle",
                "dont_know": False,
                "required": False,
                "time_limit": {"limit": 30},
            },
        ],
        **BILINGUAL,
    )
    assert notes(preview_html(q, "en")) == [
        "Number from 18 to 99.5. Decimals: up to 1. Unit: years. "
        "The interviewer may record: Don't know.",
        "At most 200 characters. The interviewer may record: Don't know / Refused.",
        "Options read in random order. Choose 2 to 3 options. "
        "The interviewer may record: Refused. Optional.",
        "Time limit 30 s; then recorded as timed out.",
    ]
    assert notes(preview_html(q, "es")) == [
        "Número de 18 a 99,5. Decimales: hasta 1. Unidad: años. "
        "El entrevistador puede registrar: No sabe.",
        "Como mucho 200 caracteres. El entrevistador puede registrar: No sabe / No contesta.",
        "Opciones leídas en orden aleatorio. Elegir de 2 a 3 opciones. "
        "El entrevistador puede registrar: No contesta. Opcional.",
        "Límite de tiempo 30 s; después se registra como tiempo agotado.",
    ]


def test_a_check_and_a_routing_condition_read_as_sentences_in_english_and_spanish():
    region = {
        "id": "region",
        "type": "single",
        "text": both("Region?"),
        "options": [
            {"code": 1, "label": {"en": "North", "es": "Norte"}},
            {"code": 2, "label": {"en": "South", "es": "Sur"}},
        ],
        "routing": [{"if": "not answered(region) or region = 2", "screen_out": "SO_REGION"}],
    }
    age = {
        "id": "age",
        "type": "numeric",
        "text": both("Age?"),
        "show_if": "region in [1]",
        "checks": [
            {"valid_if": "age >= 18 and region != 2", "message": both("Adults"), "soft": True}
        ],
        "routing": [{"end": True}],
    }
    q = make_questionnaire([region, age], dont_know=False, refused=False, **BILINGUAL)
    english, spanish = (notes(preview_html(q, language)) for language in ("en", "es"))
    assert english == [
        "If region is not answered or region is 2 «South»: screen out (outcome SO_REGION).",
        "Ask only if region is one of 1 «North».",
        "A number. Whole numbers.",
        "Soft check (can be confirmed): age is at least 18 and region is not 2 «South»; "
        "otherwise “Adults”",
        "Always: end the interview.",
    ]
    assert spanish == [
        "Si region no tiene respuesta o region es 2 «Sur»: filtrar (resultado SO_REGION).",
        "Preguntar solo si region es uno de 1 «Norte».",
        "Un número. Números enteros.",
        "Control suave (se puede confirmar): age es al menos 18 y region no es 2 «Sur»; "
        "si no, «Adults es»",
        "Siempre: terminar la entrevista.",
    ]


def test_a_grid_row_in_a_condition_gets_the_scale_label_and_the_grid_its_notes():
    grid = {
        "id": "sat",
        "type": "grid",
        "text": "Rate",
        "items": [{"id": "delivery", "label": "Delivery"}],
        "scale": [{"code": 1, "label": "Bad"}, {"code": 2, "label": "Good"}],
        "randomize_items": True,
    }
    when = {"id": "when", "type": "date", "text": "When?", "show_if": "sat.delivery = 1"}
    html = preview_html(make_questionnaire([grid, when], dont_know=False, refused=False))
    assert notes(html) == [
        "Rows read in random order.",
        "Ask only if delivery of sat is 1 «Bad».",
        "A date.",
    ]


def test_an_expression_without_words_is_printed_as_code(monkeypatch):
    spanish = {k: v for k, v in sentences.WORDS["es"].items() if k != "between"}
    monkeypatch.setitem(sentences.WORDS, "es", spanish)
    q = make_questionnaire(
        [single("a"), single("b", show_if="between(a, 1, 2) and a <= 2")], **BILINGUAL
    )
    assert "Preguntar solo si <code>between(a, 1, 2) and a &lt;= 2</code>." in preview_html(q, "es")
    assert "Ask only if a is between 1 and 2 and a is at most 2 «option 2»." in preview_html(
        q, "en"
    )


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.yaml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_library_questionnaire_puts_all_its_expressions_in_words(path, language):
    html = preview_html(read_questionnaire(path), language)
    assert "<code>" not in html
    assert "<ol" not in html and not re.search(r"<li>(\d+)\. \1\.", html)
    assert not re.search(r"<th>(\d+)\. \1</th>", html)
