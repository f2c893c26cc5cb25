"""``licenseCheck`` and ``openness``: the licence questions about a model's ancestry."""

from __future__ import annotations

import strawberry

from service import ids, limits
from service.context import Info
from service.errors import NotFound
from service.licensing.answers import DEFAULT_OPENNESS_DEPTH, assess_openness, check_licences
from service.queries.licences import MAX_LINEAGE_DEPTH
from service.types.licence_check import LicenceCheck
from service.types.openness import Openness
from service.types.resolver import resolver


@strawberry.type
class LicenceQuery:
    @resolver(
        description="What the licences along a model's weights lineage, teachers and training "
        "data oblige its users to; findings with paths, evidence and cited clauses. "
        "Obligations to review, not legal conclusions."
    )
    async def license_check(
        self, info: Info, key: str, max_depth: int = MAX_LINEAGE_DEPTH
    ) -> LicenceCheck | None:
        root = ids.to_key(key)
        depth = limits.walk_depth(max_depth)
        found = await check_licences(info.context.reader, root, min(depth, MAX_LINEAGE_DEPTH))
        if found is None:
            raise NotFound(f"no entity with key {root!r}", key=root)
        return LicenceCheck.from_row(found)

    @resolver(
        description="How open each thing an entity stood on is (its upstream closure), summed "
        "up by kind, with a Model Openness Framework estimate for the entity itself."
    )
    async def openness(
        self, info: Info, key: str, max_depth: int = DEFAULT_OPENNESS_DEPTH
    ) -> Openness | None:
        root = ids.to_key(key)
        depth = limits.walk_depth(max_depth)
        found = await assess_openness(info.context.reader, root, depth)
        if found is None:
            raise NotFound(f"no entity with key {root!r}", key=root)
        return Openness.from_row(found)
