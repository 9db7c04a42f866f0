"""Personal links for web self-completion: one unguessable token per case, as a CSV for a
mail merge (``links_csv``) or sent by e-mail (``cati.fieldwork.invitations``)."""

from __future__ import annotations

import csv
import io
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati import audit
from cati.models import Case, CaseState, Project, User


def unfinished(session: Session, project: Project) -> list[Case]:
    return list(
        session.scalars(
            select(Case)
            .where(Case.project_id == project.id, Case.state != CaseState.FINAL)
            .order_by(Case.id)
        )
    )


def give_tokens(cases: list[Case]) -> int:
    """A token for each case without one (existing links keep working); returns how many
    were new. In the caller's transaction."""
    issued = 0
    for case in cases:
        if case.web_token is None:
            case.web_token = secrets.token_urlsafe(24)
            issued += 1
    return issued


def issue_links(
    session: Session, project: Project, *, by: User | None = None, actor: str | None = None
) -> list[tuple[str, str]]:
    """Give every unfinished case of the project a token (keeping existing ones); commits.

    Returns (case id, token) pairs for the mail merge.
    """
    cases = unfinished(session, project)
    issued = give_tokens(cases)
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


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/r/{token}"


def links_csv(links: list[tuple[str, str]], base_url: str) -> str:
    """The mail-merge file: ``case_id,url``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["case_id", "url"])
    writer.writerows((case_id, link_url(base_url, token)) for case_id, token in links)
    return out.getvalue()


def case_for_token(session: Session, token: str) -> Case | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Case).where(Case.web_token == token))
