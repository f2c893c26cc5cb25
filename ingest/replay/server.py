"""A local HTTP server that answers like the real APIs, from a folder of recordings.

Tests point the real clients (huggingface_hub, httpx) at ``ReplayServer.endpoints()``
instead of the internet. Each service lives under its own prefix (``/hf``, ``/arxiv``,
``/s2``, ``/github``, ``/pypi``) so one server stands in for all of them.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import cast
from urllib.parse import parse_qs, unquote, urlsplit

from ingest.replay.not_found import not_found
from ingest.replay.ratelimit import FixedWindow, limited, load_windows
from ingest.replay.recording import SERVICES, Recording, ScriptedResponse, load_recordings
from ingest.replay.routes import RouteTable
from ingest.replay.stats import RecordedRequest, ReplayStats, split_credentials

logger = logging.getLogger("shoulders.replay")

#: Setting name -> (service, path below the service prefix) as the settings expect them.
ENDPOINT_SETTINGS: dict[str, tuple[str, str]] = {
    "HF_ENDPOINT": ("hf", ""),
    "SHOULDERS_ARXIV_ENDPOINT": ("arxiv", "/api/query"),
    "SHOULDERS_S2_ENDPOINT": ("s2", "/graph/v1"),
    "SHOULDERS_GITHUB_ENDPOINT": ("github", ""),
    "SHOULDERS_PYPI_ENDPOINT": ("pypi", ""),
}

#: Placeholder in recorded header values (e.g. a pagination ``Link``) for the server's URL.
BASE_URL_PLACEHOLDER = "{base_url}"

# The server computes these itself from the body it really sends.
_MANAGED_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "content-encoding", "connection"}
)


class ReplayServer:
    """Serve recording folders on a background thread; use as a context manager."""

    def __init__(
        self,
        root: Path | Sequence[Path],
        host: str = "127.0.0.1",
        port: int = 0,
        log_misses: bool = True,
    ) -> None:
        self.roots = [Path(root)] if isinstance(root, str | Path) else [Path(r) for r in root]
        self.host = host
        self.port = port
        # A caller that reports the misses itself (an ingest run lists them in its report)
        # turns the per-request warning off: one summary instead of a wall of lines.
        self.log_misses = log_misses
        self.stats = ReplayStats()
        self._routes: RouteTable | None = None
        self.windows: dict[str, FixedWindow] = {}  # rate limits from ratelimits.yaml
        self._httpd: _ReplayHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ReplayServer:
        """Load the recordings (RecordingError names each bad file) and start serving."""
        if self._httpd is not None:
            return self
        self._routes = RouteTable(load_recordings(self.roots))
        self.windows = load_windows(self.roots)
        httpd = _ReplayHTTPServer((self.host, self.port), _Handler)
        self.port = int(httpd.server_address[1])
        httpd.replay = _Replay(
            self._routes, self.stats, self.base_url, self.windows, self.log_misses
        )
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="replay-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self.port == 0:
            raise RuntimeError("the replay server has no port until start()")
        return f"http://{self.host}:{self.port}"

    def url(self, service: str) -> str:
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}; known: {', '.join(SERVICES)}")
        return f"{self.base_url}/{service}"

    def endpoints(self) -> dict[str, str]:
        """Endpoint settings (environment variable -> URL) that point a crawler here."""
        return {name: self.url(svc) + tail for name, (svc, tail) in ENDPOINT_SETTINGS.items()}

    @property
    def recordings(self) -> list[Recording]:
        return self._require_routes().recordings

    def reset_stats(self) -> None:
        self.stats.reset()

    def rewind(self) -> None:
        """Restart every scripted response sequence (e.g. a [429, 200] route)."""
        self._require_routes().rewind()

    def _require_routes(self) -> RouteTable:
        if self._routes is None:
            raise RuntimeError("the replay server is not started")
        return self._routes


class _Replay:
    """What request handlers share: the routes, the stats and the public URL."""

    def __init__(
        self,
        routes: RouteTable,
        stats: ReplayStats,
        base_url: str,
        windows: dict[str, FixedWindow],
        log_misses: bool = True,
    ) -> None:
        self.routes = routes
        self.stats = stats
        self.base_url = base_url
        self.windows = windows
        self.log_misses = log_misses


class _ReplayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a delayed answer must not hold up stop()
    replay: _Replay


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real clients expect

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def do_PATCH(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _answer(self) -> None:
        replay = cast(_ReplayHTTPServer, self.server).replay
        method = self.command
        url = urlsplit(self.path)
        full_path = unquote(url.path)
        service, path = _split_service(full_path)
        query = {k: tuple(v) for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        body = self._read_body()

        recording = replay.routes.find(service, method, path, query, body) if service else None
        if recording is None:
            log = logger.warning if replay.log_misses else logger.debug
            log("no recording for %s %s (service %s)", method, self.path, service)
            response = not_found(service, method, full_path)
        else:
            response = replay.routes.next_response(recording)
        window = replay.windows.get(service) if service else None
        if window is not None:
            response = limited(window, path, response)
        status, headers, payload = _finish(response, self.headers.get("If-None-Match"), method)
        headers = [(k, v.replace(BASE_URL_PLACEHOLDER, replay.base_url)) for k, v in headers]

        kept, credentials = split_credentials(dict(self.headers.items()))
        replay.stats.record(
            RecordedRequest(
                service=service,
                method=method,
                path=full_path,
                query=query,
                headers=kept,
                credential_headers=credentials,
                recording=str(recording.file) if recording else None,
                status=status,
            )
        )
        if response.delay:
            time.sleep(response.delay)
        if response.fault == "reset":
            self._reset()
            return
        if response.fault == "truncate":
            # The declared length stays that of the whole body; half of it is sent.
            self.close_connection = True
        try:
            self._send(
                status,
                headers,
                payload,
                send_body=method != "HEAD",
                cut=response.fault == "truncate",
            )
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("client went away before %s %s was answered", method, self.path)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(
        self,
        status: int,
        headers: list[tuple[str, str]],
        payload: bytes,
        *,
        send_body: bool,
        cut: bool = False,
    ) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status not in (204, 304) and status >= 200:
            self.send_header("Content-Length", str(len(payload)))
        if cut:
            self.send_header("Connection", "close")
        self.end_headers()
        if send_body and status not in (204, 304):
            self.wfile.write(payload[: len(payload) // 2] if cut else payload)

    def _reset(self) -> None:
        """Drop the connection without a byte of answer: linger 0 makes close() send RST."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()  # the real close (and the RST) follows when rfile is closed


def _split_service(full_path: str) -> tuple[str | None, str]:
    """``/hf/api/models/x`` -> (``hf``, ``/api/models/x``); unknown prefixes give None."""
    head, _, rest = full_path.lstrip("/").partition("/")
    if head not in SERVICES:
        return None, full_path
    return head, "/" + rest


def _finish(
    response: ScriptedResponse, if_none_match: str | None, method: str
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Apply conditional GET: a matching ETag turns a 2xx into an empty 304."""
    headers = [(k, v) for k, v in response.headers if k.lower() not in _MANAGED_HEADERS]
    etag = response.header("ETag")
    if (
        method in ("GET", "HEAD")
        and 200 <= response.status < 300
        and etag is not None
        and if_none_match is not None
        and _etag_matches(if_none_match, etag)
    ):
        # Keep every other header: GitHub still sends its X-RateLimit-* on a 304.
        return 304, [(k, v) for k, v in headers if k.lower() != "content-type"], b""
    return response.status, headers, response.body


def _etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2): ``W/"x"`` matches ``"x"``; ``*`` matches all."""

    def opaque(tag: str) -> str:
        tag = tag.strip()
        return tag[2:] if tag.startswith("W/") else tag

    candidates = [c for c in if_none_match.split(",") if c.strip()]
    return any(c.strip() == "*" or opaque(c) == opaque(etag) for c in candidates)
