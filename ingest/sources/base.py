"""What a source is, and what it hands the crawler.

A source reads entities by key, in batches where its API allows, and turns each
payload into records with a pure mapper. It asks the crawler nothing: it gets plain
data in (keys, the heads it read, the run's stamp) and gives plain data out. The
crawler owns the frontier, freshness, batching, accounting and the run.

One fetch is two steps, so the crawler can skip what did not change before the
source spends requests on it:

1. ``heads(keys)``: the first, cheap read of each entity (the Hub's model info, an
   arXiv batch, a GitHub repository and tree, a PyPI project) -> one ``Head`` each,
   carrying the revision and the payload read so far; or a ``FetchResult`` with an
   error when there is nothing to read.
2. ``complete(heads, stamp)``: for the heads the crawler found changed, whatever else
   the entity needs (a model card, manifests, references) and the mapping to records.

A source may also add to entities another source owns (``adds_to``): Semantic
Scholar adds the references of arXiv papers. The crawler asks it right after the
owner completed them, and writes both together. A source only emits edges that
*start* at the entities it fetched, so the sweep can tell which old assertions it
withdrew.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar, Protocol

from ingest.http import HttpClient, ServicePolicy
from ingest.records import Provenance, RecordBatch
from schema.vocabulary import Rel
from shoulders.settings import Settings


@dataclass(frozen=True)
class Follow:
    """An upstream entity to crawl next, and the edge that leads to it."""

    key: str
    rel: Rel


@dataclass(frozen=True)
class Stamp:
    """The run and the time the crawler stamps on everything one fetch step asserts."""

    run_id: str
    fetched_at: str

    def provenance(self, source: str, url: str, revision: str | None) -> Provenance:
        return Provenance(source, url, revision, self.fetched_at, self.run_id)


@dataclass(frozen=True)
class Head:
    """The first read of one entity: enough for the crawler to tell whether it changed."""

    key: str  # the key the source answered with (a renamed entity answers its new key)
    revision: str | None  # None: no revision to compare, always re-read
    payload: object  # what the source read so far; only the source looks inside
    requested: str | None = None  # the key asked for, when it differs from ``key``


@dataclass
class FetchResult:
    key: str
    batch: RecordBatch = field(default_factory=RecordBatch)
    follow: list[Follow] = field(default_factory=list)
    error: str | None = None  # the entity could not be fetched: why
    skipped: bool = False  # unchanged since the stored revision; nothing rewritten
    source: str = ""
    requested: str | None = None  # the key asked for, when the source answered another (rename)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # for the run report's per_source


@dataclass
class Mapped:
    """What a mapper makes of one payload: records, what to crawl next, and warnings."""

    batch: RecordBatch = field(default_factory=RecordBatch)
    follow: list[Follow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Source(Protocol):
    """One upstream API. Sources subclass this to take the defaults of the optional parts."""

    name: ClassVar[str]
    prefixes: ClassVar[tuple[str, ...]]  # node-key prefixes this source fetches
    batch_size: ClassVar[int]  # keys per heads() call (1 when the API has no batch call)
    #: Seed prefixes this source expands into many entities (``hf-author:``): ``heads`` of
    #: such a key yields the head of every entity listed.
    listings: ClassVar[tuple[str, ...]] = ()
    #: Key prefixes owned by another source that this one adds assertions to (see ``add``).
    adds_to: ClassVar[tuple[str, ...]] = ()

    def __init__(self, settings: Settings) -> None: ...

    def policy(self) -> ServicePolicy:
        """Base URL, rate limit and auth header of this source's API (for the HTTP layer)."""
        ...

    def heads(self, keys: Sequence[str], http: HttpClient) -> Iterator[Head | FetchResult]:
        """The first read of each key (or each listed entity); a FetchResult when it failed."""
        ...

    def complete(
        self, heads: Sequence[Head], stamp: Stamp, http: HttpClient
    ) -> Iterator[FetchResult]:
        """Records for the changed ``heads``: at least one result per head."""
        ...

    def add(self, keys: Sequence[str], stamp: Stamp, http: HttpClient) -> Iterator[FetchResult]:
        """This source's assertions about entities of ``adds_to`` that were just re-read."""
        return iter(())


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
