"""Log-in sessions kept in the database: opened at log-in, checked on every request, ended
by log-out, a new password, disabling, a change of role, idle time or the absolute lifetime.

The browser's cookie carries ``<id>.<token>``; only the token's SHA-256 is stored, so a copy
of the database opens no session. Every app server reads the same rows, so an ended session
is refused everywhere at its next request. Rows over for longer than the retention are
deleted by ``purge`` (``cati sweep``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, joinedload

from cati import audit
from cati.config import Settings
from cati.models import User, UserSession

# last_seen_at is written at most this often: a write per request would be most of the
# load of an interviewer's polling pages, and the idle timeout needs no finer grain.
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    session: Session, user: User, *, user_agent: str, address: str, now: datetime
) -> str:
    """Record a new session for ``user`` and return the cookie value that opens it."""
    token = secrets.token_urlsafe(32)
    row = UserSession(
        id=secrets.token_hex(16),
        token_hash=_hash(token),
        user_id=user.id,
        role=user.role,
        created_at=now,
        last_seen_at=now,
        user_agent=user_agent[:255],
        address=address[:64],
    )
    session.add(row)
    session.flush()
    return f"{row.id}.{token}"


def _end(row: UserSession, why: str, now: datetime) -> None:
    row.ended_at = now
    row.ended_why = why


def _why_over(row: UserSession, settings: Settings, now: datetime) -> str | None:
    """Why an open session may no longer be used, or None while it may."""
    user = row.user
    if not user.active:
        return "disabled"
    if user.role != row.role:
        return "role changed"
    if now - row.created_at >= timedelta(hours=settings.session_hours):
        return "expired"
    if now - row.last_seen_at >= timedelta(minutes=settings.session_idle_minutes):
        return "idle"
    return None


def current(session: Session, cookie: str, settings: Settings, now: datetime) -> UserSession | None:
    """The open session ``cookie`` names, touched; None (and the row ended) when it is over.

    One statement reads the session and its user together: every request asks, so a
    log-out, a disabled account or a change of role anywhere holds at the next request.
    """
    sid, _, token = cookie.partition(".")
    if not (sid and token):
        return None
    row = session.get(UserSession, sid[:32], options=[joinedload(UserSession.user, innerjoin=True)])
    if row is None or row.ended_at is not None:
        return None
    if not hmac.compare_digest(row.token_hash, _hash(token)):
        return None
    why = _why_over(row, settings, now)
    if why is not None:
        _end(row, why, now)
        session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.commit()
    return row


def open_sessions(session: Session, user: User) -> list[UserSession]:
    """The user's sessions not yet ended, the most recently used first."""
    return list(
        session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id)
        )
    )


def recently_ended(
    session: Session, user: User, settings: Settings, now: datetime
) -> list[UserSession]:
    """The user's sessions ended within the retention, the most recently ended first."""
    since = now - timedelta(days=settings.session_retention_days)
    return list(
        session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at >= since)
            .order_by(UserSession.ended_at.desc(), UserSession.id)
        )
    )


def purge(session: Session, settings: Settings, now: datetime) -> int:
    """Delete the sessions over for longer than the retention; commits, returns how many.

    A session nobody ended is over at its idle timeout or its absolute lifetime, whichever
    came first: it goes once either lies further back than the retention."""
    keep = timedelta(days=settings.session_retention_days)
    idle = timedelta(minutes=settings.session_idle_minutes)
    lifetime = timedelta(hours=settings.session_hours)
    result = session.execute(
        delete(UserSession).where(
            or_(
                UserSession.ended_at < now - keep,
                UserSession.last_seen_at < now - keep - idle,
                UserSession.created_at < now - keep - lifetime,
            )
        )
    )
    session.commit()
    return result.rowcount


def end_session(
    session: Session, user: User, sid: str, why: str, now: datetime, *, by: User
) -> bool:
    """End ``user``'s open session ``sid``; False when there is no such open session."""
    row = session.get(UserSession, sid[:32])
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return False
    _end(row, why, now)
    audit.record(session, "session.end", user=by, object_type="user", object_id=user.id, why=why)
    session.commit()
    return True


def end_user_sessions(
    session: Session, user: User, why: str, now: datetime, *, keep: str | None = None
) -> int:
    """End every open session of ``user`` (but ``keep``) in the caller's transaction."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep)
    result = session.execute(query.values(ended_at=now, ended_why=why))
    return result.rowcount


def end_sessions_of(
    session: Session, user: User, now: datetime, *, by: User, keep: str | None = None
) -> int:
    """An administrator ends every session of ``user`` (but their own ``keep``); commits."""
    ended = end_user_sessions(session, user, "ended by admin", now, keep=keep)
    audit.record(
        session, "session.end", user=by, object_type="user", object_id=user.id, sessions=ended
    )
    session.commit()
    return ended
