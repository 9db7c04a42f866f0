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
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cati import questionnaire_store
from cati.db import utcnow
from cati.errors import CatiError, CatiErrors, ErrorCode, problem
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


class DraftConflict(CatiError):
    """The draft was saved by someone else since the revision the save started from;
    ``current`` is the draft as stored."""

    def __init__(self, current: QuestionnaireDraft) -> None:
        who = current.updated_by
        name = (who.full_name or who.username) if who is not None else "?"
        super().__init__(ErrorCode.DRAFT_CONFLICT, user=name, revision=current.revision)
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


def next_version(label: str) -> str:
    """The version after ``label``: its last number one up ("1.0" -> "1.1", "3" -> "4"),
    else ".1" added."""
    found = re.search(r"(\d+)(\D*)$", label)
    if found is None:
        return f"{label}.1"
    number, rest = found.groups()
    return f"{label[: found.start()]}{int(number) + 1}{rest}"


def proposed_version(session: Session, draft_data: dict[str, Any]) -> str:
    """The version to publish a draft as: its own, unless that one is stored already with
    other content (a change is a new version), then the next free one."""
    label = str(draft_data.get("version") or "1")
    questionnaire_id = draft_data.get("id")
    while True:
        stored = session.scalar(
            select(QuestionnaireVersion).where(
                QuestionnaireVersion.questionnaire_id == questionnaire_id,
                QuestionnaireVersion.version == label,
            )
        )
        if stored is None or stored.checksum == _checksum({**draft_data, "version": label}):
            return label
        label = next_version(label)


def published_yaml(questionnaire: Questionnaire) -> str:
    """The YAML a draft is published as: the questionnaire's document, in the documented
    order, whatever order the draft's keys were typed in."""
    return to_yaml(document_of(questionnaire))


def _checksum(data: dict[str, Any]) -> str | None:
    checked = check(data)
    if checked.questionnaire is None or checked.errors:
        return None
    return hashlib.sha256(published_yaml(checked.questionnaire).encode()).hexdigest()


def publish(
    session: Session, project: Project, version: str, revision: int, by: User | None
) -> QuestionnaireVersion:
    """The draft at ``revision`` as questionnaire ``version``: stored and pinned to the
    project through the questionnaire store, so the mid-field rules hold (the changes are
    confirmed by publishing; a change that makes collected answers unreadable is refused
    and nothing is stored). The draft takes the version published. Commits.

    Raises DraftConflict when the draft moved on from ``revision`` (its changes were not
    the ones shown), CatiErrors with the draft's errors, or the store's refusals."""
    draft = draft_of(session, project)
    if draft is None:
        raise CatiError(ErrorCode.DRAFT_MISSING, project=project.code)
    if draft.revision != revision:
        raise DraftConflict(draft)
    data = {**document(draft), "version": version}
    checked = check(data)
    if checked.questionnaire is None or checked.errors:
        headline = problem(ErrorCode.DRAFT_NOT_PUBLISHABLE, count=len(checked.errors))
        raise CatiErrors([headline, *checked.errors])
    questionnaire = checked.questionnaire
    name = f"{questionnaire.id}-{questionnaire.version}.yaml"
    stored = questionnaire_store.store(session, name, published_yaml(questionnaire).encode())
    pinned = questionnaire_store.pin_version(session, project, stored, by=by, confirmed=True)
    if document(draft).get("version") != version:
        save(session, project, data, revision, by)
    return pinned
