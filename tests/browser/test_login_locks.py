"""An administrator sees who is waiting after failed log-ins and lifts a lock."""

import pytest

from cati import login_throttle
from cati.db import utcnow
from tests.browser.test_login import log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_the_admin_lifts_a_lock_and_the_list_empties(page, db):
    admin = make_user(db, "admin")
    make_user(db, "interviewer", username="ines")
    now = utcnow()
    for _ in range(4):  # the test settings allow 3, then 1 and 2 minutes
        login_throttle.record_failure(db, "ines", "192.0.2.10", now)
    db.commit()
    log_in(page, admin.username)
    page.wait_for_url("**/admin/")
    page.get_by_role("link", name="Log-in locks").click()
    row = page.get_by_test_id("locks").get_by_role("row").nth(1)
    assert row.get_by_role("cell").nth(0).inner_text() == "ines"
    assert row.get_by_role("cell").nth(1).inner_text() == "192.0.2.10"
    assert row.get_by_role("cell").nth(2).inner_text() == "4"
    row.get_by_role("button", name="Lift").click()
    assert "Lifted: ines can try again from 192.0.2.10." in page.inner_text("body")
    assert page.get_by_test_id("no-locks").is_visible()
