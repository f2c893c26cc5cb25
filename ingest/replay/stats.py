"""What the replay server was asked: counts and a log of requests, minus secrets.

Crawler tests assert on these (how many pages were fetched, that an ETag was
sent back, that no token reached a service), so credentials never enter them:
only the *names* of credential headers are kept.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

#: Headers whose values are secrets; stats keep that they were sent, not their value.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "cookie"})


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; ``path`` is the URL path, percent-decoded."""

    service: str | None
    method: str
    path: str
    query: Mapping[str, tuple[str, ...]]
    headers: Mapping[str, str]  # lower-case names, credentials removed
    credential_headers: tuple[str, ...]  # names of the credential headers that were sent
    recording: str | None  # the YAML file that answered, None when nothing matched
    status: int


def split_credentials(headers: Mapping[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Lower-case the names and drop credential headers, returning which ones were there."""
    kept: dict[str, str] = {}
    secret: list[str] = []
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in CREDENTIAL_HEADERS:
            secret.append(lowered)
        else:
            kept[lowered] = value
    return kept, tuple(secret)


class ReplayStats:
    """Thread-safe counters; every accessor returns a copy."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def total(self) -> int:
        with self._lock:
            return len(self._requests)

    def per_service(self) -> dict[str, int]:
        """Requests per service (``"?"`` for paths outside every service prefix)."""
        return dict(Counter(r.service or "?" for r in self.requests))

    def per_route(self) -> dict[tuple[str, str], int]:
        """Requests per (method, path); the path includes the service prefix."""
        return dict(Counter((r.method, r.path) for r in self.requests))

    def count(self, method: str, path: str) -> int:
        return sum(1 for r in self.requests if r.method == method and r.path == path)

    def unmatched(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.recording is None]
