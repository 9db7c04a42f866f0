"""The client's view: progress and the files released to them."""

from __future__ import annotations

from flask import Blueprint, render_template

from cati.models import Role
from cati.web.access import restrict_to

bp = Blueprint("client", __name__, url_prefix="/client")
restrict_to(bp, Role.CLIENT)


@bp.route("/")
def index() -> str:
    return render_template("client/index.html")
