"""``Organization``: a Hugging Face user or organisation."""

from __future__ import annotations

import strawberry

from service.queries.rows import EntityRow
from service.types.entity import Entity, common


@strawberry.type(description="A Hugging Face user or organisation.")
class Organization(Entity):
    @classmethod
    def from_row(cls, row: EntityRow) -> Organization:
        return cls(**common(row))
