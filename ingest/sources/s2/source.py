"""The Semantic Scholar source: papers without an arXiv id (``doi:``, ``s2:`` keys).

Design: the crawler hands each key to exactly one source, by prefix. arXiv papers
(``arxiv:``) belong to the arXiv source, which reads their metadata from arXiv and
their references from S2 in the same fetch (see ``citations.py``): one fetch per
entity per run, and both APIs batched. This source owns the papers only S2 can
describe -- references that have no arXiv id -- and reads their metadata and their
references from S2. It also registers the S2 service (rate limit, API key) with the
HTTP layer, so the arXiv source fetches references only when this source runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from pydantic import ValidationError

from ingest.http import HttpError, ServicePolicy
from ingest.sources.base import FetchResult, RunContext
from ingest.sources.s2 import client as s2
from ingest.sources.s2.citations import references_of
from ingest.sources.s2.client import S2Client
from ingest.sources.s2.mapper import map_paper, s2_id
from ingest.sources.s2.payloads import Paper
from shoulders.settings import Settings

SOURCE = s2.SERVICE
PAPER_FIELDS = "externalIds,title,venue,year,publicationDate,authors"


class S2Source:
    name: ClassVar[str] = SOURCE
    prefixes: ClassVar[tuple[str, ...]] = ("doi:", "s2:")
    batch_size: ClassVar[int] = 100

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def policy(self) -> ServicePolicy:
        return s2.policy(self.settings)

    def fetch(self, keys_: Sequence[str], ctx: RunContext) -> Iterator[FetchResult]:
        client = S2Client(self.settings, ctx.http)
        try:
            url, papers = client.batch([s2_id(k) for k in keys_], PAPER_FIELDS)
        except (HttpError, ValidationError, ValueError) as exc:
            for key in keys_:
                yield FetchResult(key, error=f"Semantic Scholar batch: {exc}", source=SOURCE)
            return
        known: dict[str, Paper | None] = {}
        for key, paper in zip(keys_, papers, strict=True):
            if paper is None:
                yield FetchResult(
                    key, error=f"Semantic Scholar has no paper {s2_id(key)}", source=SOURCE
                )
            else:
                known[key] = paper
        for result in references_of(list(known), client, ctx, known):
            paper = known[result.key]
            assert paper is not None
            node = map_paper(result.key, paper, ctx.provenance(SOURCE, url, None))
            if result.error is not None:  # the paper is still known; only its citations are not
                result = FetchResult(result.key, source=SOURCE, warnings=[result.error])
            result.batch.nodes.insert(0, node)
            yield result
