"""What an openness answer reads: the upstream closure (the ``standsOn`` walk) and the
licences every entity in it declares, in one read transaction."""

from __future__ import annotations

from dataclasses import dataclass

from schema.vocabulary import Rel
from service import limits
from service.queries.entities import adjacent_edges, entities_by_keys
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader, ReadTx
from service.queries.rows import EdgeRow, EntityRow, Lineage
from service.queries.walk import Budget, walk_upstream

_LICENCES = EdgeFilter(relations=frozenset({Rel.LICENSED_UNDER}))
# A repository with several licence files, or a card with a licence and its tag: a few.
_LICENCES_PER_ENTITY = 10


@dataclass(frozen=True)
class ClosureLicences:
    lineage: Lineage
    licence_edges: dict[str, list[EdgeRow]]
    licence_nodes: dict[str, EntityRow]


async def closure_licences(
    tx: ReadTx, key: str, depth: int, relations: frozenset[Rel]
) -> ClosureLicences | None:
    budget = Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET)
    # Openness needs the nodes and how each was reached, not every edge's evidence.
    lineage = await walk_upstream(
        tx, key, depth, EdgeFilter(relations=relations), budget, all_edges=False
    )
    if lineage is None:
        return None
    keys = [n.entity.key for n in lineage.nodes]
    edges = await adjacent_edges(tx, keys, "up", _LICENCES, _LICENCES_PER_ENTITY)
    ends = sorted({e.end for found in edges.values() for e in found})
    nodes = await entities_by_keys(tx, ends) if ends else {}
    return ClosureLicences(lineage, edges, nodes)


async def load_closure_licences(
    reader: Reader, key: str, depth: int, relations: frozenset[Rel]
) -> ClosureLicences | None:
    async def work(tx: ReadTx) -> ClosureLicences | None:
        return await closure_licences(tx, key, depth, relations)

    return await reader.read(work)
