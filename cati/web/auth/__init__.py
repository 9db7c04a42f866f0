"""Log-in, log-out and the language switch: the pages before (and between) the consoles."""

from cati.web.auth import sessions, views  # noqa: F401  (register the routes on bp)
from cati.web.auth.blueprint import bp

__all__ = ["bp"]
