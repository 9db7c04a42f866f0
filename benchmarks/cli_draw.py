"""What a whole `cati sample draw --design lpm2` process costs beside the draw it makes.

    .venv/bin/python benchmarks/cli_draw.py [--households 42300] [--n 1000] [--repeat 3]

Writes a demo frame (fictional NANP numbers, Spanish geography), then measures, in fresh
processes, the CPU seconds (user + system, the process and any workers it starts) of
importing numpy, pandas and phonenumbers, of `cati --help`, and of the whole draw command;
and, in this process, the CPU of the draw alone (`draw_sample` on the validated frame).
Prints one JSON line: the medians, the load average before and after, and the ratio that
issue 21 bounds by 3: (whole command - those imports) / the draw alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = "import numpy, pandas, phonenumbers"
CLI = "import sys; from cati.cli import main; sys.argv = ['cati', *sys.argv[1:]]; main()"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(code: str, *args: str, cwd: Path) -> tuple[float, float]:
    """CPU and wall seconds of a fresh ``python -c code args`` (its workers included)."""
    before, start = _children_cpu(), time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    )
    return _children_cpu() - before, time.perf_counter() - start


def draw_alone(frame_path: Path, n: int, seed: int) -> float:
    """CPU seconds of `draw_sample` on the frame the command would validate."""
    from sampling.commands import _load
    from sampling.drawing import DrawSettings, draw_sample

    settings = DrawSettings(n=n, design="lpm2", seed=seed)
    options = {
        "id_column": "id",
        "phones": (),
        "strata": (),
        "lat": None,
        "lon": None,
        "x": None,
        "y": None,
        "time_zone": None,
        "aux": (),
        "region": "ES",
        "default_zone": None,
        "do_not_call": None,
        "drop_invalid": False,
    }
    frame = _load(str(frame_path), options, extra_numeric=settings.numeric_columns)
    start = time.process_time()
    draw_sample(frame, settings)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=42_300)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from sampling.demo import demo_frame

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        demo_frame(args.households, random=args.seed).to_csv(here / "frame.csv", index=False)
        draw = [
            "sample", "draw", "--frame", "frame.csv", "--n", str(args.n), "--design", "lpm2",
            "--seed", str(args.seed), "--out", "sample.csv",
        ]  # fmt: skip
        runs: dict[str, list[tuple[float, float]]] = {"imports": [], "help": [], "command": []}
        alone = []
        for _ in range(args.repeat):
            runs["imports"].append(process_cpu(IMPORTS, cwd=here))
            runs["help"].append(process_cpu(CLI, "--help", cwd=here))
            runs["command"].append(process_cpu(CLI, *draw, cwd=here))
            alone.append(draw_alone(here / "frame.csv", args.n, args.seed))
    cpu = {k: statistics.median(c for c, _ in v) for k, v in runs.items()}
    draw_cpu = statistics.median(alone)
    print(
        json.dumps(
            {
                "households": args.households,
                "n": args.n,
                "imports_cpu_seconds": round(cpu["imports"], 3),
                "help_cpu_seconds": round(cpu["help"], 3),
                "command_cpu_seconds": round(cpu["command"], 3),
                "command_wall_seconds": round(statistics.median(w for _, w in runs["command"]), 3),
                "draw_alone_cpu_seconds": round(draw_cpu, 3),
                "ratio": round((cpu["command"] - cpu["imports"]) / draw_cpu, 1),
                "target_ratio": 3,
                "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            }
        )
    )


if __name__ == "__main__":
    main()
