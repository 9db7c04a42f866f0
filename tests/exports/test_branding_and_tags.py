"""Reports carry the agency's branding and are tagged PDF/UA-1 (structure, language, title,
alternative texts)."""

from __future__ import annotations

import base64
import io
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from exports import charts
from exports.charts import HOUSE, palette_of
from exports.codebook import codebook_entries, codebook_html, write_codebook_pdf
from exports.pdf import Branding
from exports.topline import build_topline, write_topline
from tests.exports.test_reports import info, survey, text_of  # noqa: F401 (fixture)

RED = (0xB0, 0x1E, 0x2F)


def png_uri(size: tuple[int, int] = (120, 40)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


BRAND = Branding(agency="Sondeos Atlántico", primary="#b01e2f", accent="#1e90b0", logo=png_uri())


def pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout


def footer(page: str) -> str:
    """The last line of a page as pdftotext lays it out: the running footer."""
    return page.strip().splitlines()[-1]


def alt_texts(node: object, found: list[str]) -> list[str]:
    """Every /Alt of the structure tree below ``node``."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, DictionaryObject):
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        if "/K" in node:
            alt_texts(node["/K"], found)
    elif isinstance(node, ArrayObject):
        for kid in node:
            alt_texts(kid, found)
    return found


@pytest.mark.parametrize("language", ["en", "es"])
def test_topline_is_tagged_with_language_title_and_alt_texts(tmp_path, survey, language):  # noqa: F811
    frame, columns, questionnaire = survey
    questions = build_topline(frame, columns, questionnaire, language=language)
    path = tmp_path / "topline.pdf"
    write_topline(questions, replace(info(language), brand=BRAND), path)
    assert "Tagged:          yes" in pdfinfo(path)
    root = PdfReader(path).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert str(root["/Lang"]) == language
    assert "/StructTreeRoot" in root
    reader = PdfReader(path)
    heading = "Resultados generales" if language == "es" else "Topline results"
    assert reader.metadata.title == f"Aurora Hogar satisfaction — {heading}"
    assert len(reader.outline) == len(questions)  # bookmarks survive the tagged path
    alts = alt_texts(root["/StructTreeRoot"], [])
    logo = "Logotipo de" if language == "es" else "Logo of"
    assert f"{logo} Sondeos Atlántico" in alts
    chart = "Gráfico" if language == "es" else "Chart"
    assert sum(a.startswith(f"{chart}: ") for a in alts) == sum(1 for q in questions if q.chart)


def test_untagged_report_is_an_option(tmp_path, survey):  # noqa: F811 (fixtures)
    frame, columns, questionnaire = survey
    questions = build_topline(frame, columns, questionnaire)[:3]
    path = tmp_path / "plain.pdf"
    write_topline(questions, info(), path, tagged=False)
    assert "Tagged:          no" in pdfinfo(path)
    assert len(PdfReader(path).outline) == 3


def test_branding_puts_agency_logo_and_colours_into_the_report(tmp_path, frame, columns):
    path = tmp_path / "codebook.pdf"
    entries = codebook_entries(frame, columns)
    write_codebook_pdf(entries, replace(info(), brand=BRAND), path)
    pages = text_of(path).split("\f")[:-1]
    assert "Sondeos Atlántico" in pages[0]  # the cover
    assert all("Sondeos Atlántico" in footer(page) for page in pages[1:])
    images = subprocess.run(
        ["pdfimages", "-list", "-f", "1", "-l", "1", str(path)], capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert [(line.split()[3], line.split()[4]) for line in images] == [("120", "40")]
    cover = tmp_path / "cover"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(path), str(cover)], check=True
    )
    image = Image.open(next(tmp_path.glob("cover*.png"))).convert("RGB")
    assert image.getpixel((image.width // 2, image.height // 2)) == RED  # the cover's ground
    html = codebook_html(entries, replace(info(), brand=BRAND))
    assert "background: #b01e2f" in html and "#1e90b0" in html


def test_default_report_names_cati_and_shows_no_logo(tmp_path, frame, columns):
    path = tmp_path / "codebook.pdf"
    write_codebook_pdf(codebook_entries(frame, columns), info(), path)
    assert all("cati" in footer(page) for page in text_of(path).split("\f")[1:-1])
    assert (
        "image"
        not in subprocess.run(
            ["pdfimages", "-list", "-f", "1", "-l", "1", str(path)], capture_output=True, text=True
        ).stdout
    )


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "#12345g", "#fff;}"])
def test_a_colour_that_is_not_rrggbb_never_reaches_a_style_sheet(colour):
    with pytest.raises(ValueError, match="is not #rrggbb"):
        Branding(primary=colour)


def svg_of(uri: str) -> str:
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def test_charts_are_in_the_brands_colours_and_the_house_palette_without_one(survey):  # noqa: F811
    frame, columns, questionnaire = survey
    branded = build_topline(frame, columns, questionnaire, palette=palette_of(BRAND))
    house = build_topline(frame, columns, questionnaire)
    kinds = {q.kind for q in branded if q.chart}
    assert {"bars", "stacked", "nps"} <= kinds
    for mine, theirs in zip(branded, house, strict=True):
        if not mine.chart:
            continue
        svg, plain = svg_of(mine.chart), svg_of(theirs.chart)
        assert "fill: #b01e2f" in svg and "#1f3a5f" not in svg  # bars, scale top, promoters
        assert "fill: #1f3a5f" in plain and "#b01e2f" not in plain
        if mine.kind == "nps":  # the score in the accent colour
            assert "fill: #1e90b0" in svg and "fill: #e07a1f" in plain
        if mine.kind == "stacked":  # the point below the top: the primary lightened
            assert "fill: #d4838d" in svg and "fill: #8fb3d9" in plain
    assert palette_of(Branding(agency="House colours")) is HOUSE


def test_fieldwork_charts_follow_the_brand():
    palette = palette_of(BRAND)
    trend = svg_of(charts.lines(["01/12", "02/12"], [5, 7], [1, 3], "calls", "completes", palette))
    assert "stroke: #1e90b0" in trend and "#e07a1f" not in trend
    bubbles = svg_of(charts.region_map([(-3.7, 40.4)], [("Madrid", -3.7, 40.4, 4)], palette))
    assert "fill: #b01e2f" in bubbles and "#1f3a5f" not in bubbles
