"""User accounts: creation, passwords, disabling and authentication with throttling.

Passwords are hashed through Werkzeug (no extra dependency) with the method the settings
name: scrypt (memory-hard) unless ``CATI_PASSWORD_HASH_METHOD`` says otherwise. A stored hash
names its own method, so checking a password never needs the setting.
Throttling of failed log-ins is cati.login_throttle's.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from cati import audit, login_throttle, organisations, user_sessions
from cati.config import Settings
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode
from cati.models import Organisation, Role, User
from cati.passwords import check_password_policy

_USERNAME = re.compile(r"^[A-Za-z0-9._-]{3,64}$")


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the user name is unknown, so both paths cost one hash."""
    return generate_password_hash("not a real password", method=method)


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
    organisation: Organisation | None = None,
    hash_method: str,
    by: User | None = None,
    actor: str | None = None,
) -> User:
    """Create and commit a user; nothing is written when any value is refused.

    ``organisation``: a client's company (required); staff join the agency, named or not.
    ``hash_method`` is the settings' ``password_hash_method``."""
    if not _USERNAME.match(username):
        raise CatiError(ErrorCode.USERNAME_INVALID, username=username)
    parsed_role = _parse_role(role)
    check_password_policy(username, password)
    _check_locale(locale)
    if find_user(session, username) is not None:
        raise CatiError(ErrorCode.USER_EXISTS, username=username)
    home = organisations.home_of(session, parsed_role.value, organisation)
    user = User(
        username=username,
        role=parsed_role.value,
        password_hash=generate_password_hash(password, method=hash_method),
        full_name=full_name,
        email=email,
        locale=locale,
        time_zone=time_zone,
        organisation=home,
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
        organisation=home.name,
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
    audit.record(
        session, "user.set_password", user=by, actor=actor, object_type="user", object_id=user.id
    )
    password_changed(session, user, keep_session=keep_session)
    session.commit()
    return user


def change_own_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    *,
    hash_method: str,
    keep_session: str | None = None,
) -> None:
    """A user's own change: the current password first, then the same rules as a reset; the
    user's other sessions end, ``keep_session`` (the one they work in) stays."""
    if not check_password_hash(user.password_hash, current):
        raise CatiError(ErrorCode.PASSWORD_WRONG)
    check_password_policy(user.username, new)
    user.password_hash = generate_password_hash(new, method=hash_method)
    audit.record(session, "user.change_password", user=user, object_type="user", object_id=user.id)
    password_changed(session, user, keep_session=keep_session)
    session.commit()


def password_changed(session: Session, user: User, *, keep_session: str | None = None) -> None:
    """Whoever knew the old password may hold a session: none but ``keep_session`` outlives
    the new password. Called in the transaction of the change, before its commit."""
    user_sessions.end_user_sessions(session, user, "password changed", utcnow(), keep=keep_session)


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
    user = find_user(session, username)
    login_throttle.check(session, username, address, user is not None, settings, now)
    hashed = user.password_hash if user is not None else _dummy_hash(settings.password_hash_method)
    if not check_password_hash(hashed, password) or user is None or not user.active:
        login_throttle.record_failure(session, username, address, now)
        audit.record(session, "login.failed", actor=username[:64], address=address)
        session.commit()
        raise CatiError(ErrorCode.LOGIN_INVALID)
    login_throttle.reset(session, username, address)
    user.last_login_at = now
    audit.record(session, "login", user=user, object_type="user", object_id=user.id)
    session.commit()
    return user
