"""Personal data of respondents: which sample variables are personal, case pseudonyms for
exports, erasure on request and after the retention period (docs/privacy.md).

Safe by default: a sample variable is personal unless the researcher marks it otherwise;
phone numbers are always personal. Erasure removes what identifies the respondent and keeps
what the statistics need (answers, outcome, attempts with their times and outcomes).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from cati import audit
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import outcomes as oc
from cati.models import Appointment, CallAttempt, Case, Interview, Phone, Project, User

PSEUDONYM_LENGTH = 16  # hex digits: 64 bits, no collision in practice below 10^8 cases
MAX_RETENTION_DAYS = 36500
ERASED_ID_PREFIX = "erased-"


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


# --- erasure -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    """What one erasure removed: names and counts only, never the values."""

    case_id: int
    already: bool = False
    fields: tuple[str, ...] = ()
    phones: int = 0
    attempts: int = 0  # call attempts whose number and notes were blanked


def find_case(session: Session, project: Project, external_id: str) -> Case:
    case = session.scalar(
        select(Case).where(Case.project_id == project.id, Case.external_id == external_id)
    )
    if case is None:
        raise CatiError(ErrorCode.CASE_NOT_FOUND, query=external_id, project=project.code)
    return case


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise CatiError(ErrorCode.REASON_REQUIRED)
    return reason[:500]


def _take_for_erasure(session: Session, cases: list[Case], now: datetime) -> list[Case]:
    """Mark erased the cases no interviewer or respondent holds, and return them.

    One conditional update, so that a claim racing with the erasure either comes first (and
    the case is left out) or finds the case final and taken (dispatch claims active cases
    only)."""
    ids = [c.id for c in cases if c.erased_at is None]
    in_interview = set(
        session.scalars(
            select(Interview.case_id).where(
                Interview.case_id.in_(ids), Interview.status == "active"
            )
        )
    )
    values = {"erased_at": now, "claimed_by_id": None, "claimed_at": None, "claim_expires_at": None}
    taken = set(
        session.scalars(
            update(Case)
            .where(
                Case.id.in_([i for i in ids if i not in in_interview]),
                Case.erased_at.is_(None),
                or_(Case.claimed_by_id.is_(None), Case.claim_expires_at < now),
            )
            .values(**values)
            .returning(Case.id)
            .execution_options(synchronize_session=False)
        )
    )
    chosen = [c for c in cases if c.id in taken]
    for case in chosen:  # the objects now say what the rows say, without another read
        for name, value in values.items():
            set_committed_value(case, name, value)
    return chosen


def _erase(
    session: Session,
    project: Project,
    cases: list[Case],
    reason: str,
    now: datetime,
    by: User | None,
    actor: str | None,
) -> list[Erasure]:
    """Erase a project's cases inside the caller's transaction, a few statements for the
    whole list; returns what was erased. Cases already erased or held by a call are left
    out (compare the ids)."""
    from cati.fieldwork.disposition import catalogue, finalize_by_engine

    taken = _take_for_erasure(session, cases, now)
    if not taken:
        return []
    ids = [c.id for c in taken]
    phones = dict(
        session.execute(
            select(Phone.case_id, func.count())
            .where(Phone.case_id.in_(ids))
            .group_by(Phone.case_id)
        ).all()
    )
    attempts = dict(
        session.execute(
            select(CallAttempt.case_id, func.count())
            .where(CallAttempt.case_id.in_(ids))
            .group_by(CallAttempt.case_id)
        ).all()
    )
    session.execute(update(Phone).where(Phone.case_id.in_(ids)).values(number="", status="dead"))
    # Notes are free text about the person; the attempts' times and outcomes stay.
    session.execute(
        update(CallAttempt).where(CallAttempt.case_id.in_(ids)).values(number="", notes="")
    )
    session.execute(update(Appointment).where(Appointment.case_id.in_(ids)).values(notes=""))
    table = None
    erasures = []
    for case in taken:
        if case.state != "final":
            # Without a phone number the case cannot be called again: it closes the way the
            # engine closes a case at the end of fieldwork, keeping its strongest outcome.
            table = table or catalogue(session, project)
            finalize_by_engine(session, case, oc.FIELD_CLOSED, table, now)
        personal = tuple(sorted(k for k in case.sample_vars if is_personal(project, k)))
        case.sample_vars = {k: v for k, v in case.sample_vars.items() if k not in personal}
        case.external_id = f"{ERASED_ID_PREFIX}{case.id}"
        case.web_token = None
        erasure = Erasure(
            case.id,
            fields=personal,
            phones=phones.get(case.id, 0),
            attempts=attempts.get(case.id, 0),
        )
        erasures.append(erasure)
        audit.record(
            session,
            "privacy.erase",
            user=by,
            actor=actor,
            object_type="case",
            object_id=case.id,
            reason=reason,
            fields=list(personal),
            phones=erasure.phones,
        )
    return erasures


def erase_case(
    session: Session,
    case: Case,
    reason: str,
    *,
    do_not_call: bool = False,
    by: User | None = None,
    actor: str | None = None,
    now: datetime | None = None,
) -> Erasure:
    """Erase the respondent's personal data on request; commits. ``do_not_call`` first
    lists the case's numbers as never to be called (the respondent also objects to calls).
    A second call changes nothing and says so (``already``)."""
    from cati.fieldwork import donotcall

    reason = _reason(reason)
    if case.erased_at is not None:
        return Erasure(case.id, already=True)
    project = session.get(Project, case.project_id)
    if do_not_call:
        numbers = [p.number for p in case.phones if p.number]
        donotcall.list_numbers(session, numbers, f"erasure on request, project {project.code}")
    erased = _erase(session, project, [case], reason, now or utcnow(), by, actor)
    if not erased:
        session.rollback()  # the numbers listed above go too: nothing changes
        raise CatiError(ErrorCode.PRIVACY_CASE_BUSY, case=case.external_id)
    (erasure,) = erased
    if do_not_call:
        audit.record(
            session,
            "case.opt_out",
            user=by,
            actor=actor,
            object_type="case",
            object_id=case.id,
            reason=reason,
        )
    session.commit()
    return erasure


# --- retention -----------------------------------------------------------------------------


def due_for_purge(session: Session, now: datetime, project: Project | None = None) -> list[int]:
    """Ids of the cases past their project's retention: finalized, not yet erased."""
    query = (
        select(Case.id, Case.finalized_at, Project.retention_days)
        .join(Project, Project.id == Case.project_id)
        .where(
            Project.retention_days.is_not(None),
            Case.state == "final",
            Case.erased_at.is_(None),
            Case.finalized_at.is_not(None),
        )
        .order_by(Case.id)
    )
    if project is not None:
        query = query.where(Project.id == project.id)
    return [
        case_id
        for case_id, finalized_at, days in session.execute(query)
        if finalized_at <= now - timedelta(days=days)
    ]


@dataclass
class PurgeResult:
    erased: int = 0
    busy: int = 0  # in a call right now: the next run takes them


def purge(
    session: Session,
    case_ids: Iterable[int],
    *,
    now: datetime | None = None,
    actor: str = "system",
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
) -> PurgeResult:
    """Erase the given cases (``due_for_purge``), ``batch`` cases per statement and per
    commit; ``progress`` hears how many cases each batch took."""
    now = now or utcnow()
    result = PurgeResult()
    ids = list(case_ids)
    per_project: dict[int, int] = {}
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        cases = session.scalars(select(Case).where(Case.id.in_(chunk))).all()
        by_project: dict[int, list[Case]] = {}
        for case in cases:
            by_project.setdefault(case.project_id, []).append(case)
        for project_id, members in by_project.items():
            project = session.get(Project, project_id)
            reason = f"retention: {project.retention_days} days after the case was finalized"
            pending = [c for c in members if c.erased_at is None]
            erased = len(_erase(session, project, pending, reason, now, None, actor))
            result.erased += erased
            result.busy += len(pending) - erased
            per_project[project_id] = per_project.get(project_id, 0) + erased
        session.commit()
        if progress is not None:
            progress(len(chunk))
    for project_id, count in per_project.items():
        audit.record(
            session,
            "privacy.purge",
            actor=actor,
            object_type="project",
            object_id=project_id,
            cases=count,
        )
    session.commit()
    return result
