"""The arXiv source: paper metadata from arXiv, and their references from Semantic Scholar.

Why one source for two APIs: the crawler gives each key to one source by prefix, and
an ``arxiv:`` paper needs both -- arXiv for what the paper is (title, authors,
dates, categories, DOI, version), Semantic Scholar for what it cites. So one
``fetch`` reads a whole batch from each: one ``id_list`` query for up to 100 papers,
one S2 ``/paper/batch`` for the same papers, then each known paper's reference pages.
The arXiv part is reported as ``arxiv`` and the references as ``s2`` (two results
per key), so each source's assertions are counted and withdrawn separately. The S2
part runs when the ``s2`` source is enabled (it registers S2's rate limit and key).

When arXiv refuses a batch (an error entry or HTTP 400, e.g. one malformed id), the
ids are asked one by one, so one bad id costs only itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from ingest.crawl import upstream_follows
from ingest.http import HttpError, RateLimited, ServicePolicy
from ingest.sources.arxiv import client as arxiv
from ingest.sources.arxiv.client import ArxivClient, QueryRefused
from ingest.sources.arxiv.mapper import map_entry
from ingest.sources.arxiv.payloads import Entry
from ingest.sources.base import FetchResult, RunContext
from ingest.sources.s2 import citations
from ingest.sources.s2.client import S2Client
from schema import keys
from shoulders.settings import Settings

SOURCE = arxiv.SERVICE


class ArxivSource:
    name: ClassVar[str] = SOURCE
    prefixes: ClassVar[tuple[str, ...]] = ("arxiv:",)
    batch_size: ClassVar[int] = 100

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._warned_no_s2 = False

    def policy(self) -> ServicePolicy:
        return arxiv.policy(self.settings)

    def fetch(self, keys_: Sequence[str], ctx: RunContext) -> Iterator[FetchResult]:
        client = ArxivClient(self.settings, ctx.http)
        ids = sorted({keys.split_arxiv(k.removeprefix("arxiv:"))[0] for k in keys_})
        entries, failures, url_of = self._query(client, ids)
        results = list(self._results(keys_, entries, failures, url_of, ctx))
        fresh = [r.key for r in results if not r.skipped and r.error is None]
        if fresh and not citations.available(ctx) and not self._warned_no_s2:
            self._warned_no_s2 = True
            results[0].warnings.append("the s2 source is not enabled: papers have no citations")
        cites: dict[str, FetchResult] = {}
        if fresh and citations.available(ctx):
            s2 = S2Client(self.settings, ctx.http)
            cites = {r.key: r for r in citations.references_of(fresh, s2, ctx)}
        # Each paper's references right after it: the crawler writes results for one key in
        # one batch, so a crash cannot store the paper (fresh from then on) without its CITES.
        for result in results:
            yield result
            if result.key in cites:
                yield cites.pop(result.key)
        yield from cites.values()

    def _results(
        self,
        keys_: Sequence[str],
        entries: dict[str, Entry],
        failures: dict[str, str],
        url_of: dict[str, str],
        ctx: RunContext,
    ) -> Iterator[FetchResult]:
        for key in keys_:
            arxiv_id = key.removeprefix("arxiv:")
            if arxiv_id in failures:
                yield FetchResult(key, error=failures[arxiv_id], source=SOURCE)
                continue
            entry = entries.get(arxiv_id)
            if entry is None:  # arXiv drops unknown (but well-formed) ids silently
                yield FetchResult(key, error=f"arXiv has no paper {arxiv_id}", source=SOURCE)
                continue
            stored = ctx.stored(key)
            if ctx.is_fresh(stored, entry.version):
                yield FetchResult(key, skipped=True, follow=upstream_follows(stored), source=SOURCE)
                continue
            mapped = map_entry(entry, ctx.provenance(SOURCE, url_of[arxiv_id], entry.version))
            yield FetchResult(key, mapped.batch, mapped.follow, source=SOURCE)

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
