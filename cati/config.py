"""Settings read from ``CATI_*`` environment variables.

Every setting has a default that runs the embedded SQLite set-up, so ``make demo`` works on a
fresh machine. Tests pass overrides to ``create_app`` instead of touching the environment.
The README's configuration table lists the same settings; keep the two in step.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from cati.errors import CatiError, ErrorCode
from cati.problems import Place

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("json", "text")


class ConfigError(CatiError):
    """A setting has a value that cannot be used; its place is the variable."""

    def __init__(self, variable: str, value: str, reason: str) -> None:
        where = Place(path=variable)
        super().__init__(ErrorCode.SETTING_INVALID, where, value=value, reason=reason)


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw)
        if value < minimum:
            raise ValueError(f"expected a whole number of at least {minimum}")
        return value

    return parse


def _one_of(choices: tuple[str, ...], normalize: Callable[[str], str] = str.strip):
    def parse(raw: str) -> str:
        value = normalize(raw)
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return value

    return parse


_positive_int = _at_least(1)


_SCRYPT = re.compile(r"scrypt(?::(?P<n>\d+):[1-9]\d*:[1-9]\d*)?")
_PBKDF2 = re.compile(r"pbkdf2(?::(?P<hash>\w+)(?::[1-9]\d*)?)?")


def _password_hash_method(raw: str) -> str:
    """A Werkzeug hashing method, checked here so that a typo fails at start-up rather than
    at the first password set: ``scrypt[:N:R:P]`` or ``pbkdf2[:HASH[:ITERATIONS]]``."""
    method = raw.strip()
    if (found := _SCRYPT.fullmatch(method)) is not None:
        n = int(found["n"] or 2)
        if n > 1 and n & (n - 1) == 0:  # hashlib.scrypt wants a power of two
            return method
    found = _PBKDF2.fullmatch(method)
    if found is not None and (found["hash"] or "sha256") in hashlib.algorithms_guaranteed:
        return method
    raise ValueError(
        "expected scrypt, scrypt:N:R:P (N a power of two), pbkdf2, pbkdf2:HASH "
        "or pbkdf2:HASH:ITERATIONS"
    )


def _locale(raw: str) -> str:
    if raw not in Settings.LOCALES:
        raise ValueError(f"expected one of {', '.join(Settings.LOCALES)}")
    return raw


@dataclass(frozen=True)
class Settings:
    """The application settings; ``env`` names the variable each field is read from."""

    LOCALES = ("en", "es")

    database_url: str = field(default="", metadata={"env": "CATI_DATABASE_URL"})
    secret_key: str = field(default="", metadata={"env": "CATI_SECRET_KEY"})
    instance_path: str = field(default="", metadata={"env": "CATI_INSTANCE_PATH"})
    default_locale: str = field(
        default="en", metadata={"env": "CATI_DEFAULT_LOCALE", "parse": _locale}
    )
    login_max_failures: int = field(
        default=5, metadata={"env": "CATI_LOGIN_MAX_FAILURES", "parse": _positive_int}
    )
    # How long a (name, address) pair's failures are remembered, and its longest wait.
    login_window_seconds: int = field(
        default=86400, metadata={"env": "CATI_LOGIN_WINDOW_SECONDS", "parse": _positive_int}
    )
    login_max_delay_seconds: int = field(
        default=3600, metadata={"env": "CATI_LOGIN_MAX_DELAY_SECONDS", "parse": _positive_int}
    )
    # Failures with names that do not exist allowed per address and hour: far above the
    # typos of a whole call centre logging in at shift start from one NAT address.
    login_unknown_names_per_address: int = field(
        default=500,
        metadata={"env": "CATI_LOGIN_UNKNOWN_NAMES_PER_ADDRESS", "parse": _positive_int},
    )
    # Production keeps scrypt (memory-hard); the tests set a cheap method, since a scrypt hash
    # per log-in was most of their time. Stored hashes name their method, so changing it
    # later keeps every existing password working.
    password_hash_method: str = field(
        default="scrypt:65536:8:1",
        metadata={"env": "CATI_PASSWORD_HASH_METHOD", "parse": _password_hash_method},
    )
    proxy_hops: int = field(default=0, metadata={"env": "CATI_PROXY_HOPS", "parse": _at_least(0)})
    secure_cookies: bool = field(
        default=False, metadata={"env": "CATI_SECURE_COOKIES", "parse": _bool}
    )
    session_hours: int = field(
        default=12, metadata={"env": "CATI_SESSION_HOURS", "parse": _positive_int}
    )
    # Interviewers share workstations: a session left open ends after this long unused.
    session_idle_minutes: int = field(
        default=30, metadata={"env": "CATI_SESSION_IDLE_MINUTES", "parse": _positive_int}
    )
    # Ended sessions stay this long (the user's "Your sessions" page lists them as recent
    # history), then `cati sweep` deletes them.
    session_retention_days: int = field(
        default=30, metadata={"env": "CATI_SESSION_RETENTION_DAYS", "parse": _positive_int}
    )
    break_reminder_minutes: int = field(
        default=110, metadata={"env": "CATI_BREAK_REMINDER_MINUTES", "parse": _positive_int}
    )
    jobs_inline: bool = field(default=True, metadata={"env": "CATI_JOBS_INLINE", "parse": _bool})
    # A running job whose worker gave no sign of life for this long is run again once, then
    # failed (cati.job_lease); its heartbeat comes every second.
    job_lease_seconds: int = field(
        default=30, metadata={"env": "CATI_JOB_LEASE_SECONDS", "parse": _at_least(2)}
    )
    # Sample imports and draws of more rows than this run as background jobs.
    sample_job_rows: int = field(
        default=2000, metadata={"env": "CATI_SAMPLE_JOB_ROWS", "parse": _positive_int}
    )
    # gunicorn's --timeout: a request taking longer kills its worker. Long work runs as jobs,
    # so this only has to cover the slowest request; keep the proxy's read timeout above it.
    worker_timeout_seconds: int = field(
        default=120, metadata={"env": "CATI_WORKER_TIMEOUT_SECONDS", "parse": _positive_int}
    )
    # An uploaded workbook (a zip) may hold at most this much once unpacked.
    upload_max_expanded_mb: int = field(
        default=256, metadata={"env": "CATI_UPLOAD_MAX_EXPANDED_MB", "parse": _positive_int}
    )
    # Processes a PDF report is rendered on; 0 is one per core. A server that also takes
    # interviews may keep a core for them.
    report_processes: int = field(
        default=0, metadata={"env": "CATI_REPORT_PROCESSES", "parse": _at_least(0)}
    )
    log_level: str = field(
        default="INFO",
        metadata={
            "env": "CATI_LOG_LEVEL",
            "parse": _one_of(LOG_LEVELS, lambda raw: raw.strip().upper()),
        },
    )
    log_format: str = field(
        default="json", metadata={"env": "CATI_LOG_FORMAT", "parse": _one_of(LOG_FORMATS)}
    )
    # Web-link invitations go out through this SMTP server; no host, no e-mail.
    smtp_host: str = field(default="", metadata={"env": "CATI_SMTP_HOST"})
    smtp_port: int = field(default=587, metadata={"env": "CATI_SMTP_PORT", "parse": _positive_int})
    smtp_user: str = field(default="", metadata={"env": "CATI_SMTP_USER"})
    smtp_password: str = field(default="", metadata={"env": "CATI_SMTP_PASSWORD"})
    smtp_starttls: bool = field(
        default=True, metadata={"env": "CATI_SMTP_STARTTLS", "parse": _bool}
    )
    mail_from: str = field(default="", metadata={"env": "CATI_MAIL_FROM"})
    public_url: str = field(default="", metadata={"env": "CATI_PUBLIC_URL"})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every ``CATI_*`` variable that is set; a bad value raises ConfigError."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f.metadata["env"]
            if name not in environ:
                continue
            parse: Callable[[str], Any] = f.metadata.get("parse", str)
            try:
                values[f.name] = parse(environ[name])
            except ValueError as exc:
                raise ConfigError(name, environ[name], str(exc)) from None
        return cls(**values)

    @staticmethod
    def documented() -> list[tuple[str, str]]:
        """(variable, default) pairs, for the README table test."""
        return [(f.metadata["env"], str(f.default)) for f in fields(Settings)]


def load_secret_key(instance_path: Path) -> str:
    """Return the key kept in the instance folder, creating it (mode 0600) on first use."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


def flask_config(
    settings: Settings, instance_path: Path, secret_key: str | None = None
) -> dict[str, Any]:
    """Translate settings into Flask's configuration keys.

    The secret key comes from ``secret_key`` (tests), else CATI_SECRET_KEY, else the instance
    folder, where it is generated on first use.
    """
    database_url = settings.database_url or f"sqlite:///{instance_path / 'cati.db'}"
    return {
        "SQLALCHEMY_DATABASE_URL": database_url,
        "SECRET_KEY": secret_key or settings.secret_key or load_secret_key(instance_path),
        "CATI_SETTINGS": settings,
        "BABEL_DEFAULT_LOCALE": settings.default_locale,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.secure_cookies,
        # Over HTTPS the __Host- prefix makes the browser refuse the cookie unless it is
        # Secure, for this host only and for every path: no sibling domain can plant one.
        "SESSION_COOKIE_NAME": "__Host-session" if settings.secure_cookies else "session",
        # Log-ins never ask to be remembered, but should a remember cookie ever be set it
        # gets the session cookie's protection.
        "REMEMBER_COOKIE_SECURE": settings.secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=settings.session_hours),
        "WTF_CSRF_TIME_LIMIT": settings.session_hours * 3600,
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    }
