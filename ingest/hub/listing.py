"""The Hub's model listing, page by page: ``GET /api/models`` and its ``Link`` cursor.

The listing accepts the ``expand`` properties of huggingface_hub's
``ExpandModelProperty_T`` except ``baseModels``, ``childrenModelCount`` and
``usedStorage``, which only ``/api/models/{id}`` serves; lineage does not need them,
since the Hub writes every declared base into the tags
(``base_model:{finetune|adapter|quantized|merge}:<id>``). So the walk asks for the
same fields as the seed crawl's author listing (``LISTING_EXPAND``), about 1,000 models
per request, sorted by creation date (newest first) so that models created during a
long walk land before its cursor, not inside it. The daily refresh asks for the same
fields sorted by ``lastModified`` (newest first) and stops at its watermark.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from ingest.http import HttpClient, UpstreamError
from ingest.sources.hf.client import LISTING_EXPAND, SERVICE

PATH = "/api/models"
#: The first page's query; every later URL comes from the server's ``Link`` header.
FIRST_QUERY: dict[str, str | list[str]] = {
    "sort": "createdAt",
    "direction": "-1",
    "expand": LISTING_EXPAND,
}

#: The daily refresh's first page: the last modified first.
REFRESH_QUERY: dict[str, str | list[str]] = {**FIRST_QUERY, "sort": "lastModified"}


@dataclass(frozen=True)
class Page:
    url: str  # what was asked for, as sent
    items: list[dict[str, Any]]
    next_url: str | None  # absolute, from ``Link: <...>; rel="next"``; None on the last page


def first_url(query: dict[str, str | list[str]] = FIRST_QUERY) -> str:
    return f"{PATH}?{httpx.QueryParams(query)}"


def pages(http: HttpClient, start: str) -> Iterator[Page]:
    """Pages from ``start`` (a path below the Hub endpoint, or an absolute URL) to the end."""
    url: str | None = start
    while url is not None:
        response = http.request(SERVICE, "GET", url)
        sent = str(response.request.url)
        try:
            items = response.json()
        except ValueError as exc:
            raise UpstreamError(f"malformed listing page {sent}: {exc}", url=sent) from exc
        if not isinstance(items, list):
            raise UpstreamError(f"listing page {sent} is not a JSON array", url=sent)
        url = response.links.get("next", {}).get("url")
        yield Page(sent, items, url)


def newest(items: list[dict[str, Any]]) -> str | None:
    """The latest ``lastModified`` among ``items`` (ISO text), skipping unreadable ones."""
    best: tuple[datetime, str] | None = None
    for item in items:
        text = item.get("lastModified") if isinstance(item, dict) else None
        moment = modified_at(text)
        if moment is not None and (best is None or moment > best[0]):
            best = (moment, str(text))
    return best[1] if best else None


def modified_at(text: object) -> datetime | None:
    """An item's ``lastModified`` as an aware time; None when missing or unreadable."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
