"""PDF reports: Jinja templates rendered by WeasyPrint, in chunks merged with pypdf.

Every report is a front part (cover, contents, methodology) and a list of sections. The
sections are rendered a few at a time into temporary PDF files, so memory depends on the
chunk, not on the book; each chunk starts its page counter where the last one stopped and
reports on which page each section began. The contents are then rendered with those page
numbers and everything is merged, with a PDF outline (bookmarks) per section.

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
from pypdf import PdfWriter

from exports.columns import without_placeholders
from exports.i18n import fixed, words

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


def _page_html(info: ReportInfo, kind: str, body: Markup, first_page: int) -> str:
    return ENV.get_template("page.html").render(
        info=info, w=words(info.language), kind=kind, body=body, first_page=first_page
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
    return _page_html(info, kind, Markup(body), 1)


def _html(source: str) -> Any:
    from weasyprint import HTML, URLFetcher

    # Charts and the logo are data: URIs; a report never reaches the network.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=source, base_url=".", url_fetcher=fetcher)


def render_report(
    info: ReportInfo,
    kind: str,
    sections: Sequence[Section],
    path: Path,
    *,
    chunk_sections: int | None = CHUNK_SECTIONS,
    tagged: bool = True,
    progress: Progress | None = None,
) -> int:
    """Write the report to ``path``; returns the number of pages.

    ``chunk_sections=None`` renders all sections as one document (for comparison);
    ``progress`` hears of every chunk rendered. ``tagged`` writes PDF/UA-1: a structure
    tree for screen readers, the language and the title. A structure tree does not survive
    merging separate PDF files, so a tagged report keeps the layout of every chunk and
    writes all pages at once (memory grows with the book: docs/performance.md);
    ``tagged=False`` writes each chunk as it is laid out and merges the files.
    """
    placeholder = [0] * len(sections)
    draft = _html(_front_html(info, kind, sections, placeholder)).render()
    front_pages = len(draft.pages)
    method_page = 1 + next(i for i, p in enumerate(draft.pages) if "methodology" in p.anchors)
    del draft
    size = chunk_sections or max(len(sections), 1)
    starts: list[int] = []
    page = front_pages
    with tempfile.TemporaryDirectory() as folder:
        parts: list[Path] = []
        laid_out: list[Any] = []  # the pages of a tagged report, written together
        for index in range(0, len(sections), size):
            chunk = sections[index : index + size]
            body = Markup("").join(s.html for s in chunk)
            document = _html(_page_html(info, kind, body, page + 1)).render()
            for section in chunk:
                found = next(
                    (i for i, p in enumerate(document.pages) if section.anchor in p.anchors), 0
                )
                starts.append(page + found + 1)
            if tagged:
                laid_out.extend(document.pages)
            else:
                parts.append(Path(folder) / f"part{index:06d}.pdf")
                document.write_pdf(parts[-1])
            page += len(document.pages)
            del document  # untagged, the layout of one chunk is what memory holds
            if progress:
                progress(len(chunk), len(sections))
        front = Path(folder) / "front.pdf"
        front_document = _html(_front_html(info, kind, sections, starts, method_page)).render()
        if len(front_document.pages) != front_pages:
            raise RuntimeError("the contents changed length once page numbers were filled in")
        if tagged:
            whole = front_document.copy([*front_document.pages, *laid_out])
            whole.write_pdf(front, pdf_variant="pdf/ua-1")
            del whole, laid_out
            writer = PdfWriter(clone_from=str(front))
        else:
            front_document.write_pdf(front)
            writer = PdfWriter()
            for part in [front, *parts]:
                writer.append(str(part))
        for section, start in zip(sections, starts, strict=True):
            writer.add_outline_item(title=section.title, page_number=start - 1)
        writer.add_metadata({"/Title": title(info, kind)})
        with path.open("wb") as out:
            writer.write(out)
        writer.close()
    return page


def title(info: ReportInfo, kind: str) -> str:
    """The document title a PDF reader shows: the study and the kind of report."""
    return f"{info.study} — {words(info.language)[kind]}"
