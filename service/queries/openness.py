"""What an openness answer reads: the upstream closure (the ``standsOn`` walk) and the
licences every entity in it declares, in one read transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from schema.vocabulary import ENTITY, Rel
from service import limits
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader, ReadTx
from service.queries.rows import EdgeRow, EntityRow, Lineage
from service.queries.walk import Budget, walk_upstream

_LICENCES = EdgeFilter(relations=frozenset({Rel.LICENSED_UNDER}))
# A repository with several licence files, or a card with a licence and its tag: a few.
_LICENCES_PER_ENTITY = 10

#: The closure's entities with the licences each declares, in one statement: the root
#: with all its properties (the MOF estimate reads them), the others with what a verdict
#: reads. A closure of a thousand entities read twice by key, and all their properties,
#: cost more than the walk's levels.
_ENTITIES_WITH_LICENCES = (
    f"UNWIND $keys AS k MATCH (n:{ENTITY} {{key: k}}) "
    "CALL (n) { "
    f"  MATCH (n)-[r:{_LICENCES.types}]->(b:{ENTITY}) WHERE {_LICENCES.where} "
    "  WITH b, r ORDER BY r.assertion "
    "  WITH b, collect(properties(r)) AS assertions ORDER BY b.key LIMIT $per_key "
    "  RETURN collect([b.key, assertions, properties(b)]) AS licences "
    "} "
    "RETURN collect([CASE n.key WHEN $root THEN properties(n) "
    "  ELSE n {.key, .name, .status, .license, .license_spdx, .gated} END, licences]) AS rows"
)


@dataclass(frozen=True)
class ClosureLicences:
    lineage: Lineage
    licence_edges: dict[str, list[EdgeRow]]
    licence_nodes: dict[str, EntityRow]


@dataclass
class _EntitiesWithLicences:
    """The walk's last read: its entities, keeping the licences read with them."""

    root: str
    edges: dict[str, list[EdgeRow]] = field(default_factory=dict)
    nodes: dict[str, EntityRow] = field(default_factory=dict)

    async def read(self, tx: ReadTx, keys: Sequence[str]) -> dict[str, EntityRow]:
        rows = await tx.table(
            _ENTITIES_WITH_LICENCES,
            keys=list(dict.fromkeys(keys)),
            root=self.root,
            per_key=_LICENCES_PER_ENTITY,
            **_LICENCES.params(),
        )
        entities: dict[str, EntityRow] = {}
        for props, licences in rows:
            entity = EntityRow.from_props({k: v for k, v in props.items() if v is not None})
            entities[entity.key] = entity
            edges = self.edges[entity.key] = []
            for end, assertions, licence in licences:
                edges.append(
                    EdgeRow.from_record(entity.key, Rel.LICENSED_UNDER.value, end, assertions)
                )
                if end not in self.nodes:
                    self.nodes[end] = EntityRow.from_props(licence)
        return entities


async def closure_licences(
    tx: ReadTx, key: str, depth: int, relations: frozenset[Rel]
) -> ClosureLicences | None:
    budget = Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET)
    found = _EntitiesWithLicences(key)
    # Openness needs the nodes and how each was reached, not every edge's evidence.
    lineage = await walk_upstream(
        tx,
        key,
        depth,
        EdgeFilter(relations=relations),
        budget,
        all_edges=False,
        read_entities=found.read,
    )
    if lineage is None:
        return None
    return ClosureLicences(lineage, found.edges, found.nodes)


async def load_closure_licences(
    reader: Reader, key: str, depth: int, relations: frozenset[Rel]
) -> ClosureLicences | None:
    async def work(tx: ReadTx) -> ClosureLicences | None:
        return await closure_licences(tx, key, depth, relations)

    return await reader.read(work)
