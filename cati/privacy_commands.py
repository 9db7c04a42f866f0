"""``cati privacy``: personal fields, erasure on request and the retention purge.

Loaded lazily by ``cati.cli`` (``cati.privacy_commands:privacy``). See docs/privacy.md.
"""

from __future__ import annotations

import click

from cati.cli import _app, project_session, split_names
from cati.cli_output import fail
from cati.errors import CatiError


# -h as under `cati`, also when the group runs on its own (click keeps the first help
# option it builds for a command).
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def privacy() -> None:
    """Personal fields, erasure on request, retention purge."""


@privacy.command("fields")
@click.argument("code")
@click.option(
    "--not-personal",
    default=None,
    help="Set the analysis variables (comma-separated, '' for none); every other sample "
    "variable becomes personal. Without it, the marks are shown.",
)
def privacy_fields(code: str, not_personal: str | None) -> None:
    """Show or set which sample variables of project CODE are personal."""
    from cati.fieldwork import personal_fields

    with project_session(code) as (session, proj):
        if not_personal is not None:
            try:
                personal_fields.set_personal_fields(
                    session, proj, split_names(not_personal), actor="cli"
                )
            except CatiError as exc:
                fail(exc)
        if not proj.personal_fields:
            click.echo(f"{code} has no sample variables yet (phone numbers are always personal).")
        for name, personal in sorted(proj.personal_fields.items()):
            click.echo(f"{name:<30} {'personal' if personal else 'not personal (exported)'}")


@privacy.command("retention")
@click.argument("code")
@click.argument("days")
def privacy_retention(code: str, days: str) -> None:
    """Keep personal data of project CODE's cases DAYS days after each case is finalized
    (``none``: until erased by hand)."""
    from cati.errors import ErrorCode
    from cati.fieldwork import personal_fields

    with project_session(code) as (session, proj):
        try:
            value = None if days.lower() == "none" else int(days)
        except ValueError:
            fail(
                CatiError(
                    ErrorCode.PRIVACY_RETENTION_INVALID,
                    value=days,
                    maximum=personal_fields.MAX_RETENTION_DAYS,
                )
            )
        try:
            personal_fields.set_retention(session, proj, value, actor="cli")
        except CatiError as exc:
            fail(exc)
    kept = "until erased by hand" if value is None else f"{value} days after finalization"
    click.echo(f"{code}: personal data kept {kept}.")


@privacy.command("erase")
@click.argument("code")
@click.argument("case_id")
@click.option("--reason", required=True, help="Why, for the audit log (e.g. 'request 2026-41').")
@click.option(
    "--do-not-call",
    is_flag=True,
    help="Also put the case's numbers on the do-not-call list first (the respondent "
    "objects to further calls).",
)
def privacy_erase(code: str, case_id: str, reason: str, do_not_call: bool) -> None:
    """Erase the personal data of case CASE_ID of project CODE; its answers stay."""
    from cati.fieldwork.erasure import ERASED_ID_PREFIX, erase_case, find_case

    with project_session(code) as (session, proj):
        try:
            case = find_case(session, proj, case_id)
            erasure = erase_case(session, case, reason, do_not_call=do_not_call, actor="cli")
        except CatiError as exc:
            fail(exc)
    if erasure.already:
        click.echo(f"Case {case_id} was already erased; nothing changed.")
        return
    fields = ", ".join(erasure.fields) or "none"
    click.echo(
        f"Erased case {case_id} (now {ERASED_ID_PREFIX}{erasure.case_id}): "
        f"{erasure.phones} phone number(s), personal variables: {fields}; "
        f"notes and numbers of {erasure.attempts} call attempt(s)."
    )


@privacy.command("purge")
@click.option("--project", "code", default=None, help="Only this project (default: all).")
@click.option("--dry-run", is_flag=True, help="Count the cases due, erase nothing.")
def privacy_purge(code: str | None, dry_run: bool) -> None:
    """Erase the personal data of every case past its project's retention period.

    Safe to run daily from cron: cases already erased are skipped, and cases in a call are
    left for the next run."""
    from cati import db as dbmod
    from cati.fieldwork import projects
    from cati.fieldwork.erasure import due_for_purge, purge

    with _app().app_context():
        session = dbmod.session()
        try:
            proj = projects.get_project(session, code) if code else None
        except CatiError as exc:
            fail(exc)
        due = due_for_purge(session, dbmod.utcnow(), proj)
        if dry_run:
            click.echo(f"{len(due)} case(s) past retention; nothing erased (dry run).")
            return
        with click.progressbar(length=len(due), label="Erasing personal data") as bar:
            result = purge(session, due, actor="cli", progress=bar.update)
    busy = f"; {result.busy} in a call, left for the next run" if result.busy else ""
    click.echo(f"Erased the personal data of {result.erased} case(s){busy}.")
