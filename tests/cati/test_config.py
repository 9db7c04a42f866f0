"""Settings from the environment."""

import stat
from pathlib import Path

import pytest

from cati.config import ConfigError, Settings, load_secret_key

README = Path(__file__).parents[2] / "README.md"


def test_defaults_run_on_sqlite_in_the_instance_folder(tmp_path):
    from cati.app import create_app

    app = create_app({"CATI_SETTINGS": Settings(instance_path=str(tmp_path))})
    assert app.config["SQLALCHEMY_DATABASE_URL"] == f"sqlite:///{tmp_path / 'cati.db'}"


def test_environment_values_are_parsed_by_type():
    settings = Settings.from_env(
        {
            "CATI_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "CATI_LOGIN_MAX_FAILURES": "7",
            "CATI_SECURE_COOKIES": "yes",
            "CATI_DEFAULT_LOCALE": "es",
            "CATI_LOG_LEVEL": "warning",
            "CATI_PROXY_HOPS": "1",
            "CATI_PASSWORD_HASH_METHOD": "scrypt:16384:8:1",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.login_max_failures == 7
    assert settings.secure_cookies is True
    assert settings.default_locale == "es"
    assert (settings.log_level, settings.log_format, settings.proxy_hops) == ("WARNING", "json", 1)
    assert settings.password_hash_method == "scrypt:16384:8:1"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CATI_LOGIN_MAX_FAILURES", "many"),
        ("CATI_LOGIN_MAX_FAILURES", "0"),
        ("CATI_SECURE_COOKIES", "perhaps"),
        ("CATI_DEFAULT_LOCALE", "fr"),
        ("CATI_LOG_LEVEL", "LOUD"),
        ("CATI_LOG_FORMAT", "xml"),
        ("CATI_PROXY_HOPS", "-1"),
        ("CATI_PASSWORD_HASH_METHOD", "bcrypt"),
        ("CATI_PASSWORD_HASH_METHOD", "scrypt:1000:8:1"),
        ("CATI_PASSWORD_HASH_METHOD", "pbkdf2:md7:1"),
        ("CATI_PASSWORD_HASH_METHOD", "pbkdf2:sha256:0"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_secret_key_is_generated_once_private_and_reused(tmp_path):
    first = load_secret_key(tmp_path)
    assert len(first) == 64
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert load_secret_key(tmp_path) == first


def test_the_readme_documents_every_setting():
    readme = README.read_text()
    for variable, _default in Settings.documented():
        assert f"`{variable}`" in readme, f"{variable} missing from the README table"
