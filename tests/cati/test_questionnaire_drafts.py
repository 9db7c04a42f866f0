"""Drafts of the designer: kept per project as typed, saved by revision, never overwritten
silently, on SQLite and PostgreSQL alike."""

from pathlib import Path

import pytest

from cati import questionnaire_drafts, questionnaire_store
from cati.errors import CatiError, ErrorCode
from cati.models import QuestionnaireDraft
from questionnaires import read_questionnaire
from questionnaires.files import check_questionnaire
from questionnaires.writing import document_of, to_yaml
from tests.cati.fieldwork.conftest import make_project
from tests.conftest import _test_app, make_user

LIBRARY = Path(__file__).parents[2] / "questionnaires" / "library"


def test_an_empty_project_starts_from_one_empty_block_named_after_it(db):
    project = make_project(db, code="OMNI-26", name="Ómnibus")
    draft = questionnaire_drafts.open_draft(db, project, None, "es")
    assert draft.revision == 1
    assert questionnaire_drafts.document(draft) == {
        "id": "omni_26",
        "version": "1",
        "title": "Ómnibus",
        "languages": ["es"],
        "blocks": [{"id": "main", "questions": []}],
    }


def test_a_project_with_a_questionnaire_starts_from_the_pinned_one(db):
    project = make_project(db)
    questionnaire_store.pin(db, project, LIBRARY / "opinion_poll.yaml")
    draft = questionnaire_drafts.open_draft(db, project, None)
    checked = questionnaire_drafts.check(questionnaire_drafts.document(draft))
    assert checked.errors == []
    assert checked.questionnaire == read_questionnaire(LIBRARY / "opinion_poll.yaml")


def test_opening_again_gives_the_same_draft(db):
    project = make_project(db)
    first = questionnaire_drafts.open_draft(db, project, None)
    questionnaire_drafts.save(db, project, {"id": "changed"}, first.revision, None)
    again = questionnaire_drafts.open_draft(db, project, None)
    assert (again.revision, questionnaire_drafts.document(again)) == (2, {"id": "changed"})


def test_each_save_is_the_next_revision_with_who_and_when(db):
    project = make_project(db)
    rita = make_user(db, "researcher", username="rita")
    draft = questionnaire_drafts.open_draft(db, project, None)
    for n in range(2, 5):
        draft = questionnaire_drafts.save(db, project, {"id": f"v{n}"}, n - 1, rita)
        assert draft.revision == n
    assert draft.updated_by.username == "rita"
    assert questionnaire_drafts.document(draft) == {"id": "v4"}


def test_a_save_from_an_old_revision_is_refused_and_changes_nothing(db):
    project = make_project(db)
    ana, ben = make_user(db, "researcher"), make_user(db, "researcher")
    start = questionnaire_drafts.open_draft(db, project, None).revision
    questionnaire_drafts.save(db, project, {"id": "anas"}, start, ana)
    with pytest.raises(questionnaire_drafts.DraftConflict) as conflict:
        questionnaire_drafts.save(db, project, {"id": "bens"}, start, ben)
    current = conflict.value.current
    assert (current.revision, current.updated_by_id) == (start + 1, ana.id)
    assert questionnaire_drafts.document(current) == {"id": "anas"}
    db.expire_all()
    assert questionnaire_drafts.document(db.get(QuestionnaireDraft, project.id)) == {"id": "anas"}


def test_of_two_sessions_saving_from_one_revision_exactly_one_wins(app, db):
    """Two app servers, each its own session: the compare-and-set holds in the database."""
    project = make_project(db)
    start = questionnaire_drafts.open_draft(db, project, None).revision
    other = app.extensions["cati.sessionmaker"]()
    try:
        outcomes = []
        for session, name in ((db, "first"), (other, "second")):
            try:
                questionnaire_drafts.save(session, project, {"id": name}, start, None)
                outcomes.append(name)
            except questionnaire_drafts.DraftConflict:
                outcomes.append("conflict")
        assert outcomes == ["first", "conflict"]
    finally:
        other.close()


def test_the_draft_outlives_the_app(database_url, tmp_path, db):
    """Nothing is kept in the server process: another app on the database reads it."""
    project = make_project(db)
    draft = questionnaire_drafts.open_draft(db, project, None)
    questionnaire_drafts.save(db, project, {"id": "kept", "version": "2"}, draft.revision, None)
    restarted = _test_app(database_url, str(tmp_path))
    try:
        with restarted.app_context():
            session = restarted.extensions["cati.sessionmaker"]()
            kept = session.get(QuestionnaireDraft, project.id)
            assert (kept.revision, questionnaire_drafts.document(kept)) == (
                2,
                {"id": "kept", "version": "2"},
            )
            session.close()
    finally:
        restarted.extensions["cati.engine"].dispose()


def nested(levels):
    value = 1
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (["not", "a", "mapping"], ErrorCode.DRAFT_INVALID),
        ({"id": "x", "deep": nested(40)}, ErrorCode.DRAFT_TOO_DEEP),
        ({"id": "x" * 5_000_001}, ErrorCode.DRAFT_TOO_LARGE),
    ],
)
def test_a_document_no_questionnaire_file_could_be_is_refused(db, document, code):
    project = make_project(db)
    draft = questionnaire_drafts.open_draft(db, project, None)
    with pytest.raises(CatiError) as refused:
        questionnaire_drafts.save(db, project, document, draft.revision, None)
    assert refused.value.code == code
    db.expire_all()
    assert db.get(QuestionnaireDraft, project.id).revision == 1


def test_the_check_is_the_one_of_cati_questionnaire_check_with_paths(db):
    document = {
        "id": "t",
        "version": "1",
        "title": "T",
        "blocks": [
            {
                "id": "b",
                "questions": [
                    {"id": "age", "type": "numeric", "text": "Age?", "min": 0, "max": 120},
                    {"id": "why", "type": "text", "text": "Why?", "show_if": "agee > 3"},
                ],
            }
        ],
    }
    checked = questionnaire_drafts.check(document)
    assert [(p.code, p.place.path) for p in checked.problems] == [
        ("Q030", "blocks[0].questions[1].show_if")
    ]
    assert checked.questionnaire is not None  # valid, but the check refuses it
    assert "'agee' is not a question" in checked.problems[0].message


def _first_question(document):
    return document["blocks"][0]["questions"][0]


MUTATIONS = {
    "as it is": lambda d: None,
    "a text removed": lambda d: _first_question(d).pop("text"),
    "an unknown name": lambda d: _first_question(d).update(show_if="nosuch = 1"),
    "a key mistyped": lambda d: _first_question(d).update(show_iff="1 = 1"),
    "an id twice": lambda d: d["blocks"][-1]["questions"].append(dict(_first_question(d))),
    "a code not a number": lambda d: _first_question(d).update(
        options=[{"code": "x", "label": "X"}]
    ),
    "a go-to backwards": lambda d: d["blocks"][-1]["questions"][-1].update(
        routing=[{"goto": _first_question(d)["id"]}]
    ),
    "a language added": lambda d: d.update(languages=[*d.get("languages", ["en"]), "fr"]),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.yaml")), ids=lambda p: p.name)
def test_the_drafts_check_finds_what_cati_questionnaire_check_finds_in_its_yaml(path, mutation):
    """The live check skips writing the YAML; it finds the same problems, at the same
    paths, as checking the YAML the draft is published as."""
    document = document_of(read_questionnaire(path))
    MUTATIONS[mutation](document)
    live = questionnaire_drafts.check(document)
    loaded, from_file = check_questionnaire(to_yaml(document), questionnaire_drafts.DRAFT_FILE)
    assert [(p.code, p.place.path, p.message, p.severity) for p in live.problems] == [
        (p.code, p.place.path, p.message, p.severity) for p in from_file
    ]
    assert live.questionnaire == loaded
