"""Fixtures of the consoles' tests: a researcher's new project."""

import io

import pytest

from tests.conftest import csrf_token


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
