"""One log line per request, and a request id that ties it to every other line.

The line holds what operations need and nothing a person typed: no query string, no form
data, no names or phone numbers, no respondent's link token; the user appears by id only.
The id is taken from a well-formed ``X-Request-ID`` (set by the proxy or the load balancer)
or made here, and is echoed in the response so that a user's report can be matched with
the log.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request
from werkzeug.wrappers import Response

log = logging.getLogger("cati.requests")
HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
QUIET_ENDPOINTS = {"ops.healthz", "static"}  # polled or cached: logged at DEBUG only


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if WELL_FORMED.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _path() -> str:
    """The path, or on the respondents' pages its pattern (``/r/<token>``): a link token
    is the respondent's key to their interview."""
    if request.blueprint == "respondent" and request.url_rule is not None:
        return request.url_rule.rule
    return request.path


def _finish(response: Response) -> Response:
    response.headers[HEADER] = g.request_id
    # The user this request ran as, when Flask-Login loaded one; reading current_user here
    # would cost a query on requests that never needed it.
    user = g.get("_login_user")
    log.log(
        logging.DEBUG if request.endpoint in QUIET_ENDPOINTS else logging.INFO,
        "%s %s %s",
        request.method,
        _path(),
        response.status_code,
        extra={
            "method": request.method,
            "path": _path(),
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
            "user_id": getattr(user, "id", None),
        },
    )
    return response


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
