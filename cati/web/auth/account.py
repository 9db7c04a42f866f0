"""A user's own account: change the password, see and renew the second factor."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from cati import accounts, db, two_factor
from cati.errors import CatiError, ErrorCode
from cati.web.auth.blueprint import bp
from cati.web.auth.forms import OwnPasswordForm
from cati.web.common import me


def _page(form: OwnPasswordForm, status: int = 200) -> tuple[str, int]:
    s, user = db.session(), me()
    enrolled = two_factor.is_enrolled(s, user)
    return render_template(
        "account/account.html",
        form=form,
        enrolled=enrolled,
        recovery_left=two_factor.remaining_recovery_codes(s, user) if enrolled else 0,
    ), status


@bp.route("/account")
@login_required
def account() -> tuple[str, int]:
    return _page(OwnPasswordForm(formdata=None))


@bp.route("/account/password", methods=["POST"])
@login_required
def own_password() -> Response | tuple[str, int]:
    form = OwnPasswordForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        accounts.change_own_password(
            db.session(),
            me(),
            form.current.data,
            form.password.data,
            hash_method=current_app.config["CATI_SETTINGS"].password_hash_method,
            keep_session=g.user_session.id,
        )
    except CatiError as exc:
        db.session().rollback()
        field = form.current if exc.code is ErrorCode.PASSWORD_WRONG else form.password
        field.errors = [exc.translated(gettext)]
        return _page(form, 400)
    flash(gettext("Your password has been changed."), "ok")
    return redirect(url_for("auth.account"))
