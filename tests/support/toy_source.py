"""A toy source, written the way a real one is (see docs/architecture.md, "Adding a source").

It reads PyPI's JSON API -- a recorded answer the replay server already has -- and
says only what a package is called and which version was read. Everything else
(frontier, freshness, provenance stamps, batching, accounting) is the crawler's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from ingest.http import HttpClient, HttpError, ServicePolicy
from ingest.records import NodeRecord
from ingest.sources.base import FetchResult, Head, Source, Stamp
from schema import keys
from schema.vocabulary import Label
from shoulders.settings import Settings


@dataclass(frozen=True)
class Read:
    url: str
    name: str  # as PyPI spells it


class ToySource(Source):
    name: ClassVar[str] = "toy"
    prefixes: ClassVar[tuple[str, ...]] = ("pypi:",)
    batch_size: ClassVar[int] = 10

    def __init__(self, settings: Settings) -> None:
        if not settings.pypi_endpoint:
            raise ValueError("the toy source reads SHOULDERS_PYPI_ENDPOINT (the replay server)")
        self.root = settings.pypi_endpoint.rstrip("/") + "/pypi"

    def policy(self) -> ServicePolicy:
        parts = urlsplit(self.root)
        return ServicePolicy(name=self.name, base_url=f"{parts.scheme}://{parts.netloc}")

    def heads(self, keys_: Sequence[str], http: HttpClient) -> Iterator[Head | FetchResult]:
        for key in keys_:
            url = f"{self.root}/{keys.parse(key).id}/json"
            try:
                info = http.request(self.name, "GET", url).json()["info"]
            except HttpError as exc:
                yield FetchResult(key, error=str(exc), source=self.name)
                continue
            yield Head(keys.pypi(info["name"]), info["version"], Read(url, info["name"]))

    def complete(
        self, heads: Sequence[Head], stamp: Stamp, http: HttpClient
    ) -> Iterator[FetchResult]:
        for head in heads:
            read = head.payload
            assert isinstance(read, Read)
            node = NodeRecord(
                head.key,
                Label.PACKAGE,
                read.name,
                {"version": head.revision},
                stamp.provenance(self.name, read.url, head.revision),
            )
            result = FetchResult(head.key, source=self.name)
            result.batch.nodes.append(node)
            yield result
