"""``Lineage``: the answer of ``standsOn`` — entities with their distance, and the edges."""

from __future__ import annotations

import strawberry

from service.queries.rows import Lineage as LineageRow
from service.queries.rows import LineageNode as LineageNodeRow
from service.types.convert import to_entity
from service.types.edge import Edge
from service.types.entity import Entity
from service.types.truncation import Truncation


@strawberry.type(description="An entity in a lineage, with how far up it is.")
class LineageNode:
    entity: Entity
    distance: int = strawberry.field(description="Edges from the root; 0 for the root itself.")
    via: Edge | None = strawberry.field(description="The edge that first reached it.")

    @classmethod
    def from_row(cls, row: LineageNodeRow) -> LineageNode:
        return cls(
            entity=to_entity(row.entity),
            distance=row.distance,
            via=None if row.via is None else Edge.from_row(row.via),
        )


@strawberry.type(description="The upstream closure of one entity: what it stands on.")
class Lineage:
    root: Entity
    max_depth: int
    nodes: list[LineageNode] = strawberry.field(
        description="Distinct entities, root first, ordered by distance then key."
    )
    edges: list[Edge] = strawberry.field(description="Every edge among the nodes that was walked.")
    truncated: bool
    truncation: Truncation | None

    @classmethod
    def from_row(cls, row: LineageRow) -> Lineage:
        return cls(
            root=to_entity(row.root),
            max_depth=row.max_depth,
            nodes=[LineageNode.from_row(n) for n in row.nodes],
            edges=[Edge.from_row(e) for e in row.edges],
            truncated=row.truncation is not None,
            truncation=None if row.truncation is None else Truncation.from_row(row.truncation),
        )
