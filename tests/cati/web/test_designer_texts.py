"""The draft's texts for a translator: downloaded as XLSX and read back into the draft as
its next revision; a workbook with mistakes is refused naming sheet, row and column."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cati import questionnaire_drafts
from cati.models import QuestionnaireDraft
from tests.conftest import csrf_token

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"


@pytest.fixture
def poll(client, own_project):
    project, _ = own_project("POLL", "opinion_poll.yaml")
    return project, csrf_token(client, "/research/POLL/designer")


def upload(client, token, content, name="texts.xlsx"):
    return client.post(
        "/research/POLL/designer/texts",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_texts_go_out_and_come_back_translated(client, db, poll):
    project, token = poll
    response = client.get("/research/POLL/designer/texts.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=POLL-texts.xlsx"
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["texts"]
    assert [c.value for c in sheet[1]] == ["path", "question", "es", "en"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "title":
            row[3].value = "Villaverde del Río barometer"
    out = io.BytesIO()
    book.save(out)
    answer = upload(client, token, out.getvalue())
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "1 texts changed by the workbook." in page
    db.expire_all()
    draft = db.get(QuestionnaireDraft, project.id)
    assert draft.revision == 2
    assert questionnaire_drafts.document(draft)["title"]["en"] == "Villaverde del Río barometer"


def test_a_workbook_with_mistakes_is_refused_and_the_draft_stays(client, db, poll):
    project, token = poll
    book = load_workbook(io.BytesIO(client.get("/research/POLL/designer/texts.xlsx").data))
    book["texts"]["A3"] = "blocks[0].questions[99].text"
    out = io.BytesIO()
    book.save(out)
    answer = upload(client, token, out.getvalue())
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert (
        "texts.xlsx, row 3, column &#39;path&#39;, sheet &#39;texts&#39;: "
        "blocks[0].questions[99].text is not a text of the questionnaire"
    ) in html
    db.expire_all()
    assert db.get(QuestionnaireDraft, project.id).revision == 1


def test_a_file_that_is_not_a_workbook_is_refused_beside_the_field(client, poll):
    _, token = poll
    answer = upload(client, token, b"path,en\n", "texts.csv")
    assert answer.status_code == 400
    assert "an .xlsx workbook only" in answer.get_data(as_text=True)
