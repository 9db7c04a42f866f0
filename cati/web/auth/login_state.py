"""A log-in between the password and the code, and the end of every log-in.

After a right password the session holds only the user's id, when and how many codes were
tried; nobody is logged in until the code is right, and the pending state lapses.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import redirect, session, url_for
from werkzeug.wrappers import Response

from cati import db
from cati.fieldwork import presence
from cati.models import Role, User
from cati.web.access import home_endpoint
from cati.web.auth import sessions
from cati.web.clock import now as clock_now

PENDING_FOR = timedelta(minutes=5)
MAX_CODE_TRIES = 5
_KEY = "pending_login"


def start_pending(user: User) -> None:
    locale = session.get("locale")
    session.clear()  # a fresh session on log-in: no fixation
    if locale:
        session["locale"] = locale
    session[_KEY] = {"user": user.id, "at": clock_now().isoformat(), "tries": 0}


def pending_user() -> User | None:
    """The user whose password was right a moment ago, unless too long or too many tries ago."""
    pending = session.get(_KEY)
    if not pending:
        return None
    lapsed = clock_now() - datetime.fromisoformat(pending["at"]) > PENDING_FOR
    if lapsed or pending["tries"] >= MAX_CODE_TRIES:
        session.pop(_KEY)
        return None
    user = db.session().get(User, pending["user"])
    return user if user is not None and user.active else None


def count_wrong_code() -> None:
    session[_KEY] = {**session[_KEY], "tries": session[_KEY]["tries"] + 1}


def finish_login(user: User) -> Response:
    locale = session.get("locale")
    session.clear()  # a fresh session on log-in: no fixation
    sessions.start(user)
    if user.role == Role.INTERVIEWER:
        presence.set_status(db.session(), user, "available", clock_now())
        db.session().commit()
    if locale and not user.locale:
        session["locale"] = locale
    return redirect(url_for(home_endpoint(user.role)))
