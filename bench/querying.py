"""Bench B: the API's questions, as GraphQL over HTTP and as the Cypher the resolvers send.

Each case is asked both ways about the same entity, in alternating order, so the two
latencies share the machine's conditions; the raw side calls the service's own query
functions (``service/queries``) with the async driver, exactly as the resolvers do.
Then 8 clients ask a mix at once for a fixed time, over HTTP and raw.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from neo4j import AsyncDriver

from bench.stats import Summary
from schema.vocabulary import MODEL_LINEAGE, Rel
from service import limits
from service.export import render as render_export
from service.export.source import export_source
from service.licensing.answers import assess_openness, check_licences
from service.queries.dependents import dependents_page
from service.queries.dependents_count import count_by_relation, count_dependents
from service.queries.entities import load_entities
from service.queries.explain import explain
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader
from service.queries.search import search
from service.queries.walk import Budget, stands_on

STANDS_ON = """query($key: String!, $depth: Int!, $relations: [Relation!]) {
  standsOn(key: $key, maxDepth: $depth, relations: $relations) {
    truncated
    nodes { distance entity { key kind name } via { relation } }
    edges { fromKey relation toKey method confidence
            evidence { source field value url revision } } } }"""
DEPENDENTS = """query($key: String!) {
  dependents(key: $key, first: 20) {
    pageInfo { hasNextPage endCursor } edges { distance relations node { key name } } } }"""
DEPENDENTS_COUNTED = """query($key: String!) {
  dependents(key: $key, first: 20) {
    totalCount truncated pageInfo { hasNextPage endCursor }
    edges { distance relations node { key name } } } }"""
DEPENDENTS_BY_RELATION = """query($key: String!) {
  dependents(key: $key, first: 20) {
    totalCount truncated byRelation { relation count } pageInfo { hasNextPage endCursor }
    edges { distance relations node { key name } } } }"""
EXPLAIN = """query($from: String!, $to: String!) {
  explain(from: $from, to: $to) {
    length truncated chains { hops { fromKey relation toKey method
                                     evidence { source field value } } } } }"""
LICENCE_CHECK = """query($key: String!) {
  licenseCheck(key: $key) {
    maxSeverity declared { id class }
    findings { code severity scope subjectKey terms { kind clause source }
               path { fromKey relation toKey evidence { source field value } } } } }"""
OPENNESS = """query($key: String!, $depth: Int!) {
  openness(key: $key, maxDepth: $depth) {
    verdict summary truncated byKind { kind total open openWithRestrictions closedOrUnknown }
    entities { key kind verdict reason } mof { reached couldReach } } }"""
SEARCH = """query($text: String!) {
  search(text: $text, first: 20) { totalCount edges { score node { key kind name } } } }"""

#: Asks the question the resolver's way; returns the answer's size and whether it was cut.
Raw = Callable[[Reader], Awaitable[tuple[int, bool]]]


@dataclass(frozen=True)
class Call:
    """One question about one entity, both ways."""

    raw: Raw
    document: str
    variables: dict[str, Any]
    path: str | None = None  # a GET route instead of the GraphQL document (exports)


@dataclass
class CaseResult:
    name: str
    target: str  # what the figure is held against, e.g. "p95 < 50 ms"
    raw_ms: list[float] = field(default_factory=list)
    http_ms: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    http_bytes: list[int] = field(default_factory=list)
    truncated: int = 0  # answers cut by a budget
    errors: int = 0

    @property
    def raw(self) -> Summary:
        return Summary.of(self.raw_ms)

    @property
    def http(self) -> Summary:
        return Summary.of(self.http_ms)


@dataclass(frozen=True)
class Load:
    """Concurrent clients for a fixed time."""

    path: str  # "GraphQL/HTTP" | "raw Cypher"
    clients: int
    seconds: float
    completed: int
    errors: int
    latency: Summary

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0


# --- the raw side: the resolvers' query functions ---------------------------------------
def _budget() -> Budget:
    return Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET)


def stands_on_call(key: str, depth: int, relations: frozenset[Rel] | None) -> Call:
    flt = EdgeFilter() if relations is None else EdgeFilter(relations=relations)

    async def raw(reader: Reader) -> tuple[int, bool]:
        found = await stands_on(reader, key, depth, flt, _budget())
        if found is None:
            return 0, False
        return len(found.nodes), found.truncation is not None

    names = None if relations is None else sorted(r.value for r in relations)
    return Call(raw, STANDS_ON, {"key": key, "depth": depth, "relations": names})


def export_call(key: str, depth: int, fmt: str = "cyclonedx") -> Call:
    """An export (GET /export/<fmt>/<key>): the walk, the runs, the document built.
    Its size: the lineage's entities."""

    async def raw(reader: Reader) -> tuple[int, bool]:
        found = await export_source(reader, key, depth, EdgeFilter(), _budget())
        if found is None:
            return 0, False
        render_export(found, fmt)
        return len(found.lineage.nodes), found.lineage.truncation is not None

    return Call(raw, "", {}, path=f"/export/{fmt}/{key}?depth={depth}")


def dependents_call(key: str, counts: bool = False, by_relation: bool = False) -> Call:
    """The first page of 20; with ``counts`` also totalCount and truncated (the counting
    query), with ``by_relation`` byRelation as well (the level walk, beside the count).
    Its size: the dependents counted with counts, the page's items without."""

    async def raw(reader: Reader) -> tuple[int, bool]:
        # What the resolver sends for this selection: the page, the counts if selected
        # (the count and the relations walk side by side), then the page's entities.
        page = await dependents_page(
            reader, key, 3, EdgeFilter(), limits.DEPENDENTS_BUDGET, None, 20
        )
        if page is None:
            return 0, False
        size, cut = len(page.items), False
        if counts or by_relation:
            asked = [count_dependents] + ([count_by_relation] if by_relation else [])
            found, *_ = await asyncio.gather(
                *(f(reader, key, 3, EdgeFilter(), limits.DEPENDENTS_BUDGET) for f in asked)
            )
            size, cut = (found.total, found.truncated) if found else (0, False)
        await load_entities(reader, [d.key for d in page.items])
        return size, cut

    if by_relation:
        return Call(raw, DEPENDENTS_BY_RELATION, {"key": key})
    return Call(raw, DEPENDENTS_COUNTED if counts else DEPENDENTS, {"key": key})


def explain_call(start: str, end: str) -> Call:
    async def raw(reader: Reader) -> tuple[int, bool]:
        found = await explain(reader, start, end, 6, EdgeFilter(), 10)
        return (len(found.chains), found.truncated) if found else (0, False)

    return Call(raw, EXPLAIN, {"from": start, "to": end})


def search_call(text: str) -> Call:
    async def raw(reader: Reader) -> tuple[int, bool]:
        return (await search(reader, text, None, 20, 0)).total, False

    return Call(raw, SEARCH, {"text": text})


def licence_check_call(key: str) -> Call:
    """The licence check: weights lineage (8 levels), teachers, data and their licences."""

    async def raw(reader: Reader) -> tuple[int, bool]:
        found = await check_licences(reader, key)
        return (len(found.findings), False) if found else (0, False)

    return Call(raw, LICENCE_CHECK, {"key": key})


def openness_call(key: str, depth: int) -> Call:
    """Openness: the standsOn closure, the licences in it, a verdict per entity."""

    async def raw(reader: Reader) -> tuple[int, bool]:
        found = await assess_openness(reader, key, depth)
        return (len(found.items), found.truncation is not None) if found else (0, False)

    return Call(raw, OPENNESS, {"key": key, "depth": depth})


LINEAGE_ONLY: frozenset[Rel] = MODEL_LINEAGE
DEPENDENTS_COUNTED_CASE = "dependents, first page with totalCount, the largest fan-in"
DEPENDENTS_BY_RELATION_CASE = (
    "dependents, first page with totalCount and byRelation, the largest fan-in"
)
LICENCE_CHECK_CASE = "licenseCheck, weights lineage depth 8"
OPENNESS_CASE = "openness, closure depth 8"


# --- measuring ---------------------------------------------------------------------------
WARM_TIMEOUT_SECONDS = 600.0


class Measurer:
    def __init__(
        self, driver: AsyncDriver, database: str, http: aiohttp.ClientSession, warm_all: bool = True
    ) -> None:
        self.reader = Reader(driver, database)
        # Warm-up calls are untimed and may be the first to touch their pages since the
        # server started (a --requery): no 15 s query limit for them.
        self.warm_reader = Reader(driver, database, timeout=WARM_TIMEOUT_SECONDS)
        self.http = http
        self.warm_all = warm_all

    async def raw_once(
        self, call: Call, reader: Reader | None = None
    ) -> tuple[float, tuple[int, bool]]:
        began = time.perf_counter()
        answer = await call.raw(reader or self.reader)
        return (time.perf_counter() - began) * 1000, answer

    async def http_once(self, call: Call) -> tuple[float, int]:
        """Milliseconds until the answer is parsed, and its size in bytes."""
        began = time.perf_counter()
        if call.path is not None:
            async with self.http.get(call.path) as response:
                content = await response.read()
            elapsed = (time.perf_counter() - began) * 1000
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {content[:300]!r}")
            return elapsed, len(content)
        request = {"query": call.document, "variables": call.variables}
        async with self.http.post("/graphql", json=request) as response:
            content = await response.read()
        body = orjson.loads(content)  # the API answers with orjson; a client may parse with it
        elapsed = (time.perf_counter() - began) * 1000
        if response.status != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL error: {str(body.get('errors'))[:300]}")
        return elapsed, len(content)

    async def case(self, name: str, target: str, calls: list[Call], repeats: int) -> CaseResult:
        result = CaseResult(name, target)
        for call in calls if self.warm_all else calls[:1]:  # untimed: plans cached, pages warm
            await self.raw_once(call, self.warm_reader)
            await self.http_once(call)
        for repeat in range(repeats):
            for i, call in enumerate(calls):
                raw_first = (repeat + i) % 2 == 0
                try:
                    if raw_first:
                        ms, size = await self.raw_once(call)
                        http_ms, length = await self.http_once(call)
                    else:
                        http_ms, length = await self.http_once(call)
                        ms, size = await self.raw_once(call)
                except RuntimeError:
                    result.errors += 1
                    continue
                result.raw_ms.append(ms)
                result.sizes.append(size[0])
                result.truncated += size[1]
                result.http_ms.append(http_ms)
                result.http_bytes.append(length)
        return result

    async def load(self, path: str, calls: list[Call], clients: int, seconds: float) -> Load:
        mix = itertools.cycle(calls)
        latencies: list[float] = []
        errors = 0
        deadline = time.perf_counter() + seconds

        async def client() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                call = next(mix)
                try:
                    if path == "raw Cypher":
                        ms, _ = await self.raw_once(call)
                    else:
                        ms, _ = await self.http_once(call)
                except Exception:
                    errors += 1
                    continue
                latencies.append(ms)

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - began
        return Load(path, clients, elapsed, len(latencies), errors, Summary.of(latencies))
