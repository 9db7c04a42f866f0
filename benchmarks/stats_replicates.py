"""Estimates with SEs for many questions on a replicate-weight design (fixed seed).

    .venv/bin/python benchmarks/stats_replicates.py [--respondents 100000] [--replicates 80]

60 questions: 40 single-choice questions of 5 categories (200 shares) and 20 numeric ones, 10 %
missing each; 80 replicate weights as a panel provider delivers them (bootstrap multipliers).
Then the 200 shares question by question with R's logit interval (``survey_shares``, what a
topline computes).
Prints one JSON line per step: the median and best of several runs, in milliseconds (and,
for the estimates, CPU time and the load average: the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import numpy as np
import pandas as pd

from cati.stats.estimates import survey_means, survey_shares
from cati.stats.replicates import ReplicateDesign

CATEGORICAL, NUMERIC, CATEGORIES = 40, 20, 5


def survey_frame(
    n: int, replicates: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, list[str]]:
    data: dict[str, np.ndarray] = {"weight": rng.gamma(4.0, 0.25, n)}
    for q in range(CATEGORICAL):
        answer = rng.integers(0, CATEGORIES, n).astype(float)
        answer[rng.random(n) < 0.1] = np.nan
        data[f"q{q}"] = answer
    for q in range(NUMERIC):
        value = rng.normal(50, 10, n)
        value[rng.random(n) < 0.1] = np.nan
        data[f"x{q}"] = value
    names = [f"rep{r}" for r in range(replicates)]
    multipliers = rng.poisson(1.0, (n, replicates)).astype(float)
    for r, name in enumerate(names):
        data[name] = data["weight"] * multipliers[:, r]
    return pd.DataFrame(data), names


def indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """One 0/1 column per category (NaN where the question was not answered) and the numbers."""
    columns = {}
    for q in range(CATEGORICAL):
        answer = frame[f"q{q}"].to_numpy()
        for c in range(CATEGORIES):
            columns[f"q{q}={c}"] = np.where(np.isnan(answer), np.nan, (answer == c).astype(float))
    for q in range(NUMERIC):
        columns[f"x{q}"] = frame[f"x{q}"].to_numpy()
    return pd.DataFrame(columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--replicates", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    frame, names = survey_frame(args.respondents, args.replicates, np.random.default_rng(18))
    steps = {
        "design": lambda: ReplicateDesign.from_frame(
            frame, weights="weight", replicate_weights=names, type="bootstrap"
        ),
        "indicators": lambda: indicators(frame),
    }
    results: dict[str, object] = {}
    for step, run in steps.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            results[step] = run()
            times.append((time.perf_counter() - start) * 1000)
        print(
            json.dumps(
                {
                    "step": step,
                    "median_ms": round(statistics.median(times), 1),
                    "best_ms": round(min(times), 1),
                }
            )
        )
    design, columns = results["design"], results["indicators"]
    shares = [c for c in columns if c.startswith("q")]
    start = time.perf_counter()
    df = design.degrees_of_freedom
    print(
        json.dumps(
            {
                "step": "degrees_of_freedom",
                "df": df,
                "ms": round((time.perf_counter() - start) * 1000, 1),
            }
        )
    )
    for step, run in {
        "estimates": lambda: survey_means(design, columns),
        # the topline's: question by question, R's logit interval refitted per replicate
        "shares_with_logit_intervals": lambda: pd.concat(
            survey_shares(design, columns[[f"q{q}={c}" for c in range(CATEGORIES)]], df=df)
            for q in range(CATEGORICAL)
        ),
    }.items():
        times, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            table = run()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        print(
            json.dumps(
                {
                    "step": step,
                    "columns": len(table),
                    "respondents": args.respondents,
                    "replicates": args.replicates,
                    "median_ms": round(statistics.median(times), 1),
                    "best_ms": round(min(times), 1),
                    "cpu_median_ms": round(statistics.median(cpu), 1),
                    "load_avg": round(os.getloadavg()[0], 1),
                }
            )
        )
    assert len(table) == len(shares)


if __name__ == "__main__":
    main()
