"""Log-in, log-out and the language switch."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from cati import accounts, audit, db, two_factor
from cati.config import Settings
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import presence
from cati.models import Role
from cati.web.access import home_endpoint
from cati.web.auth import sessions
from cati.web.auth.blueprint import bp
from cati.web.auth.forms import LanguageForm, LoginForm, LogoutForm
from cati.web.auth.login_state import finish_login, start_pending
from cati.web.clock import now as clock_now
from cati.web.common import LOCALE_NAMES, me


@bp.app_context_processor
def _forms() -> dict:
    # Shown on every page, never filled from this request: reading its body here would fail
    # again on the page that says the body was too large.
    return {
        "logout_form": LogoutForm(formdata=None),
        "language_form": LanguageForm(formdata=None),
        "locales": LOCALE_NAMES,
    }


@bp.route("/")
def index() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.role)))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.role)))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        settings: Settings = current_app.config["CATI_SETTINGS"]
        try:
            user = accounts.authenticate(
                db.session(),
                form.username.data.strip(),
                form.password.data,
                request.remote_addr or "unknown",
                settings,
                now=clock_now(),
            )
        except CatiError as exc:
            form.password.errors = [exc.translated(gettext)]
            status = 429 if exc.code is ErrorCode.LOGIN_THROTTLED else 401
        else:
            step = two_factor.next_step(db.session(), user)
            if step is None:
                return finish_login(user)
            start_pending(user)
            return redirect(url_for("auth.code" if step == "verify" else "auth.enrol_at_login"))
    elif request.method == "POST":
        status = 400
    return render_template("login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    if LogoutForm().validate_on_submit() and current_user.is_authenticated:
        s = db.session()
        user = me()
        audit.record(s, "logout", user=user)
        if user.role == Role.INTERVIEWER:
            presence.set_status(s, user, "offline", clock_now())
        s.commit()
        locale = current_user.locale or session.get("locale")
        sessions.finish()
        session.clear()
        if locale:
            session["locale"] = locale  # the log-in page stays in the language just used
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit() and form.locale.data in Settings.LOCALES:
        if current_user.is_authenticated:
            accounts.set_locale(db.session(), me(), form.locale.data)
        else:
            session["locale"] = form.locale.data
    target = request.referrer or ""
    if not target.startswith(request.host_url):
        target = url_for("auth.index")
    return redirect(target)
