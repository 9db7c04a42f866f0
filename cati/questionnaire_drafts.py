"""The questionnaire a project's researchers write in the designer: one draft per project,
kept in the database as they type.

A draft is the questionnaire as plain data (the document a YAML file holds), stored even
while it is not yet a valid questionnaire. Every save names the revision it started from:
a save from an older revision than the stored one is refused (:class:`DraftConflict`,
carrying the other researcher's version), so two researchers never overwrite each other
without seeing it. The check of a draft is the one ``cati questionnaire check`` runs, on
the YAML the draft is published as.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cati.db import utcnow
from cati.errors import CatiError, ErrorCode
from cati.models import Project, QuestionnaireDraft, QuestionnaireVersion, User
from cati.problems import Problem
from cati.questionnaire_store import questionnaire_of
from questionnaires import Questionnaire, QuestionnaireError
from questionnaires.building import build_questionnaire
from questionnaires.checks import check as static_checks
from questionnaires.loader import MAX_BYTES, MAX_DEPTH, collector_paused
from questionnaires.writing import document_of, to_yaml

DRAFT_FILE = "draft.yaml"  # how the draft's problems name it


@dataclass(frozen=True)
class Checked:
    """A draft as the check sees it: the questionnaire when it is one, every problem
    (errors and warnings, each with its path), and the YAML it would be published as."""

    document: dict[str, Any]
    questionnaire: Questionnaire | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @cached_property
    def yaml(self) -> str:
        return to_yaml(self.document)


class DraftConflict(Exception):
    """The draft was saved by someone else since the revision the save started from."""

    def __init__(self, current: QuestionnaireDraft) -> None:
        super().__init__(f"draft revision {current.revision} was saved in between")
        self.current = current


def document(draft: QuestionnaireDraft) -> dict[str, Any]:
    return json.loads(draft.document)


def check(data: dict[str, Any]) -> Checked:
    """The checks of ``cati questionnaire check``: the model's validation and the static
    checks, on the document as it is (the YAML it is written as reads back to the same data,
    so writing it out first would only cost the time; tests hold the two the same)."""
    with collector_paused():
        try:
            questionnaire = build_questionnaire(data, None, DRAFT_FILE)
        except QuestionnaireError as exc:
            return Checked(data, None, exc.problems)
        return Checked(data, questionnaire, static_checks(questionnaire, DRAFT_FILE))


def yaml_diff(before: str, after: str, before_name: str, after_name: str) -> str:
    """A unified diff of two YAML texts, as a reviewer reads a change to a file."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            before_name,
            after_name,
        )
    )


def _identifier(text: str) -> str:
    """A questionnaire id from a project code: letters, digits and _, starting with a letter."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", text)[:60]
    return cleaned if cleaned[:1].isalpha() else f"q_{cleaned}"


def new_document(project: Project, language: str) -> dict[str, Any]:
    """Where an empty project's questionnaire starts: its name, one empty block."""
    return {
        "id": _identifier(project.code).lower(),
        "version": "1",
        "title": project.name,
        "languages": [language],
        "blocks": [{"id": "main", "questions": []}],
    }


def _starting_document(session: Session, project: Project, language: str) -> dict[str, Any]:
    if project.questionnaire_version_id is not None:
        version = session.get(QuestionnaireVersion, project.questionnaire_version_id)
        return document_of(questionnaire_of(version))
    return new_document(project, language)


def draft_of(session: Session, project: Project) -> QuestionnaireDraft | None:
    return session.get(QuestionnaireDraft, project.id)


def open_draft(
    session: Session, project: Project, by: User | None, language: str = "en"
) -> QuestionnaireDraft:
    """The project's draft; the first time, one made from the pinned questionnaire (or an
    empty one in ``language``); commits. Two researchers opening it at once get one draft."""
    draft = draft_of(session, project)
    if draft is not None:
        return draft
    draft = QuestionnaireDraft(
        project_id=project.id,
        document=_encode(_starting_document(session, project, language)),
        revision=1,
        updated_by_id=by.id if by is not None else None,
        updated_at=utcnow(),
    )
    session.add(draft)
    try:
        session.commit()
    except IntegrityError:  # the other one made it first
        session.rollback()
        draft = draft_of(session, project)
        assert draft is not None
    return draft


def _depth(value: Any, limit: int) -> int:
    if limit < 0:
        return 0
    if isinstance(value, dict):
        return 1 + max((_depth(v, limit - 1) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v, limit - 1) for v in value), default=0)
    return 0


def _encode(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def valid_document(data: Any) -> dict[str, Any]:
    """The document a browser sent, refused (nothing stored) when it is not a mapping or is
    larger or deeper than a questionnaire file may be."""
    if not isinstance(data, dict):
        raise CatiError(ErrorCode.DRAFT_INVALID)
    if len(_encode(data).encode()) > MAX_BYTES:
        raise CatiError(ErrorCode.DRAFT_TOO_LARGE, limit=MAX_BYTES)
    if _depth(data, MAX_DEPTH + 1) > MAX_DEPTH:
        raise CatiError(ErrorCode.DRAFT_TOO_DEEP, limit=MAX_DEPTH)
    return data


def save(
    session: Session,
    project: Project,
    data: Any,
    revision: int,
    by: User | None,
    now: datetime | None = None,
) -> QuestionnaireDraft:
    """Store ``data`` as the draft's next revision, if ``revision`` is still the stored one;
    else :class:`DraftConflict` with the stored draft (nothing changes). Commits.

    The compare-and-set is one UPDATE on the revision, so of two saves from the same
    revision exactly one wins, on every database and every app server."""
    data = valid_document(data)
    changed = session.execute(
        update(QuestionnaireDraft)
        .where(
            QuestionnaireDraft.project_id == project.id,
            QuestionnaireDraft.revision == revision,
        )
        .values(
            document=_encode(data),
            revision=revision + 1,
            updated_by_id=by.id if by is not None else None,
            updated_at=now or utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    draft = draft_of(session, project)
    if draft is None:
        raise CatiError(ErrorCode.DRAFT_MISSING, project=project.code)
    session.refresh(draft)
    if changed != 1:
        raise DraftConflict(draft)
    return draft
