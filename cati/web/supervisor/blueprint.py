"""The supervisor's pages: every one of them needs the supervisor role."""

from flask import Blueprint

from cati.models import Role
from cati.web.access import restrict_to

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")
restrict_to(bp, Role.SUPERVISOR)
