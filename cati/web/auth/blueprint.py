"""The pages anyone may open, logged in or not."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
