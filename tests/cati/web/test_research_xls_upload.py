"""A questionnaire uploaded as an old Excel .xls XLSForm is pinned as the CLI reads it."""

from pathlib import Path

import pytest
from sqlalchemy import select

from cati import questionnaire_store
from cati.models import Project, QuestionnaireVersion
from tests.cati.web.conftest import upload
from tests.conftest import skip_or_fail

TUTORIAL = Path(__file__).resolve().parents[4] / "shared" / "xlsform-corpus" / "pyx_tutorial.xls"


def test_an_xls_xlsform_is_pinned_and_read_back(client, db, project_url):
    if not TUTORIAL.is_file():
        skip_or_fail(f"the XLSForm corpus is not at {TUTORIAL.parent} (it comes with shared/)")
    response = upload(
        client, project_url, "questionnaire", "file", "tutorial.xls", TUTORIAL.read_bytes()
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    version = db.get(QuestionnaireVersion, db.scalar(select(Project.questionnaire_version_id)))
    questionnaire = questionnaire_store.questionnaire_of(version)
    asked = {q.id for block in questionnaire.all_blocks for q in block.questions}
    assert {"member_add", "name", "age_in_years"} <= asked  # member_add: one more?


@pytest.mark.parametrize(
    ("name", "said"), [("notes.txt", ".xls"), ("renamed.xls", "not an Excel 97-2003 workbook")]
)
def test_a_file_that_is_no_questionnaire_is_refused_beside_the_field(
    client, db, project_url, name, said
):
    response = upload(client, project_url, "questionnaire", "file", name, b"hello")
    assert response.status_code == 400
    assert said in response.get_data(as_text=True)
    assert db.scalar(select(Project.questionnaire_version_id)) is None
