"""Security at the edge: cookie flags, log-in lock-out, proxies, upload size and content."""

import io
import zipfile
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select

from cati.app import create_app
from cati.models import Case, DoNotCall, Project
from tests.cati.web.conftest import SAMPLE, upload
from tests.conftest import make_user, post_login, settings_for_tests

NOW = pd.Timestamp("2026-11-27 09:00", tz="UTC").to_pydatetime()


def app_with(database_url, tmp_path, **settings):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URL": database_url,
            "CATI_SETTINGS": settings_for_tests(instance_path=str(tmp_path), **settings),
        }
    )


def test_with_secure_cookies_the_session_cookie_is_host_prefixed_secure_http_only_and_lax(
    database_url, tmp_path, db
):
    app = app_with(database_url, tmp_path, secure_cookies=True)
    user = make_user(db, "admin")
    cookie = post_login(app.test_client(), user.username).headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # __Host-: the browser takes it only Secure, from this host, for every path.
    assert cookie.startswith("__Host-session=") and "Path=/" in cookie and "Domain" not in cookie
    assert (
        app.config["REMEMBER_COOKIE_SECURE"],
        app.config["REMEMBER_COOKIE_HTTPONLY"],
        app.config["REMEMBER_COOKIE_SAMESITE"],
    ) == (True, True, "Lax")
    app.extensions["cati.engine"].dispose()


def test_a_locked_pair_is_told_how_long_and_opens_after_the_wait(app, client, db):
    app.config["CATI_CLOCK"] = lambda: NOW
    user = make_user(db, "supervisor")
    for _ in range(3):  # the test settings allow 3 failures, then wait 1 minute
        assert post_login(client, user.username, "not the password").status_code == 401
    locked = post_login(client, user.username)  # even the right password waits
    assert locked.status_code == 429
    assert "Too many failed log-ins. Try again in 1 minutes" in locked.get_data(as_text=True)
    app.config["CATI_CLOCK"] = lambda: NOW + timedelta(seconds=59)
    assert post_login(client, user.username).status_code == 429
    app.config["CATI_CLOCK"] = lambda: NOW + timedelta(seconds=61)
    assert post_login(client, user.username).status_code == 302


def test_an_address_guessing_names_does_not_lock_out_the_real_ones(app, client, db):
    app.config["CATI_CLOCK"] = lambda: NOW
    user = make_user(db, "researcher")
    for i in range(50):
        assert post_login(client, f"guess{i}", "not the password").status_code == 401
    assert post_login(client, user.username).status_code == 302


@pytest.mark.parametrize(("hops", "other_gets_in"), [(1, True), (0, False)])
def test_throttling_counts_the_forwarded_address_only_behind_a_trusted_proxy(
    database_url, tmp_path, db, hops, other_gets_in
):
    """Behind nginx (hops=1) one office's failures do not hold back another office; without
    a trusted proxy a forged X-Forwarded-For does not escape the count."""
    app = app_with(database_url, tmp_path, proxy_hops=hops, login_max_failures=1)
    client = app.test_client()
    user = make_user(db, "client")
    for i in range(4):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{i if hops == 0 else 5}"
        post_login(client, user.username, "not the password")
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    status = post_login(client, user.username).status_code
    assert status == (302 if other_gets_in else 429)
    app.extensions["cati.engine"].dispose()


def test_a_too_large_upload_gets_a_friendly_413_page_and_changes_nothing(
    app, client, db, project_url
):
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    big = SAMPLE + b"A3,+1 202 555 0103,north\n" * 100_000
    response = upload(client, project_url, "sample", "file", "big.csv", big, region="US")
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "The file is too large" in text and "up to 2 MB" in text and "Traceback" not in text
    assert db.scalar(select(func.count()).select_from(Case)) == 0


def xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def a_zip_of_anything() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("s.xlsx", SAMPLE, "s.xlsx: this is not an Excel workbook inside"),
        ("s.xlsx", a_zip_of_anything(), "s.xlsx: this is not an Excel workbook inside"),
        ("s.parquet", b"PAR1 but no end", "s.parquet: this is not a Parquet file"),
        (
            "s.csv",
            SAMPLE + b"A3,\x00\x00,x\n",
            "s.csv: this is not a text file (byte 74 is a NUL byte)",
        ),
        ("s.exe", b"MZ", "CSV, XLSX or Parquet only"),
    ],
)
def test_a_sample_whose_content_is_not_its_type_is_refused_naming_the_file(
    client, db, project_url, name, content, message
):
    response = upload(client, project_url, "sample", "file", name, content, region="US")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Case)) == 0


@pytest.mark.parametrize("kind", ["xlsx", "parquet"])
def test_a_real_workbook_or_parquet_sample_passes_the_content_check(
    client, db, project_url, tmp_path, kind
):
    frame = pd.read_csv(io.BytesIO(SAMPLE), dtype=str)
    if kind == "xlsx":
        content = xlsx_bytes(frame)
    else:
        frame.to_parquet(tmp_path / "s.parquet")
        content = (tmp_path / "s.parquet").read_bytes()
    response = upload(client, project_url, "sample", "file", f"s.{kind}", content, region="US")
    assert response.status_code == 302
    assert db.scalar(select(func.count()).select_from(Case)) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("q.yaml", b"\x89PNG\r\n\x1a\n\x00\x00", "q.yaml: this is not a text file"),
        ("q.xlsx", b"id: x\n", "q.xlsx: this is not an Excel workbook inside"),
    ],
)
def test_a_questionnaire_whose_content_is_not_its_type_is_refused(
    client, db, project_url, name, content, message
):
    response = upload(client, project_url, "questionnaire", "file", name, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(Project.questionnaire_version_id)) is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("dnc.txt", b"+1 202 555 0180\n\x00\x01\x02", "dnc.txt: this is not a text file"),
        ("dnc.pdf", b"%PDF-1.7", "A .txt or .csv file only"),
    ],
)
def test_a_do_not_call_file_that_is_not_text_is_refused(
    client, db, project_url, name, content, message
):
    response = upload(client, project_url, "dnc", "file", name, content, reason="opt-out")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(DoNotCall)) == 0
