"""LPM2 beside R's BalancedSampling (C++ k-d tree) on the same frames; one JSON line per side.

    .venv/bin/python -m benchmarks.lpm2_reference [--sizes 100000 1000000] [--repeat 5]
        [--before main] [--r-lib DIR]

Frames are random points over mainland Spain's bounding box as 3-D unit vectors (what
`sampling.designs` gives LPM2), with equal π = n/N, n = N/100. Each draw runs in a fresh
process that holds only the frame: the interpreter and its imports (numpy and scipy for
cati, R and Rcpp for BalancedSampling) are in `process_peak_mb`, while `draw_peak_mb` is the
draw's own high-water mark above what the process held before it (the kernel's peak is
reset just before the draw). `cpu_s` is the draw process's user + system time, so other
jobs on a shared machine inflate `wall_s` far more than it. Sides take turns, repeat by
repeat, so they share the machine's load alike. SB is the Voronoi spatial balance of each
sample by `sampling.quality.spatial_balance` (the same index for every side; lower is
better) and, where R runs, BalancedSampling's own `sb()` of its samples as a cross-check.

`--before REV` adds cati's `sampling` package as of that git revision, for a before and
after in the same run. The R side needs `Rscript` and BalancedSampling in R's library path
or in `--r-lib`; without them it is skipped and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SEED = 20260101
ROOT = Path(__file__).resolve().parent.parent

R_DRAW = r"""
args <- commandArgs(TRUE)
if (nzchar(args[5])) .libPaths(c(args[5], .libPaths()))
suppressMessages(library(BalancedSampling))
N <- as.integer(args[1]); n <- as.integer(args[2])
x <- matrix(readBin(args[3], "double", N * 3L), ncol = 3L, byrow = TRUE)
prob <- rep(n / N, N)
set.seed(as.integer(args[4]))
status <- function(key) {
  line <- grep(paste0("^", key, ":"), readLines("/proc/self/status"), value = TRUE)
  as.numeric(strsplit(trimws(sub(".*:", "", line)), " ")[[1]][1]) / 1024
}
invisible(gc())
before <- status("VmRSS")
setup_peak <- status("VmHWM")
cat("5", file = "/proc/self/clear_refs")
start <- proc.time()
s <- lpm2(prob, x)
used <- proc.time() - start
peak <- status("VmHWM")
writeBin(as.integer(s - 1L), args[6])
cat(sprintf(
  paste0('{"wall_s": %.4f, "cpu_s": %.4f, "draw_peak_mb": %.1f, ',
         '"process_peak_mb": %.1f, "sb_own": %.5f}\n'),
  used[["elapsed"]], used[["user.self"]] + used[["sys.self"]], peak - before,
  max(peak, setup_peak), sb(prob, x, s)
))
"""


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"{key} not in /proc/self/status")


def _frame(population: int) -> np.ndarray:
    from sampling.geometry import unit_vectors

    rng = np.random.default_rng(SEED)
    return unit_vectors(rng.uniform(36.0, 43.5, population), rng.uniform(-9.0, 3.0, population))


def _lpm2(side: str):
    """cati's LPM2 from the work tree, or from the `sampling` package as of a git revision."""
    if "@" in side:
        folder = tempfile.mkdtemp()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", side.split("@", 1)[1], "sampling"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        sys.path.insert(0, folder)
    try:
        from sampling.local_pivotal import lpm2
    except ImportError:  # before LPM2 had a module of its own
        from sampling.pivotal import lpm2
    return lpm2


def _child(side: str, frame: Path, n: int, seed: int, out: Path) -> None:
    """Draw once in this process and print its figures (the parent scores the sample)."""
    lpm2 = _lpm2(side)
    xyz = np.load(frame)
    pi = np.full(xyz.shape[0], n / xyz.shape[0])
    rng = np.random.default_rng(seed)
    before, setup_peak = _status_mb("VmRSS"), _status_mb("VmHWM")
    Path("/proc/self/clear_refs").write_text("5")
    wall, cpu = time.perf_counter(), time.process_time()
    chosen = lpm2(pi, xyz, rng)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = _status_mb("VmHWM")
    np.save(out, chosen)
    figures = {"wall_s": wall, "cpu_s": cpu, "draw_peak_mb": peak - before}
    # VmHWM, not ru_maxrss: after fork and exec the latter still counts the parent's memory.
    figures["process_peak_mb"] = max(peak, setup_peak)
    print(json.dumps(figures), flush=True)


def _run_cati(side: str, frame: Path, n: int, seed: int, out: Path) -> dict:
    command = [sys.executable, "-m", "benchmarks.lpm2_reference", "--child", side]
    command += ["--frame", str(frame), "--n", str(n), "--seed", str(seed), "--out", str(out)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout) | {"sample": np.load(out)}


def _run_r(frame_bin: Path, population: int, n: int, seed: int, r_lib: str, out: Path) -> dict:
    command = ["Rscript", "-e", R_DRAW, str(population), str(n), str(frame_bin), str(seed)]
    done = subprocess.run([*command, r_lib, str(out)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1]) | {
        "sample": np.fromfile(out, dtype="<i4").astype(np.int64)
    }


def _r_available(r_lib: str) -> str | None:
    """None when R's BalancedSampling loads, else why not."""
    probe = "if (nzchar(a <- commandArgs(TRUE)[1])) .libPaths(c(a, .libPaths()));"
    probe += " library(BalancedSampling); cat(as.character(packageVersion('BalancedSampling')))"
    try:
        done = subprocess.run(["Rscript", "-e", probe, r_lib], capture_output=True, text=True)
    except FileNotFoundError:
        return "Rscript is not installed"
    return None if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def _summary(side: str, population: int, n: int, runs: list[dict], sb: list[float]) -> dict:
    def spread(key: str) -> dict:
        values = [run[key] for run in runs]
        return {"median": round(statistics.median(values), 3), "min": round(min(values), 3)}

    line = {"side": side, "N": population, "n": n, "draws": len(runs)}
    for key in ("cpu_s", "wall_s", "draw_peak_mb", "process_peak_mb"):
        line[key] = spread(key)
    line["sb_mean"] = round(statistics.fmean(sb), 4)
    line["sb_se"] = round(statistics.stdev(sb) / len(sb) ** 0.5, 4) if len(sb) > 1 else None
    if "sb_own" in runs[0]:
        line["sb_own_mean"] = round(statistics.fmean(run["sb_own"] for run in runs), 4)
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", metavar="REV", help="also time the sampling package at REV")
    parser.add_argument("--r-lib", default="", help="a library folder holding BalancedSampling")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--frame", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.frame, args.n, args.seed, args.out)
        return

    from sampling.quality import spatial_balance

    sides = ["cati"] + ([f"cati@{args.before}"] if args.before else [])
    missing = _r_available(args.r_lib)
    if missing:
        print(json.dumps({"side": "BalancedSampling", "skipped": missing}), flush=True)
    else:
        sides.append("BalancedSampling")
    for population in args.sizes:
        n = population // 100
        xyz = _frame(population)
        pi = np.full(population, n / population)
        with tempfile.TemporaryDirectory() as folder:
            frame, frame_bin, out = (Path(folder) / name for name in ("f.npy", "f.bin", "s"))
            np.save(frame, xyz)
            xyz.astype("<f8").tofile(frame_bin)
            runs: dict[str, list[dict]] = {side: [] for side in sides}
            load = [os.getloadavg()[0]]
            for repeat in range(args.repeat):
                seed = SEED + repeat
                for side in sides:
                    if side == "BalancedSampling":
                        run = _run_r(frame_bin, population, n, seed, args.r_lib, out)
                    else:
                        run = _run_cati(side, frame, n, seed, out.with_suffix(".npy"))
                    assert run["sample"].size == n, f"{side} drew {run['sample'].size} of {n}"
                    run["sb"] = spatial_balance(xyz, pi, run.pop("sample"))
                    runs[side].append(run)
                load.append(os.getloadavg()[0])
        for side in sides:
            line = _summary(side, population, n, runs[side], [run["sb"] for run in runs[side]])
            line["load_1min"] = [round(min(load), 1), round(max(load), 1)]
            line["cores"] = os.cpu_count()
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
