"""The administrator's console: users, roles, organisations, project memberships, log-in locks,
background jobs, the audit log, mail."""

from cati.web.admin import jobs, logins, mail, organisations, views  # noqa: F401  (the routes)
from cati.web.admin.blueprint import bp

__all__ = ["bp"]
