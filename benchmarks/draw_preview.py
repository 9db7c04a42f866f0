"""How long the researcher waits for a sample drawn in the browser; one JSON line per frame.

    .venv/bin/python -m benchmarks.draw_preview

Times `draws.make_draw` (read and validate the frame, draw by LPM2 in the 19 regions with
5 replicates, the summary, the map, the row written to a throw-away SQLite database) for
demo frames of fictional households, and reports what the pending draw stores.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cati import migrate
from cati.db import make_engine
from cati.fieldwork import draws, projects
from sampling.demo import demo_frame
from sampling.drawing import DrawSettings

HOUSEHOLDS = (2_000, 20_000, 42_300)  # 42,300: every fictional number the demo frame has
SETTINGS = DrawSettings(n=1_000, design="lpm2", seed=5, replicates=5)
CHOICES = draws.FrameChoices(strata=("region",), region="US")


def main() -> None:
    from sqlalchemy.orm import Session

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        project = projects.create_project(session, "BENCH", "Benchmark")
        for households in HOUSEHOLDS:
            path = folder / f"frame-{households}.csv"
            demo_frame(households, random=1).to_csv(path, index=False)
            start = time.perf_counter()
            pending = draws.make_draw(
                session, project, path, path.name, CHOICES, SETTINGS, by=None, now=datetime.now(UTC)
            )
            seconds = time.perf_counter() - start
            balance = pending.summary["balance"]
            print(
                json.dumps(
                    {
                        "case": f"draw_preview_N{households}_n{SETTINGS.n}",
                        "seconds": round(seconds, 2),
                        "map_mb": round(len(pending.map_svg) / 1e6, 2),
                        "sample_kb": round(len(pending.sample_csv) / 1e3),
                        "sb": round(balance["sb"], 3),
                        "sb_srs": round(balance["reference_sb"], 3),
                    }
                ),
                flush=True,
            )
    engine.dispose()


if __name__ == "__main__":
    main()
