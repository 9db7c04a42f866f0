"""The supervisor's console: live monitor, cases and quality flags."""

from __future__ import annotations

from flask import Blueprint, render_template

from cati.models import Role
from cati.web.access import restrict_to

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")
restrict_to(bp, Role.SUPERVISOR)


@bp.route("/")
def index() -> str:
    return render_template("supervisor/index.html")
