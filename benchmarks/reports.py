"""Time and peak memory of the PDF reports, on synthetic respondents (fixed seed).

    .venv/bin/python benchmarks/reports.py [--respondents 2000] [--only banner-50]
        [--untagged] [--processes 1,2]

Each case runs in a fresh process once per number of rendering processes (default: one,
then one per core), so the speed-up of the parallel render is measured in the same run.
Prints one JSON line per run: pages, wall seconds, CPU seconds of the case's process and
of its rendering workers, the peak of their resident memory summed (sampled every 50 ms,
imports included), the machine's load average before and after (on a shared machine the
wall time is what the neighbours leave) and the targets of issues 8 and 21 (50-page banner
book ≤ 20 s and ≤ 500 MB, 200 pages ≤ 90 s and ≤ 1 GB, a topline of 60 questions with charts
≤ 15 s); then a line per case with the speed-up. Reports are tagged PDF/UA-1 unless
``--untagged``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

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


def banner_book(pages: int, respondents: int, out: Path, **options: object) -> int:
    """One table per page: a 5-point scale with a net and a mean, 4 banner variables."""
    import numpy as np
    import pandas as pd

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
    return write_banner_book(table, _info(respondents), out, **options)


def topline(questions: int, respondents: int, out: Path, **options: object) -> int:
    """Single choices, NPS ratings, multiple choices and grids, each with its chart."""
    import numpy as np
    import pandas as pd

    from cati.stats.design import SurveyDesign
    from exports.topline import build_topline, write_topline
    from questionnaires.model import Questionnaire
    from questionnaires.variables import variables

    choices = [{"code": k, "label": f"Option {k}"} for k in range(1, 6)]
    items = []
    for i in range(questions):
        kind = ("single", "single", "rating", "multiple", "grid")[i % 5]
        item = {"id": f"q{i}", "type": kind, "text": f"Question {i} of the benchmark?"}
        if kind in ("single", "multiple"):
            item["options"] = choices
        elif kind == "rating":
            item.update(min=0, max=10, nps=i % 10 == 2)
        else:
            item["items"] = [{"id": f"i{k}", "label": f"Item {k}"} for k in range(1, 5)]
            item["scale"] = choices
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
    return write_topline(built, _info(respondents), out, **options)


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and of the processes it started (the rendering workers)."""
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pids.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue  # a worker that has just ended
        # A worker that has ended but not yet been waited for has no memory left.
        rss = [line for line in status.splitlines() if line.startswith("VmRSS:")]
        total += int(rss[0].split()[1]) if rss else 0
    return total / 1024


@contextmanager
def _peak_rss(peak: list[float]) -> Iterator[None]:
    """Sample the summed resident memory every 50 ms; its peak ends up in ``peak[0]``."""
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_rss_mb(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield
    finally:
        done.set()
        sampler.join()


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_case(
    name: str, respondents: int, tagged: bool, processes: int, queue: multiprocessing.Queue
) -> None:
    spec = CASES[name]
    import exports.pdf  # noqa: F401 - imports are not the report's time

    make = banner_book if spec["kind"] == "banner" else topline
    size = spec["pages"] if spec["kind"] == "banner" else spec["questions"]
    load_before = os.getloadavg()[0]
    peak = [0.0]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{name}.pdf"
        cpu, workers_cpu = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        with _peak_rss(peak):
            pages = make(size, respondents, out, tagged=tagged, processes=processes)
        seconds = time.perf_counter() - start
        cpu = _cpu(resource.RUSAGE_SELF) - cpu
        workers_cpu = _cpu(resource.RUSAGE_CHILDREN) - workers_cpu  # the pool has been joined
        pdf_kb = out.stat().st_size / 1024
    queue.put(
        {
            "case": name,
            "respondents": respondents,
            "tagged": tagged,
            "processes": processes,
            "pages": pages,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "workers_cpu_seconds": round(workers_cpu, 2),
            "peak_mb_summed": round(peak[0]),
            "peak_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            "pdf_kb": round(pdf_kb),
            "target_seconds": spec["seconds"],
            "target_mb": spec["mb"],
        }
    )


def main() -> None:
    cores = len(os.sched_getaffinity(0))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=2000)
    parser.add_argument("--only", choices=sorted(CASES))
    parser.add_argument("--untagged", action="store_true", help="plain PDF, not PDF/UA-1")
    parser.add_argument(
        "--processes",
        default=f"1,{cores}",
        help="comma-separated numbers of rendering processes to run each case with",
    )
    args = parser.parse_args()
    counts = [int(p) for p in args.processes.split(",")]
    context = multiprocessing.get_context("spawn")
    for name in [args.only] if args.only else list(CASES):
        walls = {}
        for processes in counts:
            queue = context.Queue()
            process = context.Process(
                target=run_case,
                args=(name, args.respondents, not args.untagged, processes, queue),
            )
            process.start()
            result = queue.get()
            process.join()
            walls[processes] = result["seconds"]
            print(json.dumps(result), flush=True)
        if 1 in walls and len(walls) > 1:
            fastest = min(walls, key=walls.get)
            speedup = {"case": name, "speed_up": round(walls[1] / walls[fastest], 2)}
            print(json.dumps({**speedup, "processes": fastest}), flush=True)


if __name__ == "__main__":
    main()
