"""Mode-specific wording: intro, closing and question text may differ by phone and web."""

from __future__ import annotations

import pytest
import yaml

from questionnaires import Engine, ErrorCode, QuestionnaireError, check_questionnaire
from questionnaires.model import ModeText, in_mode, text_in

from .helpers import T0, make_questionnaire

GREETING = {
    "phone": {
        "en": "I am calling on behalf of {sample.client}.",
        "es": "Le llamo de {sample.client}.",
    },
    "web": {"en": "Thank you for taking part.", "es": "Gracias por participar."},
}


def bilingual(**fields):
    return make_questionnaire(
        [{"id": "hello", "type": "display", "text": GREETING}],
        languages=["en", "es"],
        sample_variables={"client": {"type": "text"}},
        **fields,
    )


def test_a_question_text_gives_each_mode_its_wording_in_each_language():
    engine = Engine(bilingual())
    state = engine.start({"client": "Aurora"}, 1, language="es", now=T0)
    assert engine.current_page(state).questions[0].text == "Le llamo de Aurora."
    assert engine.current_page(state, mode="web").questions[0].text == "Gracias por participar."


def test_intro_and_closing_differ_by_mode_and_plain_texts_stay_backward_compatible():
    q = bilingual(intro=GREETING, closing={"en": "Bye.", "es": "Adiós."})
    assert isinstance(q.intro, ModeText)
    assert text_in(q.intro, "en", "en", mode="web") == "Thank you for taking part."
    assert text_in(q.intro, "en", "en") == "I am calling on behalf of {sample.client}."
    assert text_in(q.closing, "es", "en", mode="web") == "Adiós."  # same in both modes
    assert in_mode("Plain", "web") == "Plain"


def test_a_mode_text_needs_both_modes():
    with pytest.raises(QuestionnaireError):
        bilingual(intro={"web": {"en": "Thanks.", "es": "Gracias."}})


def test_missing_translations_and_piping_are_checked_in_each_mode():
    data = {
        "id": "t",
        "version": "1",
        "title": "T",
        "languages": ["en", "es"],
        "questions": [
            {
                "id": "hello",
                "type": "display",
                "text": {"phone": {"en": "Hi {nobody}", "es": "Hola"}, "web": {"en": "Welcome"}},
            }
        ],
    }
    _, found = check_questionnaire(yaml.safe_dump(data), "t.yaml")
    places = {(p.code, p.place.path) for p in found}
    assert (ErrorCode.MISSING_TRANSLATION, "questions[0].text.web") in places
    assert (ErrorCode.UNDEFINED_NAME, "questions[0].text.phone.en") in places
    assert not any(path.endswith("text.phone") for _, path in places)  # "es" is there
