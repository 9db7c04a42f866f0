"""The client's pages: fieldwork progress and the files released to them, read-only."""

from cati.web.client import views  # noqa: F401  (registers the routes on bp)
from cati.web.client.blueprint import bp

__all__ = ["bp"]
