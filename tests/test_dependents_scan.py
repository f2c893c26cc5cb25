"""The direct page of a high-degree root scans the key indexes; it must page exactly as the
top-k over every dependent's key does (the path small roots take), and the counts must be
the walk's.

The graph: a paper cited by papers, described by and mentioned in models and datasets
(three labels, four relations, some inferred or weak), with dependents of those dependents
so pages cross from distance 1 to 2; and a base model with fine-tunes and adapters.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver

from ingest.loader import Loader
from ingest.records import EdgeRecord, Evidence, NodeRecord, Provenance, RecordBatch
from schema import keys
from schema.vocabulary import Label, Method, Rel
from service.queries.dependents import Position, dependents, dependents_page
from service.queries.dependents_count import (
    DependentCounts,
    count_by_relation,
    count_dependents,
    count_statement,
)
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader
from service.queries.rows import Dependent
from service.types.dependents import Summary
from shoulders.db import async_driver
from shoulders.settings import Settings

PROV = Provenance("test", "https://example.org", None, "2026-01-01T00:00:00Z", "run-scan")
PAPER = keys.arxiv("2401.00001")
BASE = keys.hf_model("lab/base")
NEVER = 1 << 40  # a degree threshold no root reaches: the top-k path
ALWAYS = 1  # every root with a dependent: the scan path


def _edge(rel: Rel, start: str, end: str, i: int) -> EdgeRecord:
    # Every third edge is inferred, every fifth weak: the filters must drop the same ones.
    method = Method.INFERRED if i % 3 == 0 else Method.DECLARED
    confidence = 0.4 if i % 5 == 0 else 0.9
    return EdgeRecord(rel, start, end, PROV, Evidence("f", f"{start}>{end}", method, confidence))


def _graph() -> RecordBatch:
    nodes = [
        NodeRecord(PAPER, Label.PAPER, "root paper", {}, PROV),
        NodeRecord(BASE, Label.MODEL, "base", {}, PROV),
    ]
    edges: list[EdgeRecord] = []
    # Keys interleave across labels in key order only within a label's own prefix, so the
    # scan must merge labels; names with capitals and digits test the string order.
    for i in range(120):
        model = keys.hf_model(f"org{i % 7}/M-{i:03d}")
        nodes.append(NodeRecord(model, Label.MODEL, model, {}, PROV))
        edges.append(_edge(Rel.DESCRIBED_BY if i % 2 else Rel.MENTIONS_PAPER, model, PAPER, i))
        if i % 4 == 0:  # both relations to the same root: one dependent, two relations
            edges.append(_edge(Rel.DESCRIBED_BY, model, PAPER, i + 1))
        edges.append(_edge(Rel.FINETUNED_FROM, model, BASE, i))
        if i % 6 == 0:
            edges.append(_edge(Rel.ADAPTER_OF, model, BASE, i + 2))
        if i % 10 == 0:  # a fine-tune of a fine-tune: distance 2 from the base
            child = keys.hf_model(f"kids/c-{i:03d}")
            nodes.append(NodeRecord(child, Label.MODEL, child, {}, PROV))
            edges.append(_edge(Rel.FINETUNED_FROM, child, model, i))
    for i in range(90):
        paper = keys.arxiv(f"2402.{i:05d}")
        nodes.append(NodeRecord(paper, Label.PAPER, paper, {}, PROV))
        edges.append(_edge(Rel.CITES, paper, PAPER, i))
        if i % 9 == 0:
            later = keys.arxiv(f"2403.{i:05d}")
            nodes.append(NodeRecord(later, Label.PAPER, later, {}, PROV))
            edges.append(_edge(Rel.CITES, later, paper, i))
    for i in range(40):
        dataset = keys.hf_dataset(f"data{i % 3}/d-{i:02d}")
        nodes.append(NodeRecord(dataset, Label.DATASET, dataset, {}, PROV))
        edges.append(_edge(Rel.DESCRIBED_BY, dataset, PAPER, i))
    # Cycles through each root: the counts must not count a root, nor anything twice.
    edges.append(_edge(Rel.FINETUNED_FROM, BASE, keys.hf_model("kids/c-000"), 1))
    edges.append(_edge(Rel.CITES, PAPER, keys.arxiv("2403.00000"), 1))
    # Entities with no edge to either root, between the dependents in key order.
    for i in range(200):
        other = keys.hf_model(f"org{i % 7}/N-{i:03d}")
        nodes.append(NodeRecord(other, Label.MODEL, other, {}, PROV))
    return RecordBatch(nodes, edges)


@pytest.fixture(scope="module")
def scan_graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    from tests.conftest import wipe

    wipe(driver, settings.neo4j_database)
    Loader(driver, settings.neo4j_database).write(_graph())
    yield driver
    wipe(driver, settings.neo4j_database)


def _pages(
    settings: Settings, root: str, flt: EdgeFilter, depth: int, size: int, threshold: int
) -> list[list[Dependent]]:
    async def go() -> list[list[Dependent]]:
        driver = async_driver(settings)
        try:
            reader = Reader(driver, settings.neo4j_database)
            pages: list[list[Dependent]] = []
            after: Position | None = None
            while True:
                page = await dependents_page(
                    reader, root, depth, flt, 100_000, after, size, scan_min_degree=threshold
                )
                assert page is not None
                pages.append(page.items)
                if not page.has_next:
                    return pages
                last = page.items[-1]
                after = (last.distance, last.key)
        finally:
            await driver.close()

    return asyncio.run(go())


def _plain(pages: list[list[Dependent]]) -> list[list[tuple[str, int, str, tuple[Rel, ...]]]]:
    # Element ids differ between transactions; everything else must match.
    return [[(d.key, d.distance, d.through, d.relations) for d in page] for page in pages]


FILTERS = [
    EdgeFilter(),
    EdgeFilter(relations=frozenset({Rel.DESCRIBED_BY, Rel.CITES})),
    EdgeFilter(kinds=frozenset({Label.DATASET, Label.PAPER})),
    EdgeFilter(include_inferred=False),
    EdgeFilter(min_confidence=0.5),
    EdgeFilter(relations=frozenset({Rel.ADAPTER_OF}), include_inferred=False),
]


@pytest.mark.parametrize(
    "flt", FILTERS, ids=["all", "relations", "kinds", "declared", "confidence", "adapters"]
)
@pytest.mark.parametrize("root", [PAPER, BASE])
def test_the_scan_pages_exactly_as_the_top_k(
    scan_graph: Driver, settings: Settings, root: str, flt: EdgeFilter
) -> None:
    for size in (7, 50):
        old = _pages(settings, root, flt, 2, size, NEVER)
        new = _pages(settings, root, flt, 2, size, ALWAYS)
        assert _plain(new) == _plain(old)
        items = [d for page in old for d in page]
        assert [(d.distance, d.key) for d in items] == sorted((d.distance, d.key) for d in items)


def test_pages_cross_from_direct_to_indirect_dependents(
    scan_graph: Driver, settings: Settings
) -> None:
    pages = _pages(settings, PAPER, EdgeFilter(), 2, 9, ALWAYS)
    items = [d for page in pages for d in page]
    direct = [d for d in items if d.distance == 1]
    # Distance 2: ten later papers and twelve fine-tunes of the models.
    assert len(direct) == 120 + 90 + 40 and len(items) == len(direct) + 10 + 12
    both = [d for d in direct if d.relations == (Rel.DESCRIBED_BY, Rel.MENTIONS_PAPER)]
    assert len(both) == 30  # every fourth model
    crossing = next(p for p in pages if {d.distance for d in p} == {1, 2})
    assert crossing  # one page holds the last direct and the first indirect dependents

    async def counts() -> tuple[int, dict[Rel, int]]:
        driver = async_driver(settings)
        try:
            found = await dependents(
                Reader(driver, settings.neo4j_database), PAPER, 2, EdgeFilter(), 100_000
            )
            assert found is not None
            return len(found.items), found.by_relation
        finally:
            await driver.close()

    total, by_relation = asyncio.run(counts())
    assert total == len(items)
    assert by_relation[Rel.CITES] == 90 + 10


def test_the_first_page_of_a_high_degree_root_is_answered_by_the_scan(
    scan_graph: Driver, settings: Settings
) -> None:
    async def queries(threshold: int) -> int:
        driver = async_driver(settings)
        try:
            reader = Reader(driver, settings.neo4j_database)
            page = await dependents_page(reader, PAPER, 3, EdgeFilter(), 100, None, 5, threshold)
            assert page is not None and len(page.items) == 5
            return reader.queries
        finally:
            await driver.close()

    # The top-k: one query. The scan: the head, then the scan (no fallback).
    assert asyncio.run(queries(NEVER)) == 1 and asyncio.run(queries(ALWAYS)) == 2


def test_a_missing_root_is_none_on_both_paths(scan_graph: Driver, settings: Settings) -> None:
    async def go(threshold: int) -> object:
        driver = async_driver(settings)
        try:
            reader = Reader(driver, settings.neo4j_database)
            return await dependents_page(
                reader, "hf:model:no/such", 3, EdgeFilter(), 100, None, 5, threshold
            )
        finally:
            await driver.close()

    assert asyncio.run(go(NEVER)) is None and asyncio.run(go(ALWAYS)) is None


FILTER_IDS = ["all", "relations", "kinds", "declared", "confidence", "adapters"]


@pytest.mark.parametrize("flt", FILTERS, ids=FILTER_IDS)
def test_the_counts_are_the_walks_within_and_past_the_budget(
    scan_graph: Driver, settings: Settings, flt: EdgeFilter
) -> None:
    async def go() -> None:
        driver = async_driver(settings)
        try:
            reader = Reader(driver, settings.neo4j_database)
            for root, depth, budget in itertools.product((PAPER, BASE), (1, 2, 3), (100_000, 60)):
                walked = await dependents(reader, root, depth, flt, budget)
                assert walked is not None
                expected = DependentCounts.of(walked)
                counted = await count_dependents(reader, root, depth, flt, budget)
                assert counted == DependentCounts(expected.total, None, expected.truncated), (
                    root,
                    depth,
                    budget,
                )
                by_relation = await count_by_relation(reader, root, depth, flt, budget)
                assert by_relation == expected, (root, depth, budget)
            for count in (count_dependents, count_by_relation):
                assert await count(reader, "hf:model:no/such", 3, flt, 10) is None
        finally:
            await driver.close()

    asyncio.run(go())


AS_OF = EdgeFilter(as_of="2026-06-01T00:00:00Z")


@pytest.mark.parametrize("flt", [*FILTERS, AS_OF], ids=[*FILTER_IDS, "as-of"])
def test_the_count_is_planned_as_a_pruning_search(
    scan_graph: Driver, settings: Settings, flt: EdgeFilter
) -> None:
    # Without pruning the same text enumerates every path: exponential on a citation graph.
    with scan_graph.session(database=settings.neo4j_database) as session:
        plan = (
            session.run("EXPLAIN " + count_statement(flt, 3), root=PAPER, limit=10, **flt.params())
            .consume()
            .plan
        )
    assert plan is not None

    def operators(step: dict[str, Any]) -> Iterator[str]:
        yield str(step["operatorType"])
        for child in step.get("children", []):
            yield from operators(child)

    assert any(op.startswith("VarLengthExpand(Pruning") for op in operators(plan)), list(
        operators(plan)
    )


@pytest.mark.parametrize("budget", [100_000, 60])
def test_the_summary_counts_once_and_walks_only_for_by_relation(
    scan_graph: Driver, settings: Settings, budget: int
) -> None:
    async def go() -> None:
        driver = async_driver(settings)
        try:
            reader = Reader(driver, settings.neo4j_database)
            calls: list[str] = []

            async def count() -> DependentCounts:
                calls.append("count")
                found = await count_dependents(reader, PAPER, 3, EdgeFilter(), budget)
                assert found is not None
                return found

            async def relations() -> DependentCounts:
                calls.append("relations")
                found = await count_by_relation(reader, PAPER, 3, EdgeFilter(), budget)
                assert found is not None
                return found

            walked = await dependents(reader, PAPER, 3, EdgeFilter(), budget)
            assert walked is not None and walked.truncated == (budget == 60)
            only_counts = Summary(count, relations)
            first, second = await asyncio.gather(only_counts.counts(), only_counts.counts())
            assert first is second and (first.total, first.truncated) == (
                len(walked.items),
                walked.truncated,
            )
            assert calls == ["count"]
            both = Summary(count, relations)
            counts, by_relation = await asyncio.gather(both.counts(), both.by_relation())
            assert by_relation == walked.by_relation and by_relation
            assert counts.total == len(walked.items) and await both.by_relation() == by_relation
            assert calls == ["count", "count", "relations"]
        finally:
            await driver.close()

    asyncio.run(go())
