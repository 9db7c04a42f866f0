"""The mail settings as the server reads them (CATI_SMTP_*, set in its environment, so only
shown here, the password never), and a test message through them."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from cati import audit, db
from cati.errors import CatiError
from cati.fieldwork.invitations import send_test
from cati.web.admin.blueprint import bp
from cati.web.admin.forms import MailTestForm
from cati.web.common import mailer, me


def _page(form: MailTestForm, status: int = 200) -> tuple[str, int]:
    settings = current_app.config["CATI_SETTINGS"]
    return render_template("admin/mail.html", settings=settings, form=form), status


@bp.route("/mail")
def mail() -> tuple[str, int]:
    return _page(MailTestForm())


@bp.route("/mail/test", methods=["POST"])
def mail_test() -> Response | tuple[str, int]:
    form = MailTestForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    server = mailer()
    try:
        send_test(server, form.to.data)
    except CatiError as exc:
        flash(exc.translated(gettext), "error")
        return _page(form, 400)
    audit.record(db.session(), "mail.test", user=me(), to=form.to.data, server=server.server)
    db.session().commit()
    flash(
        gettext(
            "Test message sent to %(to)s through %(server)s.", to=form.to.data, server=server.server
        ),
        "ok",
    )
    return redirect(url_for("admin.mail"))
