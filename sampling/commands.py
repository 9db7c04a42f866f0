"""`cati sample …`: check a frame, draw a sample, make a demo frame, draw RDD numbers.

Thin: parse options, call the package, print. Every user error is a SamplingError whose
problems name the file, row and column; they are printed and the command exits with status 1.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cati.problems import Problem
from sampling.choices import ALLOCATIONS, DESIGNS
from sampling.errors import SamplingError

# Each command imports what it runs: `cati sample --help` needs none of numpy, pandas or
# scipy, and a draw none of the demo's geography or the RDD's banks.
if TYPE_CHECKING:
    from sampling.frames import Frame

PROGRESS_FROM = 20_000  # frames at least this big get a progress bar while drawing
PROBLEMS_SHOWN = 50  # a frame's every problem goes to `check --report`, not the terminal


def problem_line(problem: Problem) -> str:
    """`place: CODE message`, as the rest of the CLI prints problems (this package may not
    import the application's printing)."""
    where = problem.place.text()
    text = f"{problem.code} {problem.message}"
    return f"{where}: {text}" if where else text


def _user_errors(command):
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SamplingError as exc:
            for problem in exc.problems[: PROBLEMS_SHOWN + 1]:  # the headline and 50 rows
                click.echo(problem_line(problem), err=True)
            if len(exc.row_problems) > PROBLEMS_SHOWN:
                click.echo(f"… and {len(exc.row_problems) - PROBLEMS_SHOWN} more", err=True)
            raise click.exceptions.Exit(1) from None

    return wrapper


def _zone_option(_context, _parameter, value: str | None) -> str | None:
    from sampling.timezones import known_zones

    if value is not None and value not in known_zones():
        raise click.BadParameter(f"{value!r} is not an IANA time zone (e.g. Europe/Madrid)")
    return value


def _frame_options(command):
    options = [
        click.option("--id", "id_column", default="id", show_default=True, help="Unit id column."),
        click.option("--phone", "phones", multiple=True, help="Phone column (repeatable)."),
        click.option("--strata", "strata", multiple=True, help="Stratum column (repeatable)."),
        click.option("--lat", help="Latitude column (found by name when omitted)."),
        click.option("--lon", help="Longitude column."),
        click.option("--x", help="Projected x column (instead of lat/lon)."),
        click.option("--y", help="Projected y column."),
        click.option("--time-zone", help="Time zone column; missing zones are inferred."),
        click.option("--aux", multiple=True, help="Numeric auxiliary column (repeatable)."),
        click.option("--region", default="ES", show_default=True, help="Default phone region."),
        click.option(
            "--default-zone",
            callback=_zone_option,
            help="Zone of units nothing else places, and the pick among a number's zones.",
        ),
        click.option(
            "--do-not-call",
            type=click.Path(exists=True, dir_okay=False),
            help="Text file, one number per line, to suppress.",
        ),
        click.option("--drop-invalid", is_flag=True, help="Drop bad rows instead of refusing."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _load(frame_path: str, options: dict, extra_numeric: tuple[str, ...] = ()) -> Frame:
    from sampling.drawing import coordinate_columns
    from sampling.frames import FrameSpec, validate_frame
    from sampling.tables import read_table

    table, first_row = read_table(frame_path)
    lat, lon = options["lat"], options["lon"]
    if not options["x"]:
        lat, lon = coordinate_columns(table.columns, lat, lon)
    spec = FrameSpec(
        id=options["id_column"],
        phones=tuple(options["phones"]) or ("phone",),
        strata=tuple(options["strata"]),
        latitude=lat,
        longitude=lon,
        x=options["x"],
        y=options["y"],
        time_zone=options["time_zone"],
        auxiliary=tuple(dict.fromkeys(options["aux"] + extra_numeric)),
        region=options["region"],
        default_zone=options["default_zone"],
    )
    dnc = _do_not_call(options["do_not_call"])
    if len(table) >= PROGRESS_FROM:
        click.echo(f"Validating {len(table):,} rows…", err=True)
    return validate_frame(
        table,
        spec,
        file=frame_path,
        first_row=first_row,
        drop_invalid=options["drop_invalid"],
        do_not_call=dnc,
    )


def _do_not_call(path: str | None) -> list[str]:
    """One number per line, written any way a person would ('+34 912 34 56 78' included)."""
    if not path:
        return []
    return [line.strip() for line in Path(path).read_text().splitlines() if line.strip()]


# -h as under `cati`, also when the group runs on its own (click keeps the first help
# option it builds for a command).
@click.group("sample", context_settings={"help_option_names": ["-h", "--help"]})
def sample_group() -> None:
    """Sampling frames and probability samples."""


@sample_group.command("check")
@click.argument("frame_path", metavar="FRAME", type=click.Path(exists=True, dir_okay=False))
@_frame_options
@click.option("--report", type=click.Path(dir_okay=False), help="Write every problem to CSV.")
@_user_errors
def check_command(frame_path: str, report: str | None, **options) -> None:
    """Validate FRAME and list every problem with its row number."""
    from sampling.frames import problem_table

    try:
        frame = _load(frame_path, options)
    except SamplingError as exc:
        if report and exc.row_problems:
            problem_table(exc.row_problems).to_csv(report, index=False)
        raise
    found = frame.report
    if report:
        problem_table(found.problems).to_csv(report, index=False)
    for problem in found.problems:
        click.echo(problem_line(problem))
    click.echo(
        f"{frame_path}: {found.rows_read:,} rows read, {len(frame):,} usable, "
        f"{found.rows_dropped:,} dropped, {len(found.suppressed):,} suppressed (do not call)."
    )
    kinds = frame.data[f"{frame.spec.phones[0]}_kind"].value_counts()
    click.echo("Phones: " + ", ".join(f"{k or 'none'} {v:,}" for k, v in kinds.items()))
    zones = frame.data[frame.spec.zone_column].value_counts()
    click.echo("Time zones: " + ", ".join(f"{k} {v:,}" for k, v in zones.items()))


@sample_group.command("draw")
@click.option("--frame", "frame_path", required=True, type=click.Path(exists=True))
@click.option("--n", "n", required=True, type=click.IntRange(min=1), help="Sample size.")
@click.option("--design", type=click.Choice(DESIGNS), default="lpm2", show_default=True)
@click.option(
    "--allocation",
    type=click.Choice(ALLOCATIONS),
    default="proportional",
    show_default=True,
)
@click.option("--sd-from", help="Numeric column whose S_h within strata drives Neyman.")
@click.option("--min", "minimum", type=int, default=0, help="Minimum per stratum.")
@click.option("--max", "maximum", type=int, help="Maximum per stratum.")
@click.option("--size", help="Measure-of-size column for πps.")
@click.option("--balance", multiple=True, help="Column to balance on (cube; repeatable).")
@click.option("--seed", type=int, help="Seed; the same seed draws the same sample.")
@click.option("--replicates", type=click.IntRange(min=1), help="Split into k replicates.")
@click.option("--map", "map_path", type=click.Path(dir_okay=False), help="Map (.svg/.png).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Sample CSV.")
@_frame_options
@_user_errors
def draw_command(
    frame_path,
    n,
    design,
    allocation,
    sd_from,
    minimum,
    maximum,
    size,
    balance,
    seed,
    replicates,
    map_path,
    out,
    **options,
) -> None:
    """Draw a sample of N from FRAME and write it with π and design weights."""
    from sampling.drawing import DrawSettings, draw_sample
    from sampling.quality import empty_strata
    from sampling.replicates import release_plan

    if allocation == "neyman" and not (sd_from and options["strata"]):
        raise click.UsageError("--allocation neyman needs --strata and --sd-from COLUMN")
    settings = DrawSettings(
        n=n,
        design=design,
        allocation=allocation,
        sd_from=sd_from,
        minimum=minimum,
        maximum=maximum,
        size=size,
        balance=tuple(balance),
        seed=seed,
        replicates=replicates,
    )
    frame = _load(frame_path, options, extra_numeric=settings.numeric_columns)
    if len(frame) >= PROGRESS_FROM:
        with click.progressbar(length=len(frame), label=f"Drawing ({design})") as bar:
            drawn = draw_sample(frame, settings, progress=bar.update)
    else:
        drawn = draw_sample(frame, settings)
    sample = drawn.sample
    sample.to_csv(out, index=False)
    click.echo(f"Wrote {len(sample):,} units to {out} ({design}, seed {seed}).")
    table = drawn.composition()
    click.echo(table.to_string(float_format="{:.4f}".format))
    if empty := empty_strata(table):
        click.echo(f"Warning: no unit allotted to {', '.join(empty)}: raise n or set --min.")
    if replicates:
        click.echo(release_plan(sample).T.to_string())
    if drawn.has_coordinates:
        sb, reference_sb, reference = drawn.balance()
        click.echo(f"Spatial balance SB: {sb:.3f} ({design}); {reference_sb:.3f} ({reference}).")
    if map_path and drawn.has_coordinates:
        from sampling.maps import plot_sample

        frame_points, points = drawn.frame_points(), drawn.sample_points()
        plot_sample(
            frame_points[:, 0],
            frame_points[:, 1],
            points[:, 0],
            points[:, 1],
            map_path,
            title=f"{design}, n = {len(sample):,}",
            geographic=frame.spec.latitude is not None,
        )
        click.echo(f"Map written to {map_path}.")
    elif map_path:
        click.echo("No map: the frame has no coordinates.", err=True)


@sample_group.command("demo")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--households", type=click.IntRange(min=1), default=20_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@_user_errors
def demo_command(out: str, households: int, seed: int) -> None:
    """Write a demo frame: households on Spanish geography, fictional NANP phones."""
    from sampling.demo import demo_frame

    table = demo_frame(households, random=seed)
    if out.lower().endswith(".parquet"):
        table.to_parquet(out, index=False)
    elif out.lower().endswith(".xlsx"):
        table.to_excel(out, index=False)
    else:
        table.to_csv(out, index=False)
    click.echo(f"Wrote {len(table):,} demo households to {out}.")


@sample_group.command("rdd")
@click.option("--banks", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--n", "n", required=True, type=click.IntRange(min=1))
@click.option("--min-listed", type=click.IntRange(min=0), default=1, show_default=True)
@click.option("--seed", type=int)
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@_user_errors
def rdd_command(banks: str, n: int, min_listed: int, seed: int | None, out: str) -> None:
    """List-assisted RDD: N numbers from the 100-banks with ≥ MIN_LISTED listed numbers."""
    from sampling.rdd import rdd_sample
    from sampling.tables import read_table

    table, _ = read_table(banks)
    result = rdd_sample(table, n, min_listed=min_listed, random=seed)
    result.numbers.to_csv(out, index=False)
    click.echo(
        f"Wrote {len(result.numbers):,} numbers to {out}: {result.banks_kept:,} banks kept, "
        f"frame of {result.frame_size:,} numbers, π = {n / result.frame_size:.6f}; "
        f"{len(result.rejected):,} generated numbers could not exist and were set aside."
    )
