"""Expressions read as sentences in English and Spanish, one case or more per node type."""

from __future__ import annotations

import pytest

from questionnaires.sentences import WORDS, in_words

LABELS = {
    ("region", 2): "Norte",
    ("region", 3): "Sur",
    ("aided", 6): "Ninguna",
    ("sat", 5): "Muy buena",
}


def label(question_id: str, code: object) -> str | None:
    return LABELS.get((question_id, code))


CASES = [
    # comparisons (Binary), with the option label of a choice question's code
    (
        "age >= 18 and region = 2",
        "age is at least 18 and region is 2 «Norte»",
        "age es al menos 18 y region es 2 «Norte»",
    ),
    (
        "age < 18 or age > 75",
        "age is less than 18 or age is more than 75",
        "age es menor que 18 o age es mayor que 75",
    ),
    ("age <= 30", "age is at most 30", "age es como mucho 30"),
    ("region != 3", "region is not 3 «Sur»", "region no es 3 «Sur»"),
    (
        "region in [2, 3]",
        "region is one of 2 «Norte» or 3 «Sur»",
        "region es uno de 2 «Norte» o 3 «Sur»",
    ),
    (
        "region not in [1, 2, 3]",
        "region is none of 1, 2 «Norte» or 3 «Sur»",
        "region no es ninguno de 1, 2 «Norte» o 3 «Sur»",
    ),
    # and / or mixed: the inner one in parentheses
    ("a = 1 and (b = 1 or c = 1)", "a is 1 and (b is 1 or c is 1)", "a es 1 y (b es 1 o c es 1)"),
    # not (Unary): pushed into what it negates
    ("not answered(age)", "age is not answered", "age no tiene respuesta"),
    (
        "not (region in [2, 3])",
        "region is none of 2 «Norte» or 3 «Sur»",
        "region no es ninguno de 2 «Norte» o 3 «Sur»",
    ),
    (
        "not (frequency = 2 and cups > 1)",
        "frequency is not 2 or cups is at most 1",
        "frequency no es 2 o cups es como mucho 1",
    ),
    ("not flag", "it is not so that flag", "no se cumple que flag"),
    # calls
    ("answered(age)", "age is answered", "age tiene respuesta"),
    ("dk(age)", "age is Don't know", "age es «no sabe»"),
    ("refused(age)", "age is Refused", "age es «no contesta»"),
    ("timed_out(age)", "age ran out of time", "a age se le acabó el tiempo"),
    ("selected(aided, 6)", "aided includes 6 «Ninguna»", "aided incluye 6 «Ninguna»"),
    (
        "not selected(aided, 6)",
        "aided does not include 6 «Ninguna»",
        "aided no incluye 6 «Ninguna»",
    ),
    (
        "count_selected(aided) > 0",
        "the number of options chosen in aided is more than 0",
        "el número de opciones elegidas en aided es mayor que 0",
    ),
    ("between(age, 18, 30)", "age is between 18 and 30", "age está entre 18 y 30"),
    # arithmetic (Binary) and minus (Unary)
    ("(a + b) * 2 > 3", "(a plus b) times 2 is more than 3", "(a más b) por 2 es mayor que 3"),
    (
        "a - b / 2 = c % 3",
        "a minus (b divided by 2) is the remainder of c divided by 3",
        "a menos (b entre 2) es el resto de dividir c entre 3",
    ),
    ("-x < -2.5", "minus x is less than -2.5", "menos x es menor que -2,5"),
    # literals, members, indexes
    ("name = 'Ana'", "name is “Ana”", "name es «Ana»"),
    ("x = null", "x is empty", "x es vacío"),
    (
        "flag = true or flag = false",
        "flag is true or flag is false",
        "flag es verdadero o flag es falso",
    ),
    ("item.code = 1", "code of item is 1", "code de item es 1"),
    ("x[1] = 2", "item 1 of x is 2", "el elemento 1 de x es 2"),
    # the codes of a grid row or a loop's answer get the labels of their question
    ("sat.delivery = 5", "delivery of sat is 5 «Muy buena»", "delivery de sat es 5 «Muy buena»"),
    ("region[2] = 3", "item 2 of region is 3 «Sur»", "el elemento 2 de region es 3 «Sur»"),
    ("region in []", "region is one of no value", "region es uno de ningún valor"),
]


@pytest.mark.parametrize(("source", "english", "spanish"), CASES, ids=[c[0] for c in CASES])
def test_an_expression_reads_as_a_sentence(source, english, spanish):
    assert in_words(source, "en", label) == english
    assert in_words(source, "es", label) == spanish


def test_an_unknown_language_reads_in_english():
    assert in_words("answered(age)", "fr", label) == "age is answered"


@pytest.mark.parametrize("source", ["a = = 2", "frobnicate(a)", "answered(1)", "a and"])
def test_an_expression_that_does_not_parse_has_no_sentence(source):
    assert in_words(source, "en", label) is None


def test_a_function_the_language_has_no_words_for_has_no_sentence(monkeypatch):
    monkeypatch.setitem(WORDS, "es", {k: v for k, v in WORDS["es"].items() if k != "dk"})
    assert in_words("dk(age) or age > 3", "es", label) is None
    assert in_words("dk(age) or age > 3", "en", label) == "age is Don't know or age is more than 3"
