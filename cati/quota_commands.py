"""``cati quota``: add crossed quota cells, list them with their progress, remove them.

Loaded lazily by ``cati.cli`` (``cati.quota_commands:quota``). See docs/fieldwork.md.
"""

from __future__ import annotations

import click

from cati.cli import project_session
from cati.cli_output import fail
from cati.errors import CatiError


# -h as under `cati`, also when the group runs on its own.
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def quota() -> None:
    """Quota cells: crossed variables, targets, soft or hard."""


def described(cell: dict[str, list[str]]) -> str:
    """``region=Madrid,Andalucía x sex=f``: the cell on one line, as --cell takes it."""
    return " x ".join(f"{var}={','.join(values)}" for var, values in cell.items())


@quota.command("add")
@click.argument("code")
@click.argument("name")
@click.option(
    "--cell",
    "cells",
    multiple=True,
    required=True,
    metavar="VARIABLE=VALUES",
    help="One variable of the cell and its values, comma-separated (region=Andalucía); "
    "repeat it to cross variables (--cell region=Madrid --cell sex=f).",
)
@click.option("--target", type=int, required=True, help="Completes wanted in the cell.")
@click.option(
    "--over-percent",
    type=int,
    default=0,
    show_default=True,
    help="A soft cell: completes allowed past the target, in percent of it (0: hard).",
)
def quota_add(code: str, name: str, cells: tuple[str, ...], target: int, over_percent: int) -> None:
    """Add quota cell NAME to project CODE. Variables and values are checked against the
    sample and the questionnaire; nothing is saved on a mistake."""
    from cati.fieldwork import quota_cells, quota_setup

    with project_session(code) as (session, proj):
        try:
            cell = quota_cells.parse_cell(name, "\n".join(cells))
            added = quota_setup.add_quota(
                session, proj, name, cell, target, over_percent=over_percent, actor="cli"
            )
        except CatiError as exc:
            fail(exc)
        click.echo(f"{code}: quota {name} added: {described(added.cell)}.")


@quota.command("list")
@click.argument("code")
def quota_list(code: str) -> None:
    """Each quota cell of project CODE: its cell, sample cases in it, achieved, target and
    the completes still needed."""
    from sqlalchemy import select

    from cati.fieldwork import quotas
    from cati.models import Quota

    with project_session(code) as (session, proj):
        found = list(
            session.scalars(select(Quota).where(Quota.project_id == proj.id).order_by(Quota.name))
        )
        if not found:
            click.echo(f"{code} has no quotas.")
            return
        counts = quotas.cases_in_cells(session, proj, found)
        for q in found:
            on_sample = all(var in proj.personal_fields for var in q.cell)
            kind = f"soft, closes at {quotas.limit(q)}" if q.over_percent else "hard"
            in_cell = counts[q.id] if on_sample else "-"
            click.echo(
                f"{q.name}: {described(q.cell)} | sample cases {in_cell} | "
                f"{q.achieved}/{q.target}, {max(0, q.target - q.achieved)} needed | {kind}"
                + (" | full" if q.full else "")
            )


@quota.command("remove")
@click.argument("code")
@click.argument("name")
def quota_remove(code: str, name: str) -> None:
    """Remove quota cell NAME of project CODE; the cases it alone held go back to dispatch."""
    from sqlalchemy import select

    from cati.errors import ErrorCode
    from cati.fieldwork import quota_setup
    from cati.models import Quota

    with project_session(code) as (session, proj):
        found = session.scalar(select(Quota).where(Quota.project_id == proj.id, Quota.name == name))
        if found is None:
            fail(CatiError(ErrorCode.QUOTA_INVALID, name=name, reason=f"{code} has none so named"))
        quota_setup.remove_quota(session, proj, found, actor="cli")
        click.echo(f"{code}: quota {name} removed.")
