"""The client's pages: every one of them needs the client role."""

from flask import Blueprint

from cati.models import Role
from cati.web.access import restrict_to

bp = Blueprint("client", __name__, url_prefix="/client")
restrict_to(bp, Role.CLIENT)
