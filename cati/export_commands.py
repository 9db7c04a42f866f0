"""``cati export``: data files and PDF reports of a project, with progress bars.

Loaded lazily by ``cati.cli`` (``cati.export_commands:export``), so that other commands do
not pay for pandas, matplotlib and WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cati.cli import project_session
from cati.cli_output import fail
from cati.problems import ProblemError
from cati.reporting import BANNER_ADJUSTMENTS, BANNER_LEVELS, DATA_FORMATS, REPORT_KINDS

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

WEIGHTED_HELP = (
    "Weight the design weights to the project's targets with its weighting options "
    "(`cati design weighting`; column weight)."
)


def _advance(bar: ProgressBar) -> Callable[[int, int], None]:
    """A progress callback that learns the total from the first report."""

    def advance(done: int, total: int) -> None:
        bar.length = total
        bar.update(done)

    return advance


# -h as under `cati`, also when the group runs on its own (click keeps the first help
# option it builds for a command).
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def export() -> None:
    """Export data files and PDF reports."""


@export.command("data")
@click.argument("project")
@click.option("--format", "fmt", type=click.Choice(DATA_FORMATS), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--labels", is_flag=True, help="CSV/XLSX: value labels instead of codes.")
@click.option(
    "--names",
    is_flag=True,
    help="CSV/XLSX: an XLSForm's choice names instead of codes (KoBo's XML values).",
)
@click.option("--partials", is_flag=True, help="Include partial and broken-off interviews.")
@click.option(
    "--include-personal",
    is_flag=True,
    help="Include personal sample variables and the real case ids (audited).",
)
@click.option(
    "--safe",
    default="",
    help="More sample variables to treat as not personal for this export, comma-separated "
    "(the project's marks, `cati privacy fields`, always apply).",
)
@click.option("--lang", type=click.Choice(["es", "en"]), default="en", show_default=True)
@click.option("--weighted", is_flag=True, help=WEIGHTED_HELP)
@click.option(
    "--stata-version",
    type=click.Choice(["118", "119"]),
    default="118",
    show_default=True,
    help="dta: file release, 118 (Stata 14 and later) or 119 (more than 32,767 variables).",
)
def export_data(
    project: str,
    fmt: str,
    out: Path,
    labels: bool,
    names: bool,
    partials: bool,
    include_personal: bool,
    safe: str,
    lang: str,
    weighted: bool,
    stata_version: str,
) -> None:
    """Write PROJECT's interviews as csv, xlsx, sav, dta, sss (Triple-S) or a codebook
    (.html, or .pdf by the file name)."""
    from cati import reporting

    with (
        project_session(project) as (session, proj),
        click.progressbar(length=1, label=f"Exporting {fmt}") as bar,
    ):
        try:
            files = reporting.export_data(
                session,
                proj,
                fmt,
                out,
                include_personal=include_personal,
                safe=[s.strip() for s in safe.split(",") if s.strip()],
                labels=labels,
                names=names,
                partials=partials,
                language=lang,
                weighted=weighted,
                stata_release=int(stata_version),
                progress=_advance(bar),
                actor="cli",
            )
        except ProblemError as exc:  # targets the data cannot be raked to
            fail(exc)
        except ValueError as exc:  # a file format's own limit, named
            raise click.ClickException(str(exc)) from None
        bar.update(bar.length - bar.pos)  # formats without row-by-row progress: done
    for path in files:
        click.echo(f"Wrote {path}")


@export.command("paradata")
@click.argument("project")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--include-personal",
    is_flag=True,
    help="Real case ids and the numbers dialled instead of pseudonyms (audited).",
)
def export_paradata(project: str, out: Path, include_personal: bool) -> None:
    """Write PROJECT's call attempts (paradata) as CSV."""
    from cati import reporting

    with project_session(project) as (session, proj):
        rows = reporting.export_paradata(
            session, proj, out, include_personal=include_personal, actor="cli"
        )
    click.echo(f"Wrote {rows} call attempts to {out}")


@export.command("report")
@click.argument("project")
@click.option("--kind", type=click.Choice(REPORT_KINDS), required=True)
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--logo",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A PNG, JPEG or SVG logo in place of the project's own for this report.",
)
@click.option("--weight", default=None, help="Weight column, e.g. design_weight.")
@click.option("--weighted", is_flag=True, help=WEIGHTED_HELP)
@click.option(
    "--banner", default="region", show_default=True, help="Comma-separated banner variables."
)
@click.option(
    "--bands",
    default="",
    help='Bands of numeric questions in a banner book, e.g. "age=18-34,35-54,55-".',
)
@click.option(
    "--levels",
    type=click.Choice(BANNER_LEVELS),
    default="95/90",
    show_default=True,
    help="Confidence levels of the banner letters (upper case/lower case).",
)
@click.option(
    "--adjust",
    type=click.Choice(BANNER_ADJUSTMENTS),
    default="none",
    show_default=True,
    help="Multiple-comparison correction of the banner tests.",
)
@click.option(
    "--untagged",
    is_flag=True,
    help="A plain PDF, not PDF/UA-1: a smaller file.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    help="Processes to render the report on, its pieces at once.  [default: one per core]",
)
def export_report(
    project: str,
    kind: str,
    lang: str,
    out: Path,
    logo: Path | None,
    weight: str | None,
    banner: str,
    bands: str,
    levels: str,
    adjust: str,
    weighted: bool,
    untagged: bool,
    processes: int | None,
) -> None:
    """Write a PDF report of PROJECT: topline, banner, fieldwork or questionnaire."""
    from cati import reporting
    from cati.banner_report import column_tests, parse_bands

    with (
        project_session(project) as (session, proj),
        click.progressbar(length=1, label=f"Rendering the {kind} report") as bar,
    ):
        try:
            pages = reporting.export_report(
                session,
                proj,
                kind,
                out,
                language=lang,
                logo=logo,
                weights=weight,
                weighted=weighted,
                banner=[b.strip() for b in banner.split(",") if b.strip()],
                bands=parse_bands(bands),
                settings=column_tests(levels, adjust),
                tagged=not untagged,
                processes=processes,
                progress=_advance(bar),
            )
        except ProblemError as exc:  # an unknown banner variable, a statistics error
            fail(exc)
        except ValueError as exc:  # any other input the report cannot use, named
            raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {out} ({pages} pages)")
