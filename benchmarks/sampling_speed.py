"""Speed and memory of the sampling package; one JSON line per result.

    .venv/bin/python benchmarks/sampling_speed.py            # every case, each in its own process
    .venv/bin/python benchmarks/sampling_speed.py --case lpm2_1m

Each case runs in a fresh process so `peak_rss_mb` (the process's maximum resident set,
interpreter and imports included) belongs to that case alone. Spatial cases print the
sample's spatial balance SB beside that of a simple random sample from the same frame.
Frames are random points over mainland Spain's bounding box. The validation case makes
Spanish-format phone numbers in memory only: they are never written out or dialled.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

from sampling.designs import select
from sampling.frames import FrameSpec, validate_frame
from sampling.geometry import plane, unit_vectors
from sampling.quality import spatial_balance

SEED = 20260101


def _points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(36.0, 43.5, n), rng.uniform(-9.0, 3.0, n)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _design_case(design: str, population: int, n: int) -> dict:
    rng = np.random.default_rng(SEED)
    lat, lon = _points(population, rng)
    sphere, points = unit_vectors(lat, lon), plane(lat, lon)
    pi = np.full(population, n / population)
    start = time.perf_counter()
    chosen = select(design, pi, rng, sphere=sphere, points=points)
    seconds = time.perf_counter() - start
    peak = _peak_mb()
    return {
        "case": f"{design}_N{population}_n{n}",
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak, 1),
        "n_drawn": int(chosen.size),
        "sb": round(spatial_balance(sphere, pi, chosen), 4),
        "sb_srs": round(spatial_balance(sphere, pi, select("srs", pi, rng)), 4),
    }


def _cube_case(population: int, n: int, variables: int) -> dict:
    rng = np.random.default_rng(SEED)
    x = rng.gamma(2.0, size=(population, variables))
    pi = np.full(population, n / population)

    def worst_error(chosen: np.ndarray) -> float:
        return float(np.max(np.abs(x[chosen].sum(axis=0) / pi[0] / x.sum(axis=0) - 1)))

    start = time.perf_counter()
    chosen = select("cube", pi, rng, balance=x)
    seconds = time.perf_counter() - start
    return {
        "case": f"cube_N{population}_n{n}_q{variables}",
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(_peak_mb(), 1),
        "n_drawn": int(chosen.size),
        "max_rel_error_of_ht_totals": round(worst_error(chosen), 5),
        "max_rel_error_srs": round(worst_error(select("srs", pi, rng)), 5),
    }


def _validation_case(rows: int) -> dict:
    rng = np.random.default_rng(SEED)
    lat, lon = _points(rows, rng)
    # 600000000-699999999: Spanish mobile format, made up here and kept in memory only.
    phones = 600_000_000 + rng.choice(100_000_000, size=rows, replace=False)
    table = pd.DataFrame(
        {
            "id": np.arange(rows).astype(str),
            "phone": phones.astype(str),
            "region": rng.choice(["north", "centre", "south"], size=rows),
            "lat": lat.round(5).astype(str),
            "lon": lon.round(5).astype(str),
        }
    )
    spec = FrameSpec(strata=("region",), latitude="lat", longitude="lon", region="ES")
    start = time.perf_counter()
    frame = validate_frame(table, spec, drop_invalid=True)
    seconds = time.perf_counter() - start
    return {
        "case": f"validate_N{rows}",
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(_peak_mb(), 1),
        "rows_ok": len(frame),
        "issues": len(frame.report.problems),
    }


CASES = {
    "lpm2_100k": lambda: _design_case("lpm2", 100_000, 1_000),
    "lpm2_1m": lambda: _design_case("lpm2", 1_000_000, 10_000),
    "spread_1m": lambda: _design_case("spread", 1_000_000, 10_000),
    "systematic_1m": lambda: _design_case("systematic", 1_000_000, 10_000),
    "cube_100k": lambda: _cube_case(100_000, 1_000, 3),
    "validate_1m": lambda: _validation_case(1_000_000),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES))
    args = parser.parse_args()
    if args.case:
        result = CASES[args.case]()
        result["machine"] = f"{platform.machine()}, {platform.python_version()}"
        print(json.dumps(result), flush=True)
        return
    for name in CASES:
        subprocess.run([sys.executable, __file__, "--case", name], check=True)


if __name__ == "__main__":
    main()
