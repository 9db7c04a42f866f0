"""Two-factor log-in: enrolment, codes at log-in, recovery codes, the installation switch.

When the administrator turns it on, admins, researchers and supervisors must enrol at their
next log-in; anyone enrolled is asked for a code after the password, whatever the switch.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cati import audit, totp
from cati.errors import CatiError, ErrorCode
from cati.models import InstallationSetting, LoginFailure, RecoveryCode, Role, TwoFactor, User

REQUIRED_ROLES = frozenset({Role.ADMIN, Role.RESEARCHER, Role.SUPERVISOR})
_SETTING = "two_factor_required"


def is_required(session: Session) -> bool:
    setting = session.get(InstallationSetting, _SETTING)
    return bool(setting and setting.value)


def set_required(session: Session, required: bool, *, by: User) -> None:
    session.merge(InstallationSetting(name=_SETTING, value=required))
    audit.record(session, "two_factor.required", user=by, required=required)
    session.commit()


def next_step(session: Session, user: User) -> str | None:
    """After a right password: "verify" (ask a code), "enrol" (must enrol first) or None."""
    if session.get(TwoFactor, user.id) is not None:
        return "verify"
    if user.role in REQUIRED_ROLES and is_required(session):
        return "enrol"
    return None


def enrol(session: Session, user: User, secret: str, typed: str, now: datetime) -> list[str]:
    """Turn two-factor on once ``typed`` is a right code; return the recovery codes to show."""
    step = totp.matching_step(secret, typed, now)
    if step is None:
        raise CatiError(ErrorCode.TWO_FACTOR_CODE_INVALID)
    session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add(TwoFactor(user_id=user.id, secret=secret, last_step=step, enabled_at=now))
    codes = totp.new_recovery_codes()
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=totp.hash_recovery_code(c)) for c in codes
    )
    audit.record(session, "two_factor.enrol", user=user, object_type="user", object_id=user.id)
    session.commit()
    return codes


def turn_off(session: Session, user: User, *, by: User) -> None:
    """An administrator's way back in for a user who lost both the phone and the codes."""
    session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(session, "two_factor.turn_off", user=by, object_type="user", object_id=user.id)
    session.commit()


def verify(session: Session, user: User, typed: str, now: datetime, address: str) -> None:
    """Accept a code of the app (each step once) or an unused recovery code; else raise.

    A wrong code counts as a failed log-in of the name, so the password's throttling also
    bounds how many codes can be guessed (a right password alone does not reset it)."""
    enrolled = session.get(TwoFactor, user.id)
    if enrolled is None:
        raise CatiError(ErrorCode.TWO_FACTOR_CODE_INVALID)
    step = totp.matching_step(enrolled.secret, typed, now)
    if step is not None and step > enrolled.last_step:
        enrolled.last_step = step
        audit.record(session, "login.second_factor", user=user)
        session.commit()
        return
    unused = session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    recovery = next((c for c in unused if totp.is_recovery_code(typed, c.code_hash)), None)
    if step is None and recovery is not None:
        recovery.used_at = now
        audit.record(session, "login.recovery_code", user=user)
        session.commit()
        return
    session.add(LoginFailure(username=user.username, address=address[:64], at=now))
    audit.record(session, "login.second_factor_failed", user=user, address=address)
    session.commit()
    raise CatiError(ErrorCode.TWO_FACTOR_CODE_INVALID)


def remaining_recovery_codes(session: Session, user: User) -> int:
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def is_enrolled(session: Session, user: User) -> bool:
    return session.get(TwoFactor, user.id) is not None
