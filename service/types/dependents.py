"""``DependentsConnection`` and its ``Dependent`` edges: who stands on an entity, paged.

Each page's entities and edges are loaded by key through the request's DataLoaders,
so a page costs two round trips however many items it has.
"""

from __future__ import annotations

import strawberry

from shoulders.service.context import Info
from shoulders.service.errors import NotFound
from shoulders.service.queries.rows import Dependent as DependentRow
from shoulders.service.types.convert import to_entity
from shoulders.service.types.edge import Edge
from shoulders.service.types.entity import Entity
from shoulders.service.types.enums import Relation
from shoulders.service.types.page_info import PageInfo
from shoulders.service.types.relation_count import RelationCount
from shoulders.service.types.resolver import resolver


@strawberry.type(description="One entity that stands on the root, directly or through others.")
class Dependent:
    row: strawberry.Private[DependentRow]
    cursor: str
    distance: int = strawberry.field(description="1 for direct dependents.")
    relations: list[Relation] = strawberry.field(
        description="Relations by which it stands on the entity one step nearer the root."
    )

    @resolver(description="The dependent entity.")
    async def node(self, info: Info) -> Entity:
        return await _entity(info, self.row.key)

    @resolver(description="The entity one step nearer the root that it stands on.")
    async def through(self, info: Info) -> Entity:
        return await _entity(info, self.row.through)

    @resolver(description="Its edges to `through`, with evidence.")
    async def edges(self, info: Info) -> list[Edge]:
        found = await info.context.loaders.between.load((self.row.key, self.row.through))
        return [Edge.from_row(e) for e in found if e.rel in self.row.relations]


@strawberry.type(description="Who stands on an entity, ordered by distance then key.")
class DependentsConnection:
    total_count: int = strawberry.field(description="Every dependent within maxDepth.")
    by_relation: list[RelationCount] = strawberry.field(
        description="Dependents per relation (one dependent may count under several)."
    )
    truncated: bool = strawberry.field(
        description="The walk hit its budget: totalCount is a lower bound."
    )
    edges: list[Dependent]
    page_info: PageInfo


async def _entity(info: Info, key: str) -> Entity:
    row = await info.context.loaders.entity.load(key)
    if row is None:
        raise NotFound(f"no entity with key {key!r}", key=key)
    return to_entity(row)
