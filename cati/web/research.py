"""The researcher's console: projects, questionnaire, sample, replicates, staff, quotas,
calling rules and the do-not-call list. Views parse the input and call the domain; every
error the user can cause comes back beside the form that caused it, with nothing changed."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from cati import audit, db, jobs, questionnaire_store
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import cases, donotcall, draws, projects, quota_setup
from cati.fieldwork.erasure import Erasure, erase_case, find_case
from cati.fieldwork.personal_fields import MAX_RETENTION_DAYS, set_personal_fields, set_retention
from cati.fieldwork.sample_import import SampleError, parse_sample, read_table
from cati.models import (
    Case,
    Job,
    PendingDraw,
    Project,
    ProjectMember,
    QuestionnaireVersion,
    Quota,
    Role,
    User,
)
from cati.questionnaire_store import questionnaire_of
from cati.web.access import chosen_user, member_project, restrict_to
from cati.web.clock import now as clock_now
from cati.web.draw_forms import DESIGN_ERRORS, DESIGN_NAMES, DrawForm, new_seed
from cati.web.job_files import send_output
from cati.web.uploads import Upload
from questionnaires.preview import preview_html
from sampling.errors import SamplingError

bp = Blueprint("research", __name__, url_prefix="/research")
restrict_to(bp, Role.RESEARCHER)
MAX_PROBLEMS_SHOWN = 50


class ProjectForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    client_name = StringField(_l("Client"), validators=[Length(max=200)])
    time_zone = StringField(
        _l("Time zone"), default="Europe/Madrid", validators=[DataRequired(), Length(max=64)]
    )


STATUS_LABELS = {
    "setup": _l("setup"),
    "fieldwork": _l("fieldwork"),
    "paused": _l("paused"),
    "closed": _l("closed"),
}


class SettingsForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    client_name = StringField(_l("Client"), validators=[Length(max=200)])
    time_zone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])
    status = SelectField(
        _l("Status"), choices=[SelectChoice(k, v) for k, v in STATUS_LABELS.items()]
    )


class QuestionnaireForm(FlaskForm):
    file = FileField(
        _l("Questionnaire (YAML or XLSForm)"),
        validators=[FileRequired(), Upload(["yaml", "yml", "xlsx"], _l("YAML or .xlsx only"))],
    )


class SampleForm(FlaskForm):
    file = FileField(
        _l("Sample (CSV, XLSX or Parquet)"),
        validators=[
            FileRequired(),
            Upload(["csv", "xlsx", "parquet"], _l("CSV, XLSX or Parquet only")),
        ],
    )
    region = StringField(
        _l("Country of national numbers"),
        default="ES",
        validators=[DataRequired(), Length(min=2, max=2)],
    )


class StaffForm(FlaskForm):
    user = SelectField(_l("User"), coerce=int, validate_choice=False)


class QuotaForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    variable = StringField(_l("Variable"), validators=[DataRequired(), Length(max=64)])
    values = StringField(_l("Values (comma-separated)"), validators=[DataRequired()])
    target = IntegerField(_l("Target"), validators=[DataRequired(), NumberRange(min=1)])


class RulesForm(FlaskForm):
    rules = TextAreaField(_l("Calling rules (YAML)"), validators=[DataRequired()])


class DncForm(FlaskForm):
    file = FileField(
        _l("Numbers, one per line"),
        validators=[FileRequired(), Upload(["txt", "csv"], _l("A .txt or .csv file only"))],
    )
    reason = StringField(_l("Reason"), validators=[Length(max=200)])


class ButtonForm(FlaskForm):
    pass


class PersonalFieldsForm(FlaskForm):
    # Ticked: personal (left out of exports). The choices are the sample's variables.
    personal_vars = SelectMultipleField(
        _l("Personal"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )


class RetentionForm(FlaskForm):
    days = IntegerField(
        _l("Days after a case is finalized (empty: keep until erased by hand)"),
        validators=[Optional(), NumberRange(min=0, max=MAX_RETENTION_DAYS)],
    )


class EraseForm(FlaskForm):
    case_id = StringField(_l("Case id"), validators=[DataRequired(), Length(max=64)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    do_not_call = BooleanField(_l("The respondent also objects to any call: do not call"))


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/")
def index() -> str:
    mine = (
        db.session()
        .scalars(
            select(Project)
            .join(ProjectMember, ProjectMember.project_id == Project.id)
            .where(ProjectMember.user_id == current_user.id)
            .order_by(Project.created_at.desc())
        )
        .all()
    )
    return render_template("research/index.html", projects=mine, form=ProjectForm())


@bp.route("/new", methods=["POST"])
def create() -> Response | tuple[str, int]:
    form = ProjectForm()
    if form.validate_on_submit():
        session = db.session()
        try:
            project = projects.create_project(
                session,
                form.code.data.strip(),
                form.name.data.strip(),
                client_name=form.client_name.data or "",
                time_zone=form.time_zone.data.strip(),
                by=_me(),
            )
        except CatiError as exc:
            field = form.time_zone if exc.code == ErrorCode.TIME_ZONE_INVALID else form.code
            field.errors = [exc.translated(gettext)]
        else:
            projects.assign(session, project, _me(), by=_me())
            return redirect(url_for("research.project", code=project.code))
    mine = (
        db.session()
        .scalars(
            select(Project)
            .join(ProjectMember, ProjectMember.project_id == Project.id)
            .where(ProjectMember.user_id == current_user.id)
        )
        .all()
    )
    return render_template("research/index.html", projects=mine, form=form), 400


def _page(project: Project, status: int = 200, **forms) -> tuple[str, int]:
    session = db.session()
    version = (
        session.get(QuestionnaireVersion, project.questionnaire_version_id)
        if project.questionnaire_version_id
        else None
    )
    replicates = session.execute(
        select(Case.replicate, Case.state, func.count())
        .where(Case.project_id == project.id)
        .group_by(Case.replicate, Case.state)
        .order_by(Case.replicate)
    ).all()
    by_replicate: dict[int, dict[str, int]] = {}
    for replicate, state, count in replicates:
        by_replicate.setdefault(replicate, {})[state] = count
    members = session.scalars(
        select(User)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project.id)
        .order_by(User.role, User.username)
    ).all()
    candidates = session.scalars(
        select(User)
        .where(User.active.is_(True), User.id.not_in([m.id for m in members]))
        .order_by(User.role, User.username)
    ).all()
    staff = forms.get("staff") or StaffForm()
    staff.user.choices = [(u.id, f"{u.username} ({u.role})") for u in candidates]
    rules = forms.get("rules") or RulesForm(
        rules=yaml.safe_dump(project.rules, sort_keys=False, allow_unicode=True)
    )
    return render_template(
        "research/project.html",
        project=project,
        version=version,
        by_replicate=by_replicate,
        members=members,
        quotas=session.scalars(
            select(Quota).where(Quota.project_id == project.id).order_by(Quota.name)
        ).all(),
        questionnaire_form=forms.get("questionnaire") or QuestionnaireForm(),
        sample_form=forms.get("sample") or SampleForm(),
        staff_form=staff,
        quota_form=forms.get("quota") or QuotaForm(),
        rules_form=rules,
        settings_form=forms.get("settings") or SettingsForm(formdata=None, obj=project),
        status_label=STATUS_LABELS[project.status],
        dnc_form=forms.get("dnc") or DncForm(),
        draw_form=forms.get("draw") or DrawForm(formdata=None, seed=new_seed()),
        draw_problems=forms.get("draw_problems", []),
        pending_draws=draws.pending_draws(session, project, clock_now()),
        personal_form=forms.get("personal") or _personal_form(project),
        retention_form=forms.get("retention") or RetentionForm(days=project.retention_days),
        erase_form=forms.get("erase") or EraseForm(),
        button=ButtonForm(),
        problems=forms.get("problems", []),
        job_form=JobForm(),
        jobs=project_jobs(project),
    ), status


@bp.route("/<code>/")
def project(code: str):
    return _page(member_project(code))


@bp.route("/<code>/settings", methods=["POST"])
def settings(code: str):
    project = member_project(code)
    form = SettingsForm()
    if not form.validate_on_submit():
        return _page(project, 400, settings=form)
    try:
        changed = projects.update_project(
            db.session(),
            project,
            name=form.name.data.strip(),
            client_name=(form.client_name.data or "").strip(),
            time_zone=form.time_zone.data.strip(),
            status=form.status.data,
            by=_me(),
        )
    except CatiError as exc:
        db.session().rollback()
        form.time_zone.errors = [exc.translated(gettext)]
        return _page(project, 400, settings=form)
    if changed:
        flash(gettext("Project settings saved."), "ok")
    return redirect(url_for("research.project", code=code))


@contextmanager
def _saved_upload(storage) -> Iterator[Path]:
    """The uploaded file saved under its own (made safe) name in a folder of its own,
    removed with the folder when the block ends."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (secure_filename(storage.filename or "upload") or "upload")
        storage.save(path)
        yield path


@bp.route("/<code>/questionnaire", methods=["POST"])
def questionnaire(code: str):
    project = member_project(code)
    form = QuestionnaireForm()
    if not form.validate_on_submit():
        return _page(project, 400, questionnaire=form)
    with _saved_upload(form.file.data) as path:
        try:
            version = questionnaire_store.pin(db.session(), project, path, by=_me())
        except CatiError as exc:
            db.session().rollback()
            problems = str(exc.params.get("problems", exc)).splitlines()
            form.file.errors = [exc.translated(gettext).split(":")[0]]
            return _page(project, 400, questionnaire=form, problems=problems[:MAX_PROBLEMS_SHOWN])
    flash(
        gettext(
            "Pinned %(id)s version %(version)s.",
            id=version.questionnaire_id,
            version=version.version,
        ),
        "ok",
    )
    return redirect(url_for("research.project", code=code))


@bp.route("/<code>/questionnaire/preview")
def preview(code: str) -> Response:
    project = member_project(code)
    if project.questionnaire_version_id is None:
        abort(404)
    version = db.session().get(QuestionnaireVersion, project.questionnaire_version_id)
    response = make_response(preview_html(questionnaire_of(version), request.args.get("lang")))
    # The paper version carries its own print styles; it runs no script.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    )
    return response


@bp.route("/<code>/sample", methods=["POST"])
def sample(code: str):
    project = member_project(code)
    form = SampleForm()
    if not form.validate_on_submit():
        return _page(project, 400, sample=form)
    with _saved_upload(form.file.data) as path:
        try:
            records = parse_sample(
                read_table(path),
                form.file.data.filename,
                project.time_zone,
                region=form.region.data.upper(),
            )
            count = cases.import_cases(
                db.session(), project, records, form.file.data.filename, by=_me()
            )
        except SampleError as exc:
            db.session().rollback()
            form.file.errors = [gettext("Nothing was imported.")]
            problems = [p.translated(gettext) for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
            return _page(project, 400, sample=form, problems=problems)
    _imported(count)
    return redirect(url_for("research.project", code=code) + "#privacy")


def _imported(count: int) -> None:
    flash(
        gettext(
            "Imported %(n)s cases; mark which sample variables are not personal, then "
            "release a replicate to start calling them.",
            n=count,
        ),
        "ok",
    )


# --- drawing a sample in the browser: draw, preview, accept or discard ------------------

# The drawn map is matplotlib's SVG, whose styles are inline; it runs no script.
MAP_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@bp.route("/<code>/draw", methods=["POST"])
def draw(code: str):
    project = member_project(code)
    form = DrawForm()
    if not form.validate_on_submit():
        return _page(project, 400, draw=form)
    upload = form.file.data
    with _saved_upload(upload) as path:
        try:
            pending = draws.make_draw(
                db.session(),
                project,
                path,
                Path(upload.filename or path.name).name[:255],
                form.frame_choices(),
                form.draw_settings(),
                by=_me(),
                now=clock_now(),
            )
        except SamplingError as exc:
            db.session().rollback()
            field = form.design if exc.code in DESIGN_ERRORS else form.file
            problems = [p.translated(gettext) for p in exc.row_problems[:MAX_PROBLEMS_SHOWN]]
            field.errors = [exc.problem.translated(gettext)]
            return _page(project, 400, draw=form, draw_problems=problems)
    return redirect(url_for("research.draw_preview", code=code, draw_id=pending.id))


def _pending(project: Project, draw_id: int) -> PendingDraw:
    pending = draws.pending_draw(db.session(), project, draw_id, clock_now())
    if pending is None:
        abort(404)
    return pending


def _preview(
    project: Project, pending: PendingDraw, status: int = 200, problems: list[str] | None = None
) -> tuple[str, int]:
    return render_template(
        "research/draw.html",
        project=project,
        pending=pending,
        design_name=DESIGN_NAMES.get(pending.params["design"], pending.params["design"]),
        design_names=DESIGN_NAMES,
        button=ButtonForm(),
        problems=problems or [],
    ), status


@bp.route("/<code>/draws/<int:draw_id>")
def draw_preview(code: str, draw_id: int):
    project = member_project(code)
    return _preview(project, _pending(project, draw_id))


@bp.route("/<code>/draws/<int:draw_id>/map.svg")
def draw_map(code: str, draw_id: int) -> Response:
    pending = _pending(member_project(code), draw_id)
    if pending.map_svg is None:
        abort(404)
    response = make_response(pending.map_svg)
    response.mimetype = "image/svg+xml"
    response.headers["Content-Security-Policy"] = MAP_POLICY
    return response


@bp.route("/<code>/draws/<int:draw_id>/accept", methods=["POST"])
def accept_draw(code: str, draw_id: int):
    project = member_project(code)
    pending = _pending(project, draw_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        count = draws.accept(db.session(), project, pending, by=_me())
    except SampleError as exc:
        db.session().rollback()
        problems = [p.translated(gettext) for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
        return _preview(project, _pending(project, draw_id), 400, problems)
    _imported(count)
    return redirect(url_for("research.project", code=code) + "#privacy")


@bp.route("/<code>/draws/<int:draw_id>/discard", methods=["POST"])
def discard_draw(code: str, draw_id: int) -> Response:
    project = member_project(code)
    pending = _pending(project, draw_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    draws.discard(db.session(), project, pending, by=_me())
    flash(gettext("The drawn sample was discarded; nothing was imported."), "ok")
    return redirect(url_for("research.project", code=code))


@bp.route("/<code>/release/<int:replicate>", methods=["POST"])
def release(code: str, replicate: int) -> Response:
    project = member_project(code)
    if not ButtonForm().validate_on_submit():
        abort(400)
    count = cases.release_replicate(db.session(), project, replicate, now=clock_now(), by=_me())
    flash(gettext("Released replicate %(r)s: %(n)s cases.", r=replicate, n=count), "ok")
    return redirect(url_for("research.project", code=code))


@bp.route("/<code>/staff", methods=["POST"])
def staff(code: str):
    project = member_project(code)
    form = StaffForm()
    user = chosen_user(form.user.data) if form.validate_on_submit() else None
    if user is None:
        abort(400)
    projects.assign(db.session(), project, user, by=_me())
    flash(gettext("%(user)s now works on this project.", user=user.username), "ok")
    return redirect(url_for("research.project", code=code))


@bp.route("/<code>/quotas", methods=["POST"])
def add_quota(code: str):
    project = member_project(code)
    form = QuotaForm()
    if form.validate_on_submit():
        values = [v.strip() for v in form.values.data.split(",") if v.strip()]
        try:
            quota_setup.add_quota(
                db.session(),
                project,
                form.name.data.strip(),
                {form.variable.data.strip(): values},
                form.target.data,
                by=_me(),
            )
        except CatiError as exc:
            db.session().rollback()
            form.name.errors = [exc.translated(gettext)]
        else:
            return redirect(url_for("research.project", code=code))
    return _page(project, 400, quota=form)


class QuotaTargetForm(FlaskForm):
    target = IntegerField(_l("Target"), validators=[DataRequired(), NumberRange(min=1)])


def _quota(project: Project, quota_id: int) -> Quota:
    quota = db.session().get(Quota, quota_id)
    if quota is None or quota.project_id != project.id:
        abort(404)
    return quota


@bp.route("/<code>/quotas/<int:quota_id>/target", methods=["POST"])
def quota_target(code: str, quota_id: int):
    project = member_project(code)
    quota = _quota(project, quota_id)
    form = QuotaTargetForm()
    if form.validate_on_submit():
        try:
            quota_setup.set_target(db.session(), project, quota, form.target.data, by=_me())
        except CatiError as exc:
            db.session().rollback()
            flash(exc.translated(gettext), "error")
        else:
            flash(gettext("Quota %(name)s: target saved.", name=quota.name), "ok")
            return redirect(url_for("research.project", code=code) + "#quotas")
    else:
        flash(gettext("Quota %(name)s: give a target of 1 or more.", name=quota.name), "error")
    return _page(project, 400)


@bp.route("/<code>/quotas/<int:quota_id>/remove", methods=["POST"])
def remove_quota(code: str, quota_id: int) -> Response:
    project = member_project(code)
    quota = _quota(project, quota_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = quota.name
    quota_setup.remove_quota(db.session(), project, quota, by=_me())
    flash(gettext("Quota %(name)s removed.", name=name), "ok")
    return redirect(url_for("research.project", code=code) + "#quotas")


@bp.route("/<code>/rules", methods=["POST"])
def rules(code: str):
    project = member_project(code)
    form = RulesForm()
    if form.validate_on_submit():
        try:
            document = projects.rules_from_yaml(form.rules.data)
            projects.set_rules(db.session(), project, document, by=_me())
        except CatiError as exc:
            db.session().rollback()
            form.rules.errors = [exc.translated(gettext)]
        else:
            flash(gettext("Calling rules saved."), "ok")
            return redirect(url_for("research.project", code=code))
    return _page(project, 400, rules=form)


@bp.route("/<code>/dnc", methods=["POST"])
def dnc(code: str):
    project = member_project(code)
    form = DncForm()
    if form.validate_on_submit():
        text = form.file.data.read().decode("utf-8-sig")  # checked as UTF-8 by Upload
        numbers = [line.strip() for line in text.splitlines() if line.strip()]
        try:
            added = donotcall.add_numbers(db.session(), numbers, form.reason.data or "", by=_me())
        except CatiError as exc:
            db.session().rollback()
            form.file.errors = [exc.translated(gettext)]
        else:
            flash(gettext("%(n)s numbers added to the do-not-call list.", n=added), "ok")
            return redirect(url_for("research.project", code=code))
    return _page(project, 400, dnc=form)


# --- privacy: personal fields, retention, erasure (docs/privacy.md) ----------------------


def _personal_form(project: Project, formdata=None) -> PersonalFieldsForm:
    form = PersonalFieldsForm(formdata=formdata)
    form.personal_vars.choices = sorted(project.personal_fields)
    if formdata is None:
        form.personal_vars.data = [n for n, personal in project.personal_fields.items() if personal]
    return form


@bp.route("/<code>/personal", methods=["POST"])
def personal_fields(code: str):
    project = member_project(code)
    form = _personal_form(project, request.form)
    if not form.validate_on_submit():
        return _page(project, 400, personal=form)
    ticked = set(form.personal_vars.data or [])
    not_personal = [name for name in project.personal_fields if name not in ticked]
    set_personal_fields(db.session(), project, not_personal, by=_me())
    flash(gettext("Personal fields saved."), "ok")
    return redirect(url_for("research.project", code=code) + "#privacy")


@bp.route("/<code>/retention", methods=["POST"])
def retention(code: str):
    project = member_project(code)
    form = RetentionForm()
    if not form.validate_on_submit():
        return _page(project, 400, retention=form)
    set_retention(db.session(), project, form.days.data, by=_me())
    flash(gettext("Retention saved."), "ok")
    return redirect(url_for("research.project", code=code) + "#privacy")


@bp.route("/<code>/erase", methods=["POST"])
def erase(code: str):
    project = member_project(code)
    form = EraseForm()
    if form.validate_on_submit():
        session = db.session()
        try:
            case = find_case(session, project, form.case_id.data.strip())
            erasure = erase_case(
                session,
                case,
                form.reason.data,
                do_not_call=form.do_not_call.data,
                by=_me(),
                now=clock_now(),
            )
        except CatiError as exc:
            session.rollback()
            form.case_id.errors = [exc.translated(gettext)]
        else:
            flash(_erasure_message(form.case_id.data.strip(), erasure), "ok")
            return redirect(url_for("research.project", code=code) + "#privacy")
    return _page(project, 400, erase=form)


def _erasure_message(case_id: str, erasure: Erasure) -> str:
    if erasure.already:
        return gettext("Case %(case)s was already erased; nothing changed.", case=case_id)
    return gettext(
        "Erased the personal data of case %(case)s: %(fields)s variables, %(phones)s phone "
        "numbers; its answers stay.",
        case=case_id,
        fields=len(erasure.fields),
        phones=erasure.phones,
    )


# --- reports and data files, made in the background -----------------------------------

JOB_CHOICES = [
    SelectChoice("report:topline", _l("Topline report (PDF)")),
    SelectChoice("report:banner", _l("Banner book (PDF)")),
    SelectChoice("report:fieldwork", _l("Fieldwork report (PDF)")),
    SelectChoice("report:questionnaire", _l("Questionnaire document (PDF)")),
    SelectChoice("data:sav", _l("Data: SPSS .sav")),
    SelectChoice("data:dta", _l("Data: Stata .dta")),
    SelectChoice("data:xlsx", _l("Data: Excel .xlsx")),
    SelectChoice("data:csv", _l("Data: CSV")),
    SelectChoice("data:sss", _l("Data: Triple-S (zip)")),
    SelectChoice("data:codebook", _l("Codebook (PDF)")),
]


class JobForm(FlaskForm):
    what = SelectField(_l("Make"), choices=JOB_CHOICES)
    language = SelectField(
        _l("Language"), choices=[SelectChoice("es", "Español"), SelectChoice("en", "English")]
    )
    personal = BooleanField(
        _l("Include personal data (personal sample variables, real case ids; audited)")
    )
    weighted = BooleanField(_l("Weighted by the project's targets"))


def project_jobs(project: Project) -> list[Job]:
    return list(
        db.session().scalars(
            select(Job).where(Job.project_id == project.id).order_by(Job.id.desc()).limit(30)
        )
    )


@bp.route("/<code>/jobs", methods=["GET", "POST"])
def make_job(code: str):
    project = member_project(code)
    if request.method == "GET":  # the list alone, polled while jobs run
        return render_template(
            "research/_jobs.html", project=project, jobs=project_jobs(project), button=ButtonForm()
        )
    form = JobForm()
    if not form.validate_on_submit():
        abort(400)
    family, name = form.what.data.split(":")
    params = {"language": form.language.data, "weighted": form.weighted.data}
    if form.weighted.data and not project.weighting_targets:
        flash(gettext("Enter weighting targets first."), "error")
        return redirect(url_for("research.project", code=code) + "#jobs")
    if family == "report":
        params["kind"] = name
    else:
        params.update(format=name, personal=form.personal.data)
    job = jobs.submit(db.session(), project, family, params, by=_me())
    if current_app.config["CATI_SETTINGS"].jobs_inline:
        jobs.run_in_thread(current_app.extensions["cati.sessionmaker"], job.id)
    flash(gettext("Started; the file appears below when it is ready."), "ok")
    return redirect(url_for("research.project", code=code) + "#jobs")


def _job(project: Project, job_id: int) -> Job:
    job = db.session().get(Job, job_id)
    if job is None or job.project_id != project.id:
        abort(404)
    return job


@bp.route("/<code>/jobs/<int:job_id>/file")
def job_file(code: str, job_id: int) -> Response:
    return send_output(_job(member_project(code), job_id))


@bp.route("/<code>/jobs/<int:job_id>/release", methods=["POST"])
def release_job(code: str, job_id: int) -> Response:
    project = member_project(code)
    job = _job(project, job_id)
    if not ButtonForm().validate_on_submit() or job.status != "done":
        abort(400)
    job.released = not job.released
    audit.record(
        db.session(),
        "job.release" if job.released else "job.withdraw",
        user=_me(),
        object_type="job",
        object_id=job.id,
    )
    db.session().commit()
    return redirect(url_for("research.project", code=code) + "#jobs")
