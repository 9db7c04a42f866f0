"""The do-not-call list: numbers no project may dial, checked at dispatch time."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.models import DoNotCall, User
from sampling.errors import SamplingError
from sampling.phones import normalize_phone


def add_numbers(
    session: Session,
    numbers: Iterable[str],
    reason: str,
    region: str = "ES",
    *,
    by: User | None = None,
    actor: str | None = None,
) -> int:
    """Add numbers (any format); all are checked first, and one bad number adds none."""
    normalized = []
    for position, raw in enumerate(numbers, start=1):
        try:
            normalized.append(normalize_phone(raw, region).e164)
        except SamplingError as exc:
            raise CatiError(
                ErrorCode.DNC_NUMBER_INVALID, position=position, reason=exc.problem.message
            ) from None
    added = list_numbers(session, normalized, reason)
    audit.record(
        session,
        "dnc.add",
        user=by,
        actor=actor,
        object_type="do_not_call",
        added=added,
        reason=reason,
    )
    session.commit()
    return added


def list_numbers(session: Session, numbers: Iterable[str], reason: str) -> int:
    """Put E.164 numbers on the list inside the caller's transaction; returns how many
    were not listed yet."""
    wanted = set(numbers)
    listed = set(session.scalars(select(DoNotCall.number).where(DoNotCall.number.in_(wanted))))
    new = sorted(wanted - listed)
    session.add_all(DoNotCall(number=n, reason=reason) for n in new)
    return len(new)
