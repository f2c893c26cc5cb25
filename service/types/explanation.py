"""``Explanation`` and its ``Chain``s: how one entity comes to stand on another."""

from __future__ import annotations

import strawberry

from service.queries.rows import EdgeRow
from service.queries.rows import Explanation as ExplanationRow
from service.types.convert import to_entity
from service.types.edge import Edge
from service.types.entity import Entity


@strawberry.type(description="One shortest chain of edges from `from` up to `to`.")
class Chain:
    length: int
    hops: list[Edge]

    @classmethod
    def from_rows(cls, rows: list[EdgeRow]) -> Chain:
        return cls(length=len(rows), hops=[Edge.from_row(e) for e in rows])


@strawberry.type(description="The shortest chains by which `from` stands on `to`.")
class Explanation:
    from_: Entity = strawberry.field(name="from")
    to: Entity
    length: int | None = strawberry.field(description="Hops in a shortest chain; null if none.")
    chains: list[Chain]
    truncated: bool = strawberry.field(description="More shortest chains exist than are listed.")

    @classmethod
    def from_row(cls, row: ExplanationRow) -> Explanation:
        return cls(
            from_=to_entity(row.start),
            to=to_entity(row.end),
            length=len(row.chains[0]) if row.chains else None,
            chains=[Chain.from_rows(c) for c in row.chains],
            truncated=row.truncated,
        )
