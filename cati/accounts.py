"""User accounts: creation, passwords, disabling and authentication with throttling.

Passwords are hashed through Werkzeug (no extra dependency) with the method the settings
name: scrypt (memory-hard) unless ``CATI_PASSWORD_HASH_METHOD`` says otherwise. A stored hash
names its own method, so checking a password never needs the setting.
Failed log-ins are kept in the database so that throttling holds across app servers.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from cati import audit, user_sessions
from cati.config import Settings
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode
from cati.models import LoginFailure, Role, User

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{3,64}$")


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the user name is unknown, so both paths cost one hash."""
    return generate_password_hash("not a real password", method=method)


def check_password_policy(username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CatiError(ErrorCode.PASSWORD_TOO_SHORT, minimum=MIN_PASSWORD_LENGTH)
    if username.lower() in password.lower():
        raise CatiError(ErrorCode.PASSWORD_IS_USERNAME)


def _parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise CatiError(
            ErrorCode.ROLE_INVALID, role=role, roles=", ".join(r.value for r in Role)
        ) from None


def _check_locale(locale: str | None) -> None:
    if locale is not None and locale not in Settings.LOCALES:
        raise CatiError(
            ErrorCode.LOCALE_INVALID, locale=locale, locales=", ".join(Settings.LOCALES)
        )


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def get_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise CatiError(ErrorCode.USER_NOT_FOUND, username=username)
    return user


def create_user(
    session: Session,
    username: str,
    role: str,
    password: str,
    *,
    full_name: str = "",
    email: str | None = None,
    locale: str | None = None,
    time_zone: str = "UTC",
    hash_method: str,
    by: User | None = None,
    actor: str | None = None,
) -> User:
    """Create and commit a user; nothing is written when any value is refused.

    ``hash_method`` is the settings' ``password_hash_method``."""
    if not _USERNAME.match(username):
        raise CatiError(ErrorCode.USERNAME_INVALID, username=username)
    parsed_role = _parse_role(role)
    check_password_policy(username, password)
    _check_locale(locale)
    if find_user(session, username) is not None:
        raise CatiError(ErrorCode.USER_EXISTS, username=username)
    user = User(
        username=username,
        role=parsed_role.value,
        password_hash=generate_password_hash(password, method=hash_method),
        full_name=full_name,
        email=email,
        locale=locale,
        time_zone=time_zone,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "user.create",
        user=by,
        actor=actor,
        object_type="user",
        object_id=user.id,
        username=username,
        role=parsed_role.value,
    )
    session.commit()
    return user


def set_password(
    session: Session,
    username: str,
    password: str,
    *,
    hash_method: str,
    by: User | None = None,
    actor: str | None = None,
    keep_session: str | None = None,
) -> User:
    """Set a new password; every session of the user ends but ``keep_session`` (the id of
    the session a user changing their own password works in)."""
    user = get_user(session, username)
    check_password_policy(username, password)
    user.password_hash = generate_password_hash(password, method=hash_method)
    # Whoever knew the old password may hold a session: none outlives the new password.
    user_sessions.end_user_sessions(session, user, "password changed", utcnow(), keep=keep_session)
    audit.record(
        session, "user.set_password", user=by, actor=actor, object_type="user", object_id=user.id
    )
    session.commit()
    return user


def set_active(
    session: Session,
    username: str,
    active: bool,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> User:
    user = get_user(session, username)
    user.active = active
    if not active:  # re-enabling must not revive the sessions open before
        user_sessions.end_user_sessions(session, user, "disabled", utcnow())
    action = "user.enable" if active else "user.disable"
    audit.record(session, action, user=by, actor=actor, object_type="user", object_id=user.id)
    session.commit()
    return user


def set_locale(session: Session, user: User, locale: str) -> None:
    _check_locale(locale)
    user.locale = locale
    session.commit()


def _failures_since(session: Session, column, value: str, since: datetime):
    return session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(
            LoginFailure.at > since, column == value
        )
    ).one()


def _throttled_until(
    session: Session, username: str, address: str, settings: Settings, now: datetime
) -> datetime | None:
    """When the name or the address has failed too often within the window, until when."""
    since = now - timedelta(seconds=settings.login_window_seconds)
    limit = settings.login_max_failures
    # Addresses are shared (call-centre NAT), so they get a larger allowance than one name.
    checks = (
        (_failures_since(session, LoginFailure.username, username, since), limit),
        (_failures_since(session, LoginFailure.address, address, since), limit * 4),
    )
    blocked = [first for (count, first), allowed in checks if count >= allowed]
    if not blocked:
        return None
    return min(blocked) + timedelta(seconds=settings.login_window_seconds)


def authenticate(
    session: Session,
    username: str,
    password: str,
    address: str,
    settings: Settings,
    now: datetime | None = None,
) -> User:
    """Return the user for a correct, unthrottled log-in; else raise CatiError.

    A disabled user gets the same answer as a wrong password, so that the page does not
    tell an outsider which accounts exist.
    """
    now = now or utcnow()
    until = _throttled_until(session, username, address, settings, now)
    if until is not None:
        minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        audit.record(session, "login.throttled", actor=username[:64], address=address)
        session.commit()
        raise CatiError(ErrorCode.LOGIN_THROTTLED, minutes=minutes)
    user = find_user(session, username)
    hashed = user.password_hash if user is not None else _dummy_hash(settings.password_hash_method)
    if not check_password_hash(hashed, password) or user is None or not user.active:
        session.add(LoginFailure(username=username[:64], address=address[:64], at=now))
        audit.record(session, "login.failed", actor=username[:64], address=address)
        session.commit()
        raise CatiError(ErrorCode.LOGIN_INVALID)
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    user.last_login_at = now
    audit.record(session, "login", user=user, object_type="user", object_id=user.id)
    session.commit()
    return user
