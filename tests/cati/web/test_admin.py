"""The administrator's console: users, their projects, and the read-only audit log."""

import pytest
from sqlalchemy import select

from cati import accounts
from cati.fieldwork import projects
from cati.models import AuditEntry, ProjectMember, User
from tests.cati.fieldwork.conftest import make_project
from tests.conftest import TEST_PASSWORD, client_company, csrf_token, make_user, post_login


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def create(client, db, **fields):
    data = {
        "username": "carla",
        "full_name": "Carla Cliente",
        "role": "client",
        "organisation": str(client_company(db).id),
        "locale": "es",
        "time_zone": "Europe/Madrid",
        "password": "a long enough secret",
        **fields,
    }
    token = csrf_token(client, "/admin/users/new")
    return client.post("/admin/users/new", data={"csrf_token": token, **data})


def test_the_admin_creates_a_user_who_can_then_log_in(app, client, db, admin):
    response = create(client, db)
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.username == "carla"))
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert (user.role, user.locale, user.time_zone, user.full_name) == (
        "client",
        "es",
        "Europe/Madrid",
        "Carla Cliente",
    )
    entry = db.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "user.create", AuditEntry.object_id == str(user.id)
        )
    )
    assert entry.actor == admin.username
    other = app.test_client()
    assert post_login(other, "carla", "a long enough secret").status_code == 302


def test_a_user_posted_without_a_full_name_field_is_created_with_an_empty_one(client, db, admin):
    """Found by fuzzing: a POST without the full_name key called None.strip() (a 500)."""
    token = csrf_token(client, "/admin/users/new")
    data = {"username": "dora", "role": "client", "locale": "es", "time_zone": "Europe/Madrid"}
    data["organisation"] = str(client_company(db).id)
    data["password"] = "a long enough secret"
    response = client.post("/admin/users/new", data={"csrf_token": token, **data})
    assert response.status_code == 302
    assert db.scalar(select(User.full_name).where(User.username == "dora")) == ""


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"username": "a b"}, "username", "use 3 to 64 letters"),
        ({"password": "short"}, "password", "at least 12 characters"),
        ({"password": "carla-is-my-password"}, "password", "must not contain the user name"),
        ({"role": "boss"}, "role", "is not one of"),
        ({"organisation": ""}, "organisation", "A client belongs to a client organisation"),
        ({"role": "researcher"}, "organisation", "belongs to the agency, not to the client"),
    ],
)
def test_account_errors_are_shown_beside_their_field_and_nothing_is_created(
    client, db, admin, fields, field, message
):
    response = create(client, db, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    # The message follows the field's own input, inside the same block.
    block = page[page.index(f'name="{field}"') :]
    assert block.index(message) < block.index("</div>")
    assert db.scalar(select(User).where(User.username.in_(["carla", "a b"]))) is None


def test_a_taken_user_name_is_refused(client, db, admin):
    make_user(db, "client", username="carla")
    response = create(client, db)
    assert response.status_code == 400
    assert "A user named carla already exists." in response.get_data(as_text=True)


def post_user(client, user, action, data):
    token = csrf_token(client, f"/admin/users/{user.id}")
    return client.post(f"/admin/users/{user.id}/{action}", data={"csrf_token": token, **data})


def test_disabling_and_enabling_a_user_is_audited(app, client, db, admin):
    user = make_user(db, "interviewer")
    assert post_user(client, user, "active", {"active": "0"}).status_code == 302
    db.refresh(user)
    assert not user.active
    assert post_login(app.test_client(), user.username).status_code == 401
    assert post_user(client, user, "active", {"active": "1"}).status_code == 302
    db.refresh(user)
    assert user.active
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_id == str(user.id))
        .order_by(AuditEntry.id)
    ).all()
    assert actions[-2:] == ["user.disable", "user.enable"]


def test_the_admin_cannot_disable_their_own_account(client, db, admin):
    response = post_user(client, admin, "active", {"active": "0"})
    assert response.status_code == 400
    db.refresh(admin)
    assert admin.active


def test_resetting_a_password(app, client, db, admin):
    user = make_user(db, "supervisor")
    refused = post_user(client, user, "password", {"password": "x" * 12, "confirm": "y" * 12})
    assert refused.status_code == 400
    assert "The two passwords differ." in refused.get_data(as_text=True)
    short = post_user(client, user, "password", {"password": "short", "confirm": "short"})
    assert "at least 12 characters" in short.get_data(as_text=True)
    new = "a brand new secret"
    assert post_user(client, user, "password", {"password": new, "confirm": new}).status_code == 302
    assert post_login(app.test_client(), user.username, TEST_PASSWORD).status_code == 401
    assert post_login(app.test_client(), user.username, new).status_code == 302
    assert db.scalar(select(AuditEntry.actor).where(AuditEntry.action == "user.set_password")) == (
        admin.username
    )


def test_the_user_page_adds_and_removes_projects_audited(client, db, admin):
    user = make_user(db, "client")
    first, second, third = (
        make_project(db, name=n, client_organisation=user.organisation)
        for n in ("Alfa", "Beta", "Gamma")
    )
    projects.assign(db, first, user)
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert (
        f'<input checked id="projects-0" name="projects" type="checkbox" value="{first.id}">'
        in page
    )
    assert f'type="checkbox" value="{second.id}">' in page
    response = post_user(client, user, "projects", {"projects": [str(second.id), str(third.id)]})
    assert response.status_code == 302
    members = set(
        db.scalars(select(ProjectMember.project_id).where(ProjectMember.user_id == user.id))
    )
    assert members == {second.id, third.id}
    trail = db.execute(
        select(AuditEntry.action, AuditEntry.object_id, AuditEntry.actor).where(
            AuditEntry.action.in_(["project.assign", "project.unassign"]),
            AuditEntry.actor == admin.username,
        )
    ).all()
    assert sorted(trail) == sorted(
        [
            ("project.assign", str(second.id), admin.username),
            ("project.assign", str(third.id), admin.username),
            ("project.unassign", str(first.id), admin.username),
        ]
    )


def test_an_unknown_project_id_is_refused(client, db, admin):
    user = make_user(db, "client")
    assert post_user(client, user, "projects", {"projects": ["999999"]}).status_code == 400


def test_unassign_takes_the_user_off_and_is_audited_once(db):
    user = make_user(db, "interviewer")
    project = make_project(db)
    projects.assign(db, project, user)
    projects.unassign(db, project, user, actor="cli")
    projects.unassign(db, project, user, actor="cli")
    assert not projects.is_member(db, project, user)
    assert db.scalars(
        select(AuditEntry.actor).where(AuditEntry.action == "project.unassign")
    ).all() == ["cli"]


def test_the_audit_log_filters_by_user_action_and_date_and_pages(client, db, admin):
    for i in range(60):
        accounts.set_active(db, admin.username, True, actor=f"robot{i % 2}")
    everything = client.get("/admin/audit").get_data(as_text=True)
    assert "1 / 2" in everything
    robot = client.get("/admin/audit?user=robot1&action=user.enable").get_data(as_text=True)
    assert "30 entries" in robot and "robot0" not in robot
    login = client.get("/admin/audit?action=login").get_data(as_text=True)
    assert "1 entry" in login
    none = client.get("/admin/audit?since=2000-01-01&until=2000-01-31").get_data(as_text=True)
    assert "No entry matches." in none
    bad = client.get("/admin/audit?since=yesterday")
    assert bad.status_code == 200 and "Not a valid date value." in bad.get_data(as_text=True)
    older = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert "2 / 2" in older and "user.create" in older  # newest first: creation comes last


def test_the_audit_log_cannot_be_changed_from_the_browser(app):
    methods = {
        method
        for rule in app.url_map.iter_rules()
        if rule.endpoint == "admin.audit_log"
        for method in rule.methods
    }
    assert methods <= {"GET", "HEAD", "OPTIONS"}
