"""The interviewer's pages: every one of them needs the interviewer role."""

from flask import Blueprint

from cati.models import Role
from cati.web.access import restrict_to

bp = Blueprint("interviewer", __name__, url_prefix="/interviewer")
restrict_to(bp, Role.INTERVIEWER)
