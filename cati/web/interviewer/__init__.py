"""The interviewer's workstation: next case, the case screen, outcomes, call-backs, the
interview pages."""

from cati.web.interviewer import views  # noqa: F401  (registers the routes on bp)
from cati.web.interviewer.blueprint import bp

__all__ = ["bp"]
