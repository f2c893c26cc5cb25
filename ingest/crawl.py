"""The crawl frontier: breadth-first, upstream, bounded per kind of hop.

Each entity is fetched at most once per run; cycles end because a key is never
queued twice. Results are written in small transactions (an entity's node and all
its edges always together), so a crash loses at most the batch in flight and a
re-run completes the graph. Hops are counted separately for model lineage, for
citations (which fan out fast) and for code (repositories and packages).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError

from ingest.http import HttpClient
from ingest.licence_nodes import licence_nodes
from ingest.loader import Loader
from ingest.records import NodeRecord, NodeStatus, Provenance, RecordBatch
from ingest.replay.public import PublicUrls
from ingest.runs import RunLock, RunReport
from ingest.sources.base import FetchResult, Follow, Head, Source, Stamp, utc_now
from schema import keys
from schema.keys import is_node_key, label_of
from schema.vocabulary import ENTITY, FAN_OUT_HOPS, RETRACTED, Rel
from shoulders.settings import Settings

log = logging.getLogger("shoulders.crawl")

CITATION_HOPS = FAN_OUT_HOPS[Rel.CITES]  # counted against Limits.paper_depth
CODE_HOPS = FAN_OUT_HOPS[Rel.DEPENDS_ON]  # counted against Limits.code_depth
#: Heads settled together: one stored-state query and one ``complete`` call per chunk.
SETTLE_CHUNK = 100


@dataclass(frozen=True)
class Limits:
    depth: int = 4  # model lineage, and model -> paper/code/library hops
    paper_depth: int = 2  # paper -> paper (citations)
    code_depth: int = 2  # repository -> package -> repository ...
    max_age: timedelta | None = None  # refetch even unchanged entities older than this


@dataclass(frozen=True)
class Item:
    key: str
    depth: int = 0
    paper_depth: int = 0
    code_depth: int = 0

    def step(self, follow: Follow) -> Item:
        if follow.rel in CITATION_HOPS:
            return Item(follow.key, self.depth, self.paper_depth + 1, self.code_depth)
        if follow.rel in CODE_HOPS:
            return Item(follow.key, self.depth, self.paper_depth, self.code_depth + 1)
        return Item(follow.key, self.depth + 1, self.paper_depth, self.code_depth)

    def within(self, limits: Limits) -> bool:
        return (
            self.depth <= limits.depth
            and self.paper_depth <= limits.paper_depth
            and self.code_depth <= limits.code_depth
        )


@dataclass(frozen=True)
class Stored:
    """What the graph already knows of an entity (for incremental runs)."""

    revision: str | None
    fetched_at: str | None
    upstream: tuple[tuple[str, str], ...] = ()  # (rel, end key) of its outgoing edges


class Crawler:
    """Runs one ingest: the frontier, freshness, batching, provenance stamps and accounting."""

    def __init__(
        self,
        *,
        driver: Driver,
        database: str,
        settings: Settings,
        http: HttpClient,
        sources: Sequence[Source],
        report: RunReport,
        limits: Limits,
        lock: RunLock | None = None,
        on_progress: Callable[[RunReport, int], None] | None = None,
        public_urls: PublicUrls | None = None,
    ) -> None:
        self.driver = driver
        self.public_urls = public_urls  # under --replay: loopback URLs -> the public ones
        self.database = database
        self.settings = settings
        self.http = http
        self.sources = list(sources)
        self.report = report
        self.run_id = report.run_id
        self.limits = limits
        self.lock = lock
        self.loader = Loader(driver, database)
        self.on_progress = on_progress
        self._seen: set[str] = set()
        self._stored: dict[str, Stored] = {}
        self._buffer = RecordBatch()
        self._buffer_fetched: list[tuple[str, str]] = []
        self._buffer_entities = 0
        self._last_key = ""

    def provenance(self, source: str, url: str, revision: str | None) -> Provenance:
        return self.stamp().provenance(source, url, revision)

    def stamp(self) -> Stamp:
        return Stamp(self.run_id, utc_now())

    def is_fresh(self, stored: Stored | None, revision: str | None) -> bool:
        """Unchanged since the stored revision, and (with ``--max-age``) read recently enough."""
        if stored is None or revision is None or stored.revision != revision:
            return False
        if self.limits.max_age is None or stored.fetched_at is None:
            return True
        fetched = datetime.fromisoformat(stored.fetched_at.replace("Z", "+00:00"))
        return datetime.now(UTC) - fetched < self.limits.max_age

    # --- the crawl ------------------------------------------------------------------
    def source_for(self, key: str) -> Source | None:
        for source in self.sources:
            if key.startswith(source.prefixes):
                return source
        return None

    def lister_for(self, key: str) -> Source | None:
        for source in self.sources:
            if source.listings and key.startswith(source.listings):
                return source
        return None

    def run(self, seeds: Iterable[str]) -> None:
        """Crawl upstream from ``seeds``; listing seeds (``hf-author:``) are expanded first."""
        seeds = list(seeds)
        level: list[Item] = []
        listed: set[str] = set()
        for key in seeds:
            lister = self.lister_for(key)
            if lister is not None:
                level.extend(self._fetch(lister, [Item(key)], listed))
            elif not is_node_key(key):
                raise ValueError(f"{key}: no enabled source lists these")
        # An entity queued as the upstream of a listed one before the listing reached it
        # was taken from the listing since: fetching it again would cost a request for nothing.
        level = [item for item in level if item.key not in listed]
        for key in seeds:
            if key not in self._seen and self.lister_for(key) is None:
                self._seen.add(key)
                level.append(Item(key))
        while level:
            next_level: list[Item] = []
            for source, items in self._by_source(level):
                for chunk in _chunks(items, max(1, source.batch_size)):
                    next_level.extend(self._fetch(source, chunk))
            level = next_level
            self._stored.clear()  # only needed for the level being fetched
        self._flush()

    def _by_source(self, items: list[Item]) -> Iterator[tuple[Source, list[Item]]]:
        groups: dict[str, tuple[Source, list[Item]]] = {}
        for item in items:
            source = self.source_for(item.key)
            if source is None:
                continue  # licences, organisations: nodes only, nothing to fetch
            groups.setdefault(source.name, (source, []))[1].append(item)
        yield from groups.values()

    def _fetch(
        self, source: Source, items: list[Item], listed: set[str] | None = None
    ) -> list[Item]:
        """Read ``items`` (or the entities one listing item names); return what to crawl next.

        ``listed`` collects the keys a listing answered with: they count as seeds.
        """
        by_key = {i.key: i for i in items}
        nxt: list[Item] = []
        done: set[str] = set()
        try:
            heads = source.heads([i.key for i in items], self.http)
            for chunk in _chunked(heads, SETTLE_CHUNK):
                for result in self._settle(source, chunk):
                    item = by_key.get(result.requested or result.key) or by_key.get(
                        _requested(result, by_key)
                    )
                    if item is None:
                        item = Item(result.key)
                    if listed is not None:
                        listed.add(result.key)
                    done.add(item.key)
                    self._seen.add(result.key)
                    self._seen.add(item.key)
                    nxt.extend(self._take(item, result, source.name))
        except (DriverError, Neo4jError):
            raise  # the database, not the source: the run stops (exit 1), nothing is blamed
        except Exception as exc:
            if listed is not None:
                raise  # a listing that cannot be read is the run's problem, not one entity's
            log.exception("source failed", extra={"source": source.name})
            for item in items:
                if item.key not in done:
                    self._take(
                        item,
                        FetchResult(item.key, error=f"{type(exc).__name__}: {exc}"),
                        source.name,
                    )
        return nxt

    def _settle(self, source: Source, chunk: list[Head | FetchResult]) -> Iterator[FetchResult]:
        """Skip the unchanged heads, complete the others, add what other sources add.

        Results come back in the order of ``chunk``, each entity's results together (the
        owner's first), so one entity's records are never split across transactions.
        """
        heads = [h for h in chunk if isinstance(h, Head)]
        self.prefetch([h.requested or h.key for h in heads])
        results: dict[str, list[FetchResult]] = {}
        changed: list[Head] = []
        for head in heads:
            stored = self._stored.get(head.key)
            if self.is_fresh(stored, head.revision):
                results[head.key] = [
                    FetchResult(
                        head.key,
                        skipped=True,
                        follow=_upstream_follows(stored),
                        source=source.name,
                        requested=head.requested,
                    )
                ]
            else:
                changed.append(head)
        if changed:
            requested = {h.key: h.requested for h in changed}
            for result in source.complete(changed, self.stamp(), self.http):
                result.source = result.source or source.name
                result.requested = result.requested or requested.get(result.key)
                results.setdefault(result.key, []).append(result)
            reread = [
                h.key for h in changed if all(r.error is None for r in results.get(h.key, ()))
            ]
            for adder in self._adders(source, reread):
                keys_ = [k for k in reread if k.startswith(adder.adds_to)]
                for result in adder.add(keys_, self.stamp(), self.http):
                    result.source = result.source or adder.name
                    results.setdefault(result.key, []).append(result)
        for entry in chunk:
            if isinstance(entry, FetchResult):
                yield entry
            else:
                yield from results.pop(entry.key, [])
        for rest in results.values():
            yield from rest

    def _adders(self, owner: Source, keys_: list[str]) -> list[Source]:
        return [
            s
            for s in self.sources
            if s is not owner and s.adds_to and any(k.startswith(s.adds_to) for k in keys_)
        ]

    def _take(self, item: Item, result: FetchResult, source_name: str = "") -> list[Item]:
        """Account for one result, buffer its records, return what to crawl next."""
        source_name = result.source or source_name
        # Flush only between keys: the results a source gives for one key (arXiv's paper and
        # S2's references of it) go into one transaction, so a crash never splits them.
        if self._buffer_entities >= self.settings.ingest_batch and result.key != self._last_key:
            self._flush()
        self._last_key = result.key
        for warning in result.warnings:
            if len(self.report.warnings) < 500:
                self.report.warnings.append(
                    self.public_urls.url(warning) if self.public_urls else warning
                )
        for counter, n in result.counts.items():
            self.report.bump(source_name, counter, n)
        if result.error is not None:
            if self.public_urls:
                result.error = self.public_urls.url(result.error)
            self.report.fail(item.key, source_name, result.error)
            failed = self.provenance(source_name, "", None)  # stamps failed_run
            result.batch.nodes.append(_unresolved(item.key, result.error, failed))
        elif result.skipped:
            self.report.skipped_unchanged += 1
            self.report.bump(source_name, "skipped")
        else:
            self.report.fetched += 1
            self.report.bump(source_name, "fetched")
            self._buffer_fetched.append((source_name, result.key))
        self._buffer.extend(result.batch)
        self._buffer.nodes.extend(licence_nodes(result.batch.edges))  # what each licence is
        self._buffer_entities += 1
        nxt = []
        for follow in result.follow:
            child = item.step(follow)
            if follow.key in self._seen or not child.within(self.limits):
                continue
            self._seen.add(follow.key)
            nxt.append(child)
        return nxt

    def _flush(self) -> None:
        if not self._buffer_entities:
            return
        batch = self.public_urls.batch(self._buffer) if self.public_urls else self._buffer
        counts = self.loader.write(batch, self._buffer_fetched, self.run_id)
        self.report.nodes_written += counts.nodes_created
        self.report.edges_written += counts.relationships_created
        self.report.entities_seen = len(self._seen)
        self._buffer = RecordBatch()
        self._buffer_fetched = []
        self._buffer_entities = 0
        if self.lock is not None:
            self.lock.heartbeat()
        if self.on_progress is not None:
            self.on_progress(self.report, len(self._seen))
        log.info(
            "flushed",
            extra={
                "fetched": self.report.fetched,
                "failed": self.report.failed,
                "seen": len(self._seen),
            },
        )

    def prefetch(self, keys: Sequence[str]) -> None:
        records, _, _ = self.driver.execute_query(
            f"UNWIND $keys AS key MATCH (n:{ENTITY} {{key: key}}) "
            f"OPTIONAL MATCH (n)-[r]->(m) WHERE r.stale_run IS NULL AND type(r) <> '{RETRACTED}' "
            # A fetch that failed after (or in the same run as) the last good one left the
            # entity incomplete, e.g. a paper whose references failed: never fresh.
            "RETURN key, CASE WHEN n.failed_run >= coalesce(n.fetched_run, '') THEN null "
            "ELSE n.revision END AS revision, n.fetched_at AS fetched_at, "
            "collect(DISTINCT [type(r), m.key]) AS upstream",
            keys=keys,
            database_=self.database,
        )
        self._stored.update(
            {
                r["key"]: Stored(
                    r["revision"],
                    r["fetched_at"],
                    tuple((rel, end) for rel, end in r["upstream"] if rel is not None),
                )
                for r in records
            }
        )


def _upstream_follows(stored: Stored | None) -> list[Follow]:
    """For a skipped entity: keep crawling through the edges the graph already has."""
    if stored is None:
        return []
    return [Follow(end, Rel(rel)) for rel, end in stored.upstream if rel in Rel.__members__]


def _unresolved(key: str, reason: str, provenance: Provenance) -> NodeRecord:
    return NodeRecord(
        key=key,
        label=label_of(key),
        name=keys.parse(key).name,
        provenance=provenance,
        status=NodeStatus.UNRESOLVED,
        reason=reason[:500],
    )


def _requested(result: FetchResult, by_key: dict[str, Item]) -> str:
    # A source that followed a rename answers with the new key; match case-insensitively.
    lowered = result.key.lower()
    for key in by_key:
        if key.lower() == lowered:
            return key
    return result.key


def _chunks(items: list[Item], size: int) -> Iterator[list[Item]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _chunked(heads: Iterable[Head | FetchResult], size: int) -> Iterator[list[Head | FetchResult]]:
    chunk: list[Head | FetchResult] = []
    for head in heads:
        chunk.append(head)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
