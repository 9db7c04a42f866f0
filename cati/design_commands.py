"""``cati design``: the sample's design columns and the weighting options of a project.

Loaded lazily by ``cati.cli`` (``cati.design_commands:design``). Reports, banner books,
exports and ``cati estimate`` of the project use what is set here, from the CLI and from
the web jobs alike (``cati.project_design``; docs/statistics.md).
"""

from __future__ import annotations

from collections.abc import Callable

import click

from cati.cli import project_session
from cati.cli_output import fail
from cati.errors import CatiError

REPLICATE_TYPES = ["JK1", "JKn", "BRR", "Fay", "bootstrap", "other"]
LONELY_PSU = ["fail", "remove", "certainty", "average", "adjust"]


def stage_options(command: Callable) -> Callable:
    """--psu, --fpc, --lonely-psu and --replicate-type, as `design set` and `estimate` take
    them."""
    for option in reversed(
        (
            click.option(
                "--psu", multiple=True, help="Unit column of each stage, PSU first (repeat)."
            ),
            click.option(
                "--fpc", multiple=True, help="Population size (or fraction) column per stage."
            ),
            click.option(
                "--lonely-psu", type=click.Choice(LONELY_PSU), default="fail", show_default=True
            ),
        )
    ):
        command = option(command)
    return command


replicate_type_option = click.option(
    "--replicate-type", type=click.Choice(REPLICATE_TYPES), default="JK1", show_default=True
)


def _text(value: float | None) -> str:
    return "" if value is None else repr(value)


# -h as under `cati`, also when the group runs on its own.
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def design() -> None:
    """The sample design and weighting options of a project."""


@design.command("show")
@click.argument("project")
def design_show(project: str) -> None:
    """Print PROJECT's design settings and weighting options."""
    from cati import project_design as pd_

    with project_session(project) as (_session, proj):
        pairs = pd_.describe(pd_.design_of(proj), pd_.options_of(proj))
    for name, value in pairs:
        click.echo(f"{name:<16} {value}")


@design.command("set")
@click.argument("project")
@click.option("--strata", default="", help="Stratum column of the sample.")
@stage_options
@click.option("--replicates", default="", help="Prefix of replicate-weight columns (repw).")
@replicate_type_option
@click.option("--rho", type=float, default=None, help="Fay's factor (type Fay).")
@click.option("--scale", type=float, default=None, help="Overrides the type's scale.")
def design_set(
    project: str,
    strata: str,
    psu: tuple[str, ...],
    fpc: tuple[str, ...],
    lonely_psu: str,
    replicates: str,
    replicate_type: str,
    rho: float | None,
    scale: float | None,
) -> None:
    """Name PROJECT's design columns (none: simple random sampling with the weights)."""
    from cati import project_design as pd_

    form = {
        "strata": strata,
        "psu": " ".join(psu),
        "fpc": " ".join(fpc),
        "lonely_psu": lonely_psu,
        "replicates": replicates,
        "replicate_type": replicate_type,
        "rho": _text(rho),
        "scale": _text(scale),
    }
    with project_session(project) as (session, proj):
        try:
            settings = pd_.parse_design(form, pd_.sample_columns(session, proj))
        except CatiError as exc:
            fail(exc, "Nothing was changed.")
        pd_.set_design(session, proj, settings)
    click.echo(f"Design of {project} set.")


@design.command("weighting")
@click.argument("project")
@click.option(
    "--method", type=click.Choice(["rake", "poststratify"]), default="rake", show_default=True
)
@click.option(
    "--bounds",
    type=(float, float),
    default=None,
    help="Bounded raking: each raked/design weight ratio within LOW HIGH, e.g. 0.5 2.",
)
@click.option(
    "--trim",
    type=(float, float),
    default=None,
    help="Trim the weights to LOW HIGH (absolute), as R's trimWeights(strict=TRUE).",
)
def design_weighting(
    project: str,
    method: str,
    bounds: tuple[float, float] | None,
    trim: tuple[float, float] | None,
) -> None:
    """Set how PROJECT's weights are fitted to its targets (--weighted reports, exports)."""
    from cati import project_design as pd_

    low, high = bounds or (None, None)
    trim_low, trim_high = trim or (None, None)
    form = {
        "method": method,
        "bound_low": _text(low),
        "bound_high": _text(high),
        "trim_low": _text(trim_low),
        "trim_high": _text(trim_high),
    }
    with project_session(project) as (session, proj):
        try:
            options = pd_.parse_options(form)
        except CatiError as exc:
            fail(exc, "Nothing was changed.")
        pd_.set_options(session, proj, options)
    click.echo(f"Weighting options of {project} set.")
