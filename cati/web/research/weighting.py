"""The researcher's weighting targets: entered by variable or uploaded as CSV, then checked;
the sample's design columns and the weighting options (``cati.project_design``).

Targets with any problem are not stored: the form comes back with each problem beside its
row, a file with the list of rows and columns; the design and options forms with each
problem beside its field.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from cati import db, project_design
from cati import weighting_targets as wt
from cati.models import Project
from cati.problems import N_, Place
from cati.web.access import member_project
from cati.web.common import ActionForm, me, problem_texts
from cati.web.research.blueprint import bp
from cati.web.research.forms import TargetsFileForm

BLANK_ROWS = 3
DESIGN_FIELDS = (
    "strata",
    "psu",
    "fpc",
    "lonely_psu",
    "replicates",
    "replicate_type",
    "rho",
    "scale",
)
OPTION_FIELDS = ("method", "bound_low", "bound_high", "trim_low", "trim_high")


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
    entered: dict[str, str] | None = None,
    field_errors: dict[str, list[str]] | None = None,
):
    session = db.session()
    known = wt.weighting_variables(session, project)
    chosen = known.get(variable or "")
    options = project_design.options_of(project)
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
        check=project_design.check_targets(session, project, known),
        option=_option_words(options),
        button=ActionForm(),
        values=entered or _stored_values(project),
        field_errors=field_errors or {},
        lonely_options=project_design.LONELY_PSU,
        replicate_types=project_design.REPLICATE_TYPES,
    ), status


def _option_words(options: project_design.WeightingOptions) -> str:
    """The weighting option the check's figures follow, in the page's language."""
    method = options.method == "poststratify"
    words = [gettext("post-stratification") if method else gettext("raking")]
    if options.bounds is not None:
        low, high = options.bounds
        words.append(gettext("bounds %(low)g–%(high)g") % {"low": low, "high": high})
    if options.trim is not None:
        low, high = options.trim
        words.append(gettext("trimmed to %(low)g–%(high)g") % {"low": low, "high": high})
    return ", ".join(words)


def _text(value: object) -> str:
    if value is None or value == float("inf"):
        return ""
    return (
        " ".join(value)
        if isinstance(value, tuple)
        else f"{value:g}"
        if isinstance(value, float)
        else str(value)
    )


def _stored_values(project: Project) -> dict[str, str]:
    """The form fields of the stored design and options, as text."""
    settings, options = project_design.design_of(project), project_design.options_of(project)
    values = {k: _text(getattr(settings, k)) for k in settings.__dataclass_fields__}
    low, high = options.bounds or (None, None)
    trim_low, trim_high = options.trim or (None, None)
    values |= {
        "method": options.method,
        "bound_low": _text(low),
        "bound_high": _text(high),
        "trim_low": _text(trim_low or None),
        "trim_high": _text(trim_high),
    }
    return values


def _settings_errors(exc: project_design.SettingsError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        # beside its field, so without the place
        message = gettext(problem.template) % dict(problem.params)
        errors.setdefault(problem.place.column or "", []).append(message)
    return errors


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


@bp.route("/<code>/weighting/design", methods=["POST"])
def weighting_design(code: str):
    """The sample's design columns; a problem comes back beside its field, nothing stored."""
    project = member_project(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    entered = {k: request.form.get(k, "") for k in DESIGN_FIELDS}
    known = project_design.sample_columns(db.session(), project)
    try:
        settings = project_design.parse_design(entered, known)
    except project_design.SettingsError as exc:
        values = _stored_values(project) | entered
        return _page(project, 400, entered=values, field_errors=_settings_errors(exc))
    project_design.set_design(db.session(), project, settings, by=me())
    flash(gettext("Sample design saved."), "ok")
    return redirect(url_for("research.weighting", code=code) + "#design")


@bp.route("/<code>/weighting/options", methods=["POST"])
def weighting_options(code: str):
    """Raking bounds or post-stratification, and trimming; problems beside their fields."""
    project = member_project(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    entered = {k: request.form.get(k, "") for k in OPTION_FIELDS}
    try:
        options = project_design.parse_options(entered)
    except project_design.SettingsError as exc:
        values = _stored_values(project) | entered
        return _page(project, 400, entered=values, field_errors=_settings_errors(exc))
    project_design.set_options(db.session(), project, options, by=me())
    flash(gettext("Weighting options saved."), "ok")
    return redirect(url_for("research.weighting", code=code) + "#options")
