"""The administrator's console: users, roles, organisations, project memberships, log-in locks,
the audit log, mail."""

from cati.web.admin import logins, mail, organisations, views  # noqa: F401  (the routes)
from cati.web.admin.blueprint import bp

__all__ = ["bp"]
