"""``changes``: what lineage was added, retracted or re-pointed since a moment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from service import ids, limits, moments
from service.context import Info
from service.queries.changes import changes
from service.types.change import Changes
from service.types.resolver import resolver


@strawberry.type
class ChangesQuery:
    @resolver(
        description="Lineage added, retracted and changed (a model re-declaring its base, a "
        "licence change) since a moment, each with its evidence."
    )
    async def changes(
        self,
        info: Info,
        since: datetime,
        key: Annotated[
            str | None,
            strawberry.argument(description="Only assertions this entity makes."),
        ] = None,
        first: Annotated[
            int,
            strawberry.argument(
                description=f"Assertions read per side (added, retracted), at most "
                f"{limits.CHANGES_LIMIT}."
            ),
        ] = limits.DEFAULT_CHANGES,
    ) -> Changes:
        start = None if key is None else ids.to_key(key)
        limit = limits.budget(first, limits.CHANGES_LIMIT, "first")
        found = await changes(info.context.reader, moments.stored(since), start, limit)
        return Changes.from_row(found)
