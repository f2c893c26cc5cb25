"""``Edge``: one relation between two entities, with every assertion behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from service.context import Info
from service.errors import NotFound
from service.queries.rows import EdgeRow
from service.types.enums import Method, Relation
from service.types.evidence import Evidence
from service.types.resolver import resolver

if TYPE_CHECKING:
    from service.types.entity import Entity

# Lazy, as Entity's upstream/downstream name Edge: the two types refer to each other.
EntityRef = Annotated["Entity", strawberry.lazy("service.types.entity")]


@strawberry.type(
    description="`from` stands on `to` by `relation`. DECLARED if any assertion is declared; "
    "confidence is the highest of its assertions."
)
class Edge:
    row: strawberry.Private[EdgeRow]
    from_key: str
    to_key: str
    relation: Relation
    method: Method
    confidence: float
    evidence: list[Evidence]

    @classmethod
    def from_row(cls, row: EdgeRow) -> Edge:
        return cls(
            row=row,
            from_key=row.start,
            to_key=row.end,
            relation=row.rel,
            method=row.method,
            confidence=row.confidence,
            evidence=[Evidence.from_row(a) for a in row.assertions],
        )

    @resolver(name="from", description="The entity that stands on `to`.")
    async def from_(self, info: Info) -> EntityRef:
        return await _entity(info, self.from_key)

    @resolver(description="The entity `from` stands on.")
    async def to(self, info: Info) -> EntityRef:
        return await _entity(info, self.to_key)


async def _entity(info: Info, key: str) -> Entity:
    row = await info.context.loaders.entity.load(key)
    if row is None:  # deleted between two queries of one request
        raise NotFound(f"no entity with key {key!r}", key=key)
    return info.context.to_entity(row)
