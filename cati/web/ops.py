"""Endpoints for the machines that run cati: the load balancer's health check.

No log-in, no personal data, no CSRF (GET only); one trivial query with a short timeout, so
that a stuck database shows as unhealthy instead of hanging the check.
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from cati import db

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)
TIMEOUT_MS = 2000


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        with db.engine().connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {TIMEOUT_MS}")
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("health check: %s", str(exc).splitlines()[0])
        # The answer names the class only: the message may carry the server's address.
        reason = f"database unreachable ({type(exc).__name__})"
        return jsonify(status="error", database="error", reason=reason), 503
    return jsonify(status="ok", database="ok"), 200
