"""What a source is, and what it hands the crawler.

A source fetches entities by key, in batches where its API allows, and turns each
payload into records with a pure mapper. It only emits edges that *start* at the
entities it fetched, so the sweep can tell which old assertions it withdrew.
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
class Stored:
    """What the graph already knows of an entity (for incremental runs)."""

    revision: str | None
    fetched_at: str | None
    upstream: tuple[tuple[str, str], ...] = ()  # (rel, end key) of its outgoing edges


@dataclass(frozen=True)
class Follow:
    """An upstream entity to crawl next, and the edge that leads to it."""

    key: str
    rel: Rel


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


class RunContext(Protocol):
    """What a source may use during a run (implemented by the crawler)."""

    run_id: str
    settings: Settings
    http: HttpClient

    def now(self) -> str: ...

    def provenance(self, source: str, url: str, revision: str | None) -> Provenance: ...

    def stored(self, key: str) -> Stored | None: ...

    def prefetch(self, keys: Sequence[str]) -> None:
        """Load what the graph knows of ``keys`` so ``stored`` answers without a query each."""
        ...

    def is_fresh(self, stored: Stored | None, revision: str | None) -> bool: ...


class Source(Protocol):
    name: ClassVar[str]
    prefixes: ClassVar[tuple[str, ...]]  # node-key prefixes this source fetches
    batch_size: ClassVar[int]  # keys per fetch() call (1 when the API has no batch call)

    def policy(self) -> ServicePolicy:
        """Base URL, rate limit and auth header of this source's API (for the HTTP layer)."""
        ...

    def fetch(self, keys: Sequence[str], ctx: RunContext) -> Iterator[FetchResult]: ...


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
