"""``DependentsConnection`` and its ``Dependent`` edges: who stands on an entity, paged.

Each page's entities and edges are loaded by key through the request's DataLoaders,
so a page costs two round trips however many items it has. The counts (totalCount,
byRelation, truncated) need the whole reverse walk -- 83 000 dependents of a Hub-scale
base -- so they are counted only when the query selects one of them (``Summary``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import strawberry

from schema.vocabulary import Rel
from service.context import Info
from service.errors import NotFound
from service.queries.dependents_count import DependentCounts
from service.queries.rows import Dependent as DependentRow
from service.types.convert import to_entity
from service.types.edge import Edge
from service.types.entity import Entity
from service.types.enums import Relation
from service.types.page_info import PageInfo
from service.types.relation_count import RelationCount
from service.types.resolver import resolver


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


class Summary:
    """The walks behind the counts, each started by the first field that needs it.

    totalCount and truncated come from one counting query; byRelation from a level walk
    (service/queries/dependents_count.py). A page past the direct dependents walked them
    all already, and that walk answers all three."""

    def __init__(
        self,
        count: Callable[[], Awaitable[DependentCounts]],
        relations: Callable[[], Awaitable[DependentCounts]],
        walked: DependentCounts | None = None,
    ) -> None:
        self._count = _Once(count, walked)
        self._relations = _Once(relations, walked)

    async def counts(self) -> DependentCounts:
        return await self._count.get()

    async def by_relation(self) -> dict[Rel, int]:
        counted = (await self._relations.get()).by_relation
        if counted is None:
            raise RuntimeError("the relations walk answered without byRelation")
        return counted


class _Once:
    """One awaited call shared by every field that needs it."""

    def __init__(
        self, call: Callable[[], Awaitable[DependentCounts]], known: DependentCounts | None
    ) -> None:
        self._call = call
        self._known = known
        self._task: asyncio.Task[DependentCounts] | None = None

    async def get(self) -> DependentCounts:
        if self._known is not None:
            return self._known
        if self._task is None:
            self._task = asyncio.ensure_future(self._call())
        return await self._task


@strawberry.type(
    description="Who stands on an entity, ordered by distance then key. Selecting "
    "totalCount, byRelation or truncated walks every dependent."
)
class DependentsConnection:
    summary: strawberry.Private[Summary]
    edges: list[Dependent]
    page_info: PageInfo

    @resolver(description="Every dependent within maxDepth (walks them all).")
    async def total_count(self) -> int:
        return (await self.summary.counts()).total

    @resolver(
        description="Dependents per relation (one dependent may count under several; "
        "walks them all)."
    )
    async def by_relation(self) -> list[RelationCount]:
        counts = await self.summary.by_relation()
        return [RelationCount(relation=r, count=n) for r, n in counts.items()]

    @resolver(description="The walk hit its budget: totalCount is a lower bound.")
    async def truncated(self) -> bool:
        return (await self.summary.counts()).truncated


async def _entity(info: Info, key: str) -> Entity:
    row = await info.context.loaders.entity.load(key)
    if row is None:
        raise NotFound(f"no entity with key {key!r}", key=key)
    return to_entity(row)
