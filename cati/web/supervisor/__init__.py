"""The supervisor's console: live monitor, charts, case browser, case actions, quality flags."""

from cati.web.supervisor import inbound_views, views  # noqa: F401  (register the routes on bp)
from cati.web.supervisor.blueprint import bp

__all__ = ["bp"]
