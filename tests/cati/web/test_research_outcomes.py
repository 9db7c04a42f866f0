"""The researcher's outcome catalogue in the browser: list, edit, add, deactivate, delete."""

import pytest
from sqlalchemy import select

from cati.errors import CatiError, ErrorCode
from cati.fieldwork import dispatch, projects
from cati.fieldwork.disposition import record_outcome
from cati.models import AuditEntry, Outcome, Project
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases
from tests.conftest import csrf_token, make_user

NEW = {
    "code": "CALLBACK_SUPERVISOR",
    "label_en": "Supervisor to call",
    "label_es": "Llamará el supervisor",
    "aapor": "2.30",
    "delay_minutes": "1440",
    "eligible": "yes",
    "precedence": "30",
    "contact": "y",
}


def outcome(db, code):
    db.expire_all()
    return db.scalar(select(Outcome).where(Outcome.code == code))


def actions(db):
    return [a.action for a in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_every_outcome_is_listed_with_its_settings(client, project_url):
    page = client.get(f"{project_url}outcomes").get_data(as_text=True)
    assert 'data-code="REFUSAL_HARD"' in page and "2.112" in page
    assert 'data-code="MAX_ATTEMPTS"' in page  # system outcomes too, marked as such
    assert client.get(f"{project_url}outcomes/NOPE").status_code == 404


def test_an_outcome_is_edited_and_the_change_audited(client, db, project_url):
    url = f"{project_url}outcomes/BUSY"
    token = csrf_token(client, url)
    form = {"csrf_token": token, "label_en": "Line busy", "label_es": "Comunica", "aapor": "3.12"}
    form |= {"delay_minutes": "30", "eligible": "unknown", "precedence": "95"}
    response = client.post(url, data=form)
    assert response.status_code == 302
    busy = outcome(db, "BUSY")
    assert (busy.label_en, busy.delay_minutes, busy.final) == ("Line busy", 30, False)
    assert actions(db)[-1] == "outcome.set"


def test_a_bad_value_comes_back_beside_its_field_and_changes_nothing(client, db, project_url):
    url = f"{project_url}outcomes/BUSY"
    token = csrf_token(client, url)
    form = {"csrf_token": token, "label_en": "Busy", "label_es": "Comunica", "aapor": "9.9"}
    form |= {"delay_minutes": "15", "eligible": "unknown", "precedence": "95"}
    response = client.post(url, data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Outcome BUSY, aapor: expected an AAPOR code such as 2.111" in text
    assert outcome(db, "BUSY").aapor == "3.12"
    negative = client.post(url, data=form | {"aapor": "3.12", "delay_minutes": "-5"})
    assert negative.status_code == 400 and outcome(db, "BUSY").delay_minutes == 15


def test_an_outcome_is_added_and_offered_to_interviewers(client, db, project_url):
    token = csrf_token(client, f"{project_url}outcomes")
    response = client.post(f"{project_url}outcomes/new", data={"csrf_token": token, **NEW})
    assert response.status_code == 302
    added = outcome(db, "CALLBACK_SUPERVISOR")
    assert (added.aapor, added.contact, added.delay_minutes) == ("2.30", True, 1440)
    again = client.post(f"{project_url}outcomes/new", data={"csrf_token": token, **NEW})
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)
    bad = client.post(
        f"{project_url}outcomes/new", data={"csrf_token": token, **NEW, "code": "bad code"}
    )
    assert bad.status_code == 400 and "capital letters" in bad.get_data(as_text=True)


def test_a_used_outcome_is_deactivated_not_deleted(client, db, project_url):
    project = db.scalar(select(Project))
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    make_cases(db, project, n=2)
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    record_outcome(db, claim.case, interviewer, "BUSY", now=MONDAY_10)
    token = csrf_token(client, f"{project_url}outcomes")
    deleted = client.post(f"{project_url}outcomes/BUSY/delete", data={"csrf_token": token})
    assert deleted.status_code == 302 and outcome(db, "BUSY") is not None
    page = client.get(f"{project_url}outcomes").get_data(as_text=True)
    assert "deactivate it instead of deleting it" in page
    client.post(f"{project_url}outcomes/BUSY/active", data={"csrf_token": token})
    assert outcome(db, "BUSY").active is False
    assert actions(db)[-1] == "outcome.deactivate"
    # The interviewer's next call can no longer end as BUSY.
    claim = dispatch.next_case(db, project, interviewer, now=MONDAY_10)
    with pytest.raises(CatiError) as caught:
        record_outcome(db, claim.case, interviewer, "BUSY", now=MONDAY_10)
    assert caught.value.code is ErrorCode.OUTCOME_INACTIVE


def test_an_unused_outcome_can_be_deleted_but_the_engines_own_cannot(client, db, project_url):
    token = csrf_token(client, f"{project_url}outcomes")
    client.post(f"{project_url}outcomes/FAX/delete", data={"csrf_token": token})
    assert outcome(db, "FAX") is None and actions(db)[-1] == "outcome.delete"
    client.post(f"{project_url}outcomes/COMPLETE/active", data={"csrf_token": token})
    assert outcome(db, "COMPLETE").active is True
    page = client.get(f"{project_url}outcomes").get_data(as_text=True)
    assert "needed by the system" in page
