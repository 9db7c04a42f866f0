"""The branding form of the project page: problems beside their field, nothing stored on
error, and a preview that is an inert image."""

from __future__ import annotations

from sqlalchemy import select

from cati.models import AuditEntry, ProjectBrand
from tests.cati.test_branding import SVG_LOGO
from tests.cati.web.conftest import upload
from tests.conftest import csrf_token

GOOD = {"agency": "Sondeos <b>Atlántico</b>", "primary": "#b01e2f", "accent": "#1e90b0"}


def post(client, url, **fields):
    data = {"csrf_token": csrf_token(client, url), **GOOD, **fields}
    return client.post(f"{url}branding", data=data, content_type="multipart/form-data")


def test_a_bad_colour_or_logo_is_shown_beside_its_field_and_stores_nothing(client, db, project_url):
    response = post(client, project_url, accent="teal")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Accent colour &#39;teal&#39; is not written #rrggbb" in page
    response = upload(client, project_url, "branding", "logo", "logo.svg", b"<svg><rect", **GOOD)
    assert response.status_code == 400
    assert "logo.svg: the logo is not well-formed SVG (line 1)." in response.get_data(as_text=True)
    assert db.scalar(select(ProjectBrand)) is None
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "project.branding")) is None


def test_saved_branding_fills_the_form_and_the_preview_is_an_inert_escaped_image(
    client, db, project_url
):
    response = upload(client, project_url, "branding", "logo", "logo.svg", SVG_LOGO, **GOOD)
    assert response.status_code == 302
    page = client.get(project_url).get_data(as_text=True)
    assert 'value="#b01e2f"' in page and "Report branding saved" in page
    preview = client.get(f"{project_url}branding/preview.svg")
    assert preview.mimetype == "image/svg+xml"
    assert preview.headers["Content-Security-Policy"].startswith("default-src 'none'")
    svg = preview.get_data(as_text=True)
    assert "Sondeos &lt;b&gt;Atlántico&lt;/b&gt;" in svg and "<b>" not in svg
    assert 'fill="#b01e2f"' in svg and "data:image/svg+xml;base64," in svg
    client.post(
        f"{project_url}branding",
        data={"csrf_token": csrf_token(client, project_url), **GOOD, "remove_logo": "y"},
    )
    assert db.scalar(select(ProjectBrand)).logo is None


def test_spanish_researchers_read_the_problem_in_spanish(client, project_url):
    client.post("/language", data={"csrf_token": csrf_token(client, project_url), "locale": "es"})
    page = post(client, project_url, primary="rojo").get_data(as_text=True)
    assert "El color principal &#39;rojo&#39; no está escrito #rrggbb" in page
