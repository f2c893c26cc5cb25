"""The arXiv source: paper metadata from arXiv.

One ``heads`` call reads a whole batch: one ``id_list`` query for up to 100 papers.
The revision is the paper's version, so an unchanged version is skipped. What a
paper cites comes from Semantic Scholar, which adds to ``arxiv:`` keys (see the s2
source); this source knows nothing of it.

When arXiv refuses a batch (an error entry or HTTP 400, e.g. one malformed id), the
ids are asked one by one, so one bad id costs only itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from ingest.http import HttpClient, HttpError, RateLimited, ServicePolicy
from ingest.sources.arxiv import client as arxiv
from ingest.sources.arxiv.client import ArxivClient, QueryRefused
from ingest.sources.arxiv.mapper import map_entry
from ingest.sources.arxiv.payloads import Entry
from ingest.sources.base import FetchResult, Head, Source, Stamp
from schema import keys
from shoulders.settings import Settings

SOURCE = arxiv.SERVICE


@dataclass(frozen=True)
class Read:
    """One paper as the batch query answered it, and the URL of that query."""

    entry: Entry
    url: str


class ArxivSource(Source):
    name: ClassVar[str] = SOURCE
    prefixes: ClassVar[tuple[str, ...]] = ("arxiv:",)
    batch_size: ClassVar[int] = 100

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def policy(self) -> ServicePolicy:
        return arxiv.policy(self.settings)

    def heads(self, keys_: Sequence[str], http: HttpClient) -> Iterator[Head | FetchResult]:
        client = ArxivClient(self.settings, http)
        ids = sorted({keys.split_arxiv(keys.parse(k).id)[0] for k in keys_})
        entries, failures, url_of = self._query(client, ids)
        for key in keys_:
            arxiv_id = keys.parse(key).id
            if arxiv_id in failures:
                yield FetchResult(key, error=failures[arxiv_id], source=SOURCE)
                continue
            entry = entries.get(arxiv_id)
            if entry is None:  # arXiv drops unknown (but well-formed) ids silently
                yield FetchResult(key, error=f"arXiv has no paper {arxiv_id}", source=SOURCE)
                continue
            yield Head(key, entry.version, Read(entry, url_of[arxiv_id]))

    def complete(
        self, heads: Sequence[Head], stamp: Stamp, http: HttpClient
    ) -> Iterator[FetchResult]:
        for head in heads:
            read = head.payload
            if not isinstance(read, Read):
                raise TypeError(f"{head.key}: not an arXiv head")
            prov = stamp.provenance(SOURCE, read.url, read.entry.version)
            mapped = map_entry(read.entry, prov)
            yield FetchResult(head.key, mapped.batch, mapped.follow, source=SOURCE)

    def _query(
        self, client: ArxivClient, ids: list[str]
    ) -> tuple[dict[str, Entry], dict[str, str], dict[str, str]]:
        """Entries by id, failures by id, and the URL each entry was read from."""
        entries: dict[str, Entry] = {}
        failures: dict[str, str] = {}
        url_of: dict[str, str] = {}
        try:
            batches = [(ids, client.query(ids))]
        except RateLimited:
            raise  # asking again id by id would only make it worse
        except (QueryRefused, HttpError) as exc:
            if len(ids) == 1:
                return entries, {ids[0]: str(exc)}, url_of
            batches = []
            for one in ids:
                try:
                    batches.append(([one], client.query([one])))
                except (QueryRefused, HttpError) as single:
                    failures[one] = str(single)
        for asked, feed in batches:
            url = client.query_url(asked)
            for entry in feed.entries:
                entries[entry.arxiv_id] = entry
                url_of[entry.arxiv_id] = url
        return entries, failures, url_of
