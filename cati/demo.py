"""The demo set-up: one user per role, created once and reused on later runs."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cati import accounts

DEMO_PASSWORD = "cati-demo-2026"
DEMO_USERS = [
    ("admin", "admin", DEMO_PASSWORD),
    ("researcher", "researcher", DEMO_PASSWORD),
    ("supervisor", "supervisor", DEMO_PASSWORD),
    ("interviewer", "interviewer", DEMO_PASSWORD),
    ("client", "client", DEMO_PASSWORD),
]
_NAMES = {
    "admin": ("Alex Admin", "en"),
    "researcher": ("Rosa Investigadora", "es"),
    "supervisor": ("Sam Supervisor", "en"),
    "interviewer": ("Inés Entrevistadora", "es"),
    "client": ("Carla Cliente", None),
}


def ensure_demo_users(session: Session) -> list[str]:
    """Create the demo users that are missing; return the names created."""
    created = []
    for username, role, password in DEMO_USERS:
        if accounts.find_user(session, username) is None:
            full_name, locale = _NAMES[username]
            accounts.create_user(
                session,
                username,
                role,
                password,
                full_name=full_name,
                locale=locale,
                time_zone="Europe/Madrid",
                actor="demo",
            )
            created.append(username)
    return created
