"""The project page every research form comes back to: the forms not posted are fresh, the
posted one keeps the researcher's input and its errors, and problem lists show beside it."""

from __future__ import annotations

from flask import current_app, flash, render_template
from flask_babel import gettext
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from cati import branding, db, organisations
from cati.fieldwork import draws
from cati.fieldwork.checklist import checklist
from cati.models import Case, Job, Project, ProjectMember, QuestionnaireVersion, User
from cati.questionnaire_store import questionnaire_of
from cati.web.clock import now as clock_now
from cati.web.common import ActionForm, me
from cati.web.job_list import job_rows
from cati.web.research.draw_forms import DrawForm, new_seed
from cati.web.research.forms import (
    STATUS_LABELS,
    BrandForm,
    DncForm,
    EraseForm,
    InvitationForm,
    QuestionnaireForm,
    QuotaForm,
    RetentionForm,
    SampleForm,
    SettingsForm,
    StaffForm,
    job_form,
    personal_form,
)
from cati.web.research.quota_cards import quota_cards


def project_page(
    project: Project,
    status: int = 200,
    *,
    problems: list[str] | None = None,
    draw_problems: list[str] | None = None,
    **forms: FlaskForm,
) -> tuple[str, int]:
    """The page with ``forms`` (by name: ``sample=form``) in place of fresh ones."""
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
    # The agency's staff and the clients of the project's own client organisation only.
    candidates = session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            User.id.not_in([m.id for m in members]),
            organisations.joinable(session, project),
        )
        .order_by(User.role, User.username)
    ).all()
    staff = forms.get("staff") or StaffForm()
    staff.user.choices = [(u.id, f"{u.username} ({u.role})") for u in candidates]
    return render_template(
        "research/project.html",
        project=project,
        version=version,
        by_replicate=by_replicate,
        members=members,
        quota_cards=quota_cards(project),
        questionnaire_form=forms.get("questionnaire") or QuestionnaireForm(),
        sample_form=forms.get("sample") or SampleForm(),
        staff_form=staff,
        agency_name=organisations.agency(session).name,
        quota_form=forms.get("quota") or QuotaForm(),
        settings_form=forms.get("settings") or settings_form(project),
        brand_form=forms.get("brand") or brand_form(project),
        status_label=STATUS_LABELS[project.status],
        dnc_form=forms.get("dnc") or DncForm(),
        draw_form=forms.get("draw") or DrawForm(formdata=None, seed=new_seed()),
        draw_problems=draw_problems or [],
        pending_draws=draws.pending_draws(session, project, clock_now()),
        personal_form=forms.get("personal") or personal_form(project),
        retention_form=forms.get("retention") or RetentionForm(days=project.retention_days),
        erase_form=forms.get("erase") or EraseForm(),
        button=ActionForm(),
        problems=problems or [],
        job_form=job_form(project, questionnaire_of(version) if version else None),
        jobs=job_rows(project_jobs(project), me()),
        checklist=checklist(session, project),
        invitation_form=forms.get("invitation") or InvitationForm(),
        mail_configured=bool(current_app.config["CATI_SETTINGS"].smtp_host),
    ), status


def with_organisations(form: SettingsForm) -> SettingsForm:
    """``form`` offering every client organisation, and none."""
    form.client_organisation.choices = [("", gettext("none: no client may see it"))] + [
        (str(o.id), o.name) for o in organisations.client_organisations(db.session())
    ]
    return form


def settings_form(project: Project) -> SettingsForm:
    """The settings form filled with the project's values."""
    form = with_organisations(SettingsForm(formdata=None, obj=project))
    form.client_organisation.data = str(project.client_organisation_id or "")
    return form


def brand_form(project: Project) -> BrandForm:
    """The branding form filled with what the project's reports show now."""
    brand = branding.brand_of(db.session(), project)
    return BrandForm(formdata=None, agency=brand.agency, primary=brand.primary, accent=brand.accent)


def project_jobs(project: Project) -> list[Job]:
    """The project's latest jobs (reports, data files, sample work), newest first."""
    return list(
        db.session().scalars(
            select(Job).where(Job.project_id == project.id).order_by(Job.id.desc()).limit(30)
        )
    )


def flash_imported(count: int) -> None:
    """What a researcher does next with cases just imported (from a file or a draw)."""
    flash(
        gettext(
            "Imported %(n)s cases; mark which sample variables are not personal, then "
            "release a replicate to start calling them.",
            n=count,
        ),
        "ok",
    )
