"""``Dataset``: a Hugging Face dataset repository."""

from __future__ import annotations

import strawberry

from schema import keys
from service.queries.rows import EntityRow
from service.types.entity import Entity, common, int_or_none


@strawberry.type(description="A Hugging Face dataset.")
class Dataset(Entity):
    hub_id: str
    author: str | None
    downloads: int | None
    likes: int | None
    last_modified: str | None

    @classmethod
    def from_row(cls, row: EntityRow) -> Dataset:
        return cls(
            **common(row),
            hub_id=keys.parse(row.key).id,
            author=row.text("author"),
            downloads=int_or_none(row.get("downloads")),
            likes=int_or_none(row.get("likes")),
            last_modified=row.text("last_modified"),
        )
