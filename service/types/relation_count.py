"""``RelationCount``: how many dependents reach the root by one relation."""

from __future__ import annotations

import strawberry

from service.types.enums import Relation


@strawberry.type
class RelationCount:
    relation: Relation
    count: int
