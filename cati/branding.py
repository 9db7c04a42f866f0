"""A project's report branding: the agency's name, logo and colours, checked before they
are stored and handed to every report (web jobs and the CLI alike) as ``exports.pdf.Branding``.

The logo is kept in the database, so that whichever worker makes a report has it. It is
checked by its bytes, not its name: a PNG or JPEG by its signature, an SVG by parsing it,
refusing scripts, entities and references outside the image (a report renders it).
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from sqlalchemy.orm import Session

from cati import audit
from cati.errors import CatiError, CatiErrors, ErrorCode
from cati.models import Project, ProjectBrand, User
from cati.problems import N_, NOWHERE, Place, Problem
from exports.pdf import HEX_COLOUR, Branding

MAX_LOGO_KB = 512
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}
SVG = "{http://www.w3.org/2000/svg}"
# An SVG may refer to its own parts (#id) and embed images as data: URIs; nothing else.
_OUTSIDE = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)
DEFAULT = Branding()


SCRIPTED = N_("the logo is an SVG with scripts or embedded HTML, which a report does not show.")
OUTSIDE = N_(
    "the logo is an SVG that refers to a file or address outside itself; embed its images."
)


def _refused(template: str, place: Place = NOWHERE, /, **params: Any) -> CatiErrors:
    return CatiErrors([Problem(ErrorCode.BRAND_LOGO_INVALID, template, params, place)])


def _svg_problem(content: bytes, place: Place) -> CatiErrors | None:
    if b"<!doctype" in content[:4096].lower() or b"<!entity" in content.lower():
        return _refused(
            N_("the logo is an SVG with a DOCTYPE or entities, which a report does not read."),
            place,
        )
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        return _refused(
            N_("the logo is not well-formed SVG (line %(line)s)."),
            place,
            line=exc.position[0],
        )
    if root.tag != f"{SVG}svg":
        return _refused(N_("the logo is XML but not an SVG image."), place)
    for element in root.iter():
        if element.tag in (f"{SVG}script", f"{SVG}foreignObject"):
            return _refused(SCRIPTED, place)
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local.startswith("on"):
                return _refused(SCRIPTED, place)
            if (local == "href" and not value.startswith(("#", "data:image/"))) or _OUTSIDE.search(
                value
            ):
                return _refused(OUTSIDE, place)
        if element.tag == f"{SVG}style" and _OUTSIDE.search(element.text or ""):
            return _refused(OUTSIDE, place)
    return None


def _check_raster(content: bytes, place: Place) -> None:
    """A PNG or JPEG that the renderer can decode, not one cut short."""
    from PIL import Image

    # verify() first: WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process,
    # under which load() alone accepts a file cut short.
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise _refused(
            N_("the logo is not a readable image (%(reason)s)."), place, reason=str(exc)
        ) from None


def logo_type(content: bytes, file_name: str) -> str:
    """``png``, ``jpeg`` or ``svg`` for a logo a report can show; a problem naming the file
    otherwise."""
    place = Place(file=file_name)
    if len(content) > MAX_LOGO_KB * 1024:
        raise CatiError(
            ErrorCode.BRAND_LOGO_TOO_LARGE,
            place,
            size=len(content) // 1024,
            maximum=MAX_LOGO_KB,
        )
    for kind, signature in SIGNATURES.items():
        if content.startswith(signature):
            _check_raster(content, place)
            return kind
    if content.lstrip()[:1] == b"<":
        problem = _svg_problem(content, place)
        if problem is None:
            return "svg"
        raise problem
    raise _refused(
        N_("the logo must be a PNG, JPEG or SVG image, and this file's content is none of them."),
        place,
    )


COLOUR_PROBLEMS = {
    "primary": N_(
        "Primary colour %(value)r is not written #rrggbb (such as #1f3a5f); the branding was "
        "not changed."
    ),
    "accent": N_(
        "Accent colour %(value)r is not written #rrggbb (such as #e07a1f); the branding was "
        "not changed."
    ),
}


def check_colour(value: str, which: str) -> str:
    """The colour (``which``: primary or accent) in lower case, or a problem naming it."""
    value = value.strip()
    if not HEX_COLOUR.fullmatch(value):
        problem = Problem(ErrorCode.BRAND_COLOUR_INVALID, COLOUR_PROBLEMS[which], {"value": value})
        raise CatiErrors([problem])
    return value.lower()


def data_uri(content: bytes, kind: str) -> str:
    return f"data:{MEDIA_TYPES[kind]};base64,{base64.b64encode(content).decode('ascii')}"


def brand_of(session: Session, project: Project, *, logo: Path | None = None) -> Branding:
    """What the project's reports show; ``logo`` (the CLI's ``--logo``) replaces the stored
    logo for one report, checked as an upload is."""
    row = session.get(ProjectBrand, project.id)
    brand = Branding(row.agency, row.primary_colour, row.accent_colour) if row else DEFAULT
    if logo is not None:
        content = logo.read_bytes()
        return replace(brand, logo=data_uri(content, logo_type(content, logo.name)))
    if row and row.logo:
        return replace(brand, logo=data_uri(row.logo, row.logo_type))
    return brand


def set_branding(
    session: Session,
    project: Project,
    *,
    agency: str,
    primary: str,
    accent: str,
    logo: tuple[str, bytes] | None = None,
    remove_logo: bool = False,
    by: User | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Store the branding (``logo`` is the file's name and bytes); returns what changed,
    audited. Everything is checked first, so a problem changes nothing."""
    wanted: dict[str, Any] = {
        "agency": agency.strip(),
        "primary_colour": check_colour(primary, "primary"),
        "accent_colour": check_colour(accent, "accent"),
    }
    if logo is not None:
        name, content = logo
        wanted["logo_type"] = logo_type(content, name)
        wanted["logo"] = content
    elif remove_logo:
        wanted |= {"logo": None, "logo_type": ""}
    row = session.get(ProjectBrand, project.id)
    if row is None:
        row = ProjectBrand(project_id=project.id, agency="", logo_type="")
        session.add(row)
    changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
    for key, value in changed.items():
        setattr(row, key, value)
    if changed:
        details = {k: v for k, v in changed.items() if k != "logo"}
        if "logo" in changed:
            details["logo"] = f"{logo[0]} ({len(logo[1])} bytes)" if logo else None
        audit.record(
            session,
            "project.branding",
            user=by,
            actor=actor,
            object_type="project",
            object_id=project.id,
            **details,
        )
    session.commit()
    return changed
