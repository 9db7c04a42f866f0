"""The designer's page and its draft as JSON: saved with the CSRF token, by revision, a stale
save answered 409 with the other version, a bad body 400 and nothing saved."""

import json

import pytest

from cati import questionnaire_drafts
from cati.fieldwork import projects
from cati.models import QuestionnaireDraft
from tests.cati.fieldwork.conftest import make_project
from tests.conftest import csrf_token, make_user, post_login

QUESTION = {"id": "age", "type": "numeric", "text": "How old are you?", "min": 0, "max": 120}


@pytest.fixture
def designer(client, db, login_as):
    """A researcher on a fresh project, with the designer page open (its CSRF token)."""
    researcher = login_as("researcher", full_name="Rita Ruiz")
    project = make_project(db, code="OMNI", name="Ómnibus")
    projects.assign(db, project, researcher)
    page = client.get("/research/OMNI/designer")
    assert page.status_code == 200
    token = page.get_data(as_text=True).split('data-token="')[1].split('"')[0]
    return project, token


def save(client, token, document, revision):
    return client.post(
        "/research/OMNI/designer/draft",
        data=json.dumps({"document": document, "revision": revision}),
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )


def test_the_draft_comes_as_json_with_its_revision_and_problems(client, designer):
    answer = client.get("/research/OMNI/designer/draft").get_json()
    assert answer["revision"] == 1
    assert answer["document"]["blocks"] == [{"id": "main", "questions": []}]
    assert answer["updated_by"] == "Rita Ruiz"
    # An empty block is a problem, shown at its place.
    assert ("blocks[0].questions", "error") in {
        (p["path"], p["severity"]) for p in answer["problems"]
    }


def test_a_save_answers_with_the_new_revision_and_the_problems_by_path(client, designer):
    _, token = designer
    document = client.get("/research/OMNI/designer/draft").get_json()["document"]
    document["blocks"][0]["questions"] = [
        QUESTION,
        {"id": "why", "type": "text", "text": "Why?", "show_if": "agee > 1"},
    ]
    response = save(client, token, document, 1)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["revision"] == 2
    assert [(p["path"], p["code"]) for p in answer["problems"]] == [
        ("blocks[0].questions[1].show_if", "Q030")
    ]
    assert (
        answer["problems"][0]["message"] == "'agee' is not a question, loop item or sample variable"
    )


def test_problems_come_in_the_researchers_language(client, db, designer):
    _, token = designer
    client.post("/language", data={"locale": "es", "csrf_token": token})
    document = client.get("/research/OMNI/designer/draft").get_json()["document"]
    document["blocks"][0]["questions"] = [{**QUESTION, "show_if": "agee > 1"}]
    answer = save(client, token, document, 1).get_json()
    assert (
        answer["problems"][0]["message"]
        == "'agee' no es una pregunta, ni un elemento de bucle, ni una variable de muestra"
    )


def test_a_save_from_an_old_revision_gets_409_with_their_version_and_the_difference(
    client, db, designer
):
    project, token = designer
    document = client.get("/research/OMNI/designer/draft").get_json()["document"]
    other = make_user(db, "researcher", full_name="Otto Otero")
    theirs = {**document, "title": "Their title"}
    questionnaire_drafts.save(db, project, theirs, 1, other)
    mine = {**document, "title": "My title"}
    response = save(client, token, mine, 1)
    assert response.status_code == 409
    answer = response.get_json()
    assert (answer["revision"], answer["updated_by"]) == (2, "Otto Otero")
    assert answer["document"]["title"] == "Their title"
    assert "Otto Otero saved the draft (revision 2) while you were editing" in answer["error"]
    assert "-title: My title\n+title: Their title\n" in answer["diff"]
    db.expire_all()
    assert (
        questionnaire_drafts.document(db.get(QuestionnaireDraft, project.id))["title"]
        == "Their title"
    )
    # Keeping mine is a save over their revision.
    assert save(client, token, mine, 2).get_json()["revision"] == 3


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"document": {"id": "x"}}),
        json.dumps({"document": {"id": "x"}, "revision": "1"}),
        json.dumps({"document": ["x"], "revision": 1}),
        '{"document": {"id": "x", "min": NaN}, "revision": 1}',
    ],
)
def test_a_body_that_is_no_draft_is_refused_with_400_and_nothing_saved(client, db, designer, body):
    project, token = designer
    response = client.post(
        "/research/OMNI/designer/draft",
        data=body,
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "nothing was saved" in response.get_json()["error"]
    db.expire_all()
    assert db.get(QuestionnaireDraft, project.id).revision == 1


def test_a_save_without_the_csrf_token_is_refused(client, db, designer):
    project, _ = designer
    response = client.post(
        "/research/OMNI/designer/draft",
        data=json.dumps({"document": {"id": "x"}, "revision": 1}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    db.expire_all()
    assert db.get(QuestionnaireDraft, project.id).revision == 1


def test_a_researcher_of_another_project_cannot_read_or_save_the_draft(app, db, designer):
    stranger = make_user(db, "researcher")
    other = app.test_client()
    post_login(other, stranger.username)
    token = csrf_token(other, "/research/")
    assert other.get("/research/OMNI/designer/draft").status_code == 403
    response = other.post(
        "/research/OMNI/designer/draft",
        data=json.dumps({"document": {"id": "x"}, "revision": 1}),
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert response.status_code == 403
