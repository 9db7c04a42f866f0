"""Organisations in the consoles: a researcher's staff picker lists the agency's staff and the
project's own client company, never another company's users; a forged POST is refused and
audited; the administrator creates, renames and moves between organisations."""

import re

import pytest
from sqlalchemy import select

from cati.fieldwork import projects
from cati.models import AuditEntry, Organisation, Project, User
from tests.conftest import client_company, csrf_token, make_user


def _picker(page: str) -> list[str]:
    """The user names the staff picker offers ("name (role)" options)."""
    block = page.split('data-testid="staff-picker"')[1].split("</select>")[0]
    return sorted(re.findall(r">([\w.-]+) \(\w+\)</option>", block))


@pytest.fixture
def companies(db):
    """Acme's study's people and Boreal's client, with a researcher logged in to Acme's."""
    acme, boreal = client_company(db, "Acme"), client_company(db, "Boreal")
    people = {
        "interviewer": make_user(db, "interviewer", username="ines"),
        "supervisor": make_user(db, "supervisor", username="sam"),
        "acme": make_user(db, "client", username="ana", organisation=acme),
        "boreal": make_user(db, "client", username="bea", organisation=boreal),
    }
    return acme, boreal, people


def _settings(client, url, organisation: Organisation | None):
    data = {"name": "Ómnibus", "client_name": "Acme", "time_zone": "Europe/Madrid"}
    data |= {"status": "setup", "client_organisation": str(organisation.id if organisation else "")}
    return client.post(f"{url}settings", data={**data, "csrf_token": csrf_token(client, url)})


def test_the_picker_lists_the_agency_and_the_projects_own_clients_only(
    client, db, project_url, companies
):
    acme, _boreal, _people = companies
    assert _picker(client.get(project_url).get_data(as_text=True)) == ["ines", "sam"]
    assert "Choose the client organisation" in client.get(project_url).get_data(as_text=True)
    assert _settings(client, project_url, acme).status_code == 302
    page = client.get(project_url).get_data(as_text=True)
    assert _picker(page) == ["ana", "ines", "sam"]
    assert "the clients of Acme" in page and "bea" not in page


def test_a_forged_post_adding_another_companys_client_is_refused_and_audited(
    client, db, project_url, companies
):
    acme, _boreal, people = companies
    _settings(client, project_url, acme)
    token = csrf_token(client, project_url)
    response = client.post(
        f"{project_url}staff", data={"csrf_token": token, "user": people["boreal"].id}
    )
    assert response.status_code == 403
    assert "bea belongs to Boreal, not to the client organisation of project OMNI26" in (
        response.get_data(as_text=True)
    )
    project = db.scalar(select(Project))
    assert not projects.is_member(db, project, people["boreal"])
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "project.assign_refused"))
    assert entry.details == {"username": "bea", "organisation": "Boreal"}
    ok = client.post(f"{project_url}staff", data={"csrf_token": token, "user": people["acme"].id})
    assert ok.status_code == 302 and projects.is_member(db, project, people["acme"])


def test_another_client_organisation_takes_the_old_clients_off_the_project(
    client, db, project_url, companies
):
    acme, boreal, people = companies
    _settings(client, project_url, acme)
    token = csrf_token(client, project_url)
    client.post(f"{project_url}staff", data={"csrf_token": token, "user": people["acme"].id})
    response = _settings(client, project_url, boreal)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Taken off the project, being of another organisation: ana." in page
    assert _picker(page) == ["bea", "ines", "sam"]
    forged = client.post(
        f"{project_url}settings",
        data={"csrf_token": token, "name": "Ó", "time_zone": "UTC", "status": "setup"}
        | {"client_organisation": "999999"},
    )
    assert forged.status_code == 400 and "Not a valid choice" in forged.get_data(as_text=True)


def test_the_admin_creates_and_renames_organisations(client, db, login_as):
    login_as("admin")
    url = "/admin/organisations"
    token = csrf_token(client, url)
    assert client.post(f"{url}/new", data={"csrf_token": token, "name": "Acme"}).status_code == 302
    for name, message in (
        ("acme", "An organisation named Acme already exists."),
        ("Ac\x1bme", "use 1 to 200 printable characters"),
        ("Ac\x00me", "holds a NUL character"),  # the guard of every form
    ):
        refused = client.post(f"{url}/new", data={"csrf_token": token, "name": name})
        assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    acme = db.scalar(select(Organisation).where(Organisation.name == "Acme"))
    renamed = client.post(
        f"{url}/{acme.id}/rename", data={"csrf_token": token, "name": "Acme Iberia"}
    )
    assert renamed.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'data-organisation="Acme Iberia"' in page and 'data-organisation="Agency"' in page
    assert client.post(f"{url}/999999/rename", data={"csrf_token": token}).status_code == 404
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "organisation")
        .order_by(AuditEntry.id)  # in the order written: PostgreSQL returns them otherwise
    )
    assert list(actions) == ["organisation.create", "organisation.rename"]


def test_the_admin_moves_a_client_and_offers_only_their_companys_projects(
    client, db, login_as, companies
):
    acme, boreal, people = companies
    login_as("admin")
    ours = projects.create_project(db, "ACME1", "Acme study", client_organisation=acme)
    theirs = projects.create_project(db, "BOR1", "Boreal study", client_organisation=boreal)
    ana = people["acme"]
    projects.assign(db, ours, ana)
    page = client.get(f"/admin/users/{ana.id}").get_data(as_text=True)
    boxes = page.split('data-testid="projects"')[1].split("</form>")[0]
    assert f'value="{ours.id}"' in boxes and f'value="{theirs.id}"' not in boxes
    token = csrf_token(client, f"/admin/users/{ana.id}")
    forged = client.post(
        f"/admin/users/{ana.id}/projects", data={"csrf_token": token, "projects": [theirs.id]}
    )
    assert forged.status_code == 403 and "belongs to Acme" in forged.get_data(as_text=True)
    assert projects.is_member(db, ours, ana)  # the refused list changed nothing
    moved = client.post(
        f"/admin/users/{ana.id}/organisation",
        data={"csrf_token": token, "organisation": str(boreal.id)},
    )
    page = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert "ana now belongs to Boreal." in page
    assert "Taken off the projects of the old organisation: ACME1." in page
    db.expire_all()
    assert db.get(User, ana.id).organisation_id == boreal.id
    assert projects.projects_of(db, db.get(User, ana.id)) == []
    staff = people["supervisor"]
    refused = client.post(
        f"/admin/users/{staff.id}/organisation",
        data={"csrf_token": token, "organisation": str(boreal.id)},
        follow_redirects=True,
    )
    assert "supervisor belongs to the agency" in refused.get_data(as_text=True)
    assert db.get(User, staff.id).organisation.kind == "agency"
