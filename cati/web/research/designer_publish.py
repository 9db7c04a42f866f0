"""Publishing the designer's draft as a new questionnaire version, and every version of the
project downloaded as YAML or as XLSForm.

The page shows, before anything is stored, what the new version changes from the pinned
one (the same comparison pinning mid-field shows, with the changes that would be refused)
and the difference of the two YAML texts. Publishing stores the version and pins it.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response as BaseResponse

from cati import db, questionnaire_drafts, questionnaire_store
from cati.errors import CatiError
from cati.models import Project, QuestionnaireVersion
from cati.questionnaire_drafts import DraftConflict
from cati.questionnaire_store import questionnaire_of
from cati.web.access import member_project
from cati.web.common import me, problem_texts
from cati.web.research.blueprint import bp
from cati.web.research.designer import open_draft
from cati.web.research.forms import PublishForm
from questionnaires.xlsform_writer import write_xlsform

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _publish_page(
    project: Project,
    form: PublishForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    session = db.session()
    draft = open_draft(project)
    data = questionnaire_drafts.document(draft)
    checked = questionnaire_drafts.check(data)
    pinned = session.get(QuestionnaireVersion, project.questionnaire_version_id or -1)
    context: dict = {"changes": [], "refused": [], "diff": "", "in_field": False}
    if checked.questionnaire is not None and not checked.errors:
        new = checked.questionnaire
        found, in_field = questionnaire_store.changes_to(session, project, new, None)
        context.update(
            changes=problem_texts([p for p in found if p.severity != "error"]),
            refused=problem_texts([p for p in found if p.severity == "error"]),
            in_field=in_field,
        )
        if pinned is not None:
            context["diff"] = questionnaire_drafts.yaml_diff(
                questionnaire_drafts.published_yaml(questionnaire_of(pinned)),
                questionnaire_drafts.published_yaml(new),
                f"{pinned.questionnaire_id} {pinned.version}",
                gettext("draft, revision %(n)s", n=draft.revision),
            )
    if form is None:
        form = PublishForm(
            formdata=None,
            version=questionnaire_drafts.proposed_version(session, data),
            revision=draft.revision,
        )
    return render_template(
        "research/designer_publish.html",
        project=project,
        form=form,
        errors=problem_texts(checked.errors),
        problems=problems or [],
        pinned=pinned,
        versions=versions_with_notes(project),
        **context,
    ), status


def versions_with_notes(project: Project) -> list[tuple[QuestionnaireVersion, list[str]]]:
    """The project's versions, each with what its XLSForm leaves out."""
    return [
        (version, problem_texts(write_xlsform(questionnaire_of(version))[1]))
        for version in questionnaire_store.project_versions(db.session(), project)
    ]


@bp.route("/<code>/designer/publish", methods=["GET", "POST"])
def designer_publish(code: str) -> BaseResponse | tuple[str, int]:
    project = member_project(code)
    form = PublishForm()
    if not form.is_submitted():
        return _publish_page(project)
    if not form.validate():
        return _publish_page(project, form, status=400)
    session = db.session()
    try:
        version = questionnaire_drafts.publish(
            session, project, form.version.data.strip(), form.revision.data, me()
        )
    except DraftConflict:
        notice = gettext(
            "The draft changed since this page showed its changes: look at them again."
        )
        return _publish_page(project, problems=[notice], status=409)
    except CatiError as exc:
        session.rollback()
        return _publish_page(project, form, problem_texts(exc.problems), 400)
    flash(
        gettext(
            "Published %(id)s version %(version)s and pinned it to the project.",
            id=version.questionnaire_id,
            version=version.version,
        ),
        "ok",
    )
    return redirect(url_for("research.project", code=code))


def _version(project: Project, version_id: int) -> QuestionnaireVersion:
    """One of the project's versions (another project's is not found here)."""
    for version in questionnaire_store.project_versions(db.session(), project):
        if version.id == version_id:
            return version
    abort(404)


@bp.route("/<code>/questionnaire/versions/<int:version_id>.yaml")
def questionnaire_yaml(code: str, version_id: int) -> Response:
    """The version as YAML: as uploaded when it was YAML, else written from it."""
    project = member_project(code)
    version = _version(project, version_id)
    if version.source_name.lower().endswith((".yaml", ".yml")):
        source = version.source
    else:
        source = questionnaire_drafts.published_yaml(questionnaire_of(version)).encode()
    name = secure_filename(f"{version.questionnaire_id}-{version.version}.yaml")
    return Response(
        source,
        mimetype="application/yaml",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.route("/<code>/questionnaire/versions/<int:version_id>.xlsx")
def questionnaire_xlsform(code: str, version_id: int) -> Response:
    """The version as an XLSForm: as uploaded when it was one, else written from it."""
    project = member_project(code)
    version = _version(project, version_id)
    if version.source_name.lower().endswith(".xlsx"):
        source = version.source
    else:
        source = write_xlsform(questionnaire_of(version))[0]
    name = secure_filename(f"{version.questionnaire_id}-{version.version}.xlsx")
    return Response(
        source, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"}
    )
