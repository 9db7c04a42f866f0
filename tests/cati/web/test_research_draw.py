"""Drawing a sample in the researcher's console: preview, accept, discard, bad frames, access."""

import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cati.models import AuditEntry, Case, PendingDraw, Project
from sampling.commands import draw_command
from sampling.demo import demo_frame
from tests.cati.web.test_research import upload
from tests.conftest import csrf_token, make_user, post_login

FRAME = demo_frame(300, random=3)
FRAME_CSV = FRAME.to_csv(index=False).encode()
CHOICES = {"design": "lpm2", "strata": "region", "allocation": "proportional", "n": "40"}
CHOICES |= {"seed": "7", "replicates": "4", "region": "US"}
# Without coordinates the fictional numbers say no time zone: the frame gives them.
FLAT_CSV = FRAME.drop(columns=["lat", "lon"]).assign(time_zone="Europe/Madrid").to_csv(index=False)
PREVIEW = re.compile(r"/research/(\w+)/draws/(\d+)$")


def new_project(client, code):
    token = csrf_token(client, "/research/")
    data = {"csrf_token": token, "code": code, "name": code, "time_zone": "Europe/Madrid"}
    assert client.post("/research/new", data=data).status_code == 302
    return f"/research/{code}/"


@pytest.fixture
def project_url(client, login_as):
    login_as("researcher")
    return new_project(client, "DRAW26")


def draw(client, project_url, content=FRAME_CSV, filename="frame.csv", **choices):
    return upload(client, project_url, "draw", "file", filename, content, **(CHOICES | choices))


def drawn(client, project_url, *frame, **choices) -> str:
    response = draw(client, project_url, *frame, **choices)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert PREVIEW.search(response.headers["Location"])
    return response.headers["Location"]


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_the_preview_shows_allocation_balance_seed_and_map_and_imports_nothing(
    client, db, project_url
):
    preview = drawn(client, project_url)
    page = client.get(preview).get_data(as_text=True)
    table = page[page.index('data-testid="allocation"') :]
    table = table[: table.index("</table>")]
    frame_counts = FRAME["region"].value_counts()
    cells = r'<tr><td>([^<]+)</td><td class="num">([\d,]+)</td>.*?<td class="num">([\d,]+)</td>'
    rows = re.findall(cells, table)
    assert {name: int(n) for name, n, _ in rows} == frame_counts.to_dict()
    assert sum(int(n) for _, _, n in rows) == 40
    assert "Seed 7" in page and 'data-testid="balance"' in page
    assert 'data-testid="draw-replicates"' in page and 'data-testid="profile"' in page
    image = client.get(f"{preview}/map.svg")
    assert image.mimetype == "image/svg+xml" and b"<svg" in image.data
    assert "script-src" not in image.headers["Content-Security-Policy"]
    assert count(db, Case) == 0 and count(db, PendingDraw) == 1
    waiting = client.get(project_url).get_data(as_text=True)
    assert "Drawn sample waiting: frame.csv, n 40, seed 7" in waiting


def test_the_same_choices_and_seed_draw_the_same_sample_again(client, db, project_url):
    """Whatever the file format: the frame as XLSX draws what it draws as CSV."""
    xlsx = io.BytesIO()
    FRAME.to_excel(xlsx, index=False)
    drawn(client, project_url)
    drawn(client, project_url, xlsx.getvalue(), "frame.xlsx")
    drawn(client, project_url, seed="8")
    first, again, other = db.scalars(select(PendingDraw.sample_csv).order_by(PendingDraw.id))
    assert first == again and first != other


def test_accepting_imports_the_cases_as_the_csv_import_of_the_same_draw_would(
    client, db, project_url, tmp_path
):
    """The browser's draw equals `cati sample draw` with the same seed, and accepting it
    gives the cases that importing that command's CSV gives."""
    preview = drawn(client, project_url)
    token = csrf_token(client, preview)
    accepted = client.post(f"{preview}/accept", data={"csrf_token": token})
    assert accepted.status_code == 302 and count(db, PendingDraw) == 0

    (tmp_path / "frame.csv").write_bytes(FRAME_CSV)
    args = ["--frame", str(tmp_path / "frame.csv"), "--n", "40", "--design", "lpm2"]
    args += ["--strata", "region", "--seed", "7", "--replicates", "4", "--region", "US"]
    result = CliRunner().invoke(draw_command, [*args, "--out", str(tmp_path / "s.csv")])
    assert result.exit_code == 0, result.output
    other_url = new_project(client, "CSV26")
    content = (tmp_path / "s.csv").read_bytes()
    assert (
        upload(client, other_url, "sample", "file", "s.csv", content, region="US").status_code
        == 302
    )

    def cases(code):
        project = db.scalar(select(Project).where(Project.code == code))
        found = db.scalars(select(Case).where(Case.project_id == project.id)).all()
        return {
            c.external_id: (
                c.replicate,
                c.inclusion_prob,
                c.design_weight,
                c.time_zone,
                c.sample_vars,
                [(p.number, p.kind) for p in c.phones],
            )
            for c in found
        }

    mine = cases("DRAW26")
    assert len(mine) == 40 and mine == cases("CSV26")
    assert {replicate for replicate, *_ in mine.values()} == {1, 2, 3, 4}
    actions = set(db.scalars(select(AuditEntry.action)))
    assert {"sample.draw.accept", "sample.import"} <= actions
    assert "replicates" in client.get(project_url).get_data(as_text=True)


def test_accepting_a_draw_whose_ids_are_already_cases_changes_nothing(client, db, project_url):
    first, second = drawn(client, project_url), drawn(client, project_url, seed="8")
    token = csrf_token(client, first)
    client.post(f"{first}/accept", data={"csrf_token": token})
    before = count(db, Case)
    refused = client.post(f"{second}/accept", data={"csrf_token": token})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'data-testid="problems"' in text
    assert "frame.csv (lpm2, n 40, seed 8), row" in text
    assert count(db, Case) == before and count(db, PendingDraw) == 1


def test_discarding_drops_the_draw_and_imports_nothing(client, db, project_url):
    preview = drawn(client, project_url)
    token = csrf_token(client, preview)
    assert client.post(f"{preview}/discard", data={"csrf_token": token}).status_code == 302
    assert count(db, PendingDraw) == 0 and count(db, Case) == 0
    assert client.get(preview).status_code == 404
    assert "sample.draw.discard" in set(db.scalars(select(AuditEntry.action)))


def test_a_bad_frame_lists_its_rows_beside_the_form_and_keeps_nothing(client, db, project_url):
    bad = b"id,phone,region\nH1,+1 202 555 0101,north\nH2,12,north\nH2,+1 202 555 0103,south\n"
    response = draw(client, project_url, bad, "bad.csv", design="srs", n="1")
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    problems = text[text.index('data-testid="draw-problems"') :]
    assert "bad.csv, row 3, column 'phone'" in problems
    assert "row 4, column 'id': id already appears in an earlier row" in problems
    assert "/tmp" not in text
    broken = draw(client, project_url, b"not a spreadsheet", "broken.xlsx")
    text = html.unescape(broken.get_data(as_text=True))
    assert broken.status_code == 400 and "broken.xlsx: this is not an Excel workbook" in text
    assert "/tmp" not in text
    assert count(db, PendingDraw) == 0


def test_a_missing_column_and_an_impossible_design_are_named(client, db, project_url):
    spread = draw(client, project_url, FLAT_CSV.encode(), "flat.csv")
    assert spread.status_code == 400
    assert "lpm2 needs latitude/longitude or x/y" in spread.get_data(as_text=True)
    missing = draw(client, project_url, strata="county")
    assert missing.status_code == 400
    assert "frame.csv: declared column is missing from the file: county" in html.unescape(
        missing.get_data(as_text=True)
    )
    neyman = draw(client, project_url, allocation="neyman")
    assert "Neyman allocation needs strata and a column for S_h" in neyman.get_data(as_text=True)
    too_many = draw(client, project_url, n="301")
    assert too_many.status_code == 400 and "allocation bounds" in too_many.get_data(as_text=True)
    assert count(db, PendingDraw) == 0


def test_a_frame_without_coordinates_draws_without_a_map(client, db, project_url):
    response = draw(client, project_url, FLAT_CSV.encode(), "flat.csv", design="srs")
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = response.headers["Location"]
    page = client.get(preview).get_data(as_text=True)
    assert "no map and no spatial balance" in page and 'data-testid="map"' not in page
    assert client.get(f"{preview}/map.svg").status_code == 404


def test_a_draw_is_seen_only_by_its_projects_members(client, db, project_url, app):
    preview = drawn(client, project_url)
    draw_id = PREVIEW.search(preview).group(2)
    outsider = app.test_client()
    post_login(outsider, make_user(db, "researcher").username)
    for path in ("", "/map.svg"):
        assert outsider.get(f"{preview}{path}").status_code == 403
    token = csrf_token(outsider, "/research/")
    for action in ("accept", "discard"):
        assert outsider.post(f"{preview}/{action}", data={"csrf_token": token}).status_code == 403
    own_url = new_project(outsider, "MINE26")
    assert outsider.get(f"{own_url}draws/{draw_id}").status_code == 404
    assert count(db, PendingDraw) == 1 and count(db, Case) == 0


def test_draws_older_than_a_day_are_gone_and_cleaned_up(client, db, project_url, app):
    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    app.config["CATI_CLOCK"] = lambda: start
    old = drawn(client, project_url)
    app.config["CATI_CLOCK"] = lambda: start + timedelta(hours=25)
    assert client.get(old).status_code == 404
    drawn(client, project_url)
    assert count(db, PendingDraw) == 1
