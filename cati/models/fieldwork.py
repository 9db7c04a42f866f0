"""Projects, cases, phones, call attempts, outcomes, appointments, quotas, do-not-call."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cati.db import Base, UTCDateTime, utcnow
from cati.models.accounts import Organisation

if TYPE_CHECKING:
    from cati.models.accounts import User


def new_pseudonym_key() -> str:
    return secrets.token_hex(32)


def new_revision() -> str:
    return secrets.token_hex(8)


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


PROJECT_STATUSES = ("setup", "fieldwork", "paused", "closed")


class CaseState(enum.StrEnum):
    """Where a case stands; cati.fieldwork.cases makes every change between them."""

    UNRELEASED = "unreleased"  # imported, its replicate not released yet
    ACTIVE = "active"  # in dispatch
    HELD = "held"  # out of dispatch while a full quota cell holds it
    FINAL = "final"  # closed with its final outcome


PHONE_STATUSES = ("active", "dead", "dnc", "exhausted")
APPOINTMENT_KINDS = ("hard", "soft")
APPOINTMENT_STATUSES = ("pending", "kept", "missed", "cancelled")
ELIGIBILITY = ("yes", "no", "unknown")


class QuestionnaireVersion(Base):
    """One pinned version of a questionnaire: its source as uploaded and its checked form."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    source_name: Mapped[str] = mapped_column(String(255))
    source: Mapped[bytes] = mapped_column(LargeBinary)
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (_one_of("status", PROJECT_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    client_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="setup")
    questionnaire_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_versions.id")
    )
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Madrid")
    # The calling rules as a validated document (cati.fieldwork.rules.CallingRules).
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Population targets for raking (cati.weighting_targets): {variable: {category: target}},
    # categories as text, targets as shares or counts, in the order the researcher gave.
    weighting_targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The sample's design columns (cati.project_design.DesignSettings) and the weighting
    # options (cati.project_design.WeightingOptions), as validated documents.
    design: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    weighting_options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Privacy (docs/privacy.md). Every sample variable imported so far: is it personal?
    personal_fields: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    # The key of the case pseudonyms in exports; it never leaves the database.
    pseudonym_key: Mapped[str] = mapped_column(String(64), default=new_pseudonym_key)
    # Personal data of a finalized case is erased this many days after it was finalized.
    retention_days: Mapped[int | None]
    # Whether a call from a number no case has may become a new case (by a supervisor).
    inbound_new_cases: Mapped[bool] = mapped_column(default=False)
    # Renewed whenever the project's row, outcomes or quota cells change
    # (cati.fieldwork.project_cache): app servers keep those in memory while it holds.
    revision: Mapped[str] = mapped_column(String(16), default=new_revision)
    # The client organisation whose users may be given the project; None: no client may.
    client_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    questionnaire_version: Mapped[QuestionnaireVersion | None] = relationship()
    client_organisation: Mapped[Organisation | None] = relationship()
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Outcome.id"
    )


class QuestionnaireDraft(Base):
    """The questionnaire a project's researchers are writing in the designer, one per project.

    ``document`` is the questionnaire as plain data in JSON text, kept even while it does
    not validate (half-typed). ``revision`` counts the saves: a save names the revision it
    started from and is refused when another was saved since (cati.questionnaire_drafts)."""

    __tablename__ = "questionnaire_drafts"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    document: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    updated_by: Mapped[User | None] = relationship()


class ProjectMember(Base):
    """Which users work on (interviewers, supervisors) or may see (clients) a project."""

    __tablename__ = "project_members"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Outcome(Base):
    """One call outcome of a project's catalogue, mapped to an AAPOR disposition code."""

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("project_id", "code"),
        _one_of("eligible", ELIGIBILITY, "eligible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    label_en: Mapped[str] = mapped_column(String(120))
    label_es: Mapped[str] = mapped_column(String(120))
    aapor: Mapped[str] = mapped_column(String(8))
    final: Mapped[bool] = mapped_column(default=False)
    delay_minutes: Mapped[int] = mapped_column(default=0)
    next_phone: Mapped[bool] = mapped_column(default=False)
    dead_phone: Mapped[bool] = mapped_column(default=False)
    contact: Mapped[bool] = mapped_column(default=False)
    eligible: Mapped[str] = mapped_column(String(8), default="unknown")
    # Which outcome a case keeps as its disposition when attempts run out: lowest wins.
    precedence: Mapped[int] = mapped_column(default=100)
    # Set by the engine only (maximum attempts, no phone left); not offered to interviewers.
    system: Mapped[bool] = mapped_column(default=False)
    # The respondent asked never to be called again: the case's numbers go on do-not-call.
    opt_out: Mapped[bool] = mapped_column(default=False)
    # An outcome already used stays in the catalogue (its calls refer to it) but can be
    # taken off the interviewers' list.
    active: Mapped[bool] = mapped_column(default=True)

    project: Mapped[Project] = relationship(back_populates="outcomes")


class Case(Base):
    """One sampled respondent: where it stands and when it may be called next."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("project_id", "external_id"),
        _one_of("state", tuple(CaseState), "state"),
        # Dispatch is one ordered range scan on this index; it ends with the query's last
        # sort key so that ties (a replicate released at once) need no sort.
        Index("ix_cases_dispatch", "project_id", "state", "rank", "priority", "next_call_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    time_zone: Mapped[str] = mapped_column(String(64))
    # Where the zone came from (sampling.timezones.ZoneSource: given, coordinates,
    # postcode, region, phone, default); None for cases imported before it was kept.
    time_zone_source: Mapped[str | None] = mapped_column(String(16))
    sample_vars: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    replicate: Mapped[int] = mapped_column(default=1)
    inclusion_prob: Mapped[float | None]
    design_weight: Mapped[float | None]
    state: Mapped[str] = mapped_column(String(12), default=CaseState.UNRELEASED)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_call_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 0 due hard appointment, 1 soft appointment, 2 everything else; then priority.
    rank: Mapped[int] = mapped_column(default=2)
    priority: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    last_outcome: Mapped[str | None] = mapped_column(String(32))
    final_outcome: Mapped[str | None] = mapped_column(String(32))
    final_aapor: Mapped[str | None] = mapped_column(String(8))
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A personal appointment reserves the case for one interviewer until this time.
    reserved_for_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The respondent's personal link for web self-completion (mixed mode).
    web_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # When the respondent's personal data was erased (on request or by retention).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When a supervisor last reopened the case: its attempt limit counts from then.
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    phones: Mapped[list[Phone]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Phone.position"
    )
    attempts_log: Mapped[list[CallAttempt]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CallAttempt.id"
    )


class Phone(Base):
    __tablename__ = "phones"
    __table_args__ = (
        UniqueConstraint("case_id", "position"),
        _one_of("status", PHONE_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    position: Mapped[int]
    number: Mapped[str] = mapped_column(String(20), index=True)  # E.164
    kind: Mapped[str] = mapped_column(String(16), default="unknown")
    status: Mapped[str] = mapped_column(String(12), default="active")
    attempts: Mapped[int] = mapped_column(default=0)

    case: Mapped[Case] = relationship(back_populates="phones")


class CallAttempt(Base):
    __tablename__ = "call_attempts"
    __table_args__ = (Index("ix_call_attempts_number_started", "number", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    phone_id: Mapped[int | None] = mapped_column(ForeignKey("phones.id", ondelete="SET NULL"))
    number: Mapped[str] = mapped_column(String(20))
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(32))
    slot: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="attempts_log")


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        _one_of("kind", APPOINTMENT_KINDS, "kind"),
        _one_of("status", APPOINTMENT_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Why a hard call-back lies outside the calling windows (the respondent asked for it);
    # empty for one inside them. Dispatch offers such a case at its time, windows or not.
    requested_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


INBOUND_STATUSES = ("open", "done")
# Why an inbound call waits for a supervisor: its case is final or not released, or no case
# has the caller's number.
INBOUND_REASONS = ("final", "unreleased", "unknown")


class InboundCall(Base):
    """A respondent's call an interviewer could not take on a case: a supervisor decides
    (reopen the case, let it in, make a new case, or close the request)."""

    __tablename__ = "inbound_calls"
    __table_args__ = (_one_of("status", INBOUND_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(16))
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default="open")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(Text, default="")


class DoNotCall(Base):
    """A number never to be dialled, by any project."""

    __tablename__ = "do_not_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Quota(Base):
    """A quota cell: sample variables or answers with allowed values, a target and a count."""

    __tablename__ = "quotas"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # {"region": ["north"], "age_group": ["18-34", "35-54"]}: every variable must match.
    cell: Mapped[dict[str, Any]] = mapped_column(JSON)
    target: Mapped[int]
    achieved: Mapped[int] = mapped_column(default=0)
    full: Mapped[bool] = mapped_column(default=False)
    # A soft cell takes completes up to this share above its target (in percent); 0: hard.
    over_percent: Mapped[int] = mapped_column(default=0, server_default="0")


INTERVIEWER_STATUSES = ("available", "on_call", "interviewing", "wrap_up", "break", "offline")


class StatusSpell(Base):
    """One stretch of an interviewer's time in one status; the open one has no end."""

    __tablename__ = "status_spells"
    __table_args__ = (
        _one_of("status", INTERVIEWER_STATUSES, "status"),
        Index("ix_status_spells_user_started", "user_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")


class Job(Base):
    """Work done in the background (a report, a data file, a large sample import or draw),
    with its progress, its file or result, and the lease of the worker running it."""

    __tablename__ = "jobs"
    __table_args__ = (
        _one_of("status", JOB_STATUSES, "status"),
        Index("ix_jobs_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    progress: Mapped[int] = mapped_column(default=0)  # percent
    message: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str | None] = mapped_column(String(200))
    released: Mapped[bool] = mapped_column(default=False)  # visible to the project's clients
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What a job without a file tells its user (cases imported, the draw made, problems).
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=0)  # claims so far (cati.job_lease)
    # The claim's holder (host:pid:nonce) and its last sign of life: cati.job_lease.
    worker: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PendingDraw(Base):
    """A sample drawn in the browser, waiting to be accepted or discarded: the sample as the
    CSV `cati sample draw` writes, what the preview shows, and the map. It lives in the
    database, not on one server's disk, so any app server behind a balancer can show it."""

    __tablename__ = "pending_draws"
    __table_args__ = (Index("ix_pending_draws_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    frame_name: Mapped[str] = mapped_column(String(255))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # design, n, seed, …
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # allocation, balance
    sample_csv: Mapped[bytes] = mapped_column(LargeBinary)
    map_svg: Mapped[bytes | None] = mapped_column(LargeBinary)  # None: frame without coordinates
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProjectBrand(Base):
    """How a project's reports look: the agency's name, logo and colours (cati.branding).
    A table of its own so that reading a project never reads the logo's bytes."""

    __tablename__ = "project_brands"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    agency: Mapped[str] = mapped_column(String(200), default="")
    primary_colour: Mapped[str] = mapped_column(String(7))
    accent_colour: Mapped[str] = mapped_column(String(7))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str] = mapped_column(String(16), default="")  # png, jpeg or svg
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class JobOutput(Base):
    """The file a finished job made, kept in the database so that every app server can
    hand it out (a file under one server's instance folder is invisible to the others).
    A table of its own so that listing jobs never reads the bytes."""

    __tablename__ = "job_outputs"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class JobInput(Base):
    """The file a job works on (an uploaded sample or frame), kept in the database so that
    any worker can run it; removed when the job is done (cati.jobs)."""

    __tablename__ = "job_inputs"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
