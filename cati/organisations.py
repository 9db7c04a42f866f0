"""Organisations: the agency that runs the installation, and the client companies.

The rules, kept here: staff (admins, researchers, supervisors, interviewers) belong to the
agency, clients to a client organisation; a project names at most one client organisation,
and only its clients may be given the project. So a researcher picking a project's staff
sees the agency's staff and that organisation's clients, and nobody of another company.
Membership changes that follow from these rules are cati.fieldwork.projects'.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.models import Organisation, OrganisationKind, Project, Role, User

# The agency's name until the administrator renames it.
AGENCY_NAME = "Agency"
MAX_NAME = 200


def _the_agency() -> Select[tuple[Organisation]]:
    return select(Organisation).where(Organisation.kind == OrganisationKind.AGENCY)


def agency(session: Session) -> Organisation:
    """The agency. Migration 0021 creates it; a database emptied since (as the tests' are)
    gets it again on first need, committed at once: call this before writing anything."""
    found = session.scalar(_the_agency())
    if found is None:
        session.add(Organisation(name=AGENCY_NAME, kind=OrganisationKind.AGENCY))
        try:
            session.commit()
        except IntegrityError:  # another process made it meanwhile: the unique index
            session.rollback()
        found = session.scalars(_the_agency()).one()
    return found


def listed(session: Session) -> list[Organisation]:
    """Every organisation: the agency first, then the clients by name."""
    return list(
        session.scalars(
            select(Organisation).order_by(
                Organisation.kind != OrganisationKind.AGENCY, func.lower(Organisation.name)
            )
        )
    )


def client_organisations(session: Session) -> list[Organisation]:
    return [o for o in listed(session) if o.kind == OrganisationKind.CLIENT]


def get_organisation(session: Session, name: str) -> Organisation:
    """The organisation named ``name`` (any case); ORGANISATION_NOT_FOUND otherwise."""
    found = session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    )
    if found is None:
        raise CatiError(ErrorCode.ORGANISATION_NOT_FOUND, organisation=name)
    return found


def _checked_name(session: Session, name: str, renamed: Organisation | None = None) -> str:
    name = " ".join(name.split())  # no control characters, tabs or runs of spaces
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise CatiError(ErrorCode.ORGANISATION_NAME_INVALID, organisation=name, most=MAX_NAME)
    same = session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if same is not None and same is not renamed:
        raise CatiError(ErrorCode.ORGANISATION_EXISTS, organisation=same.name)
    return name


def create_client_organisation(
    session: Session, name: str, *, by: User | None = None, actor: str | None = None
) -> Organisation:
    """Add a client company; commits. Names are unique whatever their case."""
    organisation = Organisation(name=_checked_name(session, name), kind=OrganisationKind.CLIENT)
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        "organisation.create",
        user=by,
        actor=actor,
        object_type="organisation",
        object_id=organisation.id,
        name=organisation.name,
    )
    session.commit()
    return organisation


def ensure_client_organisation(
    session: Session, name: str, *, actor: str | None = None
) -> Organisation:
    """The client organisation ``name``, created when missing (the demo's, the tests')."""
    try:
        return get_organisation(session, name)
    except CatiError:
        return create_client_organisation(session, name, actor=actor)


def rename(
    session: Session,
    organisation: Organisation,
    name: str,
    *,
    by: User | None = None,
    actor: str | None = None,
) -> None:
    new = _checked_name(session, name, renamed=organisation)
    if new == organisation.name:
        return
    audit.record(
        session,
        "organisation.rename",
        user=by,
        actor=actor,
        object_type="organisation",
        object_id=organisation.id,
        old=organisation.name,
        new=new,
    )
    organisation.name = new
    session.commit()


def check_fits(role: str, organisation: Organisation) -> None:
    """Staff belong to the agency, clients (``role`` "client", and a project's client) to a
    client organisation."""
    if role == Role.CLIENT and organisation.kind != OrganisationKind.CLIENT:
        raise CatiError(ErrorCode.ORGANISATION_CLIENT_ONLY, organisation=organisation.name)
    if role != Role.CLIENT and organisation.kind != OrganisationKind.AGENCY:
        raise CatiError(
            ErrorCode.ORGANISATION_AGENCY_ONLY, role=role, organisation=organisation.name
        )


def home_of(session: Session, role: str, organisation: Organisation | None) -> Organisation:
    """The organisation a new user of ``role`` joins: staff the agency when none is named,
    a client the client organisation named (there is no default company)."""
    if organisation is None:
        if role == Role.CLIENT:
            raise CatiError(ErrorCode.ORGANISATION_NEEDED)
        return agency(session)
    check_fits(role, organisation)
    return organisation


def may_join(user: User, project: Project) -> bool:
    """Whether ``user`` may be a member of ``project``: agency staff of any project, a
    client only of a project of their own organisation."""
    # The relationships, not the id columns: they hold a change not yet flushed.
    mine, theirs = user.organisation, project.client_organisation
    if user.role == Role.CLIENT:
        return mine is not None and theirs is not None and mine.id == theirs.id
    return mine is not None and mine.kind == OrganisationKind.AGENCY


def joinable(session: Session, project: Project) -> ColumnElement[bool]:
    """``may_join`` as a condition on users, for the staff picker's query."""
    staff = and_(User.role != Role.CLIENT, User.organisation_id == agency(session).id)
    if project.client_organisation_id is None:
        return staff
    clients = and_(User.role == Role.CLIENT, User.organisation_id == project.client_organisation_id)
    return or_(staff, clients)
