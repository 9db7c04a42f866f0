"""Personal data of respondents: which sample variables are personal, how long it is kept
after a case is finalized, and the case pseudonyms of exports (docs/privacy.md).

Safe by default: a sample variable is personal unless the researcher marks it otherwise;
phone numbers are always personal.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.models import Project, User

PSEUDONYM_LENGTH = 16  # hex digits: 64 bits, no collision in practice below 10^8 cases
MAX_RETENTION_DAYS = 36500


# --- which sample variables are personal --------------------------------------------------


def is_personal(project: Project, name: str) -> bool:
    """A variable nobody has marked as not personal is personal."""
    return project.personal_fields.get(name, True)


def analysis_fields(project: Project) -> list[str]:
    """The sample variables marked not personal: they go into exports."""
    return sorted(name for name, personal in project.personal_fields.items() if not personal)


def note_fields(project: Project, names: Iterable[str], not_personal: Iterable[str] = ()) -> None:
    """Record the sample variables of an import: new ones are personal unless named in
    ``not_personal``; marks already set stay. The caller commits."""
    wanted = set(not_personal)
    marks = dict(project.personal_fields)
    for name in names:
        if name in wanted:
            marks[name] = False
        else:
            marks.setdefault(name, True)
    project.personal_fields = marks  # a new dict, so that the JSON column is saved


def check_fields(project_code: str, names: Iterable[str], known: Iterable[str]) -> None:
    """Refuse a mark for a variable the sample does not have (a typo marks nothing)."""
    known = sorted(set(known))
    for name in names:
        if name not in known:
            raise CatiError(
                ErrorCode.PRIVACY_FIELD_UNKNOWN,
                field=name,
                project=project_code,
                known=", ".join(known) or "none",
            )


def set_personal_fields(
    session: Session,
    project: Project,
    not_personal: Iterable[str],
    *,
    by: User | None = None,
    actor: str | None = None,
) -> list[str]:
    """Mark exactly ``not_personal`` as analysis variables, every other one personal."""
    wanted = set(not_personal)
    check_fields(project.code, wanted, project.personal_fields)
    project.personal_fields = {name: name not in wanted for name in project.personal_fields}
    audit.record(
        session,
        "privacy.fields",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        not_personal=sorted(wanted),
    )
    session.commit()
    return sorted(wanted)


def set_retention(
    session: Session,
    project: Project,
    days: int | None,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> None:
    """Keep personal data ``days`` after a case is finalized (None: until erased by hand)."""
    if days is not None and not 0 <= days <= MAX_RETENTION_DAYS:
        raise CatiError(ErrorCode.PRIVACY_RETENTION_INVALID, value=days, maximum=MAX_RETENTION_DAYS)
    project.retention_days = days
    audit.record(
        session,
        "privacy.retention",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        days=days,
    )
    session.commit()


# --- pseudonyms ----------------------------------------------------------------------------


def pseudonymizer(project: Project) -> Callable[[int], str]:
    """Case id -> its pseudonym in this project: HMAC-SHA256 under the project's key.

    Stable across exports (and across an erasure, which changes the external id but not the
    case's row id); without the key, which stays in the database, it links back to nobody.
    """
    key = bytes.fromhex(project.pseudonym_key)

    def pseudonym(case_id: int) -> str:
        digest = hmac.new(key, str(case_id).encode(), hashlib.sha256).hexdigest()
        return digest[:PSEUDONYM_LENGTH]

    return pseudonym
