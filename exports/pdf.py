"""PDF reports: Jinja templates rendered by WeasyPrint, in chunks merged with pypdf.

Every report is a front part (cover, contents, methodology) and a list of sections. The
sections are rendered a few at a time into temporary PDF files, on every core at once
(``exports.pdf_parts``), so memory depends on the chunk, not on the book; each chunk
reports on which of its pages each section began. The contents are then rendered with
those page numbers and everything is merged (``exports.pdf_merge``), with the page numbers,
one structure tree and a PDF outline (bookmarks) per section.

The Jinja environment autoescapes everything: labels and open answers reach the PDF as
text, never as HTML or CSS. Data never goes into a style sheet: the running header takes
its text from the page (``string-set``).
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from exports import pdf_parts
from exports.columns import without_placeholders
from exports.i18n import fixed, words
from exports.pdf_merge import Merge

CHUNK_SECTIONS = 12
# A progress report: (units just done, units in all), e.g. sections rendered or rows written.
Progress = Callable[[int, int], None]
# WeasyPrint logs every rendering step at INFO; a command's progress bar says enough.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("exports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = number
    env.filters["pct"] = percent
    env.filters["signed"] = signed
    # Labels from data files may still pipe ({nps}): a report shows the stand-in.
    env.filters["readable"] = without_placeholders
    return env


def number(value: Any, decimals: int = 0) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    # fixed() has rounded away a negative zero; grouping the rounded value keeps its digits
    return f"{float(fixed(value, decimals)):,.{decimals}f}".replace(",", " ")


def percent(value: Any, decimals: int = 0) -> str:
    if value is None or value != value:
        return "–"
    return fixed(value, decimals)


def signed(value: Any, decimals: int = 1) -> str:
    """A score with its sign (the NPS): ``+12.5``, ``-3.0``, ``0.0``."""
    if value is None or value != value:
        return "–"
    return fixed(value, decimals, sign=True)


ENV = environment()


@dataclass(frozen=True)
class Methodology:
    sample_design: str = ""
    universe: str = ""
    mode: str = ""
    n: int = 0
    weighting: str = ""
    variance: str = ""  # how the standard errors were estimated (the design's method)
    effective_base: float | None = None  # Kish's, for the margin of error; n when not given
    # The mean design effect of the report's proportions (a design's): its effective base
    # n/deff replaces Kish's (``cati.stats.estimates.mean_design_effect``).
    design_effect: float | None = None

    @property
    def base(self) -> float:
        """The effective base of the margin of error."""
        if self.design_effect:
            return self.n / self.design_effect
        return self.effective_base if self.effective_base is not None else self.n

    @property
    def margin_of_error(self) -> float | None:
        """Half-width of a 95% interval for p = 50%, in percentage points."""
        return 1.96 * (0.25 / self.base) ** 0.5 * 100 if self.base > 0 else None


HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _mix(colour: str, white: float) -> str:
    """``colour`` mixed with ``white`` parts of white (0 to 1): the lighter shades."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * white):02x}" for c in rgb)


@dataclass(frozen=True)
class Branding:
    """Who a report comes from: agency name, logo and two colours.

    The colours are checked to be ``#rrggbb`` here, so that they, and only they, may go into
    the style sheet; the logo is a ``data:`` URI of an image ``cati.branding`` checked.
    """

    agency: str = ""
    primary: str = "#1f3a5f"
    accent: str = "#e07a1f"
    logo: str | None = None

    def __post_init__(self) -> None:
        for colour in (self.primary, self.accent):
            if not HEX_COLOUR.fullmatch(colour):
                raise ValueError(f"colour {colour!r} is not #rrggbb")

    @property
    def primary_soft(self) -> str:
        return _mix(self.primary, 0.12)

    @property
    def primary_light(self) -> str:
        return _mix(self.primary, 0.45)

    @property
    def primary_tint(self) -> str:
        return _mix(self.primary, 0.9)

    @property
    def accent_soft(self) -> str:
        return _mix(self.accent, 0.45)


@dataclass(frozen=True)
class ReportInfo:
    """What the cover and the methodology note say; plain data from the cati side."""

    study: str
    client: str = ""
    field_start: date | None = None
    field_end: date | None = None
    report_date: date | None = None
    language: str = "en"
    brand: Branding = field(default_factory=Branding)
    methodology: Methodology = field(default_factory=Methodology)


@dataclass(frozen=True)
class Section:
    """A piece of the report that starts on a new page; ``html`` is already escaped."""

    title: str
    html: Markup
    anchor: str


def _page_html(info: ReportInfo, kind: str, body: Markup) -> str:
    return ENV.get_template("page.html").render(
        info=info, w=words(info.language), kind=kind, body=body
    )


def _front_html(
    info: ReportInfo,
    kind: str,
    sections: Sequence[Section],
    pages: Sequence[int],
    method_page: int = 0,
) -> str:
    body = ENV.get_template("front.html").render(
        info=info,
        w=words(info.language),
        kind=kind,
        entries=list(zip(sections, pages, strict=True)),
        method_page=method_page,
    )
    return _page_html(info, kind, Markup(body))


def _piece_path(folder: str, index: int) -> Path:
    return Path(folder) / f"part{index:06d}.pdf"


def _numbers_html(info: ReportInfo, landscape: Sequence[bool]) -> str:
    """The page numbers alone, from page 2 on, each on a page box like its page's."""
    return ENV.get_template("numbers.html").render(info=info, landscape=landscape, first_page=2)


def render_report(
    info: ReportInfo,
    kind: str,
    sections: Sequence[Section],
    path: Path,
    *,
    chunk_sections: int | None = CHUNK_SECTIONS,
    tagged: bool = True,
    processes: int | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the report to ``path``; returns the number of pages.

    ``chunk_sections=None`` renders all sections as one piece (for comparison);
    ``progress`` hears of every piece rendered. ``tagged`` writes PDF/UA-1: a structure
    tree for screen readers, the language and the title. The pieces are rendered by
    ``processes`` processes at once (``None``: one per core; ``exports.pdf_parts``), each
    written as soon as it is laid out, so memory depends on the piece, not on the book.
    """
    size = chunk_sections or max(len(sections), 1)
    chunks = [sections[i : i + size] for i in range(0, len(sections), size)]
    workers = pdf_parts.default_processes() if processes is None else processes
    # A report of one piece is not worth starting processes for.
    workers = min(workers, len(chunks)) if len(chunks) > 1 else 1
    placeholder = [0] * len(sections)  # the front's length, before the pages are known
    with tempfile.TemporaryDirectory() as folder, pdf_parts.renderer(workers) as submit:
        draft = submit(_front_html(info, kind, sections, placeholder), ["methodology"], None, False)
        pieces = [
            submit(
                _page_html(info, kind, Markup("").join(s.html for s in chunk)),
                [s.anchor for s in chunk],
                str(_piece_path(folder, index)),
                tagged,
            )
            for index, chunk in enumerate(chunks)
        ]
        merged = Merge(tagged=tagged)
        front_layout = draft.result()
        starts: list[int] = []
        page = front_layout.pages
        landscape = list(front_layout.landscape)
        for index, (chunk, piece) in enumerate(zip(chunks, pieces, strict=True)):
            part = piece.result()
            merged.add(_piece_path(folder, index))  # while the workers lay out the next ones
            starts.extend(page + 1 + found for found in part.anchor_pages)
            page += part.pages
            landscape.extend(part.landscape)
            if progress:
                progress(len(chunk), len(sections))
        method_page = 1 + front_layout.anchor_pages[0]
        front_path, numbers_path = Path(folder) / "front.pdf", Path(folder) / "numbers.pdf"
        front = submit(
            _front_html(info, kind, sections, starts, method_page), [], str(front_path), tagged
        )
        numbers = submit(_numbers_html(info, landscape[1:]), [], str(numbers_path), False)
        if front.result().pages != front_layout.pages:
            raise RuntimeError("the contents changed length once page numbers were filled in")
        merged.add(front_path, first=True)
        numbers.result()
        merged.write(
            numbers_path,
            path,
            outline=[(s.title, start) for s, start in zip(sections, starts, strict=True)],
            title=title(info, kind),
        )
    return page


def title(info: ReportInfo, kind: str) -> str:
    """The document title a PDF reader shows: the study and the kind of report."""
    return f"{info.study} — {words(info.language)[kind]}"
