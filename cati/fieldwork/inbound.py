"""A respondent calls in: find their case in any number format, claim it, or pass the call on.

The number is looked up as typed in any format: international (``+1 840-555-0196``,
``0018405550196``), national (``(840) 555-0196``, ``07700 900123``) or only its last digits
(``5550196``): the digits, without an international (00) or trunk (0) prefix, are matched
against the end of the cases' stored E.164 numbers, within the project. Calling windows do
not apply (the respondent called), but the case must be released and open: a call for a
closed or unreleased case, or from a number no case has, is recorded (number, time, note)
for a supervisor, who decides (reopen the case, let it in, make it a new case where the
project takes unknown callers, or close the request), each decision audited.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from cati import audit
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import cases, supervision
from cati.fieldwork.dispatch import Claim, held_case
from cati.fieldwork.projects import is_member, rules_of
from cati.models import Case, CaseState, InboundCall, Phone, Project, User
from sampling.errors import SamplingError
from sampling.phones import normalize_phone, zones_of

# Fewer trailing digits than this would match too many numbers to mean anything.
MIN_DIGITS = 6


def _digits(query: str, region: str) -> str | None:
    """The digits to match at the end of an E.164 number, or None when too few."""
    try:
        return normalize_phone(query, region).e164[1:]
    except SamplingError:
        pass
    digits = re.sub(r"\D", "", query)
    digits = digits.removeprefix("00") if digits.startswith("00") else digits.lstrip("0")
    return digits if len(digits) >= MIN_DIGITS else None


def find_cases(session: Session, project: Project, query: str, region: str = "ES") -> list[Case]:
    """The project's cases whose id is ``query`` or one of whose numbers ends in its digits."""
    text = query.strip()
    by_id = session.scalars(
        select(Case).where(Case.project_id == project.id, Case.external_id == text)
    ).all()
    if by_id:
        return list(by_id)
    digits = _digits(text, region)
    if digits is None:
        return []
    found = (
        select(Case)
        .options(selectinload(Case.phones))
        .where(
            Case.project_id == project.id,
            Case.phones.any(Phone.number.endswith(digits, autoescape=True)),
        )
        .order_by(Case.id)
        .limit(10)
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(found))


def _caller_number(query: str, region: str) -> str:
    try:
        return normalize_phone(query, region).e164
    except SamplingError:
        return query.strip()[:32]


def _pass_on(
    session: Session,
    project: Project,
    interviewer: User,
    reason: str,
    number: str,
    note: str,
    now: datetime,
    case: Case | None = None,
) -> InboundCall:
    """Record the call for a supervisor; commits (the interviewer's refusal follows)."""
    call = InboundCall(
        project_id=project.id,
        number=number,
        case_id=case.id if case else None,
        at=now,
        note=note.strip()[:2000],
        reason=reason,
        taken_by_id=interviewer.id,
    )
    session.add(call)
    session.flush()
    audit.record(
        session,
        "inbound.pass_on",
        user=interviewer,
        object_type="case" if case else "project",
        object_id=case.id if case else project.id,
        reason=reason,
        call=call.id,
    )
    session.commit()
    return call


def claim_inbound(
    session: Session,
    project: Project,
    interviewer: User,
    query: str,
    *,
    region: str = "ES",
    note: str = "",
    now: datetime | None = None,
) -> Claim:
    """Find the caller's case and claim it for this interviewer.

    Refused with the reason: a number matching several cases (give more digits or the case
    id), a case another interviewer holds, and while the interviewer holds another open case
    (they record its outcome first, which keeps its attempt honest). A closed or unreleased
    case, or no case at all, is passed on to a supervisor (``InboundCall``) and refused.
    """
    now = now or utcnow()
    if not is_member(session, project, interviewer):
        raise CatiError(ErrorCode.NOT_ASSIGNED, username=interviewer.username, project=project.code)
    held = held_case(session, interviewer, now)
    found = find_cases(session, project, query, region)
    if len(found) > 1:
        raise CatiError(
            ErrorCode.INBOUND_AMBIGUOUS, query=query, count=len(found), project=project.code
        )
    if not found:
        _pass_on(session, project, interviewer, "unknown", _caller_number(query, region), note, now)
        raise CatiError(ErrorCode.INBOUND_UNKNOWN, query=query, project=project.code)
    (case,) = found
    digits = _digits(query, region) if query.strip() != case.external_id else None
    phone = next((p for p in case.phones if digits and p.number.endswith(digits)), None)
    if case.state in (CaseState.FINAL, CaseState.UNRELEASED):
        number = phone.number if phone else ""
        _pass_on(session, project, interviewer, case.state, number, note, now, case)
        code = (
            ErrorCode.INBOUND_FINAL
            if case.state == CaseState.FINAL
            else ErrorCode.INBOUND_UNRELEASED
        )
        raise CatiError(code, case=case.external_id, outcome=case.final_outcome or "")
    if held is not None and held.id != case.id:
        raise CatiError(ErrorCode.CASE_HELD, case=held.external_id)
    if case.claimed_by_id not in (None, interviewer.id) and (
        case.claim_expires_at is not None and case.claim_expires_at >= now
    ):
        raise CatiError(ErrorCode.CASE_CLAIMED_BY_OTHER, case=case.external_id)
    # Conditional, like dispatch's claim: a colleague may have claimed or closed it since.
    won = session.execute(
        update(Case)
        .where(
            Case.id == case.id,
            Case.state.in_((CaseState.ACTIVE, CaseState.HELD)),
            or_(
                Case.claimed_by_id.is_(None),
                Case.claimed_by_id == interviewer.id,
                Case.claim_expires_at.is_(None),
                Case.claim_expires_at < now,
            ),
        )
        .values(
            claimed_by_id=interviewer.id,
            claimed_at=now,
            claim_expires_at=now + timedelta(minutes=rules_of(project).claim_minutes),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        session.rollback()
        session.refresh(case)
        if case.state == CaseState.FINAL:
            raise CatiError(ErrorCode.CASE_FINAL, case=case.external_id, outcome=case.final_outcome)
        raise CatiError(ErrorCode.CASE_CLAIMED_BY_OTHER, case=case.external_id)
    audit.record(
        session, "case.claim_inbound", user=interviewer, object_type="case", object_id=case.id
    )
    session.commit()
    session.refresh(case)
    return Claim(case=case, phone=phone or case.phones[0], expires_at=case.claim_expires_at)


# --- the supervisor's decisions --------------------------------------------------------------


def open_calls(session: Session, project: Project) -> list[InboundCall]:
    return list(
        session.scalars(
            select(InboundCall)
            .where(InboundCall.project_id == project.id, InboundCall.status == "open")
            .order_by(InboundCall.at, InboundCall.id)
        )
    )


def _done(session: Session, call: InboundCall, by: User, decision: str, **details) -> None:
    call.status = "done"
    call.decided_by_id = by.id
    call.decision = decision
    audit.record(
        session,
        f"inbound.{decision}",
        user=by,
        object_type="case" if call.case_id else "project",
        object_id=call.case_id or call.project_id,
        call=call.id,
        **details,
    )


def _open(session: Session, call: InboundCall) -> InboundCall:
    if call.status != "open":
        raise CatiError(ErrorCode.INBOUND_DECIDED, call=call.id)
    return call


def reopen_case(
    session: Session, call: InboundCall, *, by: User, reason: str, now: datetime
) -> Case:
    """The caller's closed case goes back to dispatch with its phones (``supervision.reopen``)."""
    supervision.need_reason(reason)
    _open(session, call)
    case = session.get(Case, call.case_id) if call.case_id else None
    if case is None or case.state != CaseState.FINAL:
        raise CatiError(ErrorCode.INBOUND_DECIDED, call=call.id)
    if case.erased_at is not None:
        raise CatiError(ErrorCode.PRIVACY_CASE_ERASED, case=case.external_id)
    _done(session, call, by, "reopen")
    supervision.reopen(session, case, by=by, reason=reason, now=now)  # commits both
    return case


def let_in(session: Session, call: InboundCall, *, by: User, reason: str, now: datetime) -> Case:
    """The supervisor overrides the release: the caller's unreleased case alone is released,
    due now (the interviewer takes the call again, or calls back)."""
    reason = supervision.need_reason(reason)
    _open(session, call)
    case = session.get(Case, call.case_id) if call.case_id else None
    if case is None or case.state != CaseState.UNRELEASED:
        raise CatiError(ErrorCode.INBOUND_DECIDED, call=call.id)
    cases.release_case(session, session.get(Project, case.project_id), case, now)
    _done(session, call, by, "let_in", reason=reason)
    session.commit()
    return case


def add_case(session: Session, call: InboundCall, *, by: User, reason: str, now: datetime) -> Case:
    """An unknown caller becomes a new, released case of a project that takes them."""
    reason = supervision.need_reason(reason)
    _open(session, call)
    project = session.get(Project, call.project_id)
    if not project.inbound_new_cases:
        raise CatiError(ErrorCode.INBOUND_NO_NEW_CASES, project=project.code)
    try:
        number = normalize_phone(call.number).e164
    except SamplingError as exc:
        raise CatiError(ErrorCode.INBOUND_NUMBER_INVALID, number=call.number) from exc
    zones, _country = zones_of(number)
    zone = zones[0] if len(zones) == 1 else project.time_zone
    case = Case(
        project_id=project.id,
        external_id=f"IN-{call.id}",
        time_zone=zone,
        time_zone_source="phone" if len(zones) == 1 else "default",
        sample_vars={},
        state=CaseState.UNRELEASED,
        phones=[Phone(position=1, number=number, kind="unknown")],
    )
    session.add(case)
    session.flush()
    cases.release_case(session, project, case, now)
    call.case_id = case.id
    _done(session, call, by, "add_case", reason=reason, case=case.external_id)
    session.commit()
    return case


def dismiss(session: Session, call: InboundCall, *, by: User, reason: str) -> None:
    """Nothing to do for this call (a wrong number, a complaint handled): it leaves the queue."""
    reason = supervision.need_reason(reason)
    _open(session, call)
    _done(session, call, by, "dismiss", reason=reason)
    session.commit()
