"""Personal links for web self-completion: one unguessable token per case."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati import audit
from cati.models import Case, CaseState, Project, User


def issue_links(
    session: Session, project: Project, *, by: User | None = None, actor: str | None = None
) -> list[tuple[str, str]]:
    """Give every unfinished case of the project a token (keeping existing ones); commits.

    Returns (case id, token) pairs for the mail merge.
    """
    cases = session.scalars(
        select(Case)
        .where(Case.project_id == project.id, Case.state != CaseState.FINAL)
        .order_by(Case.id)
    ).all()
    issued = 0
    for case in cases:
        if case.web_token is None:
            case.web_token = secrets.token_urlsafe(24)
            issued += 1
    audit.record(
        session,
        "web.links",
        user=by,
        actor=actor,
        object_type="project",
        object_id=project.id,
        issued=issued,
    )
    session.commit()
    return [(case.external_id, case.web_token) for case in cases]


def case_for_token(session: Session, token: str) -> Case | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Case).where(Case.web_token == token))
