"""The researcher's weighting targets: entered by variable or uploaded as CSV, then checked.

Targets with any problem are not stored: the form comes back with each problem beside its
row, a file with the list of rows and columns.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from cati import db
from cati import weighting_targets as wt
from cati.models import Project
from cati.problems import N_, Place
from cati.web.access import member_project
from cati.web.common import ActionForm, me, problem_texts
from cati.web.research.blueprint import bp
from cati.web.research.forms import TargetsFileForm

BLANK_ROWS = 3


def _rows_for(project: Project, variable: wt.WeightingVariable) -> list[tuple[str, str, str]]:
    """(category, label, target) rows to fill in: the stored ones, then the known categories."""
    stored = (project.weighting_targets or {}).get(variable.name, {})
    labels = dict(variable.categories)
    offered = list(labels) or wt.sample_categories(db.session(), project, variable)
    categories = list(stored) + [c for c in offered if c not in stored]
    rows = [(c, labels.get(c, ""), f"{stored[c]:g}" if c in stored else "") for c in categories]
    return rows + [("", "", "")] * BLANK_ROWS


def _page(
    project: Project,
    status: int = 200,
    *,
    variable: str | None = None,
    rows: list[tuple[str, str, str]] | None = None,
    row_errors: dict[int, list[str]] | None = None,
    file_form: TargetsFileForm | None = None,
    problems: list[str] | None = None,
):
    session = db.session()
    known = wt.weighting_variables(session, project)
    chosen = known.get(variable or "")
    return render_template(
        "research/weighting.html",
        project=project,
        known=known,
        targets=project.weighting_targets or {},
        chosen=chosen,
        rows=rows if rows is not None else (_rows_for(project, chosen) if chosen else []),
        row_errors=row_errors or {},
        file_form=file_form or TargetsFileForm(),
        problems=problems or [],
        check=wt.check(session, project, known),
        button=ActionForm(),
    ), status


@bp.route("/<code>/weighting")
def weighting(code: str):
    project = member_project(code)
    return _page(project, variable=request.args.get("variable"))


@bp.route("/<code>/weighting/variable", methods=["POST"])
def weighting_variable(code: str):
    """One variable's targets, one form row per category; blank rows are ignored."""
    project = member_project(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = request.form.get("variable", "")
    categories, targets = request.form.getlist("category"), request.form.getlist("target")
    entered = [
        (i, c, t)
        for i, (c, t) in enumerate(zip(categories, targets, strict=False))
        if c.strip() or t.strip()
    ]
    rows = [wt.TargetRow(name, c, t, place=Place(row=i + 1), index=i) for i, c, t in entered]
    known = wt.weighting_variables(db.session(), project)
    try:
        if not rows:
            nothing = wt.target_problem(Place(), "target", N_("give at least one target"))
            raise wt.TargetsError([nothing])
        checked = wt.check_rows(rows, known)
    except wt.TargetsError as exc:
        row_errors: dict[int, list[str]] = {}
        for problem in exc.problems:
            row_errors.setdefault(problem.params.get("index", 0), []).append(
                problem.translated(gettext)
            )
        if name not in known:  # no rows to show the problem beside
            problems = [message for messages in row_errors.values() for message in messages]
            return _page(project, 400, problems=problems)
        labels = dict(known[name].categories)
        shown = [
            (c, labels.get(c.strip(), ""), t) for c, t in zip(categories, targets, strict=False)
        ]
        return _page(project, 400, variable=name, rows=shown, row_errors=row_errors)
    wt.set_targets(db.session(), project, checked, replace_all=False, by=me())
    flash(gettext("Targets of %(variable)s saved.", variable=name), "ok")
    return redirect(url_for("research.weighting", code=code))


@bp.route("/<code>/weighting/upload", methods=["POST"])
def weighting_upload(code: str):
    project = member_project(code)
    form = TargetsFileForm()
    if not form.validate_on_submit():
        return _page(project, 400, file_form=form)
    file_name = form.file.data.filename or "targets.csv"
    try:
        rows = wt.read_csv(form.file.data.read(), file_name)
        checked = wt.check_rows(rows, wt.weighting_variables(db.session(), project))
    except wt.TargetsError as exc:
        form.file.errors = [gettext("Nothing was stored.")]
        return _page(project, 400, file_form=form, problems=problem_texts(exc.problems))
    wt.set_targets(db.session(), project, checked, replace_all=True, by=me())
    flash(gettext("Targets for %(n)s variables stored.", n=len(checked)), "ok")
    return redirect(url_for("research.weighting", code=code))


@bp.route("/<code>/weighting/<variable>/remove", methods=["POST"])
def weighting_remove(code: str, variable: str) -> Response:
    project = member_project(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    wt.remove_variable(db.session(), project, variable, by=me())
    flash(gettext("Targets of %(variable)s removed.", variable=variable), "ok")
    return redirect(url_for("research.weighting", code=code))
