"""``License``: a licence, by SPDX id or name."""

from __future__ import annotations

import strawberry

from service.queries.rows import EntityRow
from service.types.entity import Entity, common


@strawberry.type(description="A licence, by SPDX id or name.")
class License(Entity):
    @classmethod
    def from_row(cls, row: EntityRow) -> License:
        return cls(**common(row))
