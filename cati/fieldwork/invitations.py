"""Web links sent by e-mail: an invitation to every unfinished case with an address, and
reminders to those invited who have not completed yet. Standard library SMTP only."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, ErrorCode
from cati.fieldwork.weblinks import give_tokens, link_url, unfinished
from cati.models import Case, Project, User

# The sample variable that holds a respondent's address, under any of these names.
ADDRESS_VARIABLES = ("email", "e-mail", "e_mail", "mail", "correo", "correo_electronico")
LINK = "{link}"


@dataclass(frozen=True)
class Mailer:
    """The SMTP server the administrator configured (CATI_SMTP_*)."""

    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    starttls: bool = True
    sender: str = ""

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Sent:
    sent: int
    without_address: int


def address_of(case: Case) -> str | None:
    """The case's e-mail address from its sample variables, if it has a usable one."""
    for name, value in case.sample_vars.items():
        if name.strip().lower() in ADDRESS_VARIABLES and isinstance(value, str):
            _, address = parseaddr(value.strip())
            if "@" in address and " " not in address:
                return address
    return None


def _message(mailer: Mailer, to: str, subject: str, body: str, url: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mailer.sender or f"cati@{mailer.host}"
    message["To"] = to
    message["Subject"] = subject
    # The researcher places the link with {link}; without it, it goes at the end.
    message.set_content(body.replace(LINK, url) if LINK in body else f"{body}\n\n{url}\n")
    return message


def _deliver(mailer: Mailer, messages: list[EmailMessage]) -> tuple[int, Exception | None]:
    """Send over one connection: how many went, and what stopped the rest (if anything)."""
    sent = 0
    try:
        with smtplib.SMTP(mailer.host, mailer.port, timeout=30) as smtp:
            if mailer.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if mailer.user:
                smtp.login(mailer.user, mailer.password)
            for message in messages:
                smtp.send_message(message)
                sent += 1
    except (smtplib.SMTPException, OSError) as exc:
        return sent, exc
    return sent, None


def send_links(
    session: Session,
    project: Project,
    mailer: Mailer | None,
    *,
    base_url: str,
    subject: str,
    body: str,
    reminder: bool = False,
    by: User | None = None,
) -> Sent:
    """Mail each unfinished case with an address its personal link (a reminder: only the
    cases that already have a link). Tokens are committed before sending, so a link that
    went out always works; a server failure is MAIL_FAILED, saying how many went (audited)."""
    if mailer is None or not mailer.host:
        raise CatiError(ErrorCode.MAIL_NOT_CONFIGURED)
    cases = unfinished(session, project)
    if reminder:
        cases = [case for case in cases if case.web_token is not None]
    else:
        give_tokens(cases)
    session.commit()
    addressed = [(case, address) for case in cases if (address := address_of(case))]
    messages = [
        _message(mailer, address, subject, body, link_url(base_url, case.web_token))
        for case, address in addressed
    ]
    sent, failure = _deliver(mailer, messages)
    audit.record(
        session,
        "web.remind" if reminder else "web.invite",
        user=by,
        object_type="project",
        object_id=project.id,
        sent=sent,
        without_address=len(cases) - len(addressed),
        failed=str(failure) if failure else None,
    )
    session.commit()
    if failure is not None:
        raise CatiError(
            ErrorCode.MAIL_FAILED,
            server=mailer.server,
            reason=f"{type(failure).__name__}: {failure}",
            sent=sent,
            total=len(messages),
        )
    return Sent(sent, len(cases) - len(addressed))


def send_test(mailer: Mailer | None, to: str) -> None:
    """One message to ``to`` through the configured server, the admin's check of the
    settings: MAIL_NOT_CONFIGURED without a host, MAIL_TEST_FAILED with the server's reason."""
    if mailer is None or not mailer.host:
        raise CatiError(ErrorCode.MAIL_NOT_CONFIGURED)
    message = EmailMessage()
    message["From"] = mailer.sender or f"cati@{mailer.host}"
    message["To"] = to
    message["Subject"] = "cati: test message"
    message.set_content(f"cati reached you through {mailer.server}: its mail settings work.\n")
    _, failure = _deliver(mailer, [message])
    if failure is not None:
        raise CatiError(
            ErrorCode.MAIL_TEST_FAILED,
            server=mailer.server,
            reason=f"{type(failure).__name__}: {failure}",
        )
