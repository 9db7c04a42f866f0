"""Questionnaire versions kept in the database: pinned by projects, loaded once per process.

The source is stored exactly as uploaded (YAML text or XLSForm bytes) with its checksum, so
that a version reloads to the same questionnaire after a restart or on another server. A
changed file under an existing id and version is refused: a change is a new version.

Pinning another version mid-field (the project has interviews or left setup) shows what
changes (``questionnaires.changes``) and needs a confirmation; a change that would make the
answers already collected with any version unreadable is refused.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, CatiErrors, ErrorCode, problem
from cati.fieldwork import sample_types
from cati.models import AuditEntry, Case, Interview, Project, QuestionnaireVersion, User
from cati.problems import Problem
from questionnaires import Questionnaire, QuestionnaireError, read_questionnaire
from questionnaires.changes import compare
from questionnaires.model import text_in


@lru_cache(maxsize=32)
def _cached(checksum: str, source_name: str, source: bytes) -> Questionnaire:
    return read_questionnaire(source, source_name)


def questionnaire_of(version: QuestionnaireVersion) -> Questionnaire:
    return _cached(version.checksum, version.source_name, version.source)


def store(session: Session, source_name: str, source: bytes) -> QuestionnaireVersion:
    """Check and keep a questionnaire; the same file again returns the stored version."""
    try:
        questionnaire = read_questionnaire(source, source_name)
    except QuestionnaireError as exc:
        # The questionnaire's own problems follow the headline, each with its place.
        errors = [p for p in exc.problems if p.severity == "error"]
        headline = problem(ErrorCode.QUESTIONNAIRE_INVALID, file=source_name, count=len(errors))
        raise CatiErrors([headline, *exc.problems]) from None
    checksum = hashlib.sha256(source).hexdigest()
    existing = session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.version == questionnaire.version,
        )
    )
    if existing is not None:
        if existing.checksum != checksum:
            raise CatiError(
                ErrorCode.QUESTIONNAIRE_VERSION_CHANGED,
                id=questionnaire.id,
                version=questionnaire.version,
            )
        return existing
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        version=questionnaire.version,
        title=text_in(questionnaire.title, questionnaire.language, questionnaire.language)[:300],
        source_name=Path(source_name).name,
        source=source,
        checksum=checksum,
    )
    session.add(version)
    session.flush()
    return version


class ChangesToConfirm(CatiErrors):
    """Pinning ``version`` mid-field changes the questionnaire; the problems after the
    headline say how. The version is stored: pin it again with ``confirmed=True``."""

    def __init__(self, version: QuestionnaireVersion, problems: list[Problem]) -> None:
        self.version = version
        super().__init__(problems)


def versions_ran(session: Session, project: Project) -> list[QuestionnaireVersion]:
    """The versions the project's interviews ran (any status)."""
    ids = session.scalars(
        select(Interview.questionnaire_version_id)
        .join(Case, Case.id == Interview.case_id)
        .where(Case.project_id == project.id)
        .distinct()
    )
    return [session.get(QuestionnaireVersion, i) for i in sorted(set(ids))]


def changes(
    session: Session, project: Project, version: QuestionnaireVersion
) -> tuple[list[Problem], bool]:
    """What pinning ``version`` changes, and whether the project is in the field (it has
    interviews, or it left setup: fieldwork, paused or closed).

    Warnings: the changes from the pinned version. Errors: the changes that would make the
    answers of any version the project's interviews ran unreadable."""
    return changes_to(session, project, questionnaire_of(version), version.source_name, version.id)


def changes_to(
    session: Session,
    project: Project,
    new: Questionnaire,
    file: str | None,
    version_id: int | None = None,
) -> tuple[list[Problem], bool]:
    """:func:`changes` for a questionnaire not stored yet (``version_id`` None), as the
    designer shows them before publishing a draft."""
    found: list[Problem] = []
    current = session.get(QuestionnaireVersion, project.questionnaire_version_id or -1)
    if current is not None and current.id != version_id:
        found = [p for p in compare(questionnaire_of(current), new, file) if p.severity != "error"]
    ran = versions_ran(session, project)
    refused: dict[str, Problem] = {}
    for old in ran:
        if old.id != version_id:
            for p in compare(questionnaire_of(old), new, file):
                if p.severity == "error":
                    refused.setdefault(p.message, p)
    return [*refused.values(), *found], bool(ran) or project.status != "setup"


def project_versions(session: Session, project: Project) -> list[QuestionnaireVersion]:
    """Every version the project has pinned (the audit log keeps each pin) or interviewed
    with, newest first."""
    pins = session.scalars(
        select(AuditEntry.details).where(
            AuditEntry.action == "project.questionnaire",
            AuditEntry.object_type == "project",
            AuditEntry.object_id == str(project.id),
        )
    )
    keys = {(d.get("questionnaire"), d.get("version")) for d in pins if isinstance(d, dict)}
    found = {v.id: v for v in versions_ran(session, project)}
    for questionnaire_id, version in keys:
        stored = session.scalar(
            select(QuestionnaireVersion).where(
                QuestionnaireVersion.questionnaire_id == questionnaire_id,
                QuestionnaireVersion.version == version,
            )
        )
        if stored is not None:
            found[stored.id] = stored
    pinned = session.get(QuestionnaireVersion, project.questionnaire_version_id or -1)
    if pinned is not None:
        found[pinned.id] = pinned
    return sorted(found.values(), key=lambda v: v.id, reverse=True)


def pin(
    session: Session,
    project: Project,
    path: Path,
    *,
    by: User | None = None,
    actor: str | None = None,
    confirmed: bool = False,
) -> QuestionnaireVersion:
    """Pin the questionnaire in ``path`` to the project; commits (see :func:`pin_version`)."""
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise CatiError(
            ErrorCode.QUESTIONNAIRE_UNREADABLE, file=path.name, reason=exc.strerror or str(exc)
        ) from None
    version = store(session, path.name, source)
    return pin_version(session, project, version, by=by, actor=actor, confirmed=confirmed)


def pin_version(
    session: Session,
    project: Project,
    version: QuestionnaireVersion,
    *,
    by: User | None = None,
    actor: str | None = None,
    confirmed: bool = False,
) -> QuestionnaireVersion:
    """Pin a stored version to the project; commits.

    Mid-field, changes need ``confirmed`` (else :class:`ChangesToConfirm`, the version kept
    stored), and changes that make collected answers unreadable are refused (nothing
    changes). The project's cases must hold the questionnaire's declared sample variables
    in values of the declared types; they are typed here, or the pin is refused and nothing
    changes."""
    found, in_field = changes(session, project, version)
    params = {"project": project.code, "id": version.questionnaire_id, "version": version.version}
    refused = [p for p in found if p.severity == "error"]
    if refused:
        session.rollback()  # not even the stored version stays
        headline = problem(ErrorCode.QUESTIONNAIRE_CHANGES_REFUSED, count=len(refused), **params)
        raise CatiErrors([headline, *refused])
    if found and in_field and not confirmed:
        session.commit()  # the version stays stored, for the confirmation
        headline = problem(ErrorCode.QUESTIONNAIRE_CHANGES_UNCONFIRMED, count=len(found), **params)
        raise ChangesToConfirm(version, [headline, *found])
    try:
        sample_types.type_cases(session, project, questionnaire_of(version))
    except CatiErrors:
        session.rollback()  # not even the stored version stays
        raise
    project.questionnaire_version_id = version.id
    audit.record(
        session,
        "project.questionnaire",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        questionnaire=version.questionnaire_id,
        version=version.version,
        changes=len(found),
    )
    session.commit()
    return version
