"""Who may see which page: each audience's pages require its role; any other role gets 403."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort
from flask_login import current_user, login_required
from sqlalchemy import select

from cati import db
from cati.fieldwork import project_cache
from cati.models import Project, ProjectMember, Role, User
from cati.web.common import me

# The page each role lands on after logging in.
ROLE_HOME = {
    Role.ADMIN: "admin.index",
    Role.RESEARCHER: "research.index",
    Role.SUPERVISOR: "supervisor.index",
    Role.INTERVIEWER: "interviewer.index",
    Role.CLIENT: "client.index",
}


def restrict_to(bp: Blueprint, *roles: Role) -> None:
    """Require a logged-in user with one of ``roles`` for every view of ``bp``."""
    allowed = {r.value for r in roles}

    @bp.before_request
    @login_required
    def _check_role() -> Any:
        if current_user.role not in allowed:
            abort(403)
        return None


def home_endpoint(role: str) -> str:
    return ROLE_HOME[Role(role)]


def member_project(code: str) -> Project:
    """The project with this code if the current user works on it: else 404 or 403. One
    statement reads the project's revision and the membership; the project itself comes
    from this process's copy while the revision holds (``project_cache``). A client must
    also belong to its client organisation (kept so by cati.organisations' rules; checked
    again here, where a slip would show a study to another company)."""
    session = db.session()
    row = session.execute(
        select(Project.id, Project.revision, ProjectMember)
        .outerjoin(
            ProjectMember,
            (ProjectMember.project_id == Project.id) & (ProjectMember.user_id == me().id),
        )
        .where(Project.code == code)
    ).first()
    if row is None:
        abort(404)
    project_id, revision, member = row
    if member is None:
        abort(403)
    db.keep(session, member)  # projects.is_member asks for it again
    project = project_cache.project(session, project_id, revision)
    user = me()
    if user.role == Role.CLIENT and (
        user.organisation_id is None or user.organisation_id != project.client_organisation_id
    ):
        abort(403)
    return project


def chosen_user(user_id: int | None) -> User | None:
    """The user a select field names, or None when a hand-made POST named none or a number
    no id can be (SQLAlchemy deprecates looking up None; the driver overflows past MAX_ID)."""
    if user_id is None or not 0 < user_id <= db.MAX_ID:
        return None
    return db.session().get(User, user_id)
