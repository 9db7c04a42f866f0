"""Who may see which page: each audience's pages require its role; any other role gets 403."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort
from flask_login import current_user, login_required

from cati import db, organisations
from cati.errors import CatiError
from cati.fieldwork import projects
from cati.models import Project, Role, User
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
    """The project with this code if the current user works on it: else 404 or 403. A
    client must also belong to its client organisation (kept so by cati.organisations'
    rules; checked again here, where a slip would show a study to another company)."""
    session = db.session()
    try:
        project = projects.get_project(session, code)
    except CatiError:
        abort(404)
    user = me()
    if not projects.is_member(session, project, user):
        abort(403)
    if user.role == Role.CLIENT and not organisations.may_join(user, project):
        abort(403)
    return project


def chosen_user(user_id: int | None) -> User | None:
    """The user a select field names, or None when a hand-made POST named none or a number
    no id can be (SQLAlchemy deprecates looking up None; the driver overflows past MAX_ID)."""
    if user_id is None or not 0 < user_id <= db.MAX_ID:
        return None
    return db.session().get(User, user_id)
