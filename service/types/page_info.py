"""``PageInfo``: where a page of a connection ends."""

from __future__ import annotations

import strawberry


@strawberry.type(description="Pass endCursor as `after` to get the next page.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
