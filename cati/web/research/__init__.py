"""The researcher's console: projects, questionnaire, sample and draws, staff, quotas, calling
rules, the do-not-call list, privacy, outcomes, weighting targets, reports and data files."""

from cati.web.research import (  # noqa: F401  (each registers its routes on bp)
    branding,
    designer,
    designer_publish,
    designer_test,
    designer_texts,
    draw,
    jobs,
    links,
    outcomes,
    privacy,
    projects,
    questionnaire,
    quotas,
    rules,
    sample,
    weighting,
)
from cati.web.research.blueprint import bp

__all__ = ["bp"]
