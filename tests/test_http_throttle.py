"""The per-service rate limit waits for a free slot; it never fails a request.

ingest/http.py relies on pyrate-limiter 4.x blocking in ``try_acquire`` (3.x raised
``BucketFullException`` instead), which is why pyproject.toml pins ``>=4,<5``. The
replay runs set every interval to 0, so this is the one test that drives a real
limit: the real HttpClient, the replay server, a real clock and real sleeps.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ingest.http import HttpClient, ServicePolicy
from ingest.replay.server import ReplayServer
from shoulders.settings import BUNDLED_RECORDINGS, Settings

INTERVAL = 0.2  # seconds between two requests to the service
REQUESTS = 6  # from 3 threads at once: at least (REQUESTS - 1) * INTERVAL in all


def test_requests_wait_for_a_slot(settings: Settings, tmp_path: Path) -> None:
    with ReplayServer(BUNDLED_RECORDINGS) as server:
        policy = ServicePolicy("pypi", server.url("pypi"), min_interval=INTERVAL)
        with HttpClient(settings, {"pypi": policy}, cache_path=tmp_path / "etags.sqlite") as http:

            def get(_: int) -> int:
                return http.request("pypi", "GET", "/pypi/torch/json").status_code

            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=3) as pool:
                statuses = list(pool.map(get, range(REQUESTS)))
            elapsed = time.monotonic() - started
        assert server.stats.total == REQUESTS

    assert statuses == [200] * REQUESTS  # every request got its slot: none raised
    assert http.stats.retries == 0
    # The first request goes at once; each later one waits for the previous slot to free.
    assert elapsed >= (REQUESTS - 1) * INTERVAL * 0.95
