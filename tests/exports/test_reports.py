"""PDF reports: expected sections and numbers, escaped data, chunks equal to one piece."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageStat
from pypdf import PdfReader

from cati.stats.banner import BannerVariable, Question, banner_table
from exports.banner_book import write_banner_book
from exports.codebook import codebook_entries, codebook_html, write_codebook_pdf
from exports.fieldwork_report import (
    DayProgress,
    FieldworkFigures,
    InterviewerKpi,
    OutcomeCount,
    RegionCompletes,
    write_fieldwork_report,
)
from exports.pdf import Methodology, ReportInfo
from exports.questionnaire_doc import write_questionnaire_document
from exports.topline import build_topline, write_topline
from questionnaires import Questionnaire, read_questionnaire
from questionnaires.variables import variables
from tests.exports.conftest import HOSTILE, Col

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pages_of(path: Path) -> list[str]:
    return text_of(path).split("\f")[:-1]


def info(language: str = "en", study: str = "Aurora Hogar satisfaction") -> ReportInfo:
    return ReportInfo(
        study,
        "Aurora Hogar (fictional)",
        date(2026, 11, 2),
        date(2026, 11, 20),
        date(2026, 11, 27),
        language,
        methodology=Methodology("Spread sample by region", "Customers", "CATI", 400, "Raking"),
    )


@pytest.fixture(scope="module")
def survey() -> tuple[pd.DataFrame, list[Col], object]:
    questionnaire = read_questionnaire(LIBRARY / "customer_satisfaction.yaml")
    rng = np.random.default_rng(3)
    n = 300
    columns, data = [], {}
    for v in variables(questionnaire):
        columns.append(
            Col(v.name, v.label, v.kind, v.value_labels, (97, 98, 99), "question", v.question_id)
        )
        if v.kind == "string":
            data[v.name] = rng.choice([HOSTILE, "Rápido"], n)
        elif v.question_id == "nps":
            data[v.name] = rng.integers(0, 11, n).astype(float)
        else:
            data[v.name] = rng.choice([k for k in v.value_labels if k < 90], n).astype(float)
    data["nps"][:60] = 10.0  # 20% promoters more than the uniform share
    return pd.DataFrame(data), columns, questionnaire


def test_topline_has_cover_contents_methodology_and_weighted_tables(tmp_path, survey):
    frame, columns, questionnaire = survey
    questions = build_topline(frame, columns, questionnaire, language="en")
    path = tmp_path / "topline.pdf"
    pages = write_topline(questions, info(), path)
    text = text_of(path)
    assert len(PdfReader(path).pages) == pages
    for expected in (
        "TOPLINE RESULTS",
        "Contents",
        "Methodology",
        "Margin of error",
        "NET PROMOTER SCORE",
    ):
        assert expected in text
    assert "±4.9 points" in text  # 1.96·√(0.25/400) = 4.90 points
    nps = next(q for q in questions if q.id == "nps")
    assert nps.base.unweighted == 300
    promoters = ((frame["nps"] >= 9).mean() - (frame["nps"] <= 6).mean()) * 100
    assert nps.estimate.value == pytest.approx(promoters)
    assert f"{nps.estimate.value:+.1f}" in text


def test_hostile_open_answers_and_labels_reach_the_pdf_as_literal_text(tmp_path, survey):
    frame, columns, questionnaire = survey
    questions = build_topline(frame, columns, questionnaire)
    path = tmp_path / "topline.pdf"
    write_topline(questions, info(study="Study <b>bold</b> {color:red}"), path)
    text = " ".join(text_of(path).split())
    assert "<script>alert('x')</script><style>body{display:none}</style>" in text
    assert "Study <b>bold</b> {color:red}" in text


def test_rendered_pages_are_not_blank(tmp_path, survey):
    frame, columns, questionnaire = survey
    path = tmp_path / "topline.pdf"
    write_topline(build_topline(frame, columns, questionnaire), info(), path)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == len(PdfReader(path).pages)
    for image in images:
        assert ImageStat.Stat(Image.open(image).convert("L")).stddev[0] > 5, image.name


def banner_frame(rows: int = 400, categories: int = 5, questions: int = 7) -> tuple:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({f"q{i}": rng.integers(1, categories + 1, rows) for i in range(questions)})
    frame["sex"] = rng.choice(["f", "m"], rows)
    frame["region"] = rng.choice(["Norte", "Sur", "Islas"], rows, p=[0.5, 0.45, 0.05])
    scale = tuple((k, f"Answer {k}") for k in range(1, categories + 1))
    qs = [Question(f"q{i}", f"Question {i}", categories=scale, mean=True) for i in range(questions)]
    banner = [
        BannerVariable("sex", "Sex", (("f", "Female"), ("m", "Male"))),
        BannerVariable("region", "Region"),
    ]
    return banner_table(frame, qs, banner)


def test_banner_book_chunked_equals_one_piece(tmp_path):
    table = banner_frame()
    one, chunked = tmp_path / "one.pdf", tmp_path / "chunked.pdf"
    pages_one = write_banner_book(table, info(), one, chunk_sections=None)
    pages_chunked = write_banner_book(table, info(), chunked, chunk_sections=2)
    assert pages_one == pages_chunked == len(PdfReader(chunked).pages)
    same = [
        " ".join(a.split()) == " ".join(b.split())
        for a, b in zip(pages_of(one), pages_of(chunked), strict=True)
    ]
    assert all(same)  # the same words on every page: page numbers and contents too
    assert [o.title for o in PdfReader(chunked).outline] == [
        f"q{i}. Question {i}" for i in range(7)
    ]


def test_banner_book_repeats_headers_and_explains_letters_and_low_bases(tmp_path):
    table = banner_frame(rows=600, categories=70, questions=1)
    path = tmp_path / "banner.pdf"
    write_banner_book(table, info("es"), path)
    body = [p for p in pages_of(path) if "Answer" in p]
    assert len(body) >= 2  # one long table over several pages
    for page in body:
        assert "Female" in page and "(A)" in page and "(E)" in page  # the header again
    text = text_of(path)
    assert "Cómo leer las tablas" in text and "mayúscula al 95%" in text
    low = table.blocks[0].low_base
    assert low[table_column(table, "Islas")]
    assert "*" in body[0]


def table_column(table, label: str) -> int:
    return next(i for i, c in enumerate(table.columns) if c.label == label)


def test_fieldwork_report_shows_outcomes_rates_progress_regions_and_kpis(tmp_path):
    figures = FieldworkFigures(
        outcomes=[
            OutcomeCount("COMPLETE", "Complete", "1.1", 40),
            OutcomeCount("REFUSAL", "Refusal <i>hard</i>", "2.111", 20),
            OutcomeCount("NO_ANSWER", "No answer", "3.13", 40),
        ],
        days=[DayProgress(date(2026, 11, d), 50, 10) for d in (2, 3, 4, 5)],
        regions=[
            RegionCompletes("Norte", -3.7, 43.3, 25, 30),
            RegionCompletes("Sur", -5.9, 37.4, 15),
        ],
        points=[(-3.7, 43.3), (-5.9, 37.4)],
        interviewers=[InterviewerKpi("Inés (fictional)", 4.0, 80, 12, 40, 10, 6.5)],
    )
    path = tmp_path / "fieldwork.pdf"
    write_fieldwork_report(figures, info(), path)
    text = " ".join(text_of(path).split())
    assert "Refusal <i>hard</i>" in text
    assert "RR1 40.0%" in text  # 40 / (40 + 20 + 40)
    assert "REF1 20.0%" in text
    assert "Inés (fictional) 4.0 80 12 20.0 3.00 6.5 25.0%" in text
    assert "2026-11-05 50 10 40" in text


def test_questionnaire_document_in_spanish_has_every_block(tmp_path):
    questionnaire = read_questionnaire(LIBRARY / "customer_satisfaction.yaml")
    path = tmp_path / "q.pdf"
    write_questionnaire_document(questionnaire, info("es"), path)
    text = " ".join(text_of(path).split())
    assert "Índice" in text and "Ficha técnica" in text
    assert "¿Ha comprado usted recientemente un electrodoméstico" in text
    assert "Para aprobación del cliente" in text
    assert [o.title for o in PdfReader(path).outline][:2] == ["welcome", "recommendation"]


@pytest.mark.parametrize(
    ("language", "routing", "note", "other"),
    [
        (
            "en",
            "Ask this block only if purchase_confirmed is 1 «Yes».",
            "The interviewer may record: Don't know / Refused.",
            "Preguntar",
        ),
        (
            "es",
            "Preguntar este bloque solo si purchase_confirmed es 1 «Sí».",
            "El entrevistador puede registrar: No sabe / No contesta.",
            "Ask this block",
        ),
    ],
)
def test_questionnaire_document_numbers_options_once_and_routes_in_its_language(
    tmp_path, language, routing, note, other
):
    questionnaire = read_questionnaire(LIBRARY / "customer_satisfaction.yaml")
    path = tmp_path / "q.pdf"
    write_questionnaire_document(questionnaire, info(language), path)
    text = " ".join(text_of(path).split())
    assert routing in text and note in text
    assert "1. 1." not in text and "2. 2." not in text
    assert other not in text  # no routing sentence of the other language


def test_codebook_lists_labels_and_counts_escaped(tmp_path, frame, columns):
    columns = [*columns, Col("evil", HOSTILE, "numeric", {1: HOSTILE}, value_names={1: HOSTILE})]
    frame = frame.assign(evil=[1.0, 1.0, None, None])
    entries = codebook_entries(frame, columns)
    q1 = next(e for e in entries if e.name == "q1")
    assert q1.values == [(1, "", "Bad", 1), (2, "", "Good", 1), (98, "", "Don't know", 1)]
    html = codebook_html(entries, info())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<code>&lt;script&gt;" in html  # an XLSForm choice name, escaped too
    path = tmp_path / "codebook.pdf"
    write_codebook_pdf(entries, info(), path)
    text = " ".join(text_of(path).split())
    assert "98 = Don't know (1)" in text
    assert "Values" in text and "built-in" not in text  # the header, not a dict method


def test_numeric_questions_get_a_histogram_and_a_mean_without_special_codes():
    questionnaire = Questionnaire.model_validate(
        {
            "id": "n",
            "version": "1",
            "title": "T",
            "questions": [{"id": "spend", "type": "numeric", "text": "Monthly spend?"}],
        }
    )
    frame = pd.DataFrame({"spend": [10.0, 20.0, 30.0, 98.0, 99.0, None]})
    column = Col("spend", "Spend", "numeric", {98: "Don't know"}, (97, 98, 99), question_id="spend")
    (question,) = build_topline(frame, [column], questionnaire)
    assert question.base.unweighted == 3
    assert question.estimate.value == pytest.approx(20.0)
    assert question.chart.startswith("data:image/svg+xml;base64,")
