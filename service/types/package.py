"""``Package``: a package on a registry (PyPI)."""

from __future__ import annotations

import strawberry

from schema import keys
from service.queries.rows import EntityRow
from service.types.entity import Entity, common


@strawberry.type(description="A package on a registry.")
class Package(Entity):
    ecosystem: str
    package_name: str = strawberry.field(description="The normalised name, e.g. torch.")
    version: str | None = strawberry.field(description="The version read, where known.")
    summary: str | None

    @classmethod
    def from_row(cls, row: EntityRow) -> Package:
        parsed = keys.parse(row.key)
        return cls(
            **common(row),
            ecosystem=row.text("ecosystem") or parsed.kind,
            package_name=parsed.id,
            version=row.text("version"),
            summary=row.text("summary"),
        )
