"""``standsOn``, ``dependents`` and ``explain``: the lineage questions.

Arguments are validated first (LIMIT_EXCEEDED, BAD_USER_INPUT), so a bad request
never reaches Neo4j.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from schema.vocabulary import Label, Rel
from service import cursors, ids, limits, moments
from service.context import Info
from service.errors import BadUserInput, NotFound
from service.queries.dependents import dependents_page
from service.queries.dependents_count import (
    DependentCounts,
    count_by_relation,
    count_dependents,
)
from service.queries.explain import explain as shortest_chains
from service.queries.filters import ALL_RELATIONS, EdgeFilter
from service.queries.walk import DEFAULT_FAN_OUT_DEPTH, Budget, stands_on
from service.types.dependents import Dependent, DependentsConnection, Summary
from service.types.enums import Kind, Relation
from service.types.explanation import Explanation
from service.types.lineage import Lineage
from service.types.page_info import PageInfo
from service.types.resolver import resolver


def edge_filter(
    relations: list[Rel] | None,
    kinds: list[Label] | None = None,
    include_inferred: bool = True,
    min_confidence: float = 0.0,
    as_of: datetime | None = None,
) -> EdgeFilter:
    return EdgeFilter(
        relations=frozenset(relations) if relations else ALL_RELATIONS,
        kinds=frozenset(kinds) if kinds else None,
        include_inferred=include_inferred,
        min_confidence=limits.confidence(min_confidence),
        as_of=moments.as_of(as_of),
    )


AS_OF_HELP = (
    "Answer with the edges as the graph stood at this moment (retracted assertions "
    "included, later ones left out); entities are described as they are now. Not in the future."
)
AsOf = Annotated[datetime | None, strawberry.argument(description=AS_OF_HELP)]


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
        citation_depth: Annotated[
            int,
            strawberry.argument(
                description="CITES hops along any one path (0: none). A paper cites 20-60 "
                "others, so the default is the model's papers and the papers they cite."
            ),
        ] = DEFAULT_FAN_OUT_DEPTH,
        dependency_depth: Annotated[
            int,
            strawberry.argument(
                description="DEPENDS_ON hops along any one path (0: none). The default is the "
                "libraries the model's code names, with their repositories, not every "
                "transitive dependency."
            ),
        ] = DEFAULT_FAN_OUT_DEPTH,
        as_of: AsOf = None,
    ) -> Lineage | None:
        root = ids.to_key(key)
        depth = limits.walk_depth(max_depth)
        flt = edge_filter(relations, kinds, include_inferred, min_confidence, as_of)
        budget = Budget(
            nodes=limits.budget(max_nodes, limits.NODE_BUDGET, "maxNodes"),
            edges=limits.budget(max_edges, limits.EDGE_BUDGET, "maxEdges"),
            fan_out={
                Rel.CITES: limits.hops(citation_depth, "citationDepth"),
                Rel.DEPENDS_ON: limits.hops(dependency_depth, "dependencyDepth"),
            },
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
        as_of: AsOf = None,
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
        flt = edge_filter(relations, include_inferred=include_inferred, as_of=as_of)
        reader = info.context.reader
        page = await dependents_page(
            reader, root, depth, flt, limits.DEPENDENTS_BUDGET, start_after, size
        )
        if page is None:
            raise NotFound(f"no entity with key {root!r}", key=root)

        async def count() -> DependentCounts:
            found = await count_dependents(reader, root, depth, flt, limits.DEPENDENTS_BUDGET)
            if found is None:  # deleted between the page and the counts
                raise NotFound(f"no entity with key {root!r}", key=root)
            return found

        async def count_relations() -> DependentCounts:
            found = await count_by_relation(reader, root, depth, flt, limits.DEPENDENTS_BUDGET)
            if found is None:
                raise NotFound(f"no entity with key {root!r}", key=root)
            return found

        edges = [
            Dependent(
                row=d,
                cursor=cursors.encode("dep", d.distance, d.key),
                distance=d.distance,
                relations=list(d.relations),
            )
            for d in page.items
        ]
        return DependentsConnection(
            summary=Summary(
                count,
                count_relations,
                None if page.walked is None else DependentCounts.of(page.walked),
            ),
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
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
        as_of: AsOf = None,
    ) -> Explanation | None:
        start, end = ids.to_key(from_, "from"), ids.to_key(to, "to")
        depth = limits.walk_depth(max_depth)
        chains = limits.budget(first, limits.MAX_CHAINS, "first")
        flt = edge_filter(relations, include_inferred=include_inferred, as_of=as_of)
        found = await shortest_chains(info.context.reader, start, end, depth, flt, chains)
        if found is None:
            raise NotFound(f"no entity with key {start!r} or {end!r}", keys=[start, end])
        return Explanation.from_row(found)
