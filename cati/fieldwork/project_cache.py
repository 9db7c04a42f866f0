"""What busy requests read of a project on every call — the project's row, its outcome
catalogue and its full quota cells — kept in memory by each process, and used only while
the project's revision is the one the request has just read from the database.

Every change to a project's row, its outcomes or its quota cells (a complete's count
aside) renews the project's revision in the same transaction: a hook on every session's
flush does it, whichever code made the change. A request that reads the revision in its
own first query (the interview page, Next case, the case screen do, joined to what they
read anyway) hands it to :func:`project`; from then on that session gets the project, its
catalogue and its full cells from memory while this process's copy has that revision,
and reads and copies them otherwise. Sessions that verified nothing (the CLI, jobs, tests
arranging data) read the database as before.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from cati.models import Outcome, Project, Quota
from cati.models.fieldwork import new_revision

# The quota columns the cache holds; a complete only counts (``achieved``).
QUOTA_SETTINGS = ("name", "cell", "target", "full", "over_percent")
# Projects a process keeps; past it the copies are dropped and read again.
MAX_PROJECTS = 256

_VERIFIED = "cati.project_revisions"  # session.info: project id -> revision read
_HELD = "cati.projects"  # session.info: strong references (the identity map is weak)

T = TypeVar("T")


@dataclass
class _Copy:
    revision: str
    project: Project  # detached copies, never attached to a session
    outcomes: dict[str, Outcome] | None = None
    full_quotas: list[Quota] | None = None


_copies: dict[int, _Copy] = {}


def _detached(obj: T) -> T:
    """A copy of a loaded row that no session owns (its column values only)."""
    columns = inspect(type(obj)).column_attrs
    copy = type(obj)(**{c.key: getattr(obj, c.key) for c in columns})
    make_transient_to_detached(copy)
    return copy


def project(session: Session, project_id: int, revision: str) -> Project:
    """The project in ``session``, whose revision the request has just read: from this
    process's copy when it has that revision (no statement), else read and copied."""
    session.info.setdefault(_VERIFIED, {})[project_id] = revision
    key = identity_key(Project, project_id)
    found = session.identity_map.get(key)
    copy = _copies.get(project_id)
    if found is None and copy is not None and copy.revision == revision:
        found = session.merge(copy.project, load=False)
    elif found is None:
        found = session.get(Project, project_id)
        assert found is not None
        if found.revision == revision:  # else it changed in between: next time
            if len(_copies) >= MAX_PROJECTS:
                _copies.clear()
            _copies[project_id] = _Copy(revision, _detached(found))
    session.info.setdefault(_HELD, {})[project_id] = found
    return found


def _changing(session: Session) -> bool:
    """The session holds unflushed changes to a project, its outcomes or cells (flushing
    renews the revision; until then a copy may be behind the session's own work)."""
    pending = itertools.chain(session.new, session.dirty, session.deleted)
    return any(isinstance(obj, Project | Outcome | Quota) for obj in pending)


def _verified_copy(session: Session, project_id: int) -> _Copy | None:
    revision = session.info.get(_VERIFIED, {}).get(project_id)
    copy = _copies.get(project_id)
    if revision is None or copy is None or copy.revision != revision or _changing(session):
        return None
    return copy


def outcomes(
    session: Session, project: Project, read: Callable[[], dict[str, Outcome]]
) -> dict[str, Outcome]:
    """The project's catalogue by code: ``read()`` unless the session verified the
    project's revision and this process has the catalogue of that revision."""
    copy = _verified_copy(session, project.id)
    if copy is None:
        return read()
    if copy.outcomes is None:
        copy.outcomes = {code: _detached(o) for code, o in read().items()}
    return copy.outcomes


def full_quotas(session: Session, project: Project, read: Callable[[], list[Quota]]) -> list[Quota]:
    """The project's full quota cells, as :func:`outcomes` keeps the catalogue."""
    copy = _verified_copy(session, project.id)
    if copy is None:
        return read()
    if copy.full_quotas is None:
        copy.full_quotas = [_detached(q) for q in read()]
    return copy.full_quotas


def _quota_changed(session: Session, quota: Quota) -> bool:
    if quota in session.new or quota in session.deleted:
        return True
    attrs = inspect(quota).attrs
    return any(attrs[name].history.has_changes() for name in QUOTA_SETTINGS)


def _owner(obj: Outcome | Quota) -> int | None:
    if obj.project_id is not None:
        return obj.project_id
    owner: Any = getattr(obj, "project", None)  # added through project.outcomes
    return owner.id if owner is not None else None


@event.listens_for(Session, "before_flush")
def _renew_revisions(session: Session, _context: Any, _instances: Any) -> None:
    """A change to a project's row, outcomes or quota cells renews its revision, in the
    transaction that makes the change."""
    verified = session.info.get(_VERIFIED, {})
    renewed: set[int] = set()
    others: set[int] = set()
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Project):
            if obj not in session.new and session.is_modified(obj, include_collections=False):
                obj.revision = new_revision()
                renewed.add(obj.id)
        elif isinstance(obj, Outcome) or (isinstance(obj, Quota) and _quota_changed(session, obj)):
            owner = _owner(obj)
            if owner is not None:
                others.add(owner)
    for project_id in others - renewed:
        revision = new_revision()
        session.execute(
            update(Project)
            .where(Project.id == project_id)
            .values(revision=revision)
            .execution_options(synchronize_session=False)
        )
        held = session.identity_map.get(identity_key(Project, project_id))
        if held is not None:
            set_committed_value(held, "revision", revision)
        renewed.add(project_id)
    for project_id in renewed:
        verified.pop(project_id, None)
