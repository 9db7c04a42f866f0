"""The administrator's console: users, roles, project memberships, the audit log."""

from cati.web.admin import views  # noqa: F401  (registers the routes on bp)
from cati.web.admin.blueprint import bp

__all__ = ["bp"]
