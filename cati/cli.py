"""The ``cati`` command: database, users, serving and the demo."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, ClassVar, NoReturn

import click

from cati.cli_output import fail, problem_line
from cati.config import Settings
from cati.errors import CatiError

if TYPE_CHECKING:  # Flask only for the commands that open the app: `cati sample` runs without
    from flask import Flask
    from sqlalchemy.orm import Session

    from cati.models import Project


@cache
def _app() -> Flask:
    from cati.app import create_app

    return create_app()


@contextmanager
def project_session(code: str) -> Iterator[tuple[Session, Project]]:
    """The database session and project CODE, inside the app context of a command."""
    from cati import db as dbmod
    from cati.fieldwork import projects

    with _app().app_context():
        session = dbmod.session()
        try:
            found = projects.get_project(session, code)
        except CatiError as exc:
            fail(exc)
        yield session, found


class LazyGroup(click.Group):
    """Loads the leaf packages' command groups only when they run, so that `cati --help`
    and the database commands do not pay for importing pandas, scipy and matplotlib (the
    pattern of click's documentation on lazily loading subcommands)."""

    lazy: ClassVar[dict[str, tuple[str, str, str]]] = {
        "questionnaire": (
            "questionnaires.commands",
            "questionnaire",
            "Check and preview questionnaires (YAML or XLSForm).",
        ),
        "sample": ("sampling.commands", "sample_group", "Check frames and draw samples."),
        "export": ("cati.export_commands", "export", "Export data files and PDF reports."),
        "estimate": (
            "cati.estimate_commands",
            "estimate",
            "Means and shares with design-based SEs (PSUs, strata, replicates, raking).",
        ),
        "design": (
            "cati.design_commands",
            "design",
            "The sample design and weighting options of a project.",
        ),
        "privacy": (
            "cati.privacy_commands",
            "privacy",
            "Personal fields, erasure on request, retention purge.",
        ),
        "quota": (
            "cati.quota_commands",
            "quota",
            "Quota cells: crossed variables, targets, soft or hard.",
        ),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            import importlib

            module, attribute, _help = self.lazy[name]
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, self.lazy[name][2])
            if name in self.lazy
            else (name, self.commands[name].get_short_help_str(formatter.width))
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cati")
def main() -> None:
    """cati: computer-assisted telephone interviewing.

    Settings come from CATI_* environment variables (see the README); by default the
    database is SQLite in ./instance/cati.db.
    """


# --- database ---------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Create and migrate the database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION (creates the database on first run)."""
    from cati import migrate

    app = _app()
    url = app.config["SQLALCHEMY_DATABASE_URL"]
    migrate.upgrade(url, revision)
    click.echo(f"Database at {_display_url(url)} is at revision {revision}.")


@db.command("current")
def db_current() -> None:
    """Show the database's revision and the newest one this code knows."""
    from cati import db as dbmod
    from cati import migrate

    app = _app()
    with app.app_context():
        current = migrate.current_revision(dbmod.engine())
    click.echo(f"current: {current or 'empty database'}\nhead:    {migrate.head_revision()}")


def _display_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _require_current_schema(app: Flask) -> None:
    from cati import db as dbmod
    from cati import migrate
    from cati.errors import ErrorCode

    with app.app_context():
        current = migrate.current_revision(dbmod.engine())
    head = migrate.head_revision()
    if current != head:
        fail(
            CatiError(
                ErrorCode.DATABASE_NOT_UPGRADED,
                url=_display_url(app.config["SQLALCHEMY_DATABASE_URL"]),
                current=current or "empty",
                head=head,
            )
        )


# --- users ------------------------------------------------------------------------------


@main.group()
def users() -> None:
    """Create, list, disable users, reset passwords; the organisations users belong to."""


ROLE_CHOICE = click.Choice(["admin", "researcher", "supervisor", "interviewer", "client"])


@users.command("create")
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What the user may do.")
@click.option("--name", "full_name", default="", help="Full name shown in the UI.")
@click.option("--email", default=None)
@click.option("--locale", type=click.Choice(["en", "es"]), default=None, help="UI language.")
@click.option(
    "--time-zone", default="UTC", show_default=True, help="IANA zone, e.g. Europe/Madrid."
)
@click.option(
    "--organisation",
    default=None,
    help="A client's company (required for clients); staff join the agency.",
)
@click.password_option(help="Prompted for when not given (at least 12 characters).")
def users_create(
    username: str,
    role: str,
    full_name: str,
    email: str | None,
    locale: str | None,
    time_zone: str,
    organisation: str | None,
    password: str,
) -> None:
    """Create USERNAME with a role."""
    from cati import accounts, db, organisations

    app = _app()
    with app.app_context():
        session = db.session()
        try:
            home = organisations.get_organisation(session, organisation) if organisation else None
            user = accounts.create_user(
                session,
                username,
                role,
                password,
                full_name=full_name,
                email=email,
                locale=locale,
                time_zone=time_zone,
                organisation=home,
                hash_method=app.config["CATI_SETTINGS"].password_hash_method,
                actor="cli",
            )
        except CatiError as exc:
            fail(exc)
        click.echo(f"Created {role} {username} of {user.organisation.name}.")


@users.command("list")
def users_list() -> None:
    """List every user with role and status."""
    from sqlalchemy import select

    from cati import db
    from cati.models import User

    with _app().app_context():
        rows = db.session().scalars(select(User).order_by(User.username)).all()
        if not rows:
            click.echo("No users yet. Create one with: cati users create NAME --role admin")
            return
        click.echo(
            f"{'user':<20} {'role':<12} {'status':<9} {'last log-in (UTC)':<17} "
            f"{'organisation':<24} name"
        )
        for u in rows:
            last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never"
            status = "active" if u.active else "disabled"
            home = u.organisation.name if u.organisation else "-"
            click.echo(
                f"{u.username:<20} {u.role:<12} {status:<9} {last:<17} {home:<24} {u.full_name}"
            )


@users.command("set-password")
@click.argument("username")
@click.password_option(help="Prompted for when not given (at least 12 characters).")
def users_set_password(username: str, password: str) -> None:
    """Set a new password for USERNAME."""
    from cati import accounts, db

    app = _app()
    with app.app_context():
        try:
            accounts.set_password(
                db.session(),
                username,
                password,
                hash_method=app.config["CATI_SETTINGS"].password_hash_method,
                actor="cli",
            )
        except CatiError as exc:
            fail(exc)
    click.echo(f"Password of {username} changed.")


def _set_active(username: str, active: bool) -> None:
    from cati import accounts, db

    with _app().app_context():
        try:
            accounts.set_active(db.session(), username, active, actor="cli")
        except CatiError as exc:
            fail(exc)
    click.echo(f"{'Enabled' if active else 'Disabled'} {username}.")


@users.command("organisations")
def users_organisations() -> None:
    """List the agency and the client organisations, with their users and projects."""
    from sqlalchemy import func, select

    from cati import db, organisations
    from cati.models import Project, User

    with _app().app_context():
        session = db.session()
        organisations.agency(session)  # an installation has one from the start

        def counts(column) -> dict[int, int]:
            return dict(session.execute(select(column, func.count()).group_by(column)).all())

        people, studies = counts(User.organisation_id), counts(Project.client_organisation_id)
        click.echo(f"{'organisation':<32} {'kind':<7} {'users':>5} {'projects':>8}")
        for o in organisations.listed(session):
            many = "-" if o.kind == "agency" else studies.get(o.id, 0)
            click.echo(f"{o.name:<32} {o.kind:<7} {people.get(o.id, 0):>5} {many:>8}")


@users.command("add-organisation")
@click.argument("name")
def users_add_organisation(name: str) -> None:
    """Add a client organisation NAME (a company whose users are clients)."""
    from cati import db, organisations

    with _app().app_context():
        try:
            made = organisations.create_client_organisation(db.session(), name, actor="cli")
        except CatiError as exc:
            fail(exc)
        click.echo(f"Created client organisation {made.name}.")


@users.command("rename-organisation")
@click.argument("name")
@click.argument("new_name")
def users_rename_organisation(name: str, new_name: str) -> None:
    """Rename organisation NAME (the agency too) to NEW_NAME."""
    from cati import db, organisations

    with _app().app_context():
        session = db.session()
        try:
            organisations.rename(
                session, organisations.get_organisation(session, name), new_name, actor="cli"
            )
        except CatiError as exc:
            fail(exc)
    click.echo(f"Renamed {name} to {new_name}.")


@users.command("set-organisation")
@click.argument("username")
@click.argument("organisation")
def users_set_organisation(username: str, organisation: str) -> None:
    """Move client USERNAME to ORGANISATION: they leave the projects of the old one."""
    from cati import accounts, db, organisations
    from cati.fieldwork import projects

    with _app().app_context():
        session = db.session()
        try:
            user = accounts.get_user(session, username)
            target = organisations.get_organisation(session, organisation)
            left = projects.move_user(session, user, target, actor="cli")
        except CatiError as exc:
            fail(exc)
        click.echo(f"{username} now belongs to {target.name}.")
        if left:
            click.echo(f"Taken off the projects of the old organisation: {', '.join(left)}.")


@users.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Disable USERNAME: the user can no longer log in and open sessions end."""
    _set_active(username, False)


@users.command("enable")
@click.argument("username")
def users_enable(username: str) -> None:
    """Enable a disabled USERNAME again."""
    _set_active(username, True)


# --- serving ----------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--production",
    is_flag=True,
    help="Run gunicorn instead of the dev server; cookies are Secure (HTTPS only) unless "
    "CATI_SECURE_COOKIES=0.",
)
@click.option(
    "--workers",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="gunicorn worker processes (with --production).",
)
def serve(host: str, port: int, production: bool, workers: int) -> None:
    """Serve the web application."""
    app = _app()
    _require_current_schema(app)
    if production:
        gunicorn = shutil.which("gunicorn") or os.path.join(
            os.path.dirname(sys.executable), "gunicorn"
        )
        timeout = Settings.from_env().worker_timeout_seconds  # read as create_app read it
        args = [
            gunicorn,
            "--workers",
            str(workers),
            "--bind",
            f"{host}:{port}",
            # gunicorn's own default (30 s) is below any proxy's: CATI_WORKER_TIMEOUT_SECONDS.
            "--timeout",
            str(timeout),
            # No --access-logfile: gunicorn's lines carry query strings; the app logs each
            # request itself (cati.web.request_log) without them.
            "cati.app:create_app()",
        ]
        click.echo(f"gunicorn with {workers} workers on http://{host}:{port}, timeout {timeout} s")
        # Production is served over HTTPS (docs/deployment.md): the workers' create_app()
        # reads this, so session cookies are Secure and __Host- unless told otherwise.
        os.environ.setdefault("CATI_SECURE_COOKIES", "1")
        os.execv(gunicorn, args)
    click.echo(f"Serving on http://{host}:{port}  (Ctrl+C stops)")  # werkzeug's banner is muted
    app.run(host=host, port=port, debug=False, use_reloader=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and users, then stop.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Build the demo database (once), print the logins and serve."""
    from cati import demo as demo_data
    from cati import migrate

    app = _app()
    url = app.config["SQLALCHEMY_DATABASE_URL"]
    migrate.upgrade(url)
    with app.app_context():
        from cati import db
        from cati.db import utcnow

        created = demo_data.ensure_demo_users(
            db.session(), app.config["CATI_SETTINGS"].password_hash_method
        )
        project = demo_data.ensure_demo_project(db.session(), utcnow())
    state = "created" if created else "reused"
    click.echo(f"Database ({state}): {_display_url(url)}")
    if project is not None:
        click.echo(
            f"Demo project {project.code}: 240 households drawn by LPM2, 2 of 4 "
            "replicates released, customer-satisfaction questionnaire."
        )
    click.echo("Demo logins (role, user name, password):")
    for username, role, password in demo_data.DEMO_USERS:
        click.echo(f"  {role:<12} {username:<12} {password}")
    if no_serve:
        return
    click.echo(f"Serving on http://{host}:{port}  (Ctrl+C stops)")
    app.run(host=host, port=port, debug=False, use_reloader=False)


# --- projects ---------------------------------------------------------------------------


@main.group()
def project() -> None:
    """Create projects, import samples, release replicates and see where fieldwork stands."""


def _load_rules(path: str | None) -> dict:
    if path is None:
        return {}
    from cati.errors import CatiError
    from cati.fieldwork.projects import rules_from_yaml

    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    try:
        return rules_from_yaml(text)
    except CatiError as exc:
        fail(exc, f"(in {path})")


def _import_sample(session, proj, path: str, region: str, not_personal: str) -> int:
    from pathlib import Path

    from cati.fieldwork import cases
    from cati.fieldwork.sample_import import parse_sample, read_table

    file = Path(path)
    records = parse_sample(read_table(file), file.name, proj.time_zone, region=region)
    return cases.import_cases(
        session, proj, records, file.name, not_personal=split_names(not_personal), actor="cli"
    )


def split_names(text: str) -> list[str]:
    """``"region, age_group"`` -> ``["region", "age_group"]``."""
    return [name.strip() for name in text.split(",") if name.strip()]


NOT_PERSONAL_OPTION = click.option(
    "--not-personal",
    default="",
    help="Sample variables that are not personal (analysis variables), comma-separated, "
    "e.g. region,age_group; every other one is personal and stays out of exports.",
)


def _report_sample_error(exc: CatiError) -> NoReturn:
    fail(exc, f"{len(exc.problems)} problem(s); nothing was imported.")


@project.command("create")
@click.argument("code")
@click.option("--name", required=True, help="The study's name.")
@click.option("--client", "client_name", default="", help="Who commissioned it (reports).")
@click.option(
    "--client-organisation",
    default=None,
    help="The client organisation whose users may be given the project.",
)
@click.option(
    "--time-zone",
    default="Europe/Madrid",
    show_default=True,
    help="Zone for cases whose sample gives none.",
)
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Calling rules as YAML (see docs/fieldwork.md).",
)
@click.option(
    "--questionnaire",
    "questionnaire_path",
    type=click.Path(exists=True, dir_okay=False),
    help="A questionnaire (YAML or XLSForm) to check and pin.",
)
@click.option(
    "--sample",
    "sample_path",
    type=click.Path(exists=True, dir_okay=False),
    help="A sample file (CSV, XLSX or Parquet) to import.",
)
@click.option(
    "--region",
    default="ES",
    show_default=True,
    help="Country for phone numbers written without +country code.",
)
@NOT_PERSONAL_OPTION
def project_create(
    code,
    name,
    client_name,
    client_organisation,
    time_zone,
    rules_path,
    questionnaire_path,
    sample_path,
    region,
    not_personal,
) -> None:
    """Create project CODE, optionally pinning its questionnaire and importing its sample."""
    from cati import db as dbmod
    from cati import organisations
    from cati.fieldwork import projects

    rules = _load_rules(rules_path)
    with _app().app_context():
        session = dbmod.session()
        try:
            owner = (
                organisations.get_organisation(session, client_organisation)
                if client_organisation
                else None
            )
        except CatiError as exc:
            fail(exc)
        if sample_path:  # check the sample before anything is created
            from pathlib import Path

            from cati.fieldwork.personal_fields import check_fields
            from cati.fieldwork.sample_import import parse_sample, read_table

            try:
                file = Path(sample_path)
                records = parse_sample(read_table(file), file.name, time_zone, region=region)
                known = {name for r in records for name in r.sample_vars}
                check_fields(code, split_names(not_personal), known)
            except CatiError as exc:
                _report_sample_error(exc)
        try:
            proj = projects.create_project(
                session,
                code,
                name,
                client_name=client_name,
                client_organisation=owner,
                time_zone=time_zone,
                rules=rules,
                actor="cli",
            )
        except CatiError as exc:
            fail(exc)
        click.echo(f"Created project {code}.")
        if questionnaire_path:
            from pathlib import Path

            from cati.questionnaire_store import pin

            try:
                version = pin(session, proj, Path(questionnaire_path), actor="cli")
            except CatiError as exc:
                fail(exc)
            click.echo(f"Pinned questionnaire {version.questionnaire_id} {version.version}.")
        if sample_path:
            try:
                count = _import_sample(session, proj, sample_path, region, not_personal)
            except CatiError as exc:
                _report_sample_error(exc)
            click.echo(f"Imported {count} cases (unreleased).")


@project.command("import-sample")
@click.argument("code")
@click.argument("sample_path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--region",
    default="ES",
    show_default=True,
    help="Country for phone numbers written without +country code.",
)
@NOT_PERSONAL_OPTION
def project_import_sample(code: str, sample_path: str, region: str, not_personal: str) -> None:
    """Add the cases of SAMPLE_PATH to project CODE (all or nothing)."""
    with project_session(code) as (session, proj):
        try:
            count = _import_sample(session, proj, sample_path, region, not_personal)
        except CatiError as exc:
            _report_sample_error(exc)
        click.echo(f"Imported {count} cases (unreleased).")


@project.command("pin")
@click.argument("code")
@click.argument("questionnaire_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Pin without asking when the project is in the field.")
def project_pin(code: str, questionnaire_path: str, yes: bool) -> None:
    """Check QUESTIONNAIRE_PATH (YAML or XLSForm) and pin it to project CODE.

    Mid-field (the project has interviews or left setup) the changes from the pinned
    version are listed and confirmed first; a change that would make answers already
    collected unreadable is refused, with the reason."""
    from pathlib import Path

    from cati import questionnaire_store

    with project_session(code) as (session, proj):
        try:
            version = questionnaire_store.pin(
                session, proj, Path(questionnaire_path), actor="cli", confirmed=yes
            )
        except questionnaire_store.ChangesToConfirm as changes:
            for problem in changes.problems:
                click.echo(problem_line(problem))
            if not click.confirm("Pin it?"):
                click.echo("Nothing was pinned.")
                raise click.exceptions.Exit(1) from None
            version = questionnaire_store.pin_version(
                session, proj, changes.version, actor="cli", confirmed=True
            )
        except CatiError as exc:
            fail(exc)
    click.echo(f"Pinned questionnaire {version.questionnaire_id} {version.version} to {code}.")


@project.command("release")
@click.argument("code")
@click.argument("replicate", type=click.IntRange(1))
def project_release(code: str, replicate: int) -> None:
    """Release REPLICATE of project CODE for calling."""
    from cati.fieldwork import cases

    with project_session(code) as (session, proj):
        count = cases.release_replicate(session, proj, replicate, actor="cli")
    click.echo(f"Released replicate {replicate}: {count} cases.")


@project.command("assign")
@click.argument("code")
@click.argument("usernames", nargs=-1, required=True)
def project_assign(code: str, usernames: tuple[str, ...]) -> None:
    """Assign users (interviewers, supervisors, clients) to project CODE."""
    from cati import accounts
    from cati.fieldwork import projects

    with project_session(code) as (session, proj):
        try:
            users = [accounts.get_user(session, name) for name in usernames]
            for user in users:  # a client of another company is refused (and audited)
                projects.assign(session, proj, user, actor="cli")
        except CatiError as exc:
            fail(exc)
    click.echo(f"Assigned {', '.join(usernames)} to {code}.")


@project.command("show")
@click.argument("code")
def project_show(code: str) -> None:
    """Cases by state and final outcome, and quota progress, of project CODE."""
    from cati.fieldwork import reports

    with project_session(code) as (session, proj):
        click.echo(reports.project_summary_text(session, proj))


@project.command("reopen")
@click.argument("code")
@click.argument("case_id")
@click.option("--reason", required=True, help="Why (it goes into the audit trail).")
def project_reopen(code: str, case_id: str, reason: str) -> None:
    """Put case CASE_ID of project CODE back in dispatch with its phones (also one closed by
    the attempt limit: its exhausted numbers get their attempts back)."""
    from sqlalchemy import select

    from cati.db import utcnow
    from cati.errors import ErrorCode
    from cati.fieldwork import supervision
    from cati.models import Case

    with project_session(code) as (session, proj):
        case = session.scalar(
            select(Case).where(Case.project_id == proj.id, Case.external_id == case_id)
        )
        try:
            if case is None:
                raise CatiError(ErrorCode.CASE_NOT_FOUND, query=case_id, project=code)
            given = supervision.reopen(session, case, actor="cli", reason=reason, now=utcnow())
        except CatiError as exc:
            fail(exc)
    click.echo(f"Reopened {case_id}: {given} exhausted number(s) given back their attempts.")


@project.command("inbound")
@click.argument("code")
@click.option(
    "--new-cases/--no-new-cases",
    default=None,
    help="Set whether unknown callers may become new cases of the project.",
)
def project_inbound(code: str, new_cases: bool | None) -> None:
    """List the inbound calls of project CODE waiting for a supervisor's decision."""
    from cati import audit
    from cati.fieldwork import inbound

    with project_session(code) as (session, proj):
        if new_cases is not None:
            proj.inbound_new_cases = new_cases
            audit.record(
                session,
                "project.inbound_new_cases",
                actor="cli",
                object_type="project",
                object_id=proj.id,
                value=new_cases,
            )
            session.commit()
        may = "may" if proj.inbound_new_cases else "may not"
        click.echo(f"{code}: unknown callers {may} become new cases.")
        for call in inbound.open_calls(session, proj):
            at = call.at.isoformat(timespec="minutes")
            click.echo(f"{call.id:>6}  {at}  {call.number:<16} {call.reason:<10} {call.note}")


@main.group()
def dnc() -> None:
    """The do-not-call list shared by every project."""


@dnc.command("add")
@click.argument("numbers", nargs=-1, required=True)
@click.option("--reason", default="", help="Why, e.g. 'opt-out by phone'.")
@click.option("--region", default="ES", show_default=True)
def dnc_add(numbers: tuple[str, ...], reason: str, region: str) -> None:
    """Add NUMBERS to the do-not-call list (normalized to E.164)."""
    from cati import db as dbmod
    from cati.fieldwork import donotcall

    with _app().app_context():
        try:
            added = donotcall.add_numbers(dbmod.session(), numbers, reason, region, actor="cli")
        except CatiError as exc:
            fail(exc)
    click.echo(f"Added {added} number(s); {len(numbers) - added} were already listed.")


@project.command("web-links")
@click.argument("code")
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where respondents reach this server.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    required=True,
    help="CSV of case_id,url for the mail merge.",
)
def project_web_links(code: str, base_url: str, out: str) -> None:
    """Give every unfinished case of CODE a personal web link (mixed mode)."""
    from cati.fieldwork import weblinks

    with project_session(code) as (session, proj):
        links = weblinks.issue_links(session, proj, actor="cli")
    with open(out, "w", newline="", encoding="utf-8") as fh:
        fh.write(weblinks.links_csv(links, base_url))
    click.echo(f"Wrote {len(links)} links to {out}.")


@main.command()
def sweep() -> None:
    """Close interviews left untouched for longer than the claim, free lapsed claims, flag
    missed appointments and delete log-in sessions over for longer than
    CATI_SESSION_RETENTION_DAYS (run it every few minutes, e.g. from cron; the workstation
    also closes untouched interviews whenever it opens)."""
    from cati import db as dbmod
    from cati import interviewing, user_sessions
    from cati.db import utcnow
    from cati.fieldwork import dispatch

    app = _app()
    with app.app_context():
        session, now = dbmod.session(), utcnow()
        closed = interviewing.close_untouched(session, now)
        released = dispatch.release_expired_claims(session, now)
        missed = dispatch.mark_missed_appointments(session, now)
        purged = user_sessions.purge(session, app.config["CATI_SETTINGS"], now)
    click.echo(
        f"Closed {closed} interview(s) left untouched, released {released} lapsed claim(s), "
        f"flagged {missed} missed appointment(s), deleted {purged} old log-in session(s)."
    )


@main.group()
def jobs() -> None:
    """Background reports and data exports."""


@jobs.command("work")
@click.option("--once", is_flag=True, help="Stop when no job is left instead of waiting.")
def jobs_work(once: bool) -> None:
    """Run queued jobs, one after another (start several for more at once)."""
    import cati.job_kinds  # noqa: F401  (registers the runners)
    from cati import jobs as jobsmod

    app = _app()
    lease = app.config["CATI_SETTINGS"].job_lease_seconds
    click.echo(f"Running jobs (lease {lease} s)…")
    done = jobsmod.work(app.extensions["cati.sessionmaker"], lease=lease, once=once)
    click.echo(f"Ran {done} job(s).")


if __name__ == "__main__":
    main()
