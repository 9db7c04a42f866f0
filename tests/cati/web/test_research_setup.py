"""Setting a project up without leaving the browser: staff removed, confirmations after
every action, the draw's warning about strata allotted no unit."""

import re

from sqlalchemy import select

from cati.fieldwork import projects
from cati.models import AuditEntry, Case, Project, ProjectMember
from tests.cati.web.conftest import SAMPLE, upload
from tests.cati.web.test_research_draw import drawn
from tests.conftest import csrf_token, make_user

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
    quota = {"name": "North", "variable": "region", "values": "north", "target": "5"}
    client.post(f"{project_url}quotas", data={"csrf_token": token, **quota})
    assert ("ok", "Quota North added.") in flashes(client, project_url)
    upload(client, project_url, "sample", "file", "s.csv", SAMPLE, region="US")
    client.get(project_url)  # the import's own confirmation
    client.post(f"{project_url}release/1", data={"csrf_token": token})
    assert any(kind == "ok" and "eplicate 1" in text for kind, text in flashes(client, project_url))


def test_the_draw_preview_names_the_strata_allotted_no_unit(client, project_url):
    """A proportional allocation of 40 among 300 households rounds Ceuta (1 of 300: 0.13
    expected) to 0; Madrid (81 of 300) keeps its units."""
    page = client.get(drawn(client, project_url)).get_data(as_text=True)
    warning = re.search(r'data-testid="empty-strata">([^<]+)<', page)
    assert warning and "Ceuta" in warning[1] and "Madrid" not in warning[1]
