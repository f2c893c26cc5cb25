"""``Change`` and ``Changes``: lineage added, retracted or re-pointed since a moment."""

from __future__ import annotations

import strawberry

from service.queries import changes as rows
from service.types.edge import Edge

strawberry.enum(
    rows.ChangeKind,
    name="ChangeKind",
    description="ADDED: first seen in the window. RETRACTED: withdrawn by its source in the "
    "window. CHANGED: the start entity re-pointed a base-model or licence edge.",
)


@strawberry.type(description="One change of lineage, with the evidence on each side.")
class Change:
    kind: rows.ChangeKind
    at: str = strawberry.field(description="ISO-8601 UTC: when the change was seen.")
    edge: Edge = strawberry.field(
        description="The edge added (ADDED, CHANGED) or withdrawn (RETRACTED)."
    )
    previous: Edge | None = strawberry.field(
        description="CHANGED: the withdrawn edge this one replaced; null otherwise."
    )

    @classmethod
    def from_row(cls, row: rows.Change) -> Change:
        return cls(
            kind=row.kind,
            at=row.at,
            edge=Edge.from_row(row.edge),
            previous=None if row.previous is None else Edge.from_row(row.previous),
        )


@strawberry.type(description="What changed since a moment, oldest first.")
class Changes:
    since: str = strawberry.field(description="The moment, as stored (ISO-8601 UTC).")
    key: str | None = strawberry.field(description="Only this entity's own assertions.")
    items: list[Change]
    truncated: bool = strawberry.field(
        description="More assertions changed than `first` allows: narrow `since` or `key`."
    )

    @classmethod
    def from_row(cls, row: rows.Changes) -> Changes:
        return cls(
            since=row.since,
            key=row.key,
            items=[Change.from_row(c) for c in row.items],
            truncated=row.truncated,
        )
