"""Two-factor log-in: who must enrol, codes used once, recovery codes; own password change."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cati import accounts, totp, two_factor
from cati.errors import CatiError, ErrorCode
from cati.models import AuditEntry, RecoveryCode
from tests.conftest import TEST_HASH_METHOD, TEST_PASSWORD, make_user, settings_for_tests

NOW = datetime(2026, 12, 2, 9, 0, 10, tzinfo=UTC)


def code_at(secret: str, moment: datetime) -> str:
    return totp.code(base64.b32decode(secret), totp.step_at(moment))


def refused(call, *args) -> None:
    with pytest.raises(CatiError) as caught:
        call(*args)
    assert caught.value.code is ErrorCode.TWO_FACTOR_CODE_INVALID


def test_the_switch_makes_staff_but_not_interviewers_or_clients_enrol(db):
    admin = make_user(db, "admin")
    users = {role: make_user(db, role) for role in ("researcher", "supervisor", "interviewer")}
    users["client"] = make_user(db, "client")
    assert {two_factor.next_step(db, u) for u in users.values()} == {None}
    two_factor.set_required(db, True, by=admin)
    assert {r: two_factor.next_step(db, u) for r, u in users.items()} == {
        "researcher": "enrol",
        "supervisor": "enrol",
        "interviewer": None,
        "client": None,
    }
    two_factor.set_required(db, False, by=admin)
    assert two_factor.next_step(db, users["supervisor"]) is None


def test_enrolment_needs_a_right_code_and_each_code_is_used_once(db):
    user = make_user(db, "supervisor")
    secret = totp.new_secret()
    refused(two_factor.enrol, db, user, secret, "000000", NOW)
    assert two_factor.next_step(db, user) is None
    codes = two_factor.enrol(db, user, secret, code_at(secret, NOW), NOW)
    assert len(codes) == 10
    assert two_factor.next_step(db, user) == "verify"
    # The enrolment's code cannot log in again within its step: replay.
    refused(
        two_factor.verify, db, user, code_at(secret, NOW), NOW + timedelta(seconds=5), "10.0.0.1"
    )
    later = NOW + timedelta(seconds=30)
    two_factor.verify(db, user, code_at(secret, later), later, "10.0.0.1")
    refused(two_factor.verify, db, user, code_at(secret, later), later, "10.0.0.1")
    refused(two_factor.verify, db, user, "123456", later + timedelta(seconds=60), "10.0.0.1")


def test_a_recovery_code_works_once_and_is_stored_hashed(db):
    user = make_user(db, "admin")
    secret = totp.new_secret()
    codes = two_factor.enrol(db, user, secret, code_at(secret, NOW), NOW)
    stored = set(db.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10 and not stored & set(codes)
    two_factor.verify(db, user, codes[3].upper(), NOW, "10.0.0.1")
    refused(two_factor.verify, db, user, codes[3], NOW, "10.0.0.1")
    assert two_factor.remaining_recovery_codes(db, user) == 9
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["two_factor.enrol", "login.recovery_code", "login.second_factor_failed"]


def test_users_change_their_own_password_with_the_current_one(db):
    user = make_user(db, "interviewer", username="ines")
    change = accounts.change_own_password
    with pytest.raises(CatiError) as caught:
        change(db, user, "not my password", "a brand new passphrase", hash_method=TEST_HASH_METHOD)
    assert caught.value.code is ErrorCode.PASSWORD_WRONG
    with pytest.raises(CatiError) as caught:
        change(db, user, TEST_PASSWORD, "password1234", hash_method=TEST_HASH_METHOD)
    assert caught.value.code is ErrorCode.PASSWORD_COMMON
    change(db, user, TEST_PASSWORD, "a brand new passphrase", hash_method=TEST_HASH_METHOD)
    db.expire_all()
    settings = accounts.Settings.from_env({"CATI_PASSWORD_HASH_METHOD": TEST_HASH_METHOD})
    assert accounts.authenticate(db, "ines", "a brand new passphrase", "10.0.0.1", settings)
    assert "user.change_password" in db.scalars(select(AuditEntry.action)).all()


def test_wrong_codes_throttle_the_password_as_wrong_passwords_do(db):
    settings = settings_for_tests()
    user = make_user(db, "researcher", username="rosa")
    secret = totp.new_secret()
    two_factor.enrol(db, user, secret, code_at(secret, NOW), NOW)
    accounts.authenticate(db, "rosa", TEST_PASSWORD, "10.0.0.1", settings, now=NOW)
    for _ in range(settings.login_max_failures):
        refused(two_factor.verify, db, user, "999999", NOW, "10.0.0.1")
    with pytest.raises(CatiError) as caught:
        accounts.authenticate(db, "rosa", TEST_PASSWORD, "10.0.0.1", settings, now=NOW)
    assert caught.value.code is ErrorCode.LOGIN_THROTTLED
