"""The administrator's console: users, roles, project memberships, log-in locks,
background jobs, the audit log, mail."""

from cati.web.admin import jobs, logins, mail, views  # noqa: F401  (register the routes on bp)
from cati.web.admin.blueprint import bp

__all__ = ["bp"]
