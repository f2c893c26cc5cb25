"""The Hub's rate limit, played back: a fixed window per service, announced in the
IETF-draft headers the Hub sends (``RateLimit: "api";r=499;t=300`` and
``RateLimit-Policy: "fixed window";"api";q=500;w=300``), and a 429 once it is spent.

A recording folder opts in with ``ratelimits.yaml`` beside its service folders::

    hf: {quota: 500, window: 300}     # the anonymous API limit: 500 calls per 5 minutes

Only API calls (``/api/...``) count, as on the Hub, where file resolves have their own quota.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.replay.recording import SERVICES, RecordingError, ScriptedResponse

FILE_NAME = "ratelimits.yaml"


class WindowPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    quota: int = Field(ge=1)
    window: float = Field(gt=0)


class FixedWindow:
    """``quota`` calls per ``window`` seconds; the window starts at its first call."""

    def __init__(self, policy: WindowPolicy) -> None:
        self.policy = policy
        self._lock = threading.Lock()
        self._started: float | None = None
        self._used = 0
        self.refused = 0

    def take(self) -> tuple[bool, int, int]:
        """(allowed, remaining, seconds to reset) for one call made now."""
        now = time.monotonic()
        with self._lock:
            if self._started is None or now - self._started >= self.policy.window:
                self._started, self._used = now, 0
            allowed = self._used < self.policy.quota
            if allowed:
                self._used += 1
            else:
                self.refused += 1
            reset = math.ceil(self.policy.window - (now - self._started))
            return allowed, self.policy.quota - self._used, max(reset, 0)

    def headers(self, remaining: int, reset: int) -> list[tuple[str, str]]:
        return [
            ("RateLimit", f'"api";r={remaining};t={reset}'),
            (
                "RateLimit-Policy",
                f'"fixed window";"api";q={self.policy.quota};w={int(self.policy.window)}',
            ),
        ]


def load_windows(roots: Iterable[Path]) -> dict[str, FixedWindow]:
    """The windows the folders' ``ratelimits.yaml`` files ask for (the first folder wins)."""
    windows: dict[str, FixedWindow] = {}
    for root in roots:
        path = root / FILE_NAME
        if not path.is_file():
            continue
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(raw, dict):
                raise ValueError("expected a mapping of service -> {quota, window}")
            for service, spec in raw.items():
                if service not in SERVICES:
                    raise ValueError(f"unknown service {service!r}")
                windows.setdefault(service, FixedWindow(WindowPolicy.model_validate(spec)))
        except (yaml.YAMLError, ValueError, ValidationError) as exc:
            raise RecordingError([(path, str(exc))]) from None
    return windows


def limited(window: FixedWindow, path: str, response: ScriptedResponse) -> ScriptedResponse:
    """``response`` with the window's headers, or a 429 when the window is spent."""
    if not path.startswith("/api/"):
        return response
    allowed, remaining, reset = window.take()
    kept = [(k, v) for k, v in response.headers if not k.lower().startswith("ratelimit")]
    if not allowed:
        body = json.dumps({"error": "You have exceeded our rate limit."}).encode()
        headers = [("Content-Type", "application/json"), *window.headers(0, reset)]
        return ScriptedResponse(429, tuple(headers), body)
    return ScriptedResponse(
        response.status,
        (*kept, *window.headers(remaining, reset)),
        response.body,
        response.delay,
        response.fault,
    )
