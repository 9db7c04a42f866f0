"""Speed of raking and of a banner book, on synthetic respondents (fixed seed).

    .venv/bin/python benchmarks/stats.py [--respondents 100000] [--book-respondents 10000]

Prints one JSON line per result: the median and best of several runs, in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from cati.stats.banner import BannerVariable, Net, Question, banner_table
from cati.stats.weighting import rake


def timed(run: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def respondents(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Sex, age band and region skewed away from the population, as a phone sample is, and
    related to each other (older women answer more), so raking needs several cycles."""
    sex = rng.choice(["f", "m"], n, p=[0.58, 0.42])
    ages = np.array(["18-34", "35-54", "55-64", "65+"])
    older = rng.random(n) < np.where(sex == "f", 0.6, 0.35)
    age = np.where(older, rng.choice(ages[2:], n), rng.choice(ages[:2], n, p=[0.3, 0.7]))
    region_p = np.where(older, 0.45, 0.2)
    region = np.where(rng.random(n) < region_p, "n", rng.choice(["s", "e", "w"], n))
    return pd.DataFrame({"sex": sex, "age": age, "region": region})


MARGINS = {
    "sex": {"f": 51, "m": 49},
    "age": {"18-34": 28, "35-54": 34, "55-64": 16, "65+": 22},
    "region": {"n": 25, "s": 25, "e": 25, "w": 25},
}


def bench_rake(n: int, repeat: int) -> dict:
    frame = respondents(n, np.random.default_rng(1))
    times, result = timed(lambda: rake(frame, MARGINS, tolerance=1e-6), repeat)
    report = result.report  # type: ignore[attr-defined]
    return {
        "benchmark": "rake",
        "respondents": n,
        "margins": len(MARGINS),
        "median_ms": round(statistics.median(times), 1),
        "best_ms": round(min(times), 1),
        "runs": repeat,
        "iterations": report.iterations,
        "max_margin_error": report.max_margin_error,
        "target_ms": 150,
    }


def book(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, list[Question]]:
    """40 five-point scales with a top-2 net and a mean, 10 multi-choice sets, 10 numerics."""
    columns: dict[str, np.ndarray] = {"w": rng.lognormal(0, 0.4, n)}
    questions: list[Question] = []
    scale = tuple((k, str(k)) for k in range(1, 6))
    for i in range(40):
        answers = rng.integers(1, 6, n).astype(float)
        answers[rng.random(n) < 0.05] = np.nan  # not asked
        columns[f"s{i}"] = answers
        questions.append(
            Question(f"s{i}", categories=scale, nets=(Net("Top 2", (4, 5)),), mean=True)
        )
    for i in range(10):
        options = []
        for k in range(6):
            columns[f"m{i}_{k}"] = (rng.random(n) < 0.3).astype(float)
            options.append((f"m{i}_{k}", f"option {k}"))
        questions.append(Question(f"m{i}", kind="multi", options=tuple(options)))
    for i in range(10):
        columns[f"x{i}"] = rng.gamma(2.0, 10.0, n)
        questions.append(Question(f"x{i}", kind="numeric"))
    return pd.concat([respondents(n, rng), pd.DataFrame(columns)], axis=1), questions


def bench_banner(n: int, repeat: int) -> dict:
    frame, questions = book(n, np.random.default_rng(2))
    banner = [BannerVariable("sex"), BannerVariable("age"), BannerVariable("region")]
    times, table = timed(lambda: banner_table(frame, questions, banner, weights="w"), repeat)
    return {
        "benchmark": "banner_book",
        "respondents": n,
        "questions": len(questions),
        "banner_columns": len(table.columns) - 1,  # type: ignore[attr-defined]
        "rows": sum(len(b.rows) for b in table.blocks),  # type: ignore[attr-defined]
        "median_ms": round(statistics.median(times), 1),
        "best_ms": round(min(times), 1),
        "runs": repeat,
        "target_ms": 3000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--book-respondents", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(bench_rake(args.respondents, args.repeat)))
    print(json.dumps(bench_banner(args.book_respondents, args.repeat)))


if __name__ == "__main__":
    main()
