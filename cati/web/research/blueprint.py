"""The researcher's pages: every one of them needs the researcher role."""

from flask import Blueprint

from cati.models import Role
from cati.web.access import restrict_to

bp = Blueprint("research", __name__, url_prefix="/research")
restrict_to(bp, Role.RESEARCHER)
