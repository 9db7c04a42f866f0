"""The researcher pins a new questionnaire version mid-field: its changes, then a confirm step."""

import re

from sqlalchemy import select

from cati.models import Project, QuestionnaireVersion
from tests.cati.fieldwork.conftest import make_cases
from tests.cati.test_questionnaire_versions import CHANNEL, V1, recontact
from tests.cati.test_special_codes_in_files import completed
from tests.cati.web.conftest import upload
from tests.conftest import csrf_token


def source(version: str, extra: str) -> bytes:
    return V1.format(version=version, max=99, extra=extra).encode()


def in_field(client, db, project_url) -> Project:
    assert (
        upload(
            client, project_url, "questionnaire", "file", "o.yaml", source("1.0", recontact())
        ).status_code
        == 302
    )
    project = db.scalar(select(Project).where(Project.code == "OMNI26"))
    (case,) = make_cases(db, project)
    completed(db, case, {"age": 30, "recontact": 1})
    return project


def test_a_new_version_mid_field_shows_its_changes_and_is_pinned_once_confirmed(
    client, db, project_url
):
    project = in_field(client, db, project_url)
    first = project.questionnaire_version_id
    response = upload(
        client, project_url, "questionnaire", "file", "o.yaml", source("1.1", CHANNEL)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="changes"' in page
    assert "question channel is added" in page
    assert "question recontact is removed; its answers stay in the data" in page
    db.refresh(project)
    assert project.questionnaire_version_id == first  # not yet
    version = db.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.version == "1.1"))
    assert re.search(rf'name="checksum"[^>]*value="{version.checksum}"', page)
    token = csrf_token(client, project_url)
    guessed = {"csrf_token": token, "version": version.id, "checksum": "0" * 64}
    assert client.post(f"{project_url}questionnaire/confirm", data=guessed).status_code == 404
    confirm = {**guessed, "checksum": version.checksum}
    assert client.post(f"{project_url}questionnaire/confirm", data=confirm).status_code == 302
    db.refresh(project)
    assert project.questionnaire_version_id == version.id
    assert "opinion 1.1" in client.get(project_url).get_data(as_text=True)


def test_a_change_that_would_make_answers_unreadable_is_refused_on_the_page(
    client, db, project_url
):
    project = in_field(client, db, project_url)
    first = project.questionnaire_version_id
    changed = source("2.0", recontact("multiple"))
    response = upload(client, project_url, "questionnaire", "file", "o.yaml", changed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "cannot be pinned" in page
    assert "question recontact changes from single to multiple" in page
    db.refresh(project)
    assert project.questionnaire_version_id == first
