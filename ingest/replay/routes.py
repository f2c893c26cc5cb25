"""Which recording answers a request, and which of its scripted responses is next."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from ingest.replay.recording import Recording, RecordingError, ScriptedResponse

#: Services whose paths match case-insensitively: repo ids on the Hub and owner/repo on GitHub are.
CASE_INSENSITIVE = frozenset({"hf", "github"})


def _path_key(service: str, path: str) -> str:
    return path.lower() if service in CASE_INSENSITIVE else path


class RouteTable:
    """Recordings indexed by (service, method, path); thread-safe response cursors."""

    def __init__(self, recordings: Sequence[Recording]) -> None:
        self._routes: dict[tuple[str, str, str], list[Recording]] = defaultdict(list)
        for recording in recordings:
            key = (
                recording.service,
                recording.method,
                _path_key(recording.service, recording.path),
            )
            self._refuse_duplicate(self._routes[key], recording)
            self._routes[key].append(recording)
        self._served: dict[Path, int] = {}
        self._lock = threading.Lock()

    @property
    def recordings(self) -> list[Recording]:
        return [r for routes in self._routes.values() for r in routes]

    def find(
        self, service: str, method: str, path: str, query: Mapping[str, Sequence[str]], body: bytes
    ) -> Recording | None:
        """The most specific recording whose constraints all hold; HEAD uses GET recordings."""
        lookup = "GET" if method == "HEAD" else method
        candidates = self._routes.get((service, lookup, _path_key(service, path)), [])
        best: Recording | None = None
        for recording in candidates:  # load order breaks ties, so the first one wins
            if recording.accepts(query, body) and (
                best is None or recording.specificity > best.specificity
            ):
                best = recording
        return best

    def next_response(self, recording: Recording) -> ScriptedResponse:
        """Serve responses in order; the last one repeats forever."""
        with self._lock:
            served = self._served.get(recording.file, 0)
            self._served[recording.file] = served + 1
        return recording.responses[min(served, len(recording.responses) - 1)]

    def rewind(self) -> None:
        """Start every scripted sequence from its first response again."""
        with self._lock:
            self._served.clear()

    @staticmethod
    def _refuse_duplicate(existing: list[Recording], new: Recording) -> None:
        for other in existing:
            if dict(other.query) == dict(new.query) and (
                (other.has_body_json, other.body_json) == (new.has_body_json, new.body_json)
            ):
                reason = f"same request as {other.file} (method, path, query and body all equal)"
                raise RecordingError([(new.file, reason)])
