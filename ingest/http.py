"""Every HTTP concern of the crawlers, in one layer.

Timeouts, a descriptive User-Agent, per-host rate limits (pyrate-limiter), retries
(tenacity) that honour ``Retry-After``, the Hub's ``RateLimit: "api";r=0;t=N`` and
GitHub's ``x-ratelimit-reset``, conditional requests (ETag / If-None-Match, with the
bodies kept in a small SQLite cache so a 304 costs nothing), request counting for
the run report, and tokens that go into headers and nowhere else.

Errors::

    HttpError                 an item failed; the crawl goes on and reports it
     +-- NotFound              404 / 410 (or the Hub's RepoNotFound)
     +-- AccessDenied          401 / 403 that is not a rate limit (gated, private)
     +-- RateLimited           still limited after the retries, or the wait is too long
     +-- UpstreamError         5xx, timeouts, resets after the retries; malformed bodies
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import logging
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pyrate_limiter import Duration, Limiter, Rate
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from shoulders.settings import Settings

log = logging.getLogger("shoulders.http")
T = TypeVar("T")

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_HF_RATELIMIT = re.compile(r'"?(api|pages|resolvers)"?\s*;\s*r=(\d+)\s*;\s*t=(\d+)')
# IETF draft RateLimit-Policy as the Hub sends it: "fixed window";"api";q=500;w=300
_HF_POLICY = re.compile(r'"?(api|pages|resolvers)"?\s*;\s*q=(\d+)\s*;\s*w=(\d+)')


class HttpError(Exception):
    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class NotFound(HttpError):
    pass


class AccessDenied(HttpError):
    pass


class RateLimited(HttpError):
    pass


class UpstreamError(HttpError):
    pass


@dataclass(frozen=True)
class RateLimitState:
    """The last ``RateLimit`` (and ``RateLimit-Policy``) a service answered with."""

    pool: str  # the Hub's quotas: "api", "resolvers" or "pages"
    remaining: int  # r: requests left in the window
    reset: float  # t: seconds until the window resets
    quota: int | None = None  # q: requests per window
    window: float | None = None  # w: the window in seconds


def rate_limit_state(headers: Mapping[str, str]) -> RateLimitState | None:
    """Parse the IETF-draft headers the Hub sends on every answer, or None when absent."""
    found = _HF_RATELIMIT.search(headers.get("ratelimit", ""))
    if found is None:
        return None
    policy = _HF_POLICY.search(headers.get("ratelimit-policy", ""))
    return RateLimitState(
        found.group(1),
        int(found.group(2)),
        float(found.group(3)),
        int(policy.group(2)) if policy else None,
        float(policy.group(3)) if policy else None,
    )


class _Retry(Exception):
    """Internal: a response that should be retried after ``wait`` seconds."""

    def __init__(self, error: HttpError, wait: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


def wait_from_headers(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait, or None when it does not say."""
    now = time.time() if now is None else now
    retry_after = headers.get("retry-after")
    if retry_after:
        if retry_after.strip().isdigit():
            return float(retry_after)
        parsed = email.utils.parsedate_to_datetime(retry_after)
        return max(0.0, parsed.timestamp() - now)
    ratelimit = headers.get("ratelimit")  # Hugging Face: "api";r=0;t=55
    if ratelimit:
        m = _HF_RATELIMIT.search(ratelimit)
        if m and int(m.group(2)) == 0:
            return float(m.group(3)) + 1.0
    if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset"):
        return max(0.0, float(headers["x-ratelimit-reset"]) - now) + 1.0
    return None


def is_rate_limit(status: int, headers: Mapping[str, str], body: str = "") -> bool:
    if status == 429:
        return True
    # GitHub answers primary and secondary limits with 403 as well.
    return status == 403 and (
        headers.get("x-ratelimit-remaining") == "0"
        or "retry-after" in headers
        or "rate limit" in body.lower()
    )


def classify(status: int, headers: Mapping[str, str], url: str, body: str = "") -> HttpError:
    detail = f"HTTP {status} for {redact(url)}"
    if is_rate_limit(status, headers, body):
        return RateLimited(f"rate limited: {detail}", url=url, status=status)
    if status in (404, 410) or headers.get("x-error-code") == "RepoNotFound":
        return NotFound(f"not found: {detail}", url=url, status=status)
    if status in (401, 403):
        code = headers.get("x-error-code", "")
        what = "gated" if code == "GatedRepo" else "access denied"
        return AccessDenied(f"{what}: {detail}", url=url, status=status)
    return UpstreamError(f"upstream error: {detail}", url=url, status=status)


def redact(url: str) -> str:
    """URLs go into logs and reports: drop anything that looks like a credential."""
    return re.sub(r"(?i)((?:api_?key|token|access_token|key)=)[^&]+", r"\1***", url)


@dataclass
class HttpStats:
    requests: Counter[str] = field(default_factory=Counter)  # per host
    not_modified: int = 0
    retries: int = 0
    paced_seconds: float = 0.0  # waited for a spent rate-limit window (RateLimit r=0)

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "per_host": dict(self.requests),
            "not_modified": self.not_modified,
            "retries": self.retries,
            "paced_seconds": round(self.paced_seconds, 1),
        }


class EtagCache:
    """URL -> (ETag, body) so a 304 can be answered from disk. Thread-safe."""

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.Lock()
        target = ":memory:" if path is None else str(path)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(target, check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS etags (url TEXT PRIMARY KEY, etag TEXT, headers TEXT, body BLOB)"
        )

    def get(self, url: str) -> tuple[str, dict[str, str], bytes] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT etag, headers, body FROM etags WHERE url = ?", (url,)
            ).fetchone()
        if row is None:
            return None
        return row[0], json.loads(row[1]), row[2]

    def put(self, url: str, etag: str, headers: Mapping[str, str], body: bytes) -> None:
        keep = {k: v for k, v in headers.items() if k.lower() in ("content-type", "etag", "link")}
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO etags VALUES (?, ?, ?, ?)",
                (url, etag, json.dumps(keep), body),
            )
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()


@dataclass(frozen=True)
class ServicePolicy:
    """How to talk to one upstream service."""

    name: str
    base_url: str
    min_interval: float = 0.0  # seconds between two requests to this service
    auth_header: tuple[str, str] | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)


def polite_interval(endpoint: str, live_interval: float) -> float:
    """``live_interval`` for a real host, 0 for a loopback stand-in (the replay server)."""
    host = urlsplit(endpoint).hostname or ""
    if host == "localhost":
        return 0.0
    try:
        return 0.0 if ipaddress.ip_address(host).is_loopback else live_interval
    except ValueError:
        return live_interval


class HttpClient:
    """One per run: shared connection pool, limits, retries, cache and counters."""

    def __init__(
        self,
        settings: Settings,
        policies: Mapping[str, ServicePolicy],
        cache_path: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.policies = dict(policies)
        self.stats = HttpStats()
        self.cache = EtagCache(cache_path)
        self._sleep = sleep
        self._stats_lock = threading.Lock()
        #: Per service: the last RateLimit answer, and when the next request may go out.
        self.rate_limits: dict[str, RateLimitState] = {}
        self._paused_until: dict[tuple[str, str], float] = {}  # (service, pool) -> when
        self._limiters = {
            name: Limiter(Rate(1, int(p.min_interval * Duration.SECOND)))
            for name, p in self.policies.items()
            if p.min_interval > 0
        }
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.http_timeout),
            headers={"User-Agent": settings.user_agent},
            follow_redirects=True,  # renamed GitHub repos answer 301
        )

    def close(self) -> None:
        self._client.close()
        self.cache.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the one way to wait and retry -------------------------------------
    def count(self, service: str) -> None:
        host = urlsplit(self.policies[service].base_url).netloc or service
        with self._stats_lock:
            self.stats.requests[host] += 1

    def throttle(self, service: str, url: str = "/api/") -> None:
        limiter = self._limiters.get(service)
        if limiter is not None:
            limiter.try_acquire(service)
        pause = self._paused_until.get((service, _pool(url)), 0.0) - time.monotonic()
        if pause > 0:
            log.info("rate limit window spent; waiting", extra={"wait_s": round(pause, 2)})
            with self._stats_lock:
                self.stats.paced_seconds += pause
            self._sleep(pause)

    def note_rate_limit(self, service: str, response: httpx.Response) -> None:
        """Pace by the server's own count: when an answer spends its window (``r=0``), the
        next request to that quota waits for the reset instead of drawing a 429. (A 429
        itself is the retry's business: it waits as asked, or gives up past the max wait.)"""
        state = rate_limit_state(response.headers)
        if state is None:
            return
        self.rate_limits[service] = state
        if state.remaining == 0 and response.status_code < 400:
            # t is whole seconds, rounded by the server: one more keeps us past the reset.
            until = time.monotonic() + state.reset + 1.0
            self._paused_until[(service, state.pool)] = until

    def retrying(self, call: Callable[[], T]) -> T:
        """Run ``call`` (which raises ``_Retry`` for retryable answers) with backoff."""

        attempts = self.settings.http_max_retries + 1

        def wait(state: RetryCallState) -> float:
            if state.attempt_number >= attempts:
                return 0.0  # tenacity asks for a wait before it checks stop: no retry follows
            exc = state.outcome.exception() if state.outcome else None
            asked = exc.wait if isinstance(exc, _Retry) else None
            backoff = min(2.0 ** (state.attempt_number - 1), 30.0)
            seconds = backoff if asked is None else asked
            if seconds > self.settings.http_max_wait:
                assert isinstance(exc, _Retry)
                raise RateLimited(
                    f"{exc.error} (server asks to wait {seconds:.0f}s, more than "
                    f"SHOULDERS_HTTP_MAX_WAIT={self.settings.http_max_wait:.0f}s)",
                    url=exc.error.url,
                    status=exc.error.status,
                ) from None
            with self._stats_lock:
                self.stats.retries += 1
            log.info("retrying", extra={"wait_s": round(seconds, 2), "reason": str(exc)})
            return seconds

        retryer = Retrying(
            stop=stop_after_attempt(attempts),
            wait=wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retry)),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retryer(call)
        except _Retry as exc:
            raise exc.error from None

    # --- plain HTTP ------------------------------------------------------------
    def request(
        self,
        service: str,
        method: str,
        path_or_url: str,
        *,
        params: httpx.QueryParams | Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> httpx.Response:
        """Send one request through limits and retries; raise an ``HttpError`` on failure.

        With ``conditional``, a stored ETag is sent and a 304 is answered from the cache
        (the returned response then has ``extensions["from_cache"] = True``).
        """
        policy = self.policies[service]
        url = path_or_url if "://" in path_or_url else policy.base_url.rstrip("/") + path_or_url
        all_headers = dict(policy.extra_headers)
        if policy.auth_header:
            all_headers[policy.auth_header[0]] = policy.auth_header[1]
        all_headers.update(headers or {})
        query = httpx.QueryParams(params) if params is not None else None
        cache_key = str(httpx.URL(url, params=query)) if conditional else ""
        cached = self.cache.get(cache_key) if conditional else None
        if cached:
            all_headers["If-None-Match"] = cached[0]

        def once() -> httpx.Response:
            self.throttle(service, url)
            self.count(service)
            try:
                response = self._client.request(
                    method, url, params=query, json=json_body, headers=all_headers
                )
            except httpx.TimeoutException as exc:
                raise _Retry(UpstreamError(f"timeout: {redact(url)}", url=url), None) from exc
            except httpx.TransportError as exc:
                err = UpstreamError(f"network error {type(exc).__name__}: {redact(url)}", url=url)
                raise _Retry(err, None) from exc
            self.note_rate_limit(service, response)
            if response.status_code == 304 and cached:
                with self._stats_lock:
                    self.stats.not_modified += 1
                return httpx.Response(
                    200,
                    headers=cached[1],
                    content=cached[2],
                    request=response.request,
                    extensions={"from_cache": True},
                )
            if response.status_code >= 400:
                body = response.text[:500]
                error = classify(response.status_code, response.headers, url, body)
                retryable = response.status_code in RETRY_STATUS or isinstance(error, RateLimited)
                if retryable:
                    raise _Retry(error, wait_from_headers(response.headers))
                raise error
            etag = response.headers.get("etag")
            if conditional and etag:
                self.cache.put(cache_key, etag, response.headers, response.content)
            return response

        return self.retrying(once)

    def get_json(self, service: str, path_or_url: str, **kwargs: Any) -> Any:
        response = self.request(service, "GET", path_or_url, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise UpstreamError(
                f"malformed JSON from {redact(str(response.request.url))}: {exc}",
                url=str(response.request.url),
            ) from exc

    # --- calls made by a client library (huggingface_hub) -----------------------
    def call(
        self,
        service: str,
        fn: Callable[[], T],
        describe: Callable[[BaseException], tuple[int, Mapping[str, str]] | None],
        what: str,
    ) -> T:
        """Run a library call under this layer's limits and retries.

        ``describe`` turns the library's exception into (status, headers), or None
        for errors that are not HTTP answers (then the call is retried as a network
        fault when it looks like one, or re-raised).
        """

        def once() -> T:
            self.throttle(service)
            self.count(service)
            try:
                return fn()
            except Exception as exc:
                described = describe(exc)
                if described is None:
                    if _is_network_error(exc):
                        raise _Retry(UpstreamError(f"network error: {what}: {exc}"), None) from exc
                    raise
                status, headers = described
                lowered = {k.lower(): v for k, v in headers.items()}
                error = classify(status, lowered, what)
                if status in RETRY_STATUS or isinstance(error, RateLimited):
                    raise _Retry(error, wait_from_headers(lowered)) from exc
                raise error from exc

        return self.retrying(once)


def _pool(url: str) -> str:
    """Which of the Hub's quotas a URL draws on (its RateLimit header names the same)."""
    if "/api/" in url:
        return "api"
    return "resolvers" if "/resolve/" in url else "pages"


def _is_network_error(exc: BaseException) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(
        names
        & {
            "TimeoutException",
            "TransportError",
            "NetworkError",
            "ConnectError",
            "ReadTimeout",
            "RemoteProtocolError",
            "ConnectionError",
            "TimeoutError",
        }
    )
