"""Web links in the browser: the mail-merge CSV, and the links sent by e-mail (invitations,
then reminders to those who have not completed) through the server the admin configured."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from cati import db
from cati.errors import CatiError
from cati.fieldwork import invitations, weblinks
from cati.web.access import member_project
from cati.web.common import ActionForm, mailer, me
from cati.web.research.blueprint import bp
from cati.web.research.forms import InvitationForm
from cati.web.research.project_page import project_page


def public_url() -> str:
    """Where respondents reach the server: CATI_PUBLIC_URL, else the address in use."""
    return current_app.config["CATI_SETTINGS"].public_url or request.host_url


@bp.route("/<code>/web-links.csv", methods=["POST"])
def web_links(code: str) -> BaseResponse:
    """A POST, since it gives the cases their tokens (audited)."""
    project = member_project(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    links = weblinks.issue_links(db.session(), project, by=me())
    return Response(
        weblinks.links_csv(links, public_url()),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={project.code}-web-links.csv"},
    )


@bp.route("/<code>/web-links/send", methods=["POST"])
def send_links(code: str) -> BaseResponse | tuple[str, int]:
    project = member_project(code)
    form = InvitationForm()
    if not form.validate_on_submit():
        return project_page(project, 400, invitation=form)
    reminder = "remind" in request.form
    try:
        result = invitations.send_links(
            db.session(),
            project,
            mailer(),
            base_url=public_url(),
            subject=form.subject.data.strip(),
            body=form.body.data,
            reminder=reminder,
            by=me(),
        )
    except CatiError as exc:
        form.body.errors = [exc.translated(gettext)]
        return project_page(project, 400, invitation=form)
    if reminder:
        message = gettext("Reminders sent to %(n)s respondents not yet completed.", n=result.sent)
    else:
        message = gettext("Web links sent by e-mail to %(n)s respondents.", n=result.sent)
    flash(message, "ok")
    if result.without_address:
        flash(
            gettext(
                "%(n)s unfinished cases have no e-mail address (a sample variable named "
                "email): download the CSV for them.",
                n=result.without_address,
            ),
            "ok",
        )
    return redirect(url_for("research.project", code=code) + "#web-links")
