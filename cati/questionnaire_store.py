"""Questionnaire versions kept in the database: pinned by projects, loaded once per process.

The source is stored exactly as uploaded (YAML text or XLSForm bytes) with its checksum, so
that a version reloads to the same questionnaire after a restart or on another server. A
changed file under an existing id and version is refused: a change is a new version.
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
from cati.models import Project, QuestionnaireVersion, User
from questionnaires import Questionnaire, QuestionnaireError, read_questionnaire
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


def pin(
    session: Session,
    project: Project,
    path: Path,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> QuestionnaireVersion:
    """Pin the questionnaire in ``path`` to the project; commits.

    The project's cases must hold the questionnaire's declared sample variables in values
    of the declared types; they are typed here, or the pin is refused and nothing changes."""
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise CatiError(
            ErrorCode.QUESTIONNAIRE_UNREADABLE, file=path.name, reason=exc.strerror or str(exc)
        ) from None
    version = store(session, path.name, source)
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
    )
    session.commit()
    return version
