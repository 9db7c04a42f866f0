"""Setting a project up without leaving the browser: staff removed, confirmations after
every action, the draw's warning about strata allotted no unit."""

import csv
import html
import io
import re

import pytest
from sqlalchemy import func, select

from cati.fieldwork import projects
from cati.models import AuditEntry, Case, CaseState, Project, ProjectMember
from tests.cati.web.conftest import SAMPLE, upload
from tests.cati.web.test_research_draw import drawn
from tests.cati.web.test_rules_form import filled
from tests.conftest import csrf_token, make_user
from tests.smtp_sink import mail_through, smtp_sink

FLASH = re.compile(r'<p class="flash flash-(\w+)" role="status">([^<]+)</p>')


def flashes(client, url) -> list[tuple[str, str]]:
    return FLASH.findall(client.get(url).get_data(as_text=True))


def test_a_member_is_removed_audited_and_the_case_they_held_goes_back(client, db, project_url):
    project = db.scalar(select(Project))
    interviewer = make_user(db, "interviewer")
    projects.assign(db, project, interviewer)
    upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="US")
    client.post(f"{project_url}release/1", data={"csrf_token": csrf_token(client, project_url)})
    held = db.scalar(select(Case).limit(1))
    held.claimed_by_id = interviewer.id  # what dispatch would do, at any hour of the test run
    db.commit()
    token = csrf_token(client, project_url)
    response = client.post(
        f"{project_url}staff/{interviewer.id}/remove", data={"csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#staff")
    assert db.get(ProjectMember, (project.id, interviewer.id)) is None
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "project.unassign"))
    assert entry.details["username"] == interviewer.username and entry.details["released"] == 1
    db.expire_all()
    assert db.get(Case, held.id).claimed_by_id is None
    assert ("ok", f"{interviewer.username} no longer works on this project.") in flashes(
        client, project_url
    )


def test_a_researcher_cannot_remove_themselves_nor_remove_without_a_token(client, db, project_url):
    project = db.scalar(select(Project))
    me = db.scalar(select(ProjectMember).where(ProjectMember.project_id == project.id))
    token = csrf_token(client, project_url)
    client.post(f"{project_url}staff/{me.user_id}/remove", data={"csrf_token": token})
    assert db.get(ProjectMember, (project.id, me.user_id)) is not None
    assert ("error", "You cannot take yourself off the project.") in flashes(client, project_url)
    other = make_user(db, "interviewer")
    projects.assign(db, project, other)
    assert client.post(f"{project_url}staff/{other.id}/remove").status_code == 400
    assert (
        client.post(f"{project_url}staff/99999/remove", data={"csrf_token": token}).status_code
        == 400
    )
    assert db.get(ProjectMember, (project.id, other.id)) is not None


def test_adding_staff_a_quota_and_releasing_a_replicate_are_confirmed(client, db, project_url):
    interviewer = make_user(db, "interviewer")
    token = csrf_token(client, project_url)
    client.post(f"{project_url}staff", data={"csrf_token": token, "user": interviewer.id})
    assert ("ok", f"{interviewer.username} now works on this project.") in flashes(
        client, project_url
    )
    upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="US")
    client.get(project_url)  # the import's own confirmation
    quota = {"name": "North", "cell": "region = north", "target": "5"}
    client.post(f"{project_url}quotas", data={"csrf_token": token, **quota})
    assert ("ok", "Quota North added.") in flashes(client, project_url)
    client.post(f"{project_url}release/1", data={"csrf_token": token})
    assert any(kind == "ok" and "eplicate 1" in text for kind, text in flashes(client, project_url))


def test_the_draw_preview_names_the_strata_allotted_no_unit(client, project_url):
    """A proportional allocation of 40 among 300 households rounds Ceuta (1 of 300: 0.13
    expected) to 0; Madrid (81 of 300) keeps its units."""
    page = client.get(drawn(client, project_url)).get_data(as_text=True)
    warning = re.search(r'data-testid="empty-strata">([^<]+)<', page)
    assert warning and "Ceuta" in warning[1] and "Madrid" not in warning[1]


WITH_EMAIL = (
    b"case_id,phone,email\n"
    b"A1,+1 202 555 0101,ana@example.org\n"
    b"A2,+1 202 555 0102,Bea Ruiz <bea@example.org>\n"
    b"A3,+1 202 555 0103,\n"
)


@pytest.fixture
def sink(app):
    with smtp_sink() as server:
        mail_through(app, server)
        yield server


def send(client, url, *, remind=False, **fields):
    data = {"subject": "Encuesta", "body": "Hola: {link}\nGracias.", **fields}
    data |= {"remind" if remind else "send": "1", "csrf_token": csrf_token(client, url)}
    return client.post(f"{url}web-links/send", data=data)


def test_the_checklist_shows_what_is_missing_and_links_to_it(client, db, project_url):
    def states():
        page = client.get(project_url).get_data(as_text=True)
        return {
            key: status
            for status, key in re.findall(r'<li class="step-(\w+)" data-step="(\w+)"', page)
        }

    assert states() == {
        "questionnaire": "missing",
        "sample": "missing",
        "quotas": "optional",
        "rules": "optional",
        "staff": "missing",
        "release": "missing",
        "web_links": "optional",
    }
    assert 'href="#questionnaire"' in client.get(project_url).get_data(as_text=True)
    upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="US")
    projects.assign(db, db.scalar(select(Project)), make_user(db, "interviewer"))
    client.post(f"{project_url}release/1", data={"csrf_token": csrf_token(client, project_url)})
    rules = filled(client, f"{project_url}rules") | {"max_attempts_case": "4"}
    assert client.post(f"{project_url}rules", data=rules).status_code == 302
    after = states()
    assert {k: after[k] for k in ("sample", "staff", "release", "rules")} == dict.fromkeys(
        ("sample", "staff", "release", "rules"), "done"
    )
    assert after["questionnaire"] == "missing"


def test_the_links_are_downloaded_as_csv_and_kept_on_a_second_download(
    client, db, project_url, sink
):
    upload(client, project_url, "sample", "file", "s.csv", WITH_EMAIL, region="US")
    token = csrf_token(client, project_url)
    first = client.post(f"{project_url}web-links.csv", data={"csrf_token": token})
    assert first.mimetype == "text/csv"
    assert "OMNI26-web-links.csv" in first.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(first.get_data(as_text=True))))
    assert rows[0] == ["case_id", "url"] and [r[0] for r in rows[1:]] == ["A1", "A2", "A3"]
    assert all(r[1].startswith("https://survey.example.org/r/") for r in rows[1:])
    again = client.post(f"{project_url}web-links.csv", data={"csrf_token": token})
    assert again.get_data(as_text=True) == first.get_data(as_text=True)
    assert client.post(f"{project_url}web-links.csv").status_code == 400  # no CSRF token
    assert db.scalar(select(func.count()).where(AuditEntry.action == "web.links")) == 2


def test_links_are_mailed_then_a_reminder_reaches_only_the_unfinished(
    client, db, project_url, sink
):
    upload(client, project_url, "sample", "file", "s.csv", WITH_EMAIL, region="US")
    response = send(client, project_url)
    assert response.status_code == 302
    assert [m["To"] for m in sink.messages] == ["ana@example.org", "bea@example.org"]
    first = sink.messages[0]
    assert first["From"] == "Survey team <survey@example.org>" and first["Subject"] == "Encuesta"
    tokens = dict(db.execute(select(Case.external_id, Case.web_token)).all())
    assert f"Hola: https://survey.example.org/r/{tokens['A1']}" in first.get_content().splitlines()
    shown = flashes(client, project_url)
    assert ("ok", "Web links sent by e-mail to 2 respondents.") in shown
    assert any("1 unfinished cases have no e-mail address" in text for _, text in shown)
    done = db.scalar(select(Case).where(Case.external_id == "A1"))
    done.state = CaseState.FINAL
    db.commit()
    sink.messages.clear()
    send(client, project_url, remind=True)
    assert [m["To"] for m in sink.messages] == ["bea@example.org"]
    assert tokens["A2"] in sink.messages[0].get_content()  # the same link as before
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "web.remind"))
    assert (entry.details["sent"], entry.details["without_address"]) == (1, 1)


def test_a_subject_that_would_add_a_header_is_refused_and_nothing_is_sent(
    client, db, project_url, sink
):
    """ASVS 5.2.3: a line break in the subject would end the header and start another (a
    hand-made POST; the field itself is one line). It raised inside the mail library: a 500."""
    upload(client, project_url, "sample", "file", "s.csv", WITH_EMAIL, region="US")
    response = send(client, project_url, subject="Encuesta\r\nBcc: everyone@example.org")
    assert response.status_code == 400
    assert "The subject must be one line." in response.get_data(as_text=True)
    assert sink.messages == []
    # Found by fuzzing: a POST without the field checked the lazy default, and fell over.
    token = csrf_token(client, project_url)
    bare = client.post(f"{project_url}web-links/send", data={"csrf_token": token, "body": "x"})
    assert bare.status_code == 302 and sink.messages[0]["Subject"] == "A short survey"


def test_a_server_that_gives_up_is_reported_beside_the_form_with_what_went(
    client, db, project_url, sink
):
    upload(client, project_url, "sample", "file", "s.csv", WITH_EMAIL, region="US")
    sink.refuse_after = 1
    response = send(client, project_url)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert f"127.0.0.1:{sink.server_address[1]}" in page and "1 of 2 messages went out" in page
    assert len(sink.messages) == 1


def test_without_a_mail_server_the_page_says_so_and_sending_is_refused(client, project_url):
    page = client.get(project_url).get_data(as_text=True)
    assert 'data-testid="no-mail"' in page and 'data-testid="invitation"' not in page
    response = send(client, project_url)
    assert response.status_code == 400 and "CATI_SMTP_HOST" in response.get_data(as_text=True)
