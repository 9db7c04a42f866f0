"""The questionnaire designer: the page, and its draft as JSON, saved as the researcher types.

The page's script (static/designer.js) edits the draft document in the browser and posts it
here a moment after each change, naming the revision it started from. A save from an older
revision is refused with 409 and the stored version (someone else saved in between), so the
page can show both; every save is answered with the draft's problems, placed by path.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, render_template, request, url_for
from flask_babel import get_locale, gettext

from cati import db, questionnaire_drafts
from cati.errors import CatiError, ErrorCode
from cati.models import Project, QuestionnaireDraft
from cati.problems import Problem
from cati.questionnaire_drafts import DraftConflict
from cati.web.access import member_project
from cati.web.clock import now
from cati.web.common import me
from cati.web.research.blueprint import bp
from cati.web.research.designer_fields import designer_spec
from cati.web.research.forms import TextsForm


def _json(payload: dict[str, Any], status: int = 200) -> tuple[Response, int]:
    """JSON with the document's keys in their own order (jsonify would sort them, and the
    order of texts and sample variables is the researcher's)."""
    return Response(json.dumps(payload, ensure_ascii=False), mimetype="application/json"), status


def problem_json(found: Problem) -> dict[str, Any]:
    """A problem for the page: its path (where the page shows it), its message in the
    user's language, and its code and severity."""
    return {
        "path": found.place.path,
        "code": found.code,
        "severity": found.severity,
        "message": gettext(found.template) % dict(found.params),
    }


def draft_json(draft: QuestionnaireDraft, checked: questionnaire_drafts.Checked) -> dict[str, Any]:
    who = draft.updated_by
    return {
        "revision": draft.revision,
        "document": questionnaire_drafts.document(draft),
        "updated_by": (who.full_name or who.username) if who is not None else "",
        "updated_at": draft.updated_at.isoformat(),
        "problems": [problem_json(p) for p in checked.problems],
    }


def open_draft(project: Project) -> QuestionnaireDraft:
    return questionnaire_drafts.open_draft(db.session(), project, me(), str(get_locale()))


def designer_page(
    project: Project, status: int = 200, problems: list[str] | None = None, **forms: Any
) -> tuple[str, int]:
    """The designer, with ``problems`` above it (of a workbook of texts refused)."""
    return render_template(
        "research/designer.html",
        project=project,
        draft_url=url_for("research.designer_draft", code=project.code),
        spec=designer_spec(),
        texts_form=forms.get("texts") or TextsForm(),
        problems=problems or [],
    ), status


@bp.route("/<code>/designer")
def designer(code: str) -> tuple[str, int]:
    project = member_project(code)
    open_draft(project)
    return designer_page(project)


@bp.route("/<code>/designer/draft")
def designer_draft(code: str) -> tuple[Response, int]:
    draft = open_draft(member_project(code))
    checked = questionnaire_drafts.check(questionnaire_drafts.document(draft))
    return _json(draft_json(draft, checked))


def _refuse(status: int, error: CatiError) -> tuple[Response, int]:
    return _json({"error": error.problem.translated(gettext)}, status)


def _no_constant(text: str) -> None:
    raise ValueError(f"{text} is not a number JSON allows")


@bp.route("/<code>/designer/draft", methods=["POST"])
def designer_save(code: str) -> tuple[Response, int]:
    """Save ``{"document": {...}, "revision": n}``: 200 with the new revision and the
    problems, 409 with the stored draft and a diff when revision n is not the stored one,
    400 when the body is not such a document (nothing saved)."""
    project = member_project(code)
    try:
        body = json.loads(request.get_data(as_text=True), parse_constant=_no_constant)
        data, revision = body["document"], body["revision"]
        if type(revision) is not int:
            raise TypeError("revision")
    except (ValueError, KeyError, TypeError):
        return _refuse(400, CatiError(ErrorCode.DRAFT_INVALID))
    session = db.session()
    try:
        draft = questionnaire_drafts.save(session, project, data, revision, me(), now())
    except DraftConflict as conflict:
        return _conflict(conflict, data)
    except CatiError as exc:
        return _refuse(400, exc)
    checked = questionnaire_drafts.check(data)
    return _json(
        {
            "revision": draft.revision,
            "updated_at": draft.updated_at.isoformat(),
            "problems": [problem_json(p) for p in checked.problems],
        }
    )


def _conflict(conflict: DraftConflict, mine: Any) -> tuple[Response, int]:
    current = conflict.current
    theirs = questionnaire_drafts.document(current)
    checked = questionnaire_drafts.check(theirs)
    answer = draft_json(current, checked)
    answer["error"] = conflict.translated(gettext)
    answer["diff"] = questionnaire_drafts.yaml_diff(
        questionnaire_drafts.check(mine).yaml,
        checked.yaml,
        gettext("your version"),
        gettext("revision %(n)s", n=current.revision),
    )
    return _json(answer, 409)
