"""Log-in (password, then a code), log-out, the language switch and the user's own account:
the pages before (and between) the consoles."""

from cati.web.auth import account, second_factor, sessions, views  # noqa: F401  (routes)
from cati.web.auth.blueprint import bp

__all__ = ["bp"]
