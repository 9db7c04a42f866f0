"""Log-in throttling: per (name, address) pair, progressive, never a whole site."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cati import accounts, login_throttle
from cati.db import utcnow
from cati.errors import CatiError, ErrorCode
from cati.models import AuditEntry
from tests.conftest import TEST_PASSWORD, make_user, settings_for_tests

OFFICE = "192.0.2.10"


def attempt(db, name, password, address, settings, now) -> ErrorCode | None:
    try:
        accounts.authenticate(db, name, password, address, settings, now=now)
    except CatiError as exc:
        return exc.code
    return None


def test_waits_double_after_the_free_failures_and_are_capped(db):
    # 3 free failures, then 1, 2, 4 minutes, capped at 5.
    settings = settings_for_tests(login_max_failures=3, login_max_delay_seconds=300)
    make_user(db, "interviewer", username="ines")
    now = utcnow()
    waits = []
    for _ in range(6):
        assert attempt(db, "ines", "wrong", OFFICE, settings, now) is ErrorCode.LOGIN_INVALID
        (lock,) = login_throttle.locks(db, settings, now) or [None]
        waits.append(None if lock is None else (lock.until - now).total_seconds() / 60)
        if lock is not None:
            # The right password is refused while the pair waits, and counts nothing.
            assert attempt(db, "ines", TEST_PASSWORD, OFFICE, settings, now) is (
                ErrorCode.LOGIN_THROTTLED
            )
            now = lock.until
    assert waits == [None, None, 1, 2, 4, 5]
    assert attempt(db, "ines", TEST_PASSWORD, OFFICE, settings, now) is None
    assert login_throttle.locks(db, settings, now) == []  # a success resets the pair


def test_a_locked_name_still_logs_in_from_another_address(db):
    settings = settings_for_tests(login_max_failures=3)
    make_user(db, "admin", username="boss")
    now = utcnow()
    for _ in range(3):
        attempt(db, "boss", "wrong", "203.0.113.66", settings, now)
    assert attempt(db, "boss", TEST_PASSWORD, "203.0.113.66", settings, now) is (
        ErrorCode.LOGIN_THROTTLED
    )
    assert attempt(db, "boss", TEST_PASSWORD, OFFICE, settings, now) is None


def test_unknown_names_hold_back_only_unknown_names_from_that_address(db):
    settings = settings_for_tests(login_unknown_names_per_address=10)
    make_user(db, "interviewer", username="real")
    now = utcnow()
    for i in range(10):
        assert attempt(db, f"guess{i}", "x", OFFICE, settings, now) is ErrorCode.LOGIN_INVALID
    assert attempt(db, "guess99", "x", OFFICE, settings, now) is ErrorCode.LOGIN_THROTTLED
    assert attempt(db, "guess99", "x", "198.51.100.7", settings, now) is ErrorCode.LOGIN_INVALID
    assert attempt(db, "real", TEST_PASSWORD, OFFICE, settings, now) is None
    (lock,) = login_throttle.locks(db, settings, now)
    assert (lock.username, lock.address, lock.failures) == ("*", OFFICE, 10)
    later = now + timedelta(hours=1, seconds=1)
    assert attempt(db, "guess99", "x", OFFICE, settings, later) is ErrorCode.LOGIN_INVALID


@pytest.mark.parametrize("who", ["pair", "unknown"])
def test_an_administrator_lifts_a_lock_and_it_is_audited(db, who):
    settings = settings_for_tests(login_max_failures=3, login_unknown_names_per_address=3)
    admin = make_user(db, "admin")
    make_user(db, "interviewer", username="ines")
    now = utcnow()
    name = "ines" if who == "pair" else "nobody"
    for i in range(3):
        attempt(db, name if who == "pair" else f"nobody{i}", "wrong", OFFICE, settings, now)
    assert attempt(db, name, "wrong", OFFICE, settings, now) is ErrorCode.LOGIN_THROTTLED
    (lock,) = login_throttle.locks(db, settings, now)
    assert login_throttle.lift(db, lock.username, lock.address, by=admin) == 3
    assert login_throttle.locks(db, settings, now) == []
    assert attempt(db, name, "wrong", OFFICE, settings, now) is ErrorCode.LOGIN_INVALID
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "login.unlock")).one()
    assert entry.user_id == admin.id
    assert entry.details == {"username": lock.username, "address": OFFICE, "failures": 3}
