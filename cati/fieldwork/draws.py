"""Samples drawn in the browser: drawn from an uploaded frame, kept in the database as a
pending draw until the researcher accepts it (its cases are imported exactly as a CSV
import of the same drawn sample would import them) or discards it.

A pending draw holds the drawn sample, not the frame: the preview and the acceptance read
it back on any app server. Drafts are short-lived: those older than PENDING_FOR are
removed whenever a new one is made, and are no longer shown.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cati import audit
from cati.fieldwork import cases
from cati.fieldwork.sample_import import parse_sample, read_csv
from cati.models import PendingDraw, Project, User
from sampling.designs import WEIGHT
from sampling.drawing import DrawnSample, DrawSettings, coordinate_columns, draw_sample
from sampling.frames import SOURCE_ROW, FrameSpec, validate_frame
from sampling.quality import empty_strata, shares_beside_frame
from sampling.replicates import release_plan
from sampling.tables import find_column, read_table

PENDING_FOR = timedelta(hours=24)
TIME_ZONE = "time_zone"
# Frame columns with at most this many distinct values are compared with the sample.
MAX_CATEGORIES = 20
MAX_PROFILES = 4


@dataclass(frozen=True)
class FrameChoices:
    """How to read the frame: the columns that mean something to the design."""

    strata: tuple[str, ...] = ()
    latitude: str | None = None
    longitude: str | None = None
    region: str = "ES"


def make_draw(
    session: Session,
    project: Project,
    path: Path,
    frame_name: str,
    choices: FrameChoices,
    settings: DrawSettings,
    *,
    by: User | None,
    now: datetime,
    commit: bool = True,
) -> PendingDraw:
    """Validate the frame at `path`, draw, and keep the result as a pending draw (with
    ``commit=False``, the caller commits: a background job).

    Raises SamplingError (naming `frame_name`, the row and the column) and keeps nothing
    when the frame or the design cannot be used.
    """
    drawn = _draw(path, frame_name, choices, settings, project.time_zone)
    pending = PendingDraw(
        project_id=project.id,
        frame_name=frame_name,
        params={"frame": frame_name, **asdict(choices), **asdict(settings)},
        summary=_summary(drawn),
        sample_csv=drawn.sample.to_csv(index=False).encode("utf-8"),
        map_svg=_map(drawn) if drawn.has_coordinates else None,
        created_by_id=by.id if by is not None else None,
        created_at=now,
    )
    session.execute(delete(PendingDraw).where(PendingDraw.created_at < now - PENDING_FOR))
    session.add(pending)
    if commit:
        session.commit()
    else:
        session.flush()  # its id, for the job's result
    return pending


def _draw(
    path: Path, frame_name: str, choices: FrameChoices, settings: DrawSettings, zone: str
) -> DrawnSample:
    table, first_row = read_table(path, name=frame_name)
    latitude, longitude = coordinate_columns(table.columns, choices.latitude, choices.longitude)
    spec = FrameSpec(
        strata=choices.strata,
        latitude=latitude,
        longitude=longitude,
        # A frame's own time zones are used when it has the column the CLI names.
        time_zone=find_column(table.columns, TIME_ZONE),
        auxiliary=settings.numeric_columns,
        region=choices.region,
        # Units nothing else places are in the project's zone, as at import.
        default_zone=zone,
    )
    frame = validate_frame(table, spec, file=frame_name, first_row=first_row)
    return draw_sample(frame, settings)


def _summary(drawn: DrawnSample) -> dict:
    """What the preview shows, as plain JSON: allocation, balance, replicates, profiles."""
    table = drawn.composition()
    summary = {
        "frame_units": len(drawn.frame),
        "sample_units": len(drawn.sample),
        "allocation": _rows(table, "stratum"),
        "empty_strata": empty_strata(table),
        "balance": None,
        "replicates": [],
        "profiles": _profiles(drawn),
    }
    if drawn.has_coordinates:
        sb, reference_sb, reference = drawn.balance()
        summary["balance"] = {"sb": sb, "reference_sb": reference_sb, "reference": reference}
    if drawn.settings.replicates:
        plan = release_plan(drawn.sample)
        summary["replicates"] = [
            {"replicate": int(r), "units": int(units)} for r, units in plan["units"].items()
        ]
    return summary


def _profiles(drawn: DrawnSample) -> list[dict]:
    """The frame's few-valued columns, share by share in frame and sample."""
    data, spec = drawn.frame.data, drawn.frame.spec
    # Strata are in the allocation table; ids, phones, numbers and zones are not categories.
    skip = {*spec.declared(), SOURCE_ROW, spec.zone_column, *(f"{p}_kind" for p in spec.phones)}
    profiles = []
    for column in data.columns:
        if column in skip or not 2 <= data[column].nunique() <= MAX_CATEGORIES:
            continue
        table = shares_beside_frame(data[column], drawn.sample[column], drawn.sample[WEIGHT])
        profiles.append({"column": column, "rows": _rows(table, "value")})
        if len(profiles) == MAX_PROFILES:
            break
    return profiles


def _rows(table: pd.DataFrame, label: str) -> list[dict]:
    """A table of numbers as JSON rows, its index under `label`."""
    return [
        {label: str(key), **{k: float(v) for k, v in row.items()}} for key, row in table.iterrows()
    ]


def _map(drawn: DrawnSample) -> bytes:
    from sampling.maps import plot_sample  # matplotlib: heavy, loaded only to draw a map

    frame_points, points = drawn.frame_points(), drawn.sample_points()
    with tempfile.TemporaryDirectory() as folder:
        path = plot_sample(
            frame_points[:, 0],
            frame_points[:, 1],
            points[:, 0],
            points[:, 1],
            Path(folder) / "map.svg",
            title=f"{drawn.settings.design}, n = {len(drawn.sample):,}",
            geographic=drawn.frame.spec.latitude is not None,
        )
        return path.read_bytes()


def pending_draw(
    session: Session, project: Project, draw_id: int, now: datetime
) -> PendingDraw | None:
    """The project's pending draw with this id, unless it is someone else's or too old."""
    found = session.get(PendingDraw, draw_id)
    if found is None or found.project_id != project.id or found.created_at < now - PENDING_FOR:
        return None
    return found


def pending_draws(session: Session, project: Project, now: datetime) -> list[PendingDraw]:
    return list(
        session.scalars(
            select(PendingDraw)
            .where(
                PendingDraw.project_id == project.id,
                PendingDraw.created_at >= now - PENDING_FOR,
            )
            .order_by(PendingDraw.id.desc())
        )
    )


def import_name(pending: PendingDraw) -> str:
    """The name the accepted sample carries in messages and in the audit log."""
    params = pending.params
    return f"{pending.frame_name} ({params['design']}, n {params['n']}, seed {params['seed']})"


def sample_table(pending: PendingDraw) -> pd.DataFrame:
    """The drawn sample as the CSV import reads a file."""
    return read_csv(pending.sample_csv, import_name(pending))


def accept(
    session: Session,
    project: Project,
    pending: PendingDraw,
    *,
    by: User | None,
    commit: bool = True,
) -> int:
    """Import the drawn cases with their replicates; the draw is gone once they are in
    (with ``commit=False``, once the caller commits: a background job).

    Raises SampleError (nothing written, the draw kept) when the cases cannot be imported,
    e.g. because the project already has cases with the same ids.
    """
    name = import_name(pending)
    records = parse_sample(
        sample_table(pending), name, project.time_zone, region=pending.params["region"]
    )
    audit.record(
        session,
        "sample.draw.accept",
        user=by,
        object_type="project",
        object_id=project.id,
        **pending.params,
    )
    session.delete(pending)
    return cases.import_cases(session, project, records, name, by=by, commit=commit)


def discard(session: Session, project: Project, pending: PendingDraw, *, by: User | None) -> None:
    audit.record(
        session,
        "sample.draw.discard",
        user=by,
        object_type="project",
        object_id=project.id,
        frame=pending.frame_name,
        seed=pending.params["seed"],
    )
    session.delete(pending)
    session.commit()
