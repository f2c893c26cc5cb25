"""``Repository``: a GitHub repository."""

from __future__ import annotations

import strawberry

from schema import keys
from service.queries.rows import EntityRow
from service.types.entity import Entity, common, int_or_none


@strawberry.type(description="A source repository (GitHub).")
class Repository(Entity):
    full_name: str = strawberry.field(description="owner/name, lower-cased.")
    description: str | None
    stars: int | None
    language: str | None

    @classmethod
    def from_row(cls, row: EntityRow) -> Repository:
        return cls(
            **common(row),
            full_name=keys.parse(row.key).id,
            description=row.text("description"),
            stars=int_or_none(row.get("stars")),
            language=row.text("language"),
        )
