"""Typed SQLAlchemy models, one module per area. Every change needs an Alembic revision."""

from cati.models.accounts import AuditEntry, LoginFailure, Role, User
from cati.models.fieldwork import (
    Appointment,
    CallAttempt,
    Case,
    CaseState,
    DoNotCall,
    InboundCall,
    Job,
    JobOutput,
    Outcome,
    PendingDraw,
    Phone,
    Project,
    ProjectBrand,
    ProjectMember,
    QuestionnaireVersion,
    Quota,
    StatusSpell,
)
from cati.models.interviews import Interview, PageEvent

__all__ = [
    "Appointment",
    "AuditEntry",
    "CallAttempt",
    "Case",
    "CaseState",
    "DoNotCall",
    "InboundCall",
    "Interview",
    "Job",
    "JobOutput",
    "LoginFailure",
    "Outcome",
    "PageEvent",
    "PendingDraw",
    "Phone",
    "Project",
    "ProjectBrand",
    "ProjectMember",
    "QuestionnaireVersion",
    "Quota",
    "Role",
    "StatusSpell",
    "User",
]
