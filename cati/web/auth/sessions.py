"""Log-in sessions in the browser: opening one at log-in, ending it at log-out, and the
"Your sessions" page where a user sees where they are logged in and ends any session."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from cati import db, user_sessions
from cati.config import Settings
from cati.models import User
from cati.web.auth.blueprint import bp
from cati.web.auth.forms import EndSessionForm
from cati.web.clock import now as clock_now
from cati.web.common import me

# The Flask session key holding the cookie value of the user's database session.
SESSION_KEY = "cati_session"


def load_user(user_id: str) -> User | None:
    """The user of the request's open database session; no open session, no user."""
    cookie = session.get(SESSION_KEY)
    if not isinstance(cookie, str):
        return None
    settings: Settings = current_app.config["CATI_SETTINGS"]
    row = user_sessions.current(db.session(), cookie, settings, clock_now())
    if row is None or str(row.user_id) != user_id:
        return None
    g.user_session = row
    return row.user


def start(user: User) -> None:
    """Log ``user`` in with a new database session (the caller has cleared the old one)."""
    s = db.session()
    session[SESSION_KEY] = user_sessions.open_session(
        s,
        user,
        user_agent=request.user_agent.string,
        address=request.remote_addr or "",
        now=clock_now(),
    )
    s.commit()
    login_user(user)


def finish() -> None:
    """End the request's database session and log out (the caller commits its own work)."""
    row = g.get("user_session")
    if row is not None:
        user_sessions.end_session(db.session(), me(), row.id, "logout", clock_now(), by=me())
    logout_user()


@bp.route("/account/sessions")
@login_required
def sessions() -> str:
    s, settings = db.session(), current_app.config["CATI_SETTINGS"]
    return render_template(
        "account_sessions.html",
        rows=user_sessions.open_sessions(s, me()),
        ended=user_sessions.recently_ended(s, me(), settings, clock_now()),
        retention_days=settings.session_retention_days,
        this=g.user_session.id,
        form=EndSessionForm(formdata=None),
    )


@bp.route("/account/sessions/<sid>/end", methods=["POST"])
@login_required
def end_session(sid: str) -> Response:
    if not EndSessionForm().validate_on_submit():
        abort(400)
    if sid == g.user_session.id:
        finish()
        session.clear()
        return redirect(url_for("auth.login"))
    if user_sessions.end_session(db.session(), me(), sid, "ended by user", clock_now(), by=me()):
        flash(gettext("The session was ended; that browser must log in again."), "ok")
    return redirect(url_for("auth.sessions"))
