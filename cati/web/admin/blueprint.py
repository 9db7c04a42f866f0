"""The administrator's pages: every one of them needs the admin role."""

from flask import Blueprint

from cati.models import Role
from cati.web.access import restrict_to

bp = Blueprint("admin", __name__, url_prefix="/admin")
restrict_to(bp, Role.ADMIN)
