"""The respondent's pages: no log-in, the link's token is the key."""

from flask import Blueprint

bp = Blueprint("respondent", __name__, url_prefix="/r")
