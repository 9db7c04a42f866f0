"""Fixtures shared by the tests of the application package."""

import pytest
from click.testing import CliRunner

from cati import cli
from cati.export_commands import export


@pytest.fixture
def run(database_url, tmp_path, monkeypatch, app):
    """Invoke `cati export …` with the test database."""
    monkeypatch.setenv("CATI_DATABASE_URL", database_url)
    monkeypatch.setenv("CATI_INSTANCE_PATH", str(tmp_path))
    cli._app.cache_clear()
    yield lambda *args: CliRunner().invoke(export, list(args), catch_exceptions=False)
    cli._app.cache_clear()
