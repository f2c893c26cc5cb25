"""GraphQL enums. Kind, Relation and Method are the schema vocabulary's own enums
(registered with Strawberry under GraphQL names), so the names a client can send are
exactly the names that may reach Cypher."""

from __future__ import annotations

from enum import Enum
from typing import TypeAlias

import strawberry

from schema import vocabulary

strawberry.enum(vocabulary.Label, name="Kind", description="What an entity is.")
strawberry.enum(
    vocabulary.Rel,
    name="Relation",
    description="How the entity at the start of an edge stands on the one at its end.",
)
strawberry.enum(
    vocabulary.Method,
    name="Method",
    description="DECLARED: a structured field says so. INFERRED: read from prose or a link.",
)

Kind: TypeAlias = vocabulary.Label
Relation: TypeAlias = vocabulary.Rel
Method: TypeAlias = vocabulary.Method


@strawberry.enum(description="How much the graph knows about an entity.")
class EntityStatus(Enum):
    RESOLVED = "resolved"  # fetched from its source
    REFERENCED = "referenced"  # named by another entity, not fetched
    UNRESOLVED = "unresolved"  # a fetch was tried and failed

    @classmethod
    def of(cls, value: object) -> EntityStatus:
        # A dict lookup, not Enum(value): this runs for every entity of every answer.
        return _STATUS_BY_VALUE.get(str(value), cls.REFERENCED)


_STATUS_BY_VALUE = {status.value: status for status in EntityStatus}
