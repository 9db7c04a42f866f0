"""Organisations (cati.organisations, cati.fieldwork.projects): staff belong to the agency,
clients to their company, and a project is given only to the clients of its own company."""

import pytest
from sqlalchemy import delete, select

from cati import organisations
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import projects
from cati.models import AuditEntry, Organisation, ProjectMember
from tests.cati.fieldwork.conftest import make_project
from tests.conftest import client_company, make_user


def _trail(db, action: str) -> list[dict]:
    # In the order written: PostgreSQL returns them otherwise.
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return [e.details for e in db.scalars(query)]


def test_staff_join_the_one_agency_and_a_client_needs_a_client_organisation(db):
    researcher, interviewer = make_user(db, "researcher"), make_user(db, "interviewer")
    agency = organisations.agency(db)
    assert researcher.organisation is agency and interviewer.organisation is agency
    assert agency.kind == "agency" and agency.name == organisations.AGENCY_NAME
    acme = client_company(db, "Acme")
    with pytest.raises(CatiError) as needed:
        make_user(db, "client", organisation=None)
    with pytest.raises(CatiError) as agency_only:
        make_user(db, "supervisor", organisation=acme)
    with pytest.raises(CatiError) as client_only:
        make_user(db, "client", organisation=agency)
    assert needed.value.code == ErrorCode.ORGANISATION_NEEDED
    assert agency_only.value.code == ErrorCode.ORGANISATION_AGENCY_ONLY
    assert "supervisor belongs to the agency, not to the client organisation Acme" in str(
        agency_only.value
    )
    assert client_only.value.code == ErrorCode.ORGANISATION_CLIENT_ONLY
    assert make_user(db, "client", organisation=acme).organisation is acme
    assert db.scalars(select(Organisation.name).order_by(Organisation.id)).all() == [
        "Agency",
        "Acme",
    ]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", ErrorCode.ORGANISATION_NAME_INVALID),
        ("   ", ErrorCode.ORGANISATION_NAME_INVALID),
        ("Acme\x00", ErrorCode.ORGANISATION_NAME_INVALID),
        ("x" * 201, ErrorCode.ORGANISATION_NAME_INVALID),
        ("ACME", ErrorCode.ORGANISATION_EXISTS),
        ("  acme ", ErrorCode.ORGANISATION_EXISTS),
    ],
)
def test_a_bad_or_taken_name_is_refused_and_nothing_is_created(db, name, code):
    client_company(db, "Acme")
    with pytest.raises(CatiError) as refused:
        organisations.create_client_organisation(db, name)
    assert refused.value.code == code
    clients = select(Organisation.name).where(Organisation.kind == "client")
    assert db.scalars(clients).all() == ["Acme"]


def test_names_are_tidied_and_renaming_is_audited(db):
    made = organisations.create_client_organisation(db, "  Boreal\t Seguros ", actor="cli")
    assert made.name == "Boreal Seguros"
    organisations.rename(db, organisations.agency(db), "Encuestas del Sur", actor="cli")
    organisations.rename(db, made, "boreal seguros", actor="cli")  # its own name, recased
    with pytest.raises(CatiError) as taken:
        organisations.rename(db, made, "encuestas del sur")
    assert taken.value.code == ErrorCode.ORGANISATION_EXISTS
    assert organisations.get_organisation(db, "ENCUESTAS DEL SUR").kind == "agency"
    assert _trail(db, "organisation.rename") == [
        {"old": "Agency", "new": "Encuestas del Sur"},
        {"old": "Boreal Seguros", "new": "boreal seguros"},
    ]


def test_a_client_of_another_company_is_refused_audited_and_nothing_changes(db):
    acme, boreal = client_company(db, "Acme"), client_company(db, "Boreal")
    project = make_project(db, code="ACME1", client_organisation=acme)
    theirs = make_user(db, "client", username="bea", organisation=boreal)
    researcher = make_user(db, "researcher")
    with pytest.raises(CatiError) as refused:
        projects.assign(db, project, theirs, by=researcher)
    assert refused.value.code == ErrorCode.MEMBER_OTHER_ORGANISATION
    assert str(refused.value) == (
        "E1156: bea belongs to Boreal, not to the client organisation of project ACME1: "
        "nobody of another company may be given the project."
    )
    assert not projects.is_member(db, project, theirs)
    (entry,) = db.scalars(select(AuditEntry).where(AuditEntry.action == "project.assign_refused"))
    assert (entry.actor, entry.object_id) == (researcher.username, str(project.id))
    assert entry.details == {"username": "bea", "organisation": "Boreal"}
    projects.assign(db, project, make_user(db, "client", organisation=acme))
    projects.assign(db, project, make_user(db, "interviewer"))  # staff: any project


def test_a_project_without_a_client_organisation_takes_no_client(db):
    project = make_project(db, code="NOCLIENT")
    with pytest.raises(CatiError) as refused:
        projects.assign(db, project, make_user(db, "client", username="carla"))
    assert refused.value.code == ErrorCode.PROJECT_NO_CLIENT_ORGANISATION
    assert "set it in the project's settings" in str(refused.value)
    with pytest.raises(CatiError) as agency:
        projects.create_project(db, "X1", "X", client_organisation=organisations.agency(db))
    assert agency.value.code == ErrorCode.ORGANISATION_CLIENT_ONLY


def test_one_project_of_another_company_refuses_the_whole_list(db):
    acme, boreal = client_company(db, "Acme"), client_company(db, "Boreal")
    ours = make_project(db, client_organisation=acme)
    kept = make_project(db, client_organisation=acme)
    theirs = make_project(db, client_organisation=boreal)
    user = make_user(db, "client", organisation=acme)
    projects.assign(db, kept, user)
    with pytest.raises(CatiError):
        projects.set_projects(db, user, [ours, theirs])
    db.expire_all()
    assert set(db.scalars(select(ProjectMember.project_id))) == {kept.id}


def test_another_client_organisation_takes_the_old_ones_clients_off(db):
    acme, boreal = client_company(db, "Acme"), client_company(db, "Boreal")
    project = make_project(db, client_organisation=acme)
    old = make_user(db, "client", username="ana", organisation=acme)
    interviewer = make_user(db, "interviewer")
    for user in (old, interviewer):
        projects.assign(db, project, user)
    assert projects.set_client_organisation(db, project, boreal, actor="cli") == ["ana"]
    assert projects.set_client_organisation(db, project, boreal) == []  # no change
    assert not projects.is_member(db, project, old)
    assert projects.is_member(db, project, interviewer)
    assert _trail(db, "project.client_organisation") == [
        {"old": "Acme", "new": "Boreal", "taken_off": ["ana"]}
    ]
    assert projects.set_client_organisation(db, project, None) == []
    assert project.client_organisation is None


def test_a_client_moved_to_another_company_leaves_the_old_ones_projects(db):
    acme, boreal = client_company(db, "Acme"), client_company(db, "Boreal")
    acme_study = make_project(db, code="A1", client_organisation=acme)
    boreal_study = make_project(db, code="B1", client_organisation=boreal)
    user = make_user(db, "client", organisation=acme)
    projects.assign(db, acme_study, user)
    assert projects.move_user(db, user, boreal, actor="cli") == ["A1"]
    assert projects.projects_of(db, user) == []
    projects.assign(db, boreal_study, user)
    assert _trail(db, "user.organisation") == [
        {"old": "Acme", "new": "Boreal", "projects_left": ["A1"]}
    ]
    with pytest.raises(CatiError) as staff:
        projects.move_user(db, make_user(db, "supervisor"), boreal)
    assert staff.value.code == ErrorCode.ORGANISATION_AGENCY_ONLY


def test_the_agency_comes_back_in_a_database_emptied_of_it(db):
    """Migration 0021 creates it; a database emptied since (as the tests' are) gets it back."""
    db.execute(delete(Organisation))
    db.commit()
    first = organisations.agency(db)
    assert organisations.agency(db) is first
    assert db.scalars(select(Organisation.kind)).all() == ["agency"]
