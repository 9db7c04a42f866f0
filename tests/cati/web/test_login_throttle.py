"""Log-in throttling seen through the web: a call centre behind one address, the admin's
list of locks and lifting one."""

from dataclasses import replace

from sqlalchemy import insert

from cati.config import Settings
from cati.models import User
from tests.conftest import make_user, post_login

OFFICE = {"REMOTE_ADDR": "192.0.2.10"}


def office_client(app):
    client = app.test_client()
    client.environ_base.update(OFFICE)
    return client


def test_two_hundred_interviewers_log_in_from_one_address_after_fifty_failures(app, db):
    """Shift start behind one NAT address: 50 failures first (wrong passwords of real names,
    names mistyped), then each of 200 interviewers logs in with the right password."""
    defaults = Settings()  # the production allowances, not the tests' tighter ones
    app.config["CATI_SETTINGS"] = replace(
        app.config["CATI_SETTINGS"],
        login_max_failures=defaults.login_max_failures,
        login_unknown_names_per_address=defaults.login_unknown_names_per_address,
    )
    hashed = make_user(db, "interviewer", username="agent000").password_hash
    db.execute(
        insert(User),
        [
            {"username": f"agent{i:03}", "role": "interviewer", "password_hash": hashed}
            for i in range(1, 200)
        ],
    )
    db.commit()
    guesser = office_client(app)
    for i in range(50):
        name = f"agent{i % 7:03}" if i % 2 else f"agnet{i:03}"  # agent001..006: 3-4 each
        assert post_login(guesser, name, "not the password").status_code == 401
    refused = [
        i for i in range(200) if post_login(office_client(app), f"agent{i:03}").status_code != 302
    ]
    assert refused == []
