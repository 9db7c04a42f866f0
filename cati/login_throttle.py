"""Log-in throttling that slows a guesser down without ever locking out a site.

Failures are counted per (user name, address) pair, in the database so that every app
server agrees. A pair gets ``login_max_failures`` free tries; after that each failure makes
it wait twice as long as the last (1, 2, 4... minutes, capped). A success resets the pair.
A call centre behind one NAT address therefore never shares a lock: one interviewer's typos
delay only that interviewer. The address alone is limited only for names that do not
exist, with an allowance far above a shift start's typos, so guessing names cannot shut
out the people who have real ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cati import audit
from cati.config import Settings
from cati.errors import CatiError, ErrorCode
from cati.models import LoginFailure, User

FIRST_DELAY = timedelta(minutes=1)
UNKNOWN_NAMES_WINDOW = timedelta(hours=1)
# Listed and lifted in place of a name when an address is held back on unknown names.
UNKNOWN_NAMES = "*"


@dataclass(frozen=True)
class Lock:
    username: str  # UNKNOWN_NAMES for the address's limit on names that do not exist
    address: str
    failures: int
    until: datetime


def _pair_delay(failures: int, settings: Settings) -> timedelta:
    doublings = failures - settings.login_max_failures
    cap = timedelta(seconds=settings.login_max_delay_seconds)
    return min(FIRST_DELAY * 2 ** min(doublings, 30), cap)  # 2**30 minutes: past any cap


def _unknown():
    return LoginFailure.username.not_in(select(User.username))


def locks(session: Session, settings: Settings, now: datetime) -> list[Lock]:
    """Every pair and address held back right now, the soonest free first."""
    since = now - timedelta(seconds=settings.login_window_seconds)
    pairs = session.execute(
        select(LoginFailure.username, LoginFailure.address, func.count(), func.max(LoginFailure.at))
        .where(LoginFailure.at > since)
        .group_by(LoginFailure.username, LoginFailure.address)
        .having(func.count() >= settings.login_max_failures)
    ).all()
    found = [
        Lock(name, address, count, last + _pair_delay(count, settings))
        for name, address, count, last in pairs
    ]
    addresses = session.execute(
        select(LoginFailure.address, func.count(), func.min(LoginFailure.at))
        .where(LoginFailure.at > now - UNKNOWN_NAMES_WINDOW, _unknown())
        .group_by(LoginFailure.address)
        .having(func.count() >= settings.login_unknown_names_per_address)
    ).all()
    found += [
        Lock(UNKNOWN_NAMES, address, count, first + UNKNOWN_NAMES_WINDOW)
        for address, count, first in addresses
    ]
    return sorted((lock for lock in found if lock.until > now), key=lambda lock: lock.until)


def _pair_until(
    session: Session, username: str, address: str, settings: Settings, now: datetime
) -> datetime | None:
    since = now - timedelta(seconds=settings.login_window_seconds)
    count, last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.username == username,
            LoginFailure.address == address,
            LoginFailure.at > since,
        )
    ).one()
    if count < settings.login_max_failures:
        return None
    return last + _pair_delay(count, settings)


def _unknown_name_until(
    session: Session, address: str, settings: Settings, now: datetime
) -> datetime | None:
    count, first = session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(
            LoginFailure.address == address,
            LoginFailure.at > now - UNKNOWN_NAMES_WINDOW,
            _unknown(),
        )
    ).one()
    if count < settings.login_unknown_names_per_address:
        return None
    return first + UNKNOWN_NAMES_WINDOW


def check(
    session: Session, username: str, address: str, known: bool, settings: Settings, now: datetime
) -> None:
    """Raise LOGIN_THROTTLED (and audit it) while this pair, or for an unknown name this
    address, must wait."""
    until = _pair_until(session, username, address, settings, now)
    if not known:
        address_until = _unknown_name_until(session, address, settings, now)
        until = max(filter(None, (until, address_until)), default=None)
    if until is None or until <= now:
        return
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    audit.record(session, "login.throttled", actor=username[:64], address=address)
    session.commit()
    raise CatiError(ErrorCode.LOGIN_THROTTLED, minutes=minutes)


def record_failure(session: Session, username: str, address: str, now: datetime) -> None:
    """Count a failure; the caller commits it with its audit entry."""
    session.add(LoginFailure(username=username[:64], address=address[:64], at=now))


def reset(session: Session, username: str, address: str) -> None:
    """A success clears the pair's failures (not the same name's from other addresses)."""
    session.execute(
        delete(LoginFailure).where(
            LoginFailure.username == username, LoginFailure.address == address
        )
    )


def lift(session: Session, username: str, address: str, *, by: User) -> int:
    """An administrator ends a lock now; returns how many failures were forgotten."""
    where = [LoginFailure.address == address]
    where.append(_unknown() if username == UNKNOWN_NAMES else LoginFailure.username == username)
    forgotten = session.execute(delete(LoginFailure).where(*where)).rowcount
    audit.record(
        session,
        "login.unlock",
        user=by,
        object_type="login",
        object_id=f"{username}@{address}"[:64],
        username=username,
        address=address,
        failures=forgotten,
    )
    session.commit()
    return forgotten
