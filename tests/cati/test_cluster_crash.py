"""Two app servers on one PostgreSQL, one of them killed mid-load (benchmarks/cluster.py, tiny).

Not timed: only what must hold whatever the machine's speed. PostgreSQL is not restarted
here (other test runs share the server); the benchmark's ``--crash`` run does that.
"""

from dataclasses import replace

import pytest

from benchmarks.cluster import Options, run
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

TINY = Options(
    minutes=20 / 60,
    interviewers=6,
    workers=1,
    page_seconds=0.5,
    case_seconds=1.0,
    switch_share=0.5,
    processes=1,
    warmup=2,
    crash=True,
    restart_postgres=False,
)


def test_a_server_killed_mid_load_loses_no_answer_and_dispatches_no_case_twice(postgres_server):
    if postgres_server is None:
        skip_or_fail("PostgreSQL is not reachable: the cluster needs it")
    server = postgres_server.url.render_as_string(hide_password=False)
    lines = run(replace(TINY, server=server), report=lambda _line: None)

    scale_out = lines["cluster.scale_out"]
    assert scale_out["session_valid_on_every_server"]
    assert scale_out["throttle_holds_across_servers"], scale_out

    crash = lines["cluster.crash"]
    assert "server_killed_at_s" in crash and "server_back_at_s" in crash
    assert lines["cluster.run"]["errors"].get("connection", 0) > 0, "the kill hit no request"

    integrity = lines["cluster.integrity"]
    assert integrity["acknowledged"] > 0
    assert integrity["lost"] == 0
    assert integrity["answers_mismatched"] == 0
    assert integrity["duplicated"] == 0
    assert integrity["cases_interviewed_twice"] == 0

    dispatch = lines["cluster.dispatch"]
    assert dispatch["claims"] > 0
    assert dispatch["double_dispatch_in_database"] == 0
    assert dispatch["double_dispatch_in_driver"] == 0

    resume = lines["cluster.resume"]
    assert resume["reopened_wrong_or_failed"] == 0
    assert resume["active_in_database_not_reopened"] == 0

    claims = lines["cluster.claims"]
    assert claims["left_after_expiry"] == 0
    assert (
        claims["released_before_expiry"] + claims["released_after_expiry"]
        == (claims["held_at_the_end"])
    )
