"""Issue #20, item 4: personal data stays in — a personal export is never the client's, its
name says what it holds, no browser keeps a page or file, and no log line holds a
respondent's link token or phone number."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

import cati.job_kinds  # noqa: F401  (the data-file runner)
from cati import jobs
from cati.fieldwork import projects
from cati.models import AuditEntry, Job, Phone
from tests.cati.web.test_authorization import seed_project
from tests.conftest import csrf_token, make_user, post_login


@pytest.fixture
def seeded(app, db):
    project, staff, params = seed_project(app, db)
    staff["researcher"] = make_user(db, "researcher")
    projects.assign(db, project, staff["researcher"])
    return project, staff, params


def _data_file(app, db, project, *, personal: bool) -> Job:
    job = jobs.submit(db, project, "data", {"format": "csv", "personal": personal}, by=None)
    assert jobs.run(app.extensions["cati.sessionmaker"], job.id) == "done"
    db.expire_all()
    return db.get(Job, job.id)


def test_a_personal_export_is_named_marked_and_cannot_be_released(client, app, db, seeded):
    project, staff, _ = seeded
    personal = _data_file(app, db, project, personal=True)
    pseudonymized = _data_file(app, db, project, personal=False)
    assert personal.file_name == f"{project.code}-personal.csv"
    assert pseudonymized.file_name == f"{project.code}.csv"

    assert post_login(client, staff["researcher"].username).status_code == 302
    page_url = f"/research/{project.code}/"
    listing = client.get(f"/research/{project.code}/jobs").get_data(as_text=True)
    assert listing.count('data-testid="personal-file"') == 1
    assert listing.count("Release to client") == 1  # the pseudonymized file's only

    token = csrf_token(client, page_url)
    url = f"/research/{project.code}/jobs/{personal.id}/release"
    response = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "holds personal data and cannot be released to the client" in response.get_data(
        as_text=True
    )
    db.expire_all()
    assert db.get(Job, personal.id).released is False


def test_a_personal_file_released_before_stays_hidden_from_the_client(client, app, db, seeded):
    project, staff, _ = seeded
    personal = _data_file(app, db, project, personal=True)
    personal.released = True
    db.commit()
    assert post_login(client, staff["client"].username).status_code == 302
    page = client.get(f"/client/{project.code}/").get_data(as_text=True)
    assert personal.file_name not in page
    assert client.get(f"/client/{project.code}/files/{personal.id}").status_code == 404


def test_no_browser_keeps_a_respondent_page_or_a_download(client, app, db, seeded):
    project, staff, params = seeded
    respondent = app.test_client().get(f"/r/{params['token']}")
    assert respondent.headers["Cache-Control"] == "no-store"
    job = _data_file(app, db, project, personal=False)
    assert post_login(client, staff["researcher"].username).status_code == 302
    download = client.get(f"/research/{project.code}/jobs/{job.id}/file")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"


def test_each_download_of_a_personal_file_is_audited_and_no_other_is(client, app, db, seeded):
    """ASVS 8.3.5: who took the respondents' personal data out, and when."""
    project, staff, _params = seeded
    personal = _data_file(app, db, project, personal=True)
    plain = _data_file(app, db, project, personal=False)
    assert post_login(client, staff["researcher"].username).status_code == 302
    for job in (personal, personal, plain):
        assert client.get(f"/research/{project.code}/jobs/{job.id}/file").status_code == 200
    downloads = db.scalars(select(AuditEntry).where(AuditEntry.action == "job.download")).all()
    assert [(e.actor, e.object_id) for e in downloads] == [
        (staff["researcher"].username, str(personal.id))
    ] * 2


def test_no_log_line_holds_a_link_token_or_a_phone_number(client, app, db, seeded, caplog):
    project, staff, params = seeded
    phones = db.scalars(select(Phone.number)).all()
    assert phones
    caplog.set_level(logging.DEBUG)
    respondent = app.test_client()
    assert respondent.get(f"/r/{params['token']}").status_code in (200, 302)
    respondent.get(f"/r/{params['token']}/no-such-page")
    assert post_login(client, staff["supervisor"].username).status_code == 302
    client.get(f"/supervisor/case/{params['case_id']}")
    client.get(f"/supervisor/{project.code}/cases", query_string={"q": phones[0]})
    lines = [r.getMessage() + repr(vars(r)) for r in caplog.records]
    assert any("/r/<token>" in line for line in lines), "the respondent's requests were not logged"
    leaks = [line for line in lines for secret in [params["token"], *phones] if secret in line]
    assert not leaks


def test_every_staff_view_of_a_respondents_phones_or_answers_is_audited(client, db, seeded):
    _, staff, params = seeded
    assert post_login(client, staff["supervisor"].username).status_code == 302
    client.get(f"/supervisor/case/{params['case_id']}")
    other = client.application.test_client()
    assert post_login(other, staff["interviewer"].username).status_code == 302
    other.get(f"/interviewer/case/{params['case_id']}")
    db.expire_all()
    views = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "case.view").order_by(AuditEntry.id)
    ).all()
    assert [(v.user_id, v.object_id, v.details["shown"]) for v in views] == [
        (staff["supervisor"].id, str(params["case_id"]), ["phones", "answers"]),
        (staff["interviewer"].id, str(params["case_id"]), ["phones"]),
    ]
