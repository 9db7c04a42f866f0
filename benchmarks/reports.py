"""Time and peak memory of the PDF reports, on synthetic respondents (fixed seed).

    .venv/bin/python benchmarks/reports.py [--respondents 2000] [--only banner-50] [--untagged]

Each case runs in a fresh process, so its peak resident memory (``ru_maxrss``, imports
included) is its own. Prints one JSON line per case: pages, wall and CPU seconds (the
machine's load average beside them: on a shared machine the wall time is what the
neighbours leave), peak MB and the
targets of issue 8 (50-page banner book ≤ 20 s and ≤ 500 MB, 200 pages ≤ 90 s and ≤ 1 GB,
a topline of 60 questions with charts ≤ 15 s). Reports are tagged PDF/UA-1 unless
``--untagged``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

FRONT_PAGES = 3  # cover, contents, methodology
CASES = {
    "banner-50": {"kind": "banner", "pages": 50, "seconds": 20, "mb": 500},
    "banner-200": {"kind": "banner", "pages": 200, "seconds": 90, "mb": 1024},
    "topline-60": {"kind": "topline", "questions": 60, "seconds": 15, "mb": None},
}


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str
    value_labels: dict[int, str] = field(default_factory=dict)
    missing: tuple[int, ...] = (97, 98, 99)
    source: str = "question"
    question_id: str | None = None
    value_names: dict[int, str] = field(default_factory=dict)


def _info(n: int):
    from exports.pdf import Methodology, ReportInfo

    return ReportInfo(
        "Benchmark study (fictional)",
        "Fictional client",
        date(2026, 11, 2),
        date(2026, 11, 20),
        date(2026, 11, 27),
        "en",
        methodology=Methodology("Simple random sample", "Adults", "CATI", n, "Raking"),
    )


def banner_book(pages: int, respondents: int, out: Path, tagged: bool) -> int:
    """One table per page: a 5-point scale with a net and a mean, 4 banner variables."""
    from cati.stats.banner import BannerVariable, Net, Question, banner_table
    from exports.banner_book import write_banner_book

    rng = np.random.default_rng(8)
    count = pages - FRONT_PAGES
    frame = pd.DataFrame({f"q{i}": rng.integers(1, 6, respondents) for i in range(count)})
    frame["sex"] = rng.choice(["f", "m"], respondents)
    frame["age"] = rng.choice(["18-34", "35-54", "55+"], respondents)
    frame["region"] = rng.choice(["North", "South", "East", "West", "Centre"], respondents)
    frame["size"] = rng.choice(["Small", "Medium", "Large"], respondents)
    frame["w"] = rng.uniform(0.5, 2.0, respondents)
    scale = tuple((k, f"Point {k}") for k in range(1, 6))
    questions = [
        Question(
            f"q{i}", f"Question {i}", categories=scale, nets=(Net("Top 2", (4, 5)),), mean=True
        )
        for i in range(count)
    ]
    banner = [BannerVariable(n, n.title()) for n in ("sex", "age", "region", "size")]
    table = banner_table(frame, questions, banner, weights="w")
    return write_banner_book(table, _info(respondents), out, tagged=tagged)


def topline(questions: int, respondents: int, out: Path, tagged: bool) -> int:
    """Single choices, NPS ratings, multiple choices and grids, each with its chart."""
    from cati.stats.design import SurveyDesign
    from exports.topline import build_topline, write_topline
    from questionnaires.model import Questionnaire
    from questionnaires.variables import variables

    options = [{"code": k, "label": f"Option {k}"} for k in range(1, 6)]
    items = []
    for i in range(questions):
        kind = ("single", "single", "rating", "multiple", "grid")[i % 5]
        item = {"id": f"q{i}", "type": kind, "text": f"Question {i} of the benchmark?"}
        if kind in ("single", "multiple"):
            item["options"] = options
        elif kind == "rating":
            item.update(min=0, max=10, nps=i % 10 == 2)
        else:
            item["items"] = [{"id": f"i{k}", "label": f"Item {k}"} for k in range(1, 5)]
            item["scale"] = options
        items.append(item)
    questionnaire = Questionnaire.model_validate(
        {"id": "bench", "version": "1", "title": "Benchmark", "questions": items}
    )
    rng = np.random.default_rng(9)
    data, columns = {}, []
    for v in variables(questionnaire):
        columns.append(Column(v.name, v.label, v.kind, v.value_labels, question_id=v.question_id))
        codes = [k for k in v.value_labels if k < 90] or list(range(11))
        data[v.name] = rng.choice(codes, respondents).astype(float)
    frame = pd.DataFrame(data)
    frame["w"] = rng.uniform(0.5, 2.0, respondents)
    design = SurveyDesign.from_weights(frame["w"])
    built = build_topline(frame, columns, questionnaire, design=design)
    return write_topline(built, _info(respondents), out, tagged=tagged)


def run_case(name: str, respondents: int, tagged: bool, queue: multiprocessing.Queue) -> None:
    spec = CASES[name]
    import exports.pdf  # noqa: F401 - imports are not the report's time

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{name}.pdf"
        before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        if spec["kind"] == "banner":
            pages = banner_book(spec["pages"], respondents, out, tagged)
        else:
            pages = topline(spec["questions"], respondents, out, tagged)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        size = out.stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        {
            "case": name,
            "respondents": respondents,
            "tagged": tagged,
            "pages": pages,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "load_average": round(os.getloadavg()[0], 1),
            "peak_mb": round(peak_mb),
            "pdf_kb": round(size / 1024),
            "target_seconds": spec["seconds"],
            "target_mb": spec["mb"],
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=2000)
    parser.add_argument("--only", choices=sorted(CASES))
    parser.add_argument("--untagged", action="store_true", help="plain PDF, not PDF/UA-1")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    for name in [args.only] if args.only else list(CASES):
        queue = context.Queue()
        process = context.Process(
            target=run_case, args=(name, args.respondents, not args.untagged, queue)
        )
        process.start()
        result = queue.get()
        process.join()
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
