"""A case's whole life: every change of its state (``CaseState``) happens here.

A case is imported unreleased; releasing its replicate makes it active (in dispatch); a full
quota cell holds it out of dispatch until the cell frees it again; an outcome, the engine or
an erasure finalizes it; a supervisor may reopen it. The functions run inside the caller's
transaction unless they say they commit. Holding and freeing are plain statements: the case
objects a session holds may not know of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select, true, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from cati import audit, project_design
from cati.db import utcnow
from cati.errors import ErrorCode, problem
from cati.fieldwork import catalogue, personal_fields, quotas, sample_types
from cati.fieldwork import default_outcomes as oc
from cati.fieldwork.rules import CallingRules, in_window, next_opening, rules_of
from cati.fieldwork.sample_import import MAX_PROBLEMS_REPORTED, CaseRecord, SampleError
from cati.models import (
    Appointment,
    CallAttempt,
    Case,
    CaseState,
    Interview,
    Outcome,
    Phone,
    Project,
    Quota,
    User,
)
from cati.problems import Place
from cati.questionnaire_store import questionnaire_of

# The states a full quota cell takes out of dispatch.
HOLDABLE = (CaseState.ACTIVE, CaseState.UNRELEASED)
IDS_PER_UPDATE = 10_000


# --- import and release --------------------------------------------------------------------


def import_cases(
    session: Session,
    project: Project,
    records: list[CaseRecord],
    file_name: str,
    *,
    not_personal: Iterable[str] = (),
    by: User | None = None,
    actor: str | None = None,
    commit: bool = True,
) -> int:
    """Add the records as unreleased cases in one transaction; nothing is written on error.
    With ``commit=False`` the caller commits (a background job, with its own end).

    When the project has a questionnaire pinned, its declared sample variables are typed
    first (a missing column or a value of the wrong type refuses the file), and so are the
    columns the project's design names (``cati.project_design.check_sample``). The sample
    variables are noted on the project as personal, except those named in
    ``not_personal`` (analysis variables such as region or age group)."""
    if project.questionnaire_version is not None:
        sample_types.type_records(
            records, questionnaire_of(project.questionnaire_version), file_name
        )
    design_problems = project_design.check_sample(
        project_design.design_of(project), [(r.row, r.sample_vars) for r in records], file_name
    )
    if design_problems:
        raise SampleError(design_problems[:MAX_PROBLEMS_REPORTED])
    names = list(dict.fromkeys(k for r in records for k in r.sample_vars))
    personal_fields.check_fields(project.code, not_personal, names)
    ids = [r.external_id for r in records]
    existing = set()
    for start in range(0, len(ids), 1000):
        existing |= set(
            session.scalars(
                select(Case.external_id).where(
                    Case.project_id == project.id, Case.external_id.in_(ids[start : start + 1000])
                )
            )
        )
    if existing:
        clashes = [r for r in records if r.external_id in existing]
        raise SampleError(
            [
                problem(
                    ErrorCode.SAMPLE_CASE_EXISTS,
                    Place(file=file_name, row=r.row),
                    case=r.external_id,
                    project=project.code,
                )
                for r in clashes[:50]
            ]
        )
    for record in records:
        case = Case(
            project_id=project.id,
            external_id=record.external_id,
            time_zone=record.time_zone,
            time_zone_source=record.time_zone_source,
            sample_vars=record.sample_vars,
            replicate=record.replicate,
            inclusion_prob=record.inclusion_prob,
            design_weight=record.design_weight,
            state=CaseState.UNRELEASED,
        )
        case.phones = [
            Phone(position=i + 1, number=number, kind=kind)
            for i, (number, kind) in enumerate(record.phones)
        ]
        session.add(case)
    personal_fields.note_fields(project, names, not_personal)
    audit.record(
        session,
        "sample.import",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        file=file_name,
        cases=len(records),
    )
    if commit:
        session.commit()
    return len(records)


def release_replicate(
    session: Session,
    project: Project,
    replicate: int,
    *,
    now: datetime | None = None,
    by: User | None = None,
    actor: str | None = None,
) -> int:
    """Make a replicate's cases callable from their next calling-window opening; commits."""
    count = _release(session, project, replicate, now or utcnow(), by=by, actor=actor)
    session.commit()
    return count


def _release(
    session: Session,
    project: Project,
    replicate: int,
    now: datetime,
    *,
    by: User | None,
    actor: str | None,
) -> int:
    rules = rules_of(project)
    cases = session.scalars(
        select(Case).where(
            Case.project_id == project.id,
            Case.replicate == replicate,
            Case.state == CaseState.UNRELEASED,
        )
    ).all()
    open_quotas = quotas.open_sample_quotas(session, project)
    openings: dict[str, datetime | None] = {}
    for case in cases:
        if case.time_zone not in openings:
            openings[case.time_zone] = next_opening(rules, case.time_zone, now)
        case.state = CaseState.ACTIVE
        case.released_at = now
        case.next_call_at = openings[case.time_zone] or now
        case.rank = 2
        case.priority = quotas.priority_for(case, open_quotas)
    if project.status == "setup" and cases:
        project.status = "fieldwork"
    audit.record(
        session,
        "replicate.release",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        replicate=replicate,
        cases=len(cases),
    )
    return len(cases)


def release_case(session: Session, project: Project, case: Case, now: datetime) -> None:
    """Release one case ahead of its replicate (a supervisor let its respondent's call in):
    due now, windows or not, as the respondent is on the line or waits for the call back."""
    case.state = CaseState.ACTIVE
    case.released_at = now
    case.next_call_at = now
    case.rank = 2
    case.priority = quotas.priority_for(case, quotas.open_sample_quotas(session, project))
    if project.status == "setup":
        project.status = "fieldwork"


def maybe_auto_release(session: Session, project: Project, now: datetime) -> int | None:
    """Release the next replicate once the set share of the released sample is final."""
    rules = rules_of(project)
    if rules.auto_release_share is None:
        return None
    released, final = session.execute(
        select(
            func.count().filter(Case.state != CaseState.UNRELEASED),
            func.count().filter(Case.state == CaseState.FINAL),
        ).where(Case.project_id == project.id)
    ).one()
    if not released or final / released < rules.auto_release_share:
        return None
    following = session.scalar(
        select(func.min(Case.replicate)).where(
            Case.project_id == project.id, Case.state == CaseState.UNRELEASED
        )
    )
    if following is None:
        return None
    _release(session, project, following, now, by=None, actor="system")
    return following


# --- in dispatch ---------------------------------------------------------------------------


def schedule(case: Case, when: datetime) -> None:
    """Call the case again at ``when``; a held case stays held until its cell frees it."""
    case.next_call_at = when
    case.rank = 2
    if case.state != CaseState.HELD:
        case.state = CaseState.ACTIVE


def reschedule_for_rules(
    session: Session, project: Project, old: CallingRules, now: datetime
) -> int:
    """The project's calling windows changed (its rules already say the new ones): every
    case in play (active or held, not claimed, no pending appointment fixing its time) is
    due at the first opening of the new windows at or after the time it was due, or now if
    that has passed. When the old windows had pushed the case later than its outcome's
    delay asked, the new windows start from that earlier time. Returns the cases moved;
    the caller commits."""
    rules = rules_of(project)
    booked = select(Appointment.case_id).where(Appointment.status == "pending")
    in_play = session.scalars(
        select(Case).where(
            Case.project_id == project.id,
            Case.state.in_((CaseState.ACTIVE, CaseState.HELD)),
            Case.next_call_at.is_not(None),
            or_(Case.claimed_by_id.is_(None), Case.claim_expires_at < now),
            Case.id.not_in(booked),
        )
    )
    table = catalogue.by_code(session, project)
    moved = 0
    for case in in_play:
        when = next_opening(rules, case.time_zone, _earliest(session, case, old, table, now))
        if when is not None and when != case.next_call_at:
            case.next_call_at = when
            moved += 1
    return moved


def _earliest(
    session: Session, case: Case, old: CallingRules, table: dict[str, Outcome], now: datetime
) -> datetime:
    """The earliest time the case may be called again, whatever the windows."""
    due = case.next_call_at
    if due <= now:
        return now
    if in_window(old, case.time_zone, due - timedelta(seconds=1)):
        return due  # not pushed by a window opening: the delay (or slot) chose this time
    last = session.execute(
        select(CallAttempt.ended_at, CallAttempt.outcome)
        .where(CallAttempt.case_id == case.id)
        .order_by(CallAttempt.ended_at.desc(), CallAttempt.id.desc())
        .limit(1)
    ).first()
    if last is None or last.ended_at is None:
        asked = case.released_at or now
    else:
        outcome = table.get(last.outcome)
        delay = 0 if outcome is None or outcome.next_phone else outcome.delay_minutes
        asked = last.ended_at + timedelta(minutes=delay)
    return max(now, min(due, asked))


def hold_for_web(case: Case, now: datetime, minutes: int = 60) -> None:
    """Keep interviewers off a case while its respondent is answering on the web."""
    if case.state == CaseState.ACTIVE and case.next_call_at is not None:
        case.next_call_at = max(case.next_call_at, now + timedelta(minutes=minutes))


# --- quota holds ---------------------------------------------------------------------------


def hold_for_cells(session: Session, project: Project, filled: Iterable[Quota]) -> None:
    """Take out of dispatch, without finalizing them, the cases whose sample variables fall
    in these (full) quota cells."""
    filled = list(filled)
    if not filled:
        return
    rows = session.execute(
        select(Case.id, Case.sample_vars).where(
            Case.project_id == project.id, Case.state.in_(HOLDABLE)
        )
    )
    held = [
        case_id
        for case_id, sample_vars in rows
        if any(quotas.holds(q.cell, sample_vars) for q in filled)
    ]
    _update_ids(session, held, Case.state.in_(HOLDABLE), state=CaseState.HELD)


def reprioritize(session: Session, project: Project, touched: list[Quota] | None = None) -> None:
    """Priorities from the quota deficits as they are now, for the cases in dispatch or held:
    run whenever a complete lands in a sample cell (``touched``: only the cases in those
    cells can change) or the cells change (all cases), so that the next case called is one
    in the cell furthest from its target."""
    open_quotas = quotas.open_sample_quotas(session, project)
    variables = sorted({var for quota in [*open_quotas, *(touched or [])] for var in quota.cell})
    as_text = {v: cast(Case.sample_vars[v].as_string(), String) for v in variables}
    query = select(Case.id, Case.replicate, Case.priority, *as_text.values()).where(
        Case.project_id == project.id, Case.state.in_((CaseState.ACTIVE, CaseState.HELD))
    )
    if touched is not None:
        query = query.where(
            or_(*(and_(*(as_text[v].in_(vals) for v, vals in q.cell.items())) for q in touched))
        )
    # Only the cells' variables are read (a sample's other columns cost time for nothing),
    # and cases alike in them get the same priority: matched once per kind.
    by_kind: dict[tuple[Any, ...], int] = {}
    changed: dict[int, list[int]] = {}
    for case_id, replicate, priority, *values in session.execute(query):
        kind = (replicate, *values)
        if kind not in by_kind:
            known = {
                v: value for v, value in zip(variables, values, strict=True) if value is not None
            }
            by_kind[kind] = quotas.priority_of(replicate, known, open_quotas)
        if by_kind[kind] != priority:
            changed.setdefault(by_kind[kind], []).append(case_id)
    for priority, ids in changed.items():
        _update_ids(session, ids, true(), priority=priority)


def free_held(session: Session, project: Project) -> None:
    """Held cases that no full cell holds any more: back to dispatch if their replicate was
    released, else back to waiting for its release."""
    full = quotas.full_quotas(session, project)
    freed: dict[CaseState, list[int]] = {CaseState.ACTIVE: [], CaseState.UNRELEASED: []}
    for case_id, sample_vars, released_at in session.execute(
        select(Case.id, Case.sample_vars, Case.released_at).where(
            Case.project_id == project.id, Case.state == CaseState.HELD
        )
    ):
        if not any(quotas.holds(q.cell, sample_vars) for q in full):
            state = CaseState.ACTIVE if released_at is not None else CaseState.UNRELEASED
            freed[state].append(case_id)
    for state, ids in freed.items():
        _update_ids(session, ids, Case.state == CaseState.HELD, state=state)


def _update_ids(session: Session, ids: list[int], condition: Any, **values: Any) -> None:
    """Set ``values`` on these cases where ``condition`` still holds, in chunks: a cell of
    a large sample holds more cases than a statement takes parameters (65,535 on
    PostgreSQL)."""
    for start in range(0, len(ids), IDS_PER_UPDATE):
        session.execute(
            update(Case)
            .where(Case.id.in_(ids[start : start + IDS_PER_UPDATE]), condition)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


# --- final ---------------------------------------------------------------------------------


def finalize(session: Session, case: Case, outcome: Outcome, now: datetime) -> None:
    """Close the case; a call-back still booked is cancelled, in the audit trail, so that no
    appointment is left pending behind a closed case."""
    cancel_appointments(session, case, f"case finalized as {outcome.code}")
    case.state = CaseState.FINAL
    case.final_outcome = outcome.code
    case.final_aapor = outcome.aapor
    case.finalized_at = now
    case.next_call_at = None
    case.reserved_for_id = None
    case.reserved_until = None


def finalize_by_engine(
    session: Session, case: Case, system_code: str, table: dict[str, Outcome], now: datetime
) -> Outcome:
    """Finalize with the strongest outcome in the case's history, else the system code."""
    history = session.scalars(select(CallAttempt.outcome).where(CallAttempt.case_id == case.id))
    system = table[system_code]
    seen = [table[code] for code in set(history) if code in table]
    strongest = min(seen, key=lambda o: o.precedence, default=system)
    chosen = strongest if strongest.precedence < system.precedence else system
    finalize(session, case, chosen, now)
    audit.record(
        session,
        "case.finalize",
        actor="system",
        object_type="case",
        object_id=case.id,
        outcome=chosen.code,
        reason=system_code,
    )
    return chosen


def cancel_appointments(session: Session, case: Case, reason: str) -> int:
    """Cancel the case's call-backs not yet kept, each in the audit trail."""
    cancelled = 0
    for appointment in session.scalars(
        select(Appointment).where(Appointment.case_id == case.id, Appointment.status == "pending")
    ):
        appointment.status = "cancelled"
        cancelled += 1
        audit.record(
            session,
            "appointment.cancel",
            actor="system",
            object_type="case",
            object_id=case.id,
            appointment=appointment.id,
            reason=reason,
        )
    return cancelled


def reopen(case: Case, when: datetime) -> int:
    """Undo a case's finalization, with its phones: it is called again from ``when``.

    Numbers whose attempts ran out (``exhausted``) get their attempts back; dead numbers and
    numbers on the do-not-call list stay as they are. Returns the numbers given back."""
    if case.state == CaseState.FINAL:
        case.final_outcome = case.final_aapor = case.finalized_at = None
        case.state = CaseState.ACTIVE if case.released_at is not None else CaseState.UNRELEASED
    given_back = 0
    for phone in case.phones:
        if phone.status == "exhausted":
            phone.status = "active"
            phone.attempts = 0
            given_back += 1
    if case.state != CaseState.UNRELEASED:
        schedule(case, when)
    return given_back


def take_for_erasure(
    session: Session, project: Project, cases: list[Case], now: datetime
) -> list[Case]:
    """Mark erased the cases no interviewer or respondent holds, finalize those still open,
    and return them.

    One conditional update, so that a claim racing with the erasure either comes first (and
    the case is left out) or finds the case final and taken (dispatch claims active cases
    only). Without a phone number a case cannot be called again: it closes the way the
    engine closes a case at the end of fieldwork, keeping its strongest outcome."""
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
    table = None
    for case in chosen:  # the objects now say what the rows say, without another read
        for name, value in values.items():
            set_committed_value(case, name, value)
        if case.state != CaseState.FINAL:
            table = table or catalogue.by_code(session, project)
            finalize_by_engine(session, case, oc.FIELD_CLOSED, table, now)
    return chosen


def take_from(session: Session, project: Project, user: User) -> int:
    """A user leaves the project: the cases they hold in it go back to dispatch (an
    interview they had open goes on with whoever gets the case next) and the call-backs
    booked personally for them are open to anyone in the project. In the caller's
    transaction; returns the number of cases given back."""
    in_project = select(Case.id).where(Case.project_id == project.id).scalar_subquery()
    released = session.execute(
        update(Case)
        .where(Case.project_id == project.id, Case.claimed_by_id == user.id)
        .values(claimed_by_id=None, claimed_at=None, claim_expires_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        update(Case)
        .where(Case.project_id == project.id, Case.reserved_for_id == user.id)
        .values(reserved_for_id=None, reserved_until=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Appointment)
        .where(
            Appointment.case_id.in_(in_project),
            Appointment.interviewer_id == user.id,
            Appointment.status == "pending",
        )
        .values(interviewer_id=None)
        .execution_options(synchronize_session=False)
    )
    return released
