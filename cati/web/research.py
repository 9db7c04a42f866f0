"""The researcher's console: projects, questionnaire, sample, replicates, staff, quotas,
calling rules and the do-not-call list. Views parse the input and call the domain; every
error the user can cause comes back beside the form that caused it, with nothing changed."""

from __future__ import annotations

import tempfile
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
    send_file,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import func, select
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange

from cati import audit, db, jobs, questionnaire_store
from cati.errors import CatiError
from cati.fieldwork import donotcall, projects, quotas
from cati.fieldwork.sample_import import SampleError, parse_sample, read_table
from cati.models import (
    Case,
    Job,
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
from questionnaires.preview import preview_html

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


class QuestionnaireForm(FlaskForm):
    file = FileField(
        _l("Questionnaire (YAML or XLSForm)"),
        validators=[FileRequired(), FileAllowed(["yaml", "yml", "xlsx"], _l("YAML or .xlsx only"))],
    )


class SampleForm(FlaskForm):
    file = FileField(
        _l("Sample (CSV, XLSX or Parquet)"),
        validators=[
            FileRequired(),
            FileAllowed(["csv", "xlsx", "parquet"], _l("CSV, XLSX or Parquet only")),
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
    file = FileField(_l("Numbers, one per line"), validators=[FileRequired()])
    reason = StringField(_l("Reason"), validators=[Length(max=200)])


class ButtonForm(FlaskForm):
    pass


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
            form.code.errors = [exc.translated(gettext)]
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
        dnc_form=forms.get("dnc") or DncForm(),
        button=ButtonForm(),
        problems=forms.get("problems", []),
        job_form=JobForm(),
        jobs=project_jobs(project),
    ), status


@bp.route("/<code>/")
def project(code: str):
    return _page(member_project(code))


def _saved_upload(storage, folder: str) -> Path:
    path = Path(folder) / (secure_filename(storage.filename or "upload") or "upload")
    storage.save(path)
    return path


@bp.route("/<code>/questionnaire", methods=["POST"])
def questionnaire(code: str):
    project = member_project(code)
    form = QuestionnaireForm()
    if not form.validate_on_submit():
        return _page(project, 400, questionnaire=form)
    with tempfile.TemporaryDirectory() as folder:
        path = _saved_upload(form.file.data, folder)
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
    with tempfile.TemporaryDirectory() as folder:
        path = _saved_upload(form.file.data, folder)
        try:
            records = parse_sample(
                read_table(path),
                form.file.data.filename,
                project.time_zone,
                region=form.region.data.upper(),
            )
            count = projects.import_cases(
                db.session(), project, records, form.file.data.filename, by=_me()
            )
        except SampleError as exc:
            db.session().rollback()
            form.file.errors = [gettext("Nothing was imported.")]
            problems = [p.translated(gettext) for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
            return _page(project, 400, sample=form, problems=problems)
    flash(
        gettext("Imported %(n)s cases; release a replicate to start calling them.", n=count), "ok"
    )
    return redirect(url_for("research.project", code=code))


@bp.route("/<code>/release/<int:replicate>", methods=["POST"])
def release(code: str, replicate: int) -> Response:
    project = member_project(code)
    if not ButtonForm().validate_on_submit():
        abort(400)
    count = projects.release_replicate(db.session(), project, replicate, now=clock_now(), by=_me())
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
            quotas.add_quota(
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
        text = form.file.data.read().decode("utf-8", errors="replace")
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
    personal = BooleanField(_l("Include personal data (sample variables)"))


def _jobs_folder() -> Path:
    return Path(current_app.instance_path) / "jobs"


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
    params = {"language": form.language.data}
    if family == "report":
        params["kind"] = name
    else:
        params.update(format=name, personal=form.personal.data)
    job = jobs.submit(db.session(), project, family, params, by=_me())
    if current_app.config["CATI_SETTINGS"].jobs_inline:
        jobs.run_in_thread(current_app.extensions["cati.sessionmaker"], job.id, _jobs_folder())
    flash(gettext("Started; the file appears below when it is ready."), "ok")
    return redirect(url_for("research.project", code=code) + "#jobs")


def _job(project: Project, job_id: int) -> Job:
    job = db.session().get(Job, job_id)
    if job is None or job.project_id != project.id:
        abort(404)
    return job


@bp.route("/<code>/jobs/<int:job_id>/file")
def job_file(code: str, job_id: int) -> Response:
    job = _job(member_project(code), job_id)
    if job.status != "done" or not job.file_path:
        abort(404)
    return send_file(job.file_path, download_name=job.file_name, as_attachment=True)


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
