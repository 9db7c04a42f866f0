"""The researcher's sample upload reads files as Excel in Spain saves them, and the
supervisor's case pages show each case's zone with where it came from.

US numbers are NANP 555-01xx; the Spanish one is a round placeholder, never dialled."""

from sqlalchemy import select

from cati.fieldwork import projects
from cati.models import Case, Project
from tests.cati.web.conftest import upload
from tests.conftest import csrf_token

EXCEL_ES = (
    "ID;Teléfono;Población\r\n"
    "NY1;+1 212 555 0152;Nueva York\r\n"
    "MAD1;910000011.0;Alcalá de Henares\r\n"
).encode("cp1252")


def test_a_windows_1252_semicolon_sample_is_imported_and_its_zones_shown(
    client, db, project_url, login_as
):
    response = upload(client, project_url, "sample", "file", "muestra.csv", EXCEL_ES)
    assert response.status_code == 302, response.get_data(as_text=True)
    cases = {c.external_id: c for c in db.scalars(select(Case))}
    assert cases["MAD1"].sample_vars == {"Población": "Alcalá de Henares"}
    assert (cases["NY1"].time_zone, cases["NY1"].time_zone_source) == ("America/New_York", "phone")
    project = db.scalar(select(Project))
    token = csrf_token(client, project_url)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    supervisor = login_as("supervisor")
    projects.assign(db, project, supervisor)
    listing = client.get(f"/supervisor/{project.code}/cases").get_data(as_text=True)
    assert "America/New_York" in listing and "from the phone number" in listing
    page = client.get(f"/supervisor/case/{cases['MAD1'].id}").get_data(as_text=True)
    assert "Europe/Madrid" in page and "from the phone number" in page


def test_a_sample_without_an_id_column_names_the_headers_it_has(client, db, project_url):
    bad = "Referencia;Teléfono\r\n1;910000011\r\n".encode("cp1252")
    response = upload(client, project_url, "sample", "file", "muestra.csv", bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported." in page
    assert "the file&#39;s columns: Referencia, Teléfono" in page
    assert db.scalars(select(Case)).all() == []


def test_a_binary_file_called_csv_is_still_refused_beside_the_field(client, db, project_url):
    response = upload(client, project_url, "sample", "file", "muestra.csv", b"ID;tel\r\n\0\0")
    assert response.status_code == 400
    assert "byte 8 is a NUL byte" in response.get_data(as_text=True)
    assert db.scalars(select(Case)).all() == []
