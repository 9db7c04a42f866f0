"""The code after the password, and enrolment: at log-in (when required) or from the
account page. Enrolment shows the secret as text and as an otpauth:// URI (no QR library is
installed) and turns two-factor on only once a code from the app is right."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from cati import db, totp, two_factor
from cati.errors import CatiError
from cati.models import User
from cati.web.auth.blueprint import bp
from cati.web.auth.forms import CodeForm
from cati.web.auth.login_state import count_wrong_code, finish_login, pending_user
from cati.web.clock import now as clock_now
from cati.web.common import me

ISSUER = "cati"
_SECRET_KEY = "enrol_secret"


@bp.route("/login/code", methods=["GET", "POST"])
def code() -> Response | tuple[str, int]:
    user = pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            address = request.remote_addr or "unknown"
            two_factor.verify(db.session(), user, form.code.data, clock_now(), address)
        except CatiError as exc:
            count_wrong_code()
            form.code.errors = [exc.translated(gettext)]
            status = 401
        else:
            return finish_login(user)
    return render_template("account/code.html", form=form), status


def _enrol(user: User, done: str, *, log_in: bool = False) -> Response | tuple[str, int]:
    """The enrolment page for ``user``; after a right code, the recovery codes, shown once
    (and, at log-in, the user is logged in under them)."""
    secret = session.setdefault(_SECRET_KEY, totp.new_secret())
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = two_factor.enrol(db.session(), user, secret, form.code.data, clock_now())
        except CatiError as exc:
            form.code.errors = [exc.translated(gettext)]
            status = 400
        else:
            session.pop(_SECRET_KEY)
            if log_in:
                finish_login(user)
            return render_template("account/recovery_codes.html", codes=codes, done=done), 200
    uri = totp.otpauth_uri(secret, user.username, ISSUER)
    page = render_template("account/enrol.html", form=form, secret=secret, uri=uri)
    return page, status


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol_at_login() -> Response | tuple[str, int]:
    user = pending_user()
    if user is None or two_factor.next_step(db.session(), user) != "enrol":
        return redirect(url_for("auth.login"))
    return _enrol(user, url_for("auth.index"), log_in=True)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def enrol() -> Response | tuple[str, int]:
    return _enrol(me(), url_for("auth.account"))
