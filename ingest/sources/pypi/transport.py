"""A ``requests`` transport adapter that sends a client library's requests through our HTTP layer.

``pypi-json`` talks ``requests``; mounting this adapter on its session makes every
request it sends go through ``HttpClient.request``: the same rate limits, retries,
request counting, User-Agent and ETag cache as every other source. Errors come out
as our ``HttpError`` tree (a 404 is ``NotFound``), never as the library's own.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ingest.http import HttpClient


class HttpClientAdapter(BaseAdapter):
    def __init__(self, http: HttpClient, service: str) -> None:
        super().__init__()
        self.http = http
        self.service = service

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        method = (request.method or "GET").upper()
        accept = request.headers.get("Accept", "application/json")
        answer = self.http.request(
            self.service,
            method,
            str(request.url),
            headers={"Accept": accept},
            conditional=method == "GET",
        )
        return _as_requests_response(answer, request)

    def close(self) -> None:
        """The HttpClient owns the connections; nothing to close here."""


def _as_requests_response(
    answer: httpx.Response, request: requests.PreparedRequest
) -> requests.Response:
    response = requests.Response()
    response.status_code = answer.status_code
    response.headers = CaseInsensitiveDict(dict(answer.headers.items()))
    response._content = answer.content
    response.url = str(answer.url)  # after redirects: the JSON API's canonical URL
    response.encoding = answer.encoding
    response.reason = answer.reason_phrase
    response.request = request
    return response


def session_through(http: HttpClient, service: str) -> requests.Session:
    """A ``requests`` session whose every request goes through ``http``."""
    session = requests.Session()
    adapter = HttpClientAdapter(http, service)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
