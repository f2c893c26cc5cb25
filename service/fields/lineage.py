"""``standsOn``, ``dependents`` and ``explain``: the lineage questions.

Arguments are validated first (LIMIT_EXCEEDED, BAD_USER_INPUT), so a bad request
never reaches Neo4j.
"""

from __future__ import annotations

import bisect
from typing import Annotated

import strawberry

from shoulders.schema.vocabulary import Label, Rel
from shoulders.service import cursors, ids, limits
from shoulders.service.context import Info
from shoulders.service.errors import BadUserInput, NotFound
from shoulders.service.queries.dependents import dependents as walk_dependents
from shoulders.service.queries.explain import explain as shortest_chains
from shoulders.service.queries.filters import ALL_RELATIONS, EdgeFilter
from shoulders.service.queries.walk import Budget, stands_on
from shoulders.service.types.dependents import Dependent, DependentsConnection
from shoulders.service.types.enums import Kind, Relation
from shoulders.service.types.explanation import Explanation
from shoulders.service.types.lineage import Lineage
from shoulders.service.types.page_info import PageInfo
from shoulders.service.types.relation_count import RelationCount
from shoulders.service.types.resolver import resolver


def edge_filter(
    relations: list[Rel] | None,
    kinds: list[Label] | None = None,
    include_inferred: bool = True,
    min_confidence: float = 0.0,
) -> EdgeFilter:
    return EdgeFilter(
        relations=frozenset(relations) if relations else ALL_RELATIONS,
        kinds=frozenset(kinds) if kinds else None,
        include_inferred=include_inferred,
        min_confidence=limits.confidence(min_confidence),
    )


@strawberry.type
class LineageQuery:
    @resolver(
        description="What an entity stands on: a breadth-first walk upstream over distinct "
        "entities, each with its distance and the edge that first reached it."
    )
    async def stands_on(
        self,
        info: Info,
        key: str,
        max_depth: int = limits.DEFAULT_WALK_DEPTH,
        relations: list[Relation] | None = None,
        kinds: Annotated[
            list[Kind] | None,
            strawberry.argument(
                description="Kinds the walk may step onto (the root is always in)."
            ),
        ] = None,
        include_inferred: bool = True,
        min_confidence: float = 0.0,
        max_nodes: Annotated[
            int | None,
            strawberry.argument(description=f"Node budget, at most {limits.NODE_BUDGET}."),
        ] = None,
        max_edges: Annotated[
            int | None,
            strawberry.argument(description=f"Edge budget, at most {limits.EDGE_BUDGET}."),
        ] = None,
    ) -> Lineage | None:
        root = ids.to_key(key)
        depth = limits.walk_depth(max_depth)
        flt = edge_filter(relations, kinds, include_inferred, min_confidence)
        budget = Budget(
            nodes=limits.budget(max_nodes, limits.NODE_BUDGET, "maxNodes"),
            edges=limits.budget(max_edges, limits.EDGE_BUDGET, "maxEdges"),
        )
        found = await stands_on(info.context.reader, root, depth, flt, budget)
        if found is None:
            raise NotFound(f"no entity with key {root!r}", key=root)
        return Lineage.from_row(found)

    @resolver(
        description="Who stands on an entity, directly or through others: every dependent "
        "within maxDepth, paged in a stable order (distance, then key)."
    )
    async def dependents(
        self,
        info: Info,
        key: str,
        max_depth: int = 3,
        relations: list[Relation] | None = None,
        include_inferred: bool = True,
        first: int = limits.DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> DependentsConnection | None:
        root = ids.to_key(key)
        depth = limits.walk_depth(max_depth)
        size = limits.page_size(first)
        start_after: tuple[int, str] | None = None
        if after is not None:
            parts = cursors.decode(after, "dep")
            if len(parts) != 2 or not isinstance(parts[0], int) or not isinstance(parts[1], str):
                raise BadUserInput("cursor not understood", argument="after")
            start_after = (parts[0], parts[1])
        flt = edge_filter(relations, include_inferred=include_inferred)
        found = await walk_dependents(
            info.context.reader, root, depth, flt, limits.DEPENDENTS_BUDGET
        )
        if found is None:
            raise NotFound(f"no entity with key {root!r}", key=root)
        order = [(d.distance, d.key) for d in found.items]
        begin = 0 if start_after is None else bisect.bisect_right(order, start_after)
        page = found.items[begin : begin + size]
        edges = [
            Dependent(
                row=d,
                cursor=cursors.encode("dep", d.distance, d.key),
                distance=d.distance,
                relations=list(d.relations),
            )
            for d in page
        ]
        return DependentsConnection(
            total_count=len(found.items),
            by_relation=[RelationCount(relation=r, count=n) for r, n in found.by_relation.items()],
            truncated=found.truncated,
            edges=edges,
            page_info=PageInfo(
                has_next_page=begin + size < len(found.items),
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @resolver(
        description="The shortest chains by which `from` stands on `to`, each hop with evidence."
    )
    async def explain(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        max_depth: int = 6,
        relations: list[Relation] | None = None,
        include_inferred: bool = True,
        first: int = 10,
    ) -> Explanation | None:
        start, end = ids.to_key(from_, "from"), ids.to_key(to, "to")
        depth = limits.walk_depth(max_depth)
        chains = limits.budget(first, limits.MAX_CHAINS, "first")
        flt = edge_filter(relations, include_inferred=include_inferred)
        found = await shortest_chains(info.context.reader, start, end, depth, flt, chains)
        if found is None:
            raise NotFound(f"no entity with key {start!r} or {end!r}", keys=[start, end])
        return Explanation.from_row(found)
