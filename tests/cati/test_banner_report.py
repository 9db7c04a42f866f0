"""A study with every question type through the banner book, read back with pdftotext."""

from __future__ import annotations

import statistics
import subprocess
from pathlib import Path

import pytest

from cati import dataset, questionnaire_store, reporting
from cati.banner_report import banner_questions, column_tests, parse_bands
from cati.stats.banner import Band
from tests.cati.fieldwork.conftest import make_cases, make_project
from tests.cati.test_weighting_targets import complete

QUESTIONNAIRE = """
id: every_type
version: "1.0"
title: Every type
languages: [en]
default_language: en
blocks:
  - id: all
    questions:
      - {id: sexo, type: single, text: Sex,
         options: [{code: 1, label: Man}, {code: 2, label: Woman}]}
      - {id: canales, type: multiple, text: Channels,
         options: [{code: 1, label: Phone}, {code: 2, label: Email}, {code: 3, label: Shop}]}
      - {id: edad, type: numeric, text: Age, min: 18, max: 99, dont_know: true}
      - {id: gasto, type: numeric, text: Spend, decimals: 2, min: 0, max: 5000}
      - {id: nps, type: rating, text: Recommend, min: 0, max: 10, nps: true, dont_know: true}
      - {id: satisf, type: rating, text: Satisfied, min: 1, max: 5}
      - {id: valor, type: grid, text: Rate,
         items: [{id: precio, label: Price}, {id: trato, label: Service}],
         scale: [{code: 1, label: Bad}, {code: 2, label: Fair}, {code: 3, label: Good},
                 {code: 4, label: Great}]}
      - {id: motivo, type: text, text: Why}
      - {id: fecha, type: date, text: When}
"""
NPS = [10, 9, 8, 7, 3, 10, 9, 0, 5, 10]  # 1, 2, 4 and 6 are never given


def answers(i: int) -> dict:
    return {
        "sexo": 1 + i % 2,
        "canales": [1, 3] if i % 3 else [2],
        "edad": {"special": "dk"} if i == 5 else 18 + (i * 7) % 60,
        "gasto": round(10 + i * 3.37 + (i % 3) * 0.25, 2),
        "nps": {"special": "dk"} if i == 11 else NPS[i % 10],
        "satisf": 5 if i % 4 == 0 else 4 if i % 4 == 1 else 2,
        "valor": {"precio": 1 + i % 4, "trato": 4},
        "motivo": f"reason {i}",
        "fecha": f"2026-11-{1 + i % 28:02d}",
    }


@pytest.fixture
def study(db, tmp_path):
    source = tmp_path / "every_type.yaml"
    source.write_text(QUESTIONNAIRE, encoding="utf-8")
    project = make_project(db, name="Every type")
    questionnaire_store.pin(db, project, source)
    cases = make_cases(db, project, n=40, sample_vars={"region": "north"})
    for i, case in enumerate(cases):
        complete(db, project, [case], answers(i))
    return project


def layout_text(path: Path) -> list[str]:
    run = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    return run.stdout.splitlines()


def row(lines: list[str], start: int, label: str) -> list[str]:
    """The cells of the first row called ``label`` after line ``start``."""
    for line in lines[start:]:
        if line.strip().startswith(label + "  "):
            return line.strip()[len(label) :].split()
    raise AssertionError(f"no row {label!r}")


def section(lines: list[str], heading: str) -> int:
    """Where the question's table starts (its heading, "name label")."""
    return next(i for i, line in enumerate(lines) if line.strip().startswith(heading))


def test_every_question_type_in_the_banner_book_matches_the_raw_answers(db, study, tmp_path):
    raw = [answers(i) for i in range(40)]
    out = tmp_path / "banner.pdf"
    reporting.export_report(
        db,
        study,
        "banner",
        out,
        language="en",
        banner=["sexo"],
        bands=parse_bands("edad=18-34,35-"),
        settings=column_tests("95/90", "bonferroni"),
    )
    lines = layout_text(out)
    men = [a for a in raw if a["sexo"] == 1]
    women = [a for a in raw if a["sexo"] == 2]
    for name in ("edad", "gasto"):
        start = section(lines, f"{name} ")
        columns = [raw, men, women]
        values = [[a[name] for a in group if not isinstance(a[name], dict)] for group in columns]
        assert row(lines, start, "Mean")[:3] == [f"{statistics.mean(v):.2f}" for v in values]
        assert row(lines, start, "Median")[:3] == [f"{statistics.median(v):.2f}" for v in values]
        sds = [f"{statistics.stdev(v):.2f}" for v in values]
        assert row(lines, start, "Standard deviation")[:3] == sds
        bases = [c.rstrip("*") for c in row(lines, start, "Unweighted base")]  # * low base
        assert bases == [str(len(v)) for v in values]
    ages = [a["edad"] for a in raw if not isinstance(a["edad"], dict)]
    young = round(100 * sum(a <= 34 for a in ages) / len(ages))
    assert row(lines, section(lines, "edad "), "18–34")[0] == str(young)
    start = section(lines, "nps ")
    for point in range(11):  # every point, the empty ones too
        assert len(row(lines, start, str(point))) == 3, point
    assert row(lines, start, "4")[:3] == ["0", "0", "0"]
    rated = [a["nps"] for a in raw if not isinstance(a["nps"], dict)]
    nps = 100 * (sum(s >= 9 for s in rated) - sum(s <= 6 for s in rated)) / len(rated)
    assert row(lines, start, "Net Promoter Score")[0] == f"{nps:.1f}"
    assert row(lines, start, "Mean")[0] == f"{statistics.mean(rated):.2f}"
    top = round(100 * sum(s >= 9 for s in rated) / 40)  # boxes on everyone asked, DK too
    assert row(lines, start, "Top 2 box (9–10)")[0] == str(top)
    start = section(lines, "satisf ")
    assert row(lines, start, "3")[:3] == ["0", "0", "0"]
    assert row(lines, start, "Mean")[0] == f"{statistics.mean(a['satisf'] for a in raw):.2f}"
    assert row(lines, start, "Bottom 2 box (1–2)")[0] == "50"
    text = "\n".join(lines)
    assert "valor_precio." in text and "canales." in text
    assert "motivo." not in text and "fecha." not in text  # open answers are not tabulated
    assert "Bonferroni" in text


def test_the_questions_take_the_rows_of_their_type(db, study):
    data = dataset.build(db, study)
    questions = {q.name: q for q in banner_questions(data, "en", {"edad": (Band("Old", 60),)})}
    assert questions["edad"].kind == questions["gasto"].kind == "numeric"
    assert questions["edad"].bands == (Band("Old", 60),)
    assert questions["nps"].nps and questions["nps"].scale == tuple(float(k) for k in range(11))
    assert [c for c, _ in questions["nps"].categories][-2:] == [98.0, 99.0]  # after the scale
    assert not questions["satisf"].nps and questions["satisf"].mean
    assert [n.members for n in questions["valor_trato"].nets] == [(3.0, 4.0), (1.0, 2.0)]
    assert questions["canales"].kind == "multi"
    assert questions["sexo"].categories[:2] == ((1.0, "Man"), (2.0, "Woman"))


def test_bands_are_read_and_bad_ones_named() -> None:
    assert parse_bands("age=18-34, 35-; spend=-9.5,10.25-") == {
        "age": (Band("18–34", 18, 34), Band("35+", 35, None)),
        "spend": (Band("≤ 9.5", None, 9.5), Band("10.25+", 10.25, None)),
    }
    with pytest.raises(ValueError, match="'x' of 'age' is not low-high"):
        parse_bands("age=x")
    with pytest.raises(ValueError, match="are not variable=low-high"):
        parse_bands("age")
    settings = column_tests("99/95", "fdr")
    assert (settings.high_level, settings.low_level, settings.adjustment) == (0.99, 0.95, "fdr")
    assert column_tests("90").low_level is None
