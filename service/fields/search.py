"""``search``: ranked full-text matches, paged by an opaque offset cursor."""

from __future__ import annotations

import strawberry

from service import cursors, limits
from service.context import Info
from service.errors import BadUserInput
from service.queries.search import search as full_text
from service.types.convert import to_entity
from service.types.enums import Kind
from service.types.page_info import PageInfo
from service.types.resolver import resolver
from service.types.search import SearchConnection, SearchHit


@strawberry.type
class SearchQuery:
    @resolver(
        description="Full text over names, ids and aliases, best match first. The text is "
        "taken as words (no query syntax)."
    )
    async def search(
        self,
        info: Info,
        text: str,
        kinds: list[Kind] | None = None,
        first: int = limits.DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> SearchConnection:
        limits.text(text, "text")
        size = limits.page_size(first)
        offset = 0
        if after is not None:
            parts = cursors.decode(after, "search")
            if len(parts) != 1 or not isinstance(parts[0], int) or parts[0] < 0:
                raise BadUserInput("cursor not understood", argument="after")
            offset = parts[0] + 1
        page = await full_text(
            info.context.reader, text, frozenset(kinds) if kinds else None, size, offset
        )
        hits = [
            SearchHit(
                cursor=cursors.encode("search", offset + i), score=h.score, node=to_entity(h.entity)
            )
            for i, h in enumerate(page.hits)
        ]
        return SearchConnection(
            total_count=page.total,
            edges=hits,
            page_info=PageInfo(
                has_next_page=offset + len(hits) < page.total,
                end_cursor=hits[-1].cursor if hits else None,
            ),
        )
