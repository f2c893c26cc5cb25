"""Semantic Scholar Graph API calls, through the run's HttpClient.

``POST /paper/batch`` reads up to 500 papers in one request (the answer is a list in
input order, ``null`` for an unknown id); ``GET /paper/{id}/references`` pages with
``offset``/``next`` until a page without ``next``. A 429 is retried by the HTTP
layer with backoff (S2 sends no Retry-After). With a key, S2 allows about one
request per second, so the live policy keeps that pace.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import TypeAdapter

from ingest.http import HttpClient, ServicePolicy, UpstreamError, polite_interval
from ingest.sources.s2.payloads import Paper, ReferencePage
from shoulders.settings import Settings

SERVICE = "s2"
BATCH_MAX = 500
PAGE_LIMIT = 1000  # the most /references returns per page
MAX_PAGES = 10  # 10 000 references is beyond any real paper; stop a runaway cursor
REFERENCE_FIELDS = "externalIds,title,year,isInfluential,intents"

_PAPERS = TypeAdapter(list[Paper | None])


def policy(settings: Settings) -> ServicePolicy:
    key = settings.s2_api_key.get_secret_value() if settings.s2_api_key else None
    return ServicePolicy(
        name=SERVICE,
        base_url=settings.s2_endpoint,
        min_interval=polite_interval(settings.s2_endpoint, 1.0),
        auth_header=("x-api-key", key) if key else None,
    )


class S2Client:
    def __init__(self, settings: Settings, http: HttpClient) -> None:
        self.http = http
        self.base = settings.s2_endpoint.rstrip("/")

    def batch(self, ids: Sequence[str], fields: str) -> tuple[str, list[Paper | None]]:
        if len(ids) > BATCH_MAX:
            raise ValueError(f"at most {BATCH_MAX} ids per batch, got {len(ids)}")
        path = "/paper/batch"
        data = self._post(path, {"fields": fields}, {"ids": list(ids)})
        papers = _PAPERS.validate_python(data)
        if len(papers) != len(ids):
            raise UpstreamError(f"S2 batch answered {len(papers)} papers for {len(ids)} ids")
        return f"{self.base}{path}?fields={fields}", papers

    def references(self, paper_id: str) -> Iterator[tuple[str, ReferencePage]]:
        """Every page of references of ``paper_id`` (an S2 id such as ``ARXIV:2412.19437``)."""
        path = f"/paper/{paper_id}/references"
        offset = 0
        for _ in range(MAX_PAGES):
            params = {"fields": REFERENCE_FIELDS, "offset": str(offset), "limit": str(PAGE_LIMIT)}
            data = self.http.get_json(SERVICE, path, params=params)
            page = ReferencePage.model_validate(data)
            yield f"{self.base}{path}?fields={REFERENCE_FIELDS}&offset={offset}", page
            if page.next is None or page.next <= offset:
                return
            offset = page.next

    def _post(self, path: str, params: dict[str, str], body: Any) -> Any:
        response = self.http.request(SERVICE, "POST", path, params=params, json_body=body)
        try:
            return response.json()
        except ValueError as exc:
            raise UpstreamError(f"malformed JSON from S2 {path}: {exc}") from exc
