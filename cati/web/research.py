"""The researcher's console: projects, questionnaires, samples, quotas, weighting and exports."""

from __future__ import annotations

from flask import Blueprint, render_template

from cati.models import Role
from cati.web.access import restrict_to

bp = Blueprint("research", __name__, url_prefix="/research")
restrict_to(bp, Role.RESEARCHER)


@bp.route("/")
def index() -> str:
    return render_template("research/index.html")
