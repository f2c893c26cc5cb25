"""arXiv export API calls (Atom), through the run's HttpClient.

arXiv asks for at most one request every three seconds on a single connection;
the policy says so for the real host. A replay server on loopback is not arXiv and
the tests would only crawl slower, so there the pause is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from ingest.http import HttpClient, HttpError, ServicePolicy, UpstreamError, polite_interval
from ingest.sources.arxiv.payloads import Feed, FeedError, parse_feed
from shoulders.settings import Settings

SERVICE = "arxiv"
ARXIV_INTERVAL = 3.0


class QueryRefused(Exception):
    """arXiv refused the whole query: an error entry, or HTTP 400 with an error feed."""


def policy(settings: Settings) -> ServicePolicy:
    interval = polite_interval(settings.arxiv_endpoint, ARXIV_INTERVAL)
    return ServicePolicy(name=SERVICE, base_url=settings.arxiv_endpoint, min_interval=interval)


class ArxivClient:
    def __init__(self, settings: Settings, http: HttpClient) -> None:
        self.http = http
        self.endpoint = settings.arxiv_endpoint

    def query_url(self, ids: Sequence[str]) -> str:
        return f"{self.endpoint}?{urlencode(self._params(ids), safe=',')}"

    def query(self, ids: Sequence[str]) -> Feed:
        """The entries for ``ids`` (bare or versioned); raises QueryRefused or HttpError."""
        try:
            response = self.http.request(SERVICE, "GET", self.endpoint, params=self._params(ids))
        except HttpError as exc:
            if exc.status == 400:  # the error feed of a malformed id list
                raise QueryRefused(f"arXiv refused id_list={','.join(ids)}: {exc}") from exc
            raise
        try:
            feed = parse_feed(response.content)
        except FeedError as exc:
            raise UpstreamError(f"arXiv answered no feed: {exc}", url=str(response.url)) from exc
        if feed.errors:
            raise QueryRefused("arXiv error: " + "; ".join(feed.errors))
        return feed

    @staticmethod
    def _params(ids: Sequence[str]) -> dict[str, str]:
        return {"id_list": ",".join(ids), "start": "0", "max_results": str(len(ids))}
