"""The pieces of a PDF report, each laid out and written by WeasyPrint on its own, on every
core at once.

A piece knows nothing of the pieces before it: it is laid out without page numbers (the
merge stamps them, ``exports.pdf_merge``), so its layout does not wait for the page count of
the pieces before it. Pieces run in worker processes started with ``spawn``: a fork would
copy the threads and database connections of a web or job process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Part:
    """What the merge needs to know of a piece once it is written."""

    pages: int
    # The page (0 = the piece's first) on which each anchor asked for stands.
    anchor_pages: tuple[int, ...]
    # Per page: wider than high (the ``landscape`` named page of report.css).
    landscape: tuple[bool, ...]


def html(source: str) -> Any:
    from weasyprint import HTML, URLFetcher

    # Charts and the logo are data: URIs; a report never reaches the network.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=source, base_url=".", url_fetcher=fetcher)


def render_part(source: str, anchors: Sequence[str], path: str | None, tagged: bool) -> Part:
    """Lay ``source`` out and write it to ``path`` (PDF/UA-1 when ``tagged``; ``path=None``
    only counts the pages)."""
    document = html(source).render()
    pages = document.pages
    part = Part(
        pages=len(pages),
        anchor_pages=tuple(
            next((i for i, page in enumerate(pages) if anchor in page.anchors), 0)
            for anchor in anchors
        ),
        landscape=tuple(p.width > p.height for p in pages),
    )
    if path is not None:
        document.write_pdf(path, pdf_variant="pdf/ua-1" if tagged else None)
    return part


def default_processes() -> int:
    """One process per core this process may run on."""
    return len(os.sched_getaffinity(0))


Submit = Callable[[str, Sequence[str], str | None, bool], "Future[Part]"]


@contextmanager
def renderer(processes: int) -> Iterator[Submit]:
    """``submit(source, anchors, path, tagged)`` renders a piece in one of ``processes``
    workers and returns its future; with one process the piece is rendered at once, here."""
    if processes <= 1:
        yield _render_here
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        yield lambda *args: pool.submit(render_part, *args)


def _render_here(
    source: str, anchors: Sequence[str], path: str | None, tagged: bool
) -> Future[Part]:
    future: Future[Part] = Future()
    try:
        future.set_result(render_part(source, anchors, path, tagged))
    except Exception as exc:  # raised where the result is asked for, as a worker's would be
        future.set_exception(exc)
    return future
