"""The draft's texts for a translator: downloaded as a workbook (a row per text, a column
per language), and read back in as the draft's next revision, all or nothing."""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from cati import db, questionnaire_drafts
from cati.errors import CatiError
from cati.questionnaire_drafts import DraftConflict
from cati.web.access import member_project
from cati.web.clock import now
from cati.web.common import me, problem_texts
from cati.web.research.blueprint import bp
from cati.web.research.designer import designer_page, open_draft
from cati.web.research.forms import TextsForm
from questionnaires import QuestionnaireError
from questionnaires.text_sheet import export_texts, import_texts


@bp.route("/<code>/designer/texts.xlsx")
def designer_texts(code: str) -> Response:
    """The draft's texts, one row each, a column per language, for a translator."""
    project = member_project(code)
    document = questionnaire_drafts.document(open_draft(project))
    return Response(
        export_texts(document),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={project.code}-texts.xlsx"},
    )


@bp.route("/<code>/designer/texts", methods=["POST"])
def designer_texts_import(code: str) -> BaseResponse | tuple[str, int]:
    """The translated workbook into the draft, as its next revision; all or nothing."""
    project = member_project(code)
    form = TextsForm()
    if not form.validate_on_submit():
        return designer_page(project, 400, texts=form)
    draft = open_draft(project)
    upload = form.file.data
    try:
        document, changed = import_texts(
            questionnaire_drafts.document(draft), upload.read(), upload.filename or "texts.xlsx"
        )
        questionnaire_drafts.save(db.session(), project, document, draft.revision, me(), now())
    except (QuestionnaireError, CatiError) as exc:
        return designer_page(project, 400, problem_texts(exc.problems))
    except DraftConflict:
        return designer_page(
            project,
            409,
            [gettext("The draft was saved by someone else meanwhile; import the workbook again.")],
        )
    flash(gettext("%(n)s texts changed by the workbook.", n=changed), "ok")
    return redirect(url_for("research.designer", code=code))
