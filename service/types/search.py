"""``SearchConnection`` and its ``SearchHit``s: ranked full-text matches."""

from __future__ import annotations

import strawberry

from service.types.entity import Entity
from service.types.page_info import PageInfo


@strawberry.type(description="A match, best first.")
class SearchHit:
    cursor: str
    score: float
    node: Entity


@strawberry.type(description="Entities matching a text, ranked by relevance.")
class SearchConnection:
    total_count: int = strawberry.field(description="Matches, counted up to the search window.")
    edges: list[SearchHit]
    page_info: PageInfo
