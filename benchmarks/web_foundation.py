"""Log-in cost and page throughput of the foundation, on a throw-away SQLite database.

    .venv/bin/python benchmarks/web_foundation.py [--requests 500]

Prints one JSON line per result. Uses Flask's test client, so it measures the app (routing,
session, database, templates), not a network stack.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

from cati import accounts, migrate
from cati.app import create_app
from cati.config import Settings

PASSWORD = "a long timing password"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--logins", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        # The production default method (scrypt): the log-in time measured is the real one.
        settings = Settings(instance_path=tmp, login_max_failures=10**6)
        migrate.upgrade(url)
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URL": url,
                "CATI_SETTINGS": settings,
            }
        )
        session = app.extensions["cati.sessionmaker"]()
        accounts.create_user(
            session, "bench", "supervisor", PASSWORD, hash_method=settings.password_hash_method
        )
        session.close()

        login_ms = []
        for _ in range(args.logins):
            client = app.test_client()  # a fresh browser each time
            token = re.search(
                r'name="csrf_token" type="hidden" value="([^"]+)"',
                client.get("/login").get_data(as_text=True),
            ).group(1)
            start = time.perf_counter()
            response = client.post(
                "/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token}
            )
            login_ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 302
        emit("login", login_ms, args.logins)

        page_ms = []
        for _ in range(args.requests):
            start = time.perf_counter()
            assert client.get("/supervisor/").status_code == 200
            page_ms.append((time.perf_counter() - start) * 1000)
        emit("logged_in_page", page_ms, args.requests)


def emit(name: str, samples_ms: list[float], n: int) -> None:
    q = statistics.quantiles(samples_ms, n=100)
    print(
        json.dumps(
            {
                "benchmark": name,
                "n": n,
                "median_ms": round(statistics.median(samples_ms), 2),
                "p95_ms": round(q[94], 2),
                "per_second": round(1000 / statistics.mean(samples_ms), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
