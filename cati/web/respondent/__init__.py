"""Web self-completion: a respondent answers the project's questionnaire from a personal link."""

from cati.web.respondent import views  # noqa: F401  (registers the routes on bp)
from cati.web.respondent.blueprint import bp

__all__ = ["bp"]
