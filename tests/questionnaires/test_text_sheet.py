"""The texts for a translator as a workbook, and back: all or nothing, every problem at its
sheet, row and column."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from questionnaires import QuestionnaireError, read_questionnaire
from questionnaires.text_sheet import export_texts, import_texts, texts
from questionnaires.writing import document_of, to_yaml

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"


@pytest.fixture
def brands():
    return document_of(read_questionnaire(LIBRARY / "brand_awareness.yaml"))


def workbook(rows, title="texts"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_text_is_a_row_in_both_languages_with_its_question(brands):
    sheet = load_workbook(io.BytesIO(export_texts(brands)))["texts"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("path", "question", "es", "en")
    by_path = {row[0]: row[1:] for row in rows[1:]}
    assert by_path["intro.web"][1:] == (
        "Gracias por participar en este estudio sobre el café. Sus respuestas son confidenciales.",
        "Thank you for taking part in this study about coffee. Your answers are confidential.",
    )
    assert by_path["blocks[0].questions[1].instruction"][0] == "region"
    # A brand name is one text for every language: written in each column.
    label = "blocks[1].questions[1].options[0].label"
    assert by_path[label] == ("aided", "Lumbre", "Lumbre")
    assert len(rows) - 1 == len(texts(brands))


def test_a_translation_read_back_changes_only_the_texts_it_changes(brands):
    book = load_workbook(io.BytesIO(export_texts(brands)))
    sheet = book["texts"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "blocks[0].questions[0].text":
            row[3].value = "To start, how old are you?"
        if row[0].value == "blocks[1].questions[1].options[0].label":
            row[3].value = "Lumbre (UK)"
    out = io.BytesIO()
    book.save(out)
    document, changed = import_texts(brands, out.getvalue(), "texts.xlsx")
    assert changed == 2
    question = document["blocks"][0]["questions"][0]
    assert question["text"] == {
        "es": "Para empezar, ¿qué edad tiene usted?",
        "en": "To start, how old are you?",
    }
    option = document["blocks"][1]["questions"][1]["options"][0]
    assert option["label"] == {"es": "Lumbre", "en": "Lumbre (UK)"}
    read_questionnaire(to_yaml(document), "translated.yaml")  # still a valid questionnaire
    assert brands["blocks"][0]["questions"][0]["text"]["en"] != "To start, how old are you?"


def test_a_missing_translation_filled_in_by_the_translator(brands):
    brands["languages"] = ["es", "en", "fr"]
    rows = [["path", "question", "fr"], ["title", "", "Étude de notoriété des marques de café"]]
    document, changed = import_texts(brands, workbook(rows), "fr.xlsx")
    assert changed == 1
    assert document["title"]["fr"] == "Étude de notoriété des marques de café"


def test_rows_and_columns_that_are_no_text_are_refused_with_their_place_and_nothing_changes(brands):
    rows = [
        ["path", "question", "en", "de"],
        ["blocks[0].questions[0].text", "age", "Changed"],
        ["blocks[0].questions[0].show_if", "age", "x"],
        ["blocks[9].questions[0].text", "", "y"],
    ]
    with pytest.raises(QuestionnaireError) as refused:
        import_texts(brands, workbook(rows), "texts.xlsx")
    where = "sheet 'texts': error Q060: "
    assert [str(p) for p in refused.value.problems] == [
        f"texts.xlsx, row 1, column 'de', {where}'de' is not a language of the questionnaire"
        " (es, en)",
        f"texts.xlsx, row 3, column 'path', {where}blocks[0].questions[0].show_if is not a text"
        " of the questionnaire",
        f"texts.xlsx, row 4, column 'path', {where}blocks[9].questions[0].text is not a text of"
        " the questionnaire",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a workbook", "cannot read the workbook"),
        (workbook([["path", "en"]], title="Sheet1"), "the workbook has no sheet 'texts'"),
        (workbook([["where", "en"]]), "the first row must name a column 'path'"),
    ],
)
def test_a_file_that_is_no_sheet_of_texts_is_refused(brands, data, message):
    with pytest.raises(QuestionnaireError) as refused:
        import_texts(brands, data, "texts.xlsx")
    assert message in refused.value.problem.message
