"""The interviewer's workstation: next case, interview, outcome."""

from __future__ import annotations

from flask import Blueprint, render_template

from cati.models import Role
from cati.web.access import restrict_to

bp = Blueprint("interviewer", __name__, url_prefix="/interviewer")
restrict_to(bp, Role.INTERVIEWER)


@bp.route("/")
def index() -> str:
    return render_template("interviewer/index.html")
