"""The administrator's list of log-in locks and delays, and lifting one (audited)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length, Regexp

from cati import db, login_throttle
from cati.web.admin.blueprint import bp
from cati.web.clock import now as clock_now
from cati.web.common import me

# Any name a log-in was tried with can be listed, so only what no stored one has is refused
# (a NUL byte, which PostgreSQL would not even compare).
_STORABLE = [DataRequired(), Length(max=64), Regexp(r"^[^\x00]*$")]


class LiftForm(FlaskForm):
    username = HiddenField(validators=_STORABLE)
    address = HiddenField(validators=_STORABLE)


def _page(status: int = 200) -> tuple[str, int]:
    settings = current_app.config["CATI_SETTINGS"]
    locks = login_throttle.locks(db.session(), settings, clock_now())
    return render_template(
        "admin/logins.html",
        locks=locks,
        forms=[LiftForm(formdata=None, username=k.username, address=k.address) for k in locks],
        unknown_names=login_throttle.UNKNOWN_NAMES,
    ), status


@bp.route("/logins")
def logins() -> tuple[str, int]:
    return _page()


@bp.route("/logins/lift", methods=["POST"])
def lift_login() -> Response | tuple[str, int]:
    form = LiftForm()
    if not form.validate_on_submit():
        flash(gettext("That lock could not be read; nothing was changed."), "error")
        return _page(400)
    forgotten = login_throttle.lift(db.session(), form.username.data, form.address.data, by=me())
    if forgotten:
        flash(
            gettext(
                "Lifted: %(name)s can try again from %(address)s.",
                name=form.username.data,
                address=form.address.data,
            ),
            "ok",
        )
    else:
        flash(gettext("That lock had already ended."), "ok")
    return redirect(url_for("admin.logins"))
