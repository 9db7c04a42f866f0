"""The administrator's console: users and roles (projects per user arrive with the consoles)."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from cati import db
from cati.models import Role, User
from cati.web.access import restrict_to

bp = Blueprint("admin", __name__, url_prefix="/admin")
restrict_to(bp, Role.ADMIN)


@bp.route("/")
def index() -> str:
    users = db.session().scalars(select(User).order_by(User.role, User.username)).all()
    return render_template("admin/index.html", users=users)
