"""The walk that openness uses (``all_edges=False``) reaches exactly what the full walk
reaches: the same nodes at the same distances, by the same ``via`` edges with the same
evidence, cut by the same budget -- only the other edges are left out."""

from __future__ import annotations

import asyncio
from functools import partial

from neo4j import Driver

from schema.vocabulary import ENTITY, Label, Rel
from service import limits
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader, ReadTx
from service.queries.rows import Lineage
from service.queries.walk import Budget, walk_upstream
from shoulders.db import async_driver
from shoulders.settings import Settings
from tests import api_graph as g

FILTERS = [
    EdgeFilter(),
    EdgeFilter(include_inferred=False),
    EdgeFilter(kinds=frozenset({Label.MODEL, Label.PAPER})),
    EdgeFilter(relations=frozenset(Rel) - {Rel.LICENSED_UNDER, Rel.PUBLISHED_BY}),
]
BUDGETS = [
    Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET),
    Budget(6, 9),  # cuts most answers short
    Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET, fan_out={}),
]


async def _both(tx: ReadTx, root: str, flt: EdgeFilter, budget: Budget) -> tuple[Lineage, Lineage]:
    full = await walk_upstream(tx, root, 8, flt, budget)
    light = await walk_upstream(tx, root, 8, flt, budget, all_edges=False)
    assert full is not None and light is not None
    return full, light


def _walks(settings: Settings, roots: list[str]) -> list[tuple[Lineage, Lineage]]:
    async def run() -> list[tuple[Lineage, Lineage]]:
        driver = async_driver(settings)
        try:
            reader = Reader(driver, settings.neo4j_database)
            return [
                await reader.read(partial(_both, root=root, flt=flt, budget=budget))
                for root in roots
                for flt in FILTERS
                for budget in BUDGETS
            ]
        finally:
            await driver.close()

    return asyncio.run(run())


def test_nodes_only_walk_matches_the_full_walk(graph: Driver, settings: Settings) -> None:
    g.write_deepseek_graph(graph, settings.neo4j_database)
    with graph.session(database=settings.neo4j_database) as session:
        roots = sorted(r["k"] for r in session.run(f"MATCH (n:{ENTITY}) RETURN n.key AS k"))
    assert len(roots) > 10
    cut = with_via = 0
    for full, light in _walks(settings, roots):
        assert light.edges == []
        assert light.truncation == full.truncation
        assert [(n.entity.key, n.distance) for n in light.nodes] == [
            (n.entity.key, n.distance) for n in full.nodes
        ]
        assert [n.via for n in light.nodes] == [n.via for n in full.nodes]  # with evidence
        cut += full.truncation is not None
        with_via += sum(n.via is not None and bool(n.via.assertions) for n in light.nodes)
    assert cut > 0 and with_via > 50  # the cases above did cut answers and read evidence
