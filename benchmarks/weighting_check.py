"""The researcher's weighting check: data set, achieved shares and raking to the targets.

    .venv/bin/python -m benchmarks.weighting_check [--interviews 20000] [--url URL]

Seeds completes as ``benchmarks.dataset`` does, stores targets for a sample variable and a
question (region 4 categories, problem 2) and times ``weighting_targets.check``, which the
targets page runs on every view. One JSON line.
"""

from __future__ import annotations

import argparse
import json
import time

from benchmarks.dataset import pinned_project, seed
from cati import weighting_targets as wt

TARGETS = {
    "region": {"Norte": 0.2, "Sur": 0.3, "Este": 0.3, "Oeste": 0.2},
    "problem": {"1": 0.35, "2": 0.65},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interviews", type=int, default=20_000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    title = "Weighting check benchmark"
    with pinned_project(args.url, title) as (engine, session, project, version):
        seed(session, project, args.interviews, version.id)
        wt.set_targets(session, project, TARGETS, replace_all=True)
        started = time.perf_counter()
        check = wt.check(session, project, wt.weighting_variables(session, project))
        elapsed = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "benchmark": "weighting_check",
                    "backend": engine.dialect.name,
                    "interviews": check.completes,
                    "check_s": round(elapsed, 2),
                    "raking_iterations": check.report.iterations,
                    "efficiency": round(check.report.efficiency, 4),
                }
            )
        )


if __name__ == "__main__":
    main()
