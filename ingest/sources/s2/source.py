"""The Semantic Scholar source: papers without an arXiv id (``doi:``, ``s2:`` keys).

Design: the crawler hands each key to exactly one source, by prefix. arXiv papers
(``arxiv:``) belong to the arXiv source; this source *adds* their references
(``adds_to``): the crawler asks it right after arXiv re-read a batch, and writes each
paper with its references (see ``citations.py``), both APIs batched. This source owns
the papers only S2 can describe -- references that have no arXiv id -- and reads
their metadata and their references from S2.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from pydantic import ValidationError

from ingest.http import HttpClient, HttpError, ServicePolicy
from ingest.sources.base import FetchResult, Head, Source, Stamp
from ingest.sources.s2 import client as s2
from ingest.sources.s2.citations import references_of
from ingest.sources.s2.client import S2Client
from ingest.sources.s2.mapper import map_paper, s2_id
from ingest.sources.s2.payloads import Paper
from shoulders.settings import Settings

SOURCE = s2.SERVICE
PAPER_FIELDS = "externalIds,title,venue,year,publicationDate,authors"


@dataclass(frozen=True)
class Read:
    """One paper as the batch call answered it, and the URL of that call."""

    paper: Paper
    url: str


class S2Source(Source):
    name: ClassVar[str] = SOURCE
    prefixes: ClassVar[tuple[str, ...]] = ("doi:", "s2:")
    adds_to: ClassVar[tuple[str, ...]] = ("arxiv:",)
    batch_size: ClassVar[int] = 100

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def policy(self) -> ServicePolicy:
        return s2.policy(self.settings)

    def heads(self, keys_: Sequence[str], http: HttpClient) -> Iterator[Head | FetchResult]:
        client = S2Client(self.settings, http)
        try:
            url, papers = client.batch([s2_id(k) for k in keys_], PAPER_FIELDS)
        except (HttpError, ValidationError, ValueError) as exc:
            for key in keys_:
                yield FetchResult(key, error=f"Semantic Scholar batch: {exc}", source=SOURCE)
            return
        for key, paper in zip(keys_, papers, strict=True):
            if paper is None:
                yield FetchResult(
                    key, error=f"Semantic Scholar has no paper {s2_id(key)}", source=SOURCE
                )
            else:
                yield Head(key, None, Read(paper, url))  # no revision: always re-read

    def complete(
        self, heads: Sequence[Head], stamp: Stamp, http: HttpClient
    ) -> Iterator[FetchResult]:
        client = S2Client(self.settings, http)
        known: dict[str, Read] = {}
        for head in heads:
            if not isinstance(head.payload, Read):
                raise TypeError(f"{head.key}: not a Semantic Scholar head")
            known[head.key] = head.payload
        papers: dict[str, Paper | None] = {k: r.paper for k, r in known.items()}
        for result in references_of(list(known), client, stamp, papers):
            read = known[result.key]
            node = map_paper(result.key, read.paper, stamp.provenance(SOURCE, read.url, None))
            if result.error is not None:  # the paper is still known; only its citations are not
                result = FetchResult(result.key, source=SOURCE, warnings=[result.error])
            result.batch.nodes.insert(0, node)
            yield result

    def add(self, keys_: Sequence[str], stamp: Stamp, http: HttpClient) -> Iterator[FetchResult]:
        """The references of papers another source (arXiv) just re-read."""
        yield from references_of(keys_, S2Client(self.settings, http), stamp)
