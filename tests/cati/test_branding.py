"""A project's report branding: checked on the way in, stored, audited, and used by the
reports of web jobs and the CLI alike (the CLI's --logo replacing the stored logo)."""

from __future__ import annotations

import io
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select

from cati import branding, reporting
from cati.errors import CatiError, ErrorCode
from cati.models import AuditEntry, ProjectBrand
from tests.cati.fieldwork.conftest import make_project
from tests.cati.test_cli import run  # noqa: F401 (fixture)
from tests.cati.test_reporting import fielded, text_of  # noqa: F401 (fixture)

SVG_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20">'
    b'<rect width="60" height="20" fill="#0a783c"/></svg>'
)


def png(size: tuple[int, int] = (90, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def images_on_cover(path) -> list[tuple[str, str]]:
    lines = subprocess.run(
        ["pdfimages", "-list", "-f", "1", "-l", "1", str(path)], capture_output=True, text=True
    ).stdout.splitlines()[2:]
    return [(line.split()[3], line.split()[4]) for line in lines]


@pytest.mark.parametrize(("content", "kind"), [(png(), "png"), (jpeg(), "jpeg"), (SVG_LOGO, "svg")])
def test_a_logo_is_known_by_its_bytes(content, kind):
    assert branding.logo_type(content, "logo.any") == kind


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"GIF89a....", "PNG, JPEG or SVG"),
        (b"MZ\x90\x00 an executable renamed logo.png", "PNG, JPEG or SVG"),
        (png()[:60], "not a readable image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "not well-formed SVG (line 1)"),
        (b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "not an SVG image"),
        (
            b"<!DOCTYPE svg [<!ENTITY x 'y'>]><svg xmlns='http://www.w3.org/2000/svg'/>",
            "DOCTYPE or entities",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "scripts",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "scripts"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:x='http://www.w3.org/1999/xlink'>"
            b"<image x:href='file:///etc/passwd'/></svg>",
            "outside itself",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><rect style='fill:url(http://x/y)'/></svg>",
            "outside itself",
        ),
    ],
)
def test_a_logo_that_is_no_safe_image_is_refused_naming_the_file(content, words):
    import weasyprint  # noqa: F401 - as in a server: it sets Pillow's LOAD_TRUNCATED_IMAGES

    with pytest.raises(CatiError) as caught:
        branding.logo_type(content, "agency.png")
    assert caught.value.code == ErrorCode.BRAND_LOGO_INVALID
    assert caught.value.translated(str).startswith("agency.png: ")
    assert words in str(caught.value)


def test_a_logo_over_the_limit_is_refused_with_its_size():
    big = png() + b"\0" * (branding.MAX_LOGO_KB * 1024)
    with pytest.raises(CatiError) as caught:
        branding.logo_type(big, "huge.png")
    assert caught.value.code == ErrorCode.BRAND_LOGO_TOO_LARGE
    assert f"at most {branding.MAX_LOGO_KB} KB" in str(caught.value)


def test_branding_is_stored_audited_and_a_bad_value_changes_nothing(db):
    project = make_project(db)
    assert branding.brand_of(db, project) == branding.DEFAULT
    changed = branding.set_branding(
        db,
        project,
        agency=" Sondeos Atlántico ",
        primary="#B01E2F",
        accent="#1e90b0",
        logo=("logo.png", png()),
    )
    assert set(changed) == {"agency", "primary_colour", "accent_colour", "logo", "logo_type"}
    brand = branding.brand_of(db, project)
    assert (brand.agency, brand.primary, brand.accent) == (
        "Sondeos Atlántico",
        "#b01e2f",
        "#1e90b0",
    )
    assert brand.logo.startswith("data:image/png;base64,")
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "project.branding")).one()
    assert entry.details["logo"].startswith("logo.png (")
    for bad in ({"primary": "red"}, {"accent": "#12345"}):
        with pytest.raises(CatiError) as caught:
            branding.set_branding(
                db,
                project,
                **({"agency": "Other", "primary": "#000000", "accent": "#ffffff"} | bad),
            )
        assert caught.value.code == ErrorCode.BRAND_COLOUR_INVALID
        db.rollback()
        assert db.get(ProjectBrand, project.id).agency == "Sondeos Atlántico"
    branding.set_branding(
        db,
        project,
        agency="Sondeos Atlántico",
        primary="#b01e2f",
        accent="#1e90b0",
        remove_logo=True,
    )
    assert branding.brand_of(db, project).logo is None


@pytest.mark.parametrize("kind", ["topline", "fieldwork", "questionnaire", "banner"])
def test_every_report_kind_of_a_project_carries_its_branding(db, fielded, tmp_path, kind):  # noqa: F811
    branding.set_branding(
        db,
        fielded,
        agency="Sondeos Atlántico",
        primary="#b01e2f",
        accent="#1e90b0",
        logo=("logo.png", png()),
    )
    out = tmp_path / f"{kind}.pdf"
    reporting.export_report(db, fielded, kind, out, language="es")
    assert text_of(out).count("Sondeos Atlántico") > 1  # cover and running footers
    assert images_on_cover(out) == [("90", "30")]


def test_the_codebook_carries_the_branding_too(db, fielded, tmp_path):  # noqa: F811 (fixtures)
    branding.set_branding(
        db, fielded, agency="Sondeos Atlántico", primary="#b01e2f", accent="#1e90b0"
    )
    html = tmp_path / "codebook.html"
    reporting.export_data(db, fielded, "codebook", html)
    assert "#b01e2f" in html.read_text()
    pdf = tmp_path / "codebook.pdf"
    reporting.export_data(db, fielded, "codebook", pdf)
    assert "Sondeos Atlántico" in text_of(pdf)


def test_the_cli_logo_replaces_the_stored_one_and_is_checked(db, fielded, tmp_path, run):  # noqa: F811
    branding.set_branding(
        db,
        fielded,
        agency="Sondeos Atlántico",
        primary="#b01e2f",
        accent="#1e90b0",
        logo=("logo.png", png()),
    )
    other = tmp_path / "other.png"
    other.write_bytes(png((50, 50)))
    out = tmp_path / "fieldwork.pdf"
    args = ["export", "report", fielded.code, "--kind", "fieldwork", "--out", str(out)]
    result = run(*args, "--logo", str(other))
    assert result.exit_code == 0, result.output
    assert images_on_cover(out) == [("50", "50")]
    assert "Sondeos Atlántico" in text_of(out)
    assert (
        "Tagged:          yes"
        in subprocess.run(["pdfinfo", out], capture_output=True, text=True).stdout
    )
    assert run(*args, "--untagged").exit_code == 0
    assert (
        "Tagged:          no"
        in subprocess.run(["pdfinfo", out], capture_output=True, text=True).stdout
    )
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"MZ not an image")
    result = run(*args, "--logo", str(fake))
    assert result.exit_code != 0
    assert "fake.png: E2901 the logo must be a PNG, JPEG or SVG image" in result.output
    assert "Traceback" not in result.output
