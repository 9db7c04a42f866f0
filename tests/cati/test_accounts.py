"""User accounts: policy, hashing, throttling, disabling and the audit trail."""

import pytest
from sqlalchemy import func, select

from cati import accounts
from cati.config import Settings
from cati.errors import CatiError, ErrorCode
from cati.models import AuditEntry, LoginFailure, User
from tests.conftest import TEST_HASH_METHOD, TEST_PASSWORD, make_user, settings_for_tests


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_password_is_stored_as_an_scrypt_hash(db):
    production = Settings.from_env({})
    # ASVS 4.0.3 2.4.6: N at least 2**16 (Werkzeug's own default is 2**15), r 8, p 1.
    assert production.password_hash_method == "scrypt:65536:8:1"
    user = make_user(db, "researcher", hash_method=production.password_hash_method)
    assert user.password_hash.startswith("scrypt:65536:8:1$")
    assert TEST_PASSWORD not in user.password_hash


def test_a_password_still_verifies_after_the_hash_method_changes(db):
    make_user(db, "interviewer", username="early", hash_method="scrypt")
    make_user(db, "interviewer", username="late", hash_method=TEST_HASH_METHOD)
    for method in ("scrypt", TEST_HASH_METHOD):
        settings = settings_for_tests(password_hash_method=method)
        for username in ("early", "late"):
            assert accounts.authenticate(db, username, TEST_PASSWORD, "10.0.0.1", settings)
    accounts.set_password(db, "early", "a new long password", hash_method=TEST_HASH_METHOD)
    assert accounts.get_user(db, "early").password_hash.startswith(TEST_HASH_METHOD + "$")


@pytest.mark.parametrize(
    ("username", "role", "password", "code"),
    [
        ("ok_name", "researcher", "short", ErrorCode.PASSWORD_TOO_SHORT),
        ("maria", "researcher", "maria-2026-long", ErrorCode.PASSWORD_IS_USERNAME),
        ("x", "researcher", TEST_PASSWORD, ErrorCode.USERNAME_INVALID),
        ("with space", "researcher", TEST_PASSWORD, ErrorCode.USERNAME_INVALID),
        ("ok_name", "boss", TEST_PASSWORD, ErrorCode.ROLE_INVALID),
    ],
)
def test_a_refused_user_writes_nothing(db, username, role, password, code):
    with pytest.raises(CatiError) as caught:
        accounts.create_user(db, username, role, password, hash_method=TEST_HASH_METHOD)
    assert caught.value.code is code
    assert count(db, User) == 0
    assert count(db, AuditEntry) == 0


def test_duplicate_user_names_are_refused(db):
    make_user(db, "client", username="acme")
    with pytest.raises(CatiError) as caught:
        make_user(db, "client", username="acme")
    assert caught.value.code is ErrorCode.USER_EXISTS


def test_creation_and_changes_are_audited(db):
    user = make_user(db, "supervisor", username="sup1")
    accounts.set_password(
        db, "sup1", "another long password", hash_method=TEST_HASH_METHOD, actor="cli"
    )
    accounts.set_active(db, "sup1", False, actor="cli")
    entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["user.create", "user.set_password", "user.disable"]
    assert {e.object_id for e in entries} == {str(user.id)}
    assert entries[1].actor == "cli"


def test_correct_password_authenticates_and_clears_failures(db):
    settings = settings_for_tests()
    make_user(db, "interviewer", username="ines")
    with pytest.raises(CatiError):
        accounts.authenticate(db, "ines", "wrong password", "10.0.0.1", settings)
    user = accounts.authenticate(db, "ines", TEST_PASSWORD, "10.0.0.1", settings)
    assert user.username == "ines"
    assert user.last_login_at is not None
    assert db.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_a_disabled_user_cannot_log_in_and_gets_the_generic_message(db):
    settings = settings_for_tests()
    make_user(db, "interviewer", username="gone")
    accounts.set_active(db, "gone", False)
    with pytest.raises(CatiError) as caught:
        accounts.authenticate(db, "gone", TEST_PASSWORD, "10.0.0.1", settings)
    assert caught.value.code is ErrorCode.LOGIN_INVALID
