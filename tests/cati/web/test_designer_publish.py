"""Publishing the draft: a new version through the questionnaire store, its changes shown
first, the mid-field rules holding; every version downloadable as YAML and XLSForm."""

import io
import re
from pathlib import Path

import pytest
from pyxform import xls2xform
from sqlalchemy import func, select

from cati import interviewing, questionnaire_drafts, questionnaire_store
from cati.fieldwork import dispatch, projects
from cati.models import AuditEntry, QuestionnaireVersion
from questionnaires import read_questionnaire
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases, make_project
from tests.conftest import csrf_token, make_user

LIBRARY = Path(__file__).parents[3] / "questionnaires" / "library"
URL = "/research/POLL/designer/publish"


@pytest.fixture
def poll(db, own_project):
    project, researcher = own_project("POLL", "opinion_poll.yaml")
    draft = questionnaire_drafts.open_draft(db, project, researcher)
    return project, researcher, draft


def edit(db, project, change):
    draft = questionnaire_drafts.open_draft(db, project, None)
    document = questionnaire_drafts.document(draft)
    change(document)
    return questionnaire_drafts.save(db, project, document, draft.revision, None)


def reworded(document):
    document["blocks"][0]["questions"][1]["text"] = {
        "es": "¿Cuántos años tiene?",
        "en": "What is your age?",
    }


def publish(client, version, revision):
    token = csrf_token(client, URL)
    return client.post(URL, data={"csrf_token": token, "version": version, "revision": revision})


def versions(db):
    return db.scalar(select(func.count()).select_from(QuestionnaireVersion))


def test_the_page_shows_the_changes_and_the_yaml_diff_then_publishing_pins_the_new_version(
    client, db, poll
):
    project, _, _ = poll
    draft = edit(db, project, reworded)
    page = client.get(URL).get_data(as_text=True)
    assert "question age has new wording" in page
    assert "-        text: {es: &#39;¿Qué edad tiene?&#39;, en: &#39;How old are you?&#39;}" in page
    assert (
        "+        text: {es: &#39;¿Cuántos años tiene?&#39;, en: &#39;What is your age?&#39;}"
        in page
    )
    assert re.search(r"<input[^>]*name=\"version\"[^>]*value=\"1.1\"", page)  # 1.0 stored otherwise
    answer = publish(client, "1.1", draft.revision)
    assert answer.status_code == 302
    db.expire_all()
    db.refresh(project)
    pinned = db.get(QuestionnaireVersion, project.questionnaire_version_id)
    assert (pinned.questionnaire_id, pinned.version, pinned.source_name) == (
        "opinion_poll",
        "1.1",
        "opinion_poll-1.1.yaml",
    )
    published = read_questionnaire(pinned.source, pinned.source_name)
    assert published.all_blocks[0].questions[1].text["en"] == "What is your age?"
    assert (
        questionnaire_drafts.document(questionnaire_drafts.draft_of(db, project))["version"]
        == "1.1"
    )
    pins = db.scalars(select(AuditEntry).where(AuditEntry.action == "project.questionnaire")).all()
    assert [e.details["version"] for e in pins] == ["1.0", "1.1"]
    home = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Published opinion_poll version 1.1 and pinned it to the project." in home


def test_mid_field_a_change_that_makes_answers_unreadable_is_refused_and_nothing_stored(
    client, db, poll
):
    project, _, _ = poll
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    make_cases(db, project, n=1, sample_vars={"district": "centre"})
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    interviewing.open_interview(db, claim.case, MONDAY_10, interviewer=interviewer)

    def new_meaning(document):
        document["blocks"][0]["questions"][0]["options"][1]["label"] = {
            "es": "Quizá",
            "en": "Maybe",
        }

    draft = edit(db, project, new_meaning)
    page = client.get(URL).get_data(as_text=True)
    assert "Changes that would make the answers already collected unreadable" in page
    assert "option 2 of question resident meant" in page
    assert re.search(r'<button class="button" type="submit"\s+disabled>', page)
    before = versions(db)
    answer = publish(client, "2.0", draft.revision)
    assert answer.status_code == 400
    assert "cannot be pinned to POLL" in answer.get_data(as_text=True)
    db.expire_all()
    assert versions(db) == before
    assert db.get(QuestionnaireVersion, project.questionnaire_version_id).version == "1.0"


def test_a_draft_changed_since_the_page_showed_it_is_not_published(client, db, poll):
    project, _, draft = poll
    shown = draft.revision
    edit(db, project, reworded)
    answer = publish(client, "1.1", shown)
    assert answer.status_code == 409
    assert "The draft changed since this page showed its changes" in answer.get_data(as_text=True)


def test_a_version_stored_with_other_content_needs_a_new_number(client, db, poll):
    project, _, _ = poll
    draft = edit(db, project, reworded)
    answer = publish(client, "1.0", draft.revision)
    assert answer.status_code == 400
    assert "A changed questionnaire needs a new version number." in answer.get_data(as_text=True)


def test_a_draft_with_errors_cannot_be_published(client, db, poll):
    project, _, _ = poll
    draft = edit(db, project, lambda d: d["blocks"][0]["questions"][0].update(show_if="nosuch = 1"))
    assert "The draft has errors" in client.get(URL).get_data(as_text=True)
    answer = publish(client, "1.1", draft.revision)
    assert answer.status_code == 400
    assert "The draft has 1 errors" in answer.get_data(as_text=True)


def test_every_version_downloads_as_yaml_and_as_an_xlsform_pyxform_accepts(client, db, poll):
    project, _, _ = poll
    draft = edit(db, project, reworded)
    publish(client, "1.1", draft.revision)
    page = client.get(URL).get_data(as_text=True)
    links = re.findall(r'href="(/research/POLL/questionnaire/versions/\d+\.(?:yaml|xlsx))"', page)
    assert len(links) == 4  # two versions, two formats each
    first = db.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.version == "1.0"))
    yaml_file = client.get(f"/research/POLL/questionnaire/versions/{first.id}.yaml")
    assert yaml_file.data == (LIBRARY / "opinion_poll.yaml").read_bytes()  # as uploaded
    assert "filename=opinion_poll-1.0.yaml" in yaml_file.headers["Content-Disposition"]
    for link in links:
        if link.endswith(".xlsx"):
            workbook = client.get(link).data
            xls2xform.convert(io.BytesIO(workbook).getvalue(), file_type=".xlsx", warnings=[])
    assert "What the XLSForm leaves out" in page


def test_a_version_of_another_project_is_not_found_here(client, db, poll):
    other = make_project(db, code="OTHER")
    questionnaire_store.pin(db, other, LIBRARY / "brand_awareness.yaml")
    assert (
        client.get(
            f"/research/POLL/questionnaire/versions/{other.questionnaire_version_id}.yaml"
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"/research/POLL/questionnaire/versions/{other.questionnaire_version_id}.xlsx"
        ).status_code
        == 404
    )
