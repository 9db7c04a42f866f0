"""`cati estimate`: design-based means and shares of a project, with the sample's design."""

from __future__ import annotations

import click

from cati.cli import project_session
from cati.cli_output import fail
from cati.design_commands import replicate_type_option, stage_options
from cati.errors import CatiError


@click.command("estimate")
@click.argument("project")
@click.argument("requests", nargs=-1, required=True)
@click.option("--weight", default=None, help="Weight column, e.g. design_weight.")
@click.option("--strata", default=None, help="Stratum column of the first stage.")
@stage_options
@click.option("--replicates", default=None, help="Prefix of replicate-weight columns (repw).")
@replicate_type_option
@click.option("--rho", type=float, default=None, help="Fay's factor.")
@click.option(
    "--weighted",
    is_flag=True,
    help="Weight the design to the project's targets (its weighting options).",
)
def estimate(
    project: str,
    requests: tuple[str, ...],
    weight: str | None,
    strata: str | None,
    psu: tuple[str, ...],
    fpc: tuple[str, ...],
    lonely_psu: str,
    replicates: str | None,
    replicate_type: str,
    rho: float | None,
    weighted: bool,
) -> None:
    """Print means (VARIABLE) and shares (VARIABLE=VALUE) of PROJECT's completed interviews
    with design-based SEs and 95% intervals, and the variance method used. Without design
    options, the project's design (`cati design set`) and weighting options."""
    from cati import estimation
    from cati.stats.specification import DesignSpec

    named = weight or strata or psu or fpc or replicates
    spec = None  # the project's design (`cati design set`)
    if named:
        spec = DesignSpec(
            weights=weight,
            strata=strata,
            psu=psu,
            fpc=fpc,
            lonely_psu=lonely_psu,  # type: ignore[arg-type]
            replicate_prefix=replicates,
            replicate_type=replicate_type,  # type: ignore[arg-type]
            rho=rho,
        )
    with project_session(project) as (session, proj):
        try:
            result = estimation.estimate(session, proj, requests, spec, weighted=weighted)
        except CatiError as exc:
            fail(exc)
    click.echo(f"{'estimate':<24} {'mean':>12} {'SE':>12} {'95% interval':>27} {'n':>6}")
    for name, row in result.table.iterrows():
        interval = f"{row['low']:.6g} – {row['high']:.6g}"
        click.echo(
            f"{name:<24} {row['mean']:>12.6g} {row['se']:>12.6g} {interval:>27} {row['n']:>6}"
        )
    click.echo(f"Variance: {result.variance_method}; df {result.degrees_of_freedom}")
