"""Users with roles and organisations, their second factor and log-in sessions, the audit
log, failed log-ins, installation settings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cati.db import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    RESEARCHER = "researcher"
    SUPERVISOR = "supervisor"
    INTERVIEWER = "interviewer"
    CLIENT = "client"


_ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)


class OrganisationKind(enum.StrEnum):
    AGENCY = "agency"  # the one that runs the installation: every role but client
    CLIENT = "client"  # a company that commissions studies: its users are clients


_ONE_AGENCY = text("kind = 'agency'")


class Organisation(Base):
    """Who a user works for. cati.organisations keeps the rules: staff belong to the agency,
    clients to a client organisation, and a project's clients to its client organisation."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("kind IN ('agency', 'client')", name="kind"),
        Index(
            "uq_organisations_one_agency",
            "kind",
            unique=True,
            sqlite_where=_ONE_AGENCY,
            postgresql_where=_ONE_AGENCY,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.name} ({self.kind})>"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLE_VALUES})", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(8))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Always set by cati.accounts; nullable only because SQLite cannot add a NOT NULL
    # foreign key to a table without copying it (migration 0021).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    organisation: Mapped[Organisation | None] = relationship()

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"


class AuditEntry(Base):
    """Who did what to which object, and when. Written by services; never edited."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()


class LoginFailure(Base):
    """One failed log-in; recent rows throttle further attempts for that name or address.

    Kept in the database (not in process memory) so that throttling holds across several
    app servers.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TwoFactor(Base):
    """A user's TOTP secret (RFC 6238) once enrolled, and the last time step used.

    The secret must be readable to check codes, so it cannot be hashed; the last step
    refuses a second use of one code (ASVS 2.8.4).
    """

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(64))
    last_step: Mapped[int] = mapped_column(BigInteger, default=0)
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RecoveryCode(Base):
    """One single-use recovery code, kept as a salt and SHA-256 ("salt$digest")."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(80))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InstallationSetting(Base):
    """A setting of the whole installation that the administrator changes in the browser."""

    __tablename__ = "installation_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class UserSession(Base):
    """One log-in: the browser's cookie holds ``id`` and a token whose hash is kept here.

    Kept in the database so that every app server agrees at once when a session ends
    (log-out, a new password, disabling, a role change, idle time, the absolute lifetime).
    ``role`` is the user's role at log-in: a session never outlives a change of role.
    """

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_ended", "user_id", "ended_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_why: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship()
