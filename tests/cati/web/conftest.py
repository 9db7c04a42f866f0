"""Fixtures of the console tests: a researcher's fresh project and file uploads to it."""

import io
from pathlib import Path

import pytest

from cati import questionnaire_store
from cati.fieldwork import projects
from tests.cati.fieldwork.conftest import make_project
from tests.conftest import csrf_token

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"
SAMPLE = b"case_id,phone,region\nA1,+1 202 555 0101,north\nA2,+1 202 555 0102,south\n"


@pytest.fixture
def project_url(client, login_as):
    login_as("researcher")
    token = csrf_token(client, "/research/")
    data = {
        "csrf_token": token,
        "code": "OMNI26",
        "name": "Ómnibus",
        "client_name": "Acme",
        "time_zone": "Europe/Madrid",
    }
    response = client.post("/research/new", data=data)
    assert response.status_code == 302
    return response.headers["Location"]


def upload(client, url, path, field, filename, content, **extra):
    token = csrf_token(client, url)
    data = {"csrf_token": token, field: (io.BytesIO(content), filename), **extra}
    return client.post(f"{url}{path}", data=data, content_type="multipart/form-data")


@pytest.fixture
def own_project(client, db, login_as):
    """A researcher logged in, working on a new project with a library questionnaire pinned
    (when one is named): ``own_project("CAFE", "brand_awareness.yaml")``."""

    def make(code, questionnaire=None):
        researcher = login_as("researcher")
        project = make_project(db, code=code)
        projects.assign(db, project, researcher)
        if questionnaire is not None:
            questionnaire_store.pin(db, project, LIBRARY / questionnaire)
        return project, researcher

    return make
