"""What a client reads in a report: no negative zero, no piping placeholder."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from cati.stats.banner import BannerVariable, Question, banner_table
from cati.stats.estimates import wilson_interval
from exports.banner_book import write_banner_book
from exports.i18n import fixed
from exports.pdf import number, percent, signed
from exports.questionnaire_doc import write_questionnaire_document
from exports.topline import build_topline, write_topline
from questionnaires import read_questionnaire
from questionnaires.variables import variables
from tests.exports.conftest import Col
from tests.exports.test_reports import LIBRARY, info, text_of

# 21 respondents: the Wilson interval of a share nobody chose starts a hair below zero.
RESPONDENTS = 21


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(-0.04, 1, "0.0"), (-0.0, 1, "0.0"), (0.0, 1, "0.0"), (-0.4, 0, "0"), (-0.06, 1, "-0.1")],
)
def test_a_number_that_rounds_to_zero_prints_without_a_minus(value, decimals, expected):
    assert fixed(value, decimals) == expected
    assert percent(value, decimals) == expected
    assert number(value, decimals) == expected


def test_grouped_and_signed_numbers():
    assert number(-1234.56, 1) == "-1 234.6"
    assert number(1234567) == "1 234 567"
    assert signed(-0.04) == "0.0" and signed(0.0) == "0.0"
    assert signed(12.34) == "+12.3" and signed(-3.0) == "-3.0"
    assert percent(float("nan")) == "–" and signed(None) == "–"


@pytest.fixture(scope="module")
def piped() -> tuple[pd.DataFrame, list[Col], object]:
    """The satisfaction study, whose nps_reason pipes {nps}, with options nobody chose."""
    questionnaire = read_questionnaire(LIBRARY / "customer_satisfaction.yaml")
    rng = np.random.default_rng(11)
    columns, data = [], {}
    for v in variables(questionnaire):
        columns.append(
            Col(v.name, v.label, v.kind, v.value_labels, (97, 98, 99), "question", v.question_id)
        )
        if v.kind == "string":
            data[v.name] = rng.choice(["Fast delivery", "Friendly staff"], RESPONDENTS)
        elif v.question_id == "nps":
            data[v.name] = rng.choice([3.0, 8.0, 10.0], RESPONDENTS)  # 0-2, 4-7, 9 unused
        else:
            data[v.name] = np.full(RESPONDENTS, min(v.value_labels), dtype=float)
    return pd.DataFrame(data), columns, questionnaire


@pytest.mark.parametrize("language", ["en", "es"])
def test_topline_has_no_placeholder_and_no_negative_zero(tmp_path, piped, language):
    assert wilson_interval(0.0, RESPONDENTS)[0] < 0  # what the table must not print
    frame, columns, questionnaire = piped
    questions = build_topline(frame, columns, questionnaire, language=language)
    path = tmp_path / "topline.pdf"
    write_topline(questions, info(language), path)
    text = " ".join(text_of(path).split())
    assert "{" not in text and "}" not in text
    assert "-0.0" not in text and "-0 " not in text
    stand_in = "[NPS answer]"
    assert f"score of {stand_in}" in text or f"ha dado un {stand_in}" in text
    assert "0 0.0 0.0 –" in text  # a point nobody chose: 0 respondents, 0.0%, CI from 0.0
    outline = [o.title for o in PdfReader(path).outline]
    assert any(stand_in in title for title in outline)
    assert not any("{" in title for title in outline)
    reason = next(q for q in questions if q.id == "nps_reason")
    assert "{nps}" not in reason.title
    assert all(r.low >= 0 and r.high <= 100 for q in questions for r in q.rows)


def test_banner_book_labels_read_stand_ins(tmp_path):
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {
            "why": rng.choice([1.0, 2.0], RESPONDENTS),  # 3 nobody chose
            "score": rng.choice([-0.003, 0.001], RESPONDENTS),  # rounds to 0.00
            "sex": rng.choice(["f", "m"], RESPONDENTS),
        }
    )
    scale = ((1.0, "Because of {nps}"), (2.0, "Price"), (3.0, "Other"))
    questions = [
        Question("why", "Why did you give {nps}?", categories=scale),
        Question("score", "Change since {sample.region}", "numeric"),
    ]
    banner = [BannerVariable("sex", "Sex of {sample.name}", (("f", "Female"), ("m", "Male")))]
    table = banner_table(frame, questions, banner)
    path = tmp_path / "banner.pdf"
    write_banner_book(table, info(), path, variable_labels={"sex": "Sex of {sample.name}"})
    text = " ".join(text_of(path).split())
    assert "{" not in text and "}" not in text
    assert "-0.0" not in text
    for stand_in in ("Why did you give [NPS answer]?", "Because of [NPS answer]", "[region]"):
        assert stand_in in text
    assert "Sex of [name]" in text and "Mean 0.00 0.00 0.00" in text
    assert [o.title for o in PdfReader(path).outline] == [
        "why. Why did you give [NPS answer]?",
        "score. Change since [region]",
    ]


def test_questionnaire_document_shows_stand_ins_for_piping(tmp_path):
    questionnaire = read_questionnaire(LIBRARY / "customer_satisfaction.yaml")
    path = tmp_path / "q.pdf"
    write_questionnaire_document(questionnaire, info("en"), path)
    text = " ".join(text_of(path).split())
    assert "{nps}" not in text
    assert "What is the main reason for giving a score of [NPS answer]?" in text
