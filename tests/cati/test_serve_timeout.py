"""`cati serve --production` hands gunicorn the configured worker timeout: a worker that stops
answering is killed after CATI_WORKER_TIMEOUT_SECONDS, not after gunicorn's own 30 s."""

import os
import signal
import time
from pathlib import Path

from benchmarks.web_load import kill_server, start_server
from cati import migrate

TIMEOUT = 3


def _children(pid: int) -> list[int]:
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def test_a_stuck_worker_is_killed_after_the_configured_timeout(tmp_path):
    url = f"sqlite:///{tmp_path / 'cati.db'}"
    migrate.upgrade(url)
    log = tmp_path / "server.log"
    server, _port = start_server(
        url, 1, tmp_path / "instance", log, env={"CATI_WORKER_TIMEOUT_SECONDS": str(TIMEOUT)}
    )
    try:
        assert f"timeout {TIMEOUT} s" in log.read_text()
        (worker,) = _children(server.pid)
        os.kill(worker, signal.SIGSTOP)  # stuck: it no longer tells the master it lives
        stopped = time.monotonic()
        while f"WORKER TIMEOUT (pid:{worker})" not in log.read_text():
            assert time.monotonic() - stopped < 20, log.read_text()[-2000:]
            time.sleep(0.1)
    finally:
        kill_server(server)
