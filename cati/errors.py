"""User-facing errors with stable codes, in one place.

A :class:`CatiError` carries a code and parameters; its English text comes from
:data:`MESSAGES`, marked with ``N_`` so that ``make translations`` extracts it and the web
layer can show it in the user's language. Codes never change meaning once released: logs,
tests and support notes refer to them.
"""

from __future__ import annotations

import enum
from typing import Any


def N_(text: str) -> str:
    """Mark a string for extraction without translating it here."""
    return text


class ErrorCode(enum.StrEnum):
    LOGIN_INVALID = "E1001"
    LOGIN_THROTTLED = "E1002"
    USER_EXISTS = "E1101"
    USER_NOT_FOUND = "E1102"
    USERNAME_INVALID = "E1103"
    ROLE_INVALID = "E1104"
    PASSWORD_TOO_SHORT = "E1105"
    PASSWORD_IS_USERNAME = "E1106"
    LOCALE_INVALID = "E1107"
    DATABASE_NOT_UPGRADED = "E1201"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.LOGIN_INVALID: N_("Wrong user name or password."),
    ErrorCode.LOGIN_THROTTLED: N_(
        "Too many failed log-ins. Try again in %(minutes)s minutes or ask an administrator."
    ),
    ErrorCode.USER_EXISTS: N_("A user named %(username)s already exists."),
    ErrorCode.USER_NOT_FOUND: N_("There is no user named %(username)s."),
    ErrorCode.USERNAME_INVALID: N_(
        "User name %(username)r: use 3 to 64 letters, digits, dots, dashes or underscores."
    ),
    ErrorCode.ROLE_INVALID: N_("Role %(role)r is not one of %(roles)s."),
    ErrorCode.PASSWORD_TOO_SHORT: N_("The password must have at least %(minimum)s characters."),
    ErrorCode.PASSWORD_IS_USERNAME: N_("The password must not contain the user name."),
    ErrorCode.LOCALE_INVALID: N_("Language %(locale)r is not one of %(locales)s."),
    ErrorCode.DATABASE_NOT_UPGRADED: N_(
        "The database at %(url)s is not at the current schema (%(current)s, expected "
        "%(head)s). Run `cati db upgrade` first."
    ),
}


class CatiError(Exception):
    """An error the user can fix; ``str()`` gives the English message with its code."""

    def __init__(self, code: ErrorCode, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code.value}: {MESSAGES[code] % params}")

    def translated(self, gettext: Any) -> str:
        """The message in the caller's language, given its gettext function."""
        return gettext(MESSAGES[self.code]) % self.params
