"""``standsOn``: the upstream closure as a bounded breadth-first walk over distinct nodes.

One query per level expands the whole frontier at once; Python keeps the visited set,
so no path is ever enumerated (citation graphs would explode). A node and an edge
budget bound the answer: when one runs out the walk stops and says what it cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from shoulders.schema.vocabulary import ENTITY
from shoulders.service.queries.entities import entities_by_keys
from shoulders.service.queries.filters import EdgeFilter, rel_types
from shoulders.service.queries.reader import Reader, ReadTx
from shoulders.service.queries.rows import EdgeRow, Lineage, LineageNode, Truncation


@dataclass(frozen=True)
class Budget:
    nodes: int
    edges: int


def _level(flt: EdgeFilter, closing: bool) -> str:
    # ``closing``: only edges back into entities already in the answer (the last level).
    only = "AND b.key IN $only " if closing else ""
    return (
        f"UNWIND $frontier AS k MATCH (a:{ENTITY} {{key: k}}) "
        f"MATCH (a)-[r:{rel_types(flt.relations)}]->(b:{ENTITY}) "
        f"WHERE {flt.where} {only}"
        # Group and cut first, read properties after: a frontier of papers expands to
        # tens of thousands of citations of which the budget keeps a few thousand.
        "WITH a.key AS start, type(r) AS rel, b.key AS end, collect(r) AS rs "
        "ORDER BY start, rel, end LIMIT $limit "
        "RETURN collect([start, rel, end, [x IN rs | properties(x)]]) AS rows"
    )


async def _edges(
    tx: ReadTx, frontier: list[str], flt: EdgeFilter, limit: int, only: list[str] | None = None
) -> list[EdgeRow]:
    params = flt.params()
    if only is not None:
        params["only"] = only
    rows = await tx.table(
        _level(flt, closing=only is not None), frontier=frontier, limit=limit, **params
    )
    return [
        EdgeRow.from_record(start, rel, end, sorted(assertions, key=_by_assertion))
        for start, rel, end, assertions in rows
    ]


def _by_assertion(props: dict[str, object]) -> str:
    return str(props.get("assertion") or "")


async def walk_upstream(
    tx: ReadTx, root_key: str, max_depth: int, flt: EdgeFilter, budget: Budget
) -> Lineage | None:
    """The walk inside one read transaction (a consistent snapshot); None if no such root."""
    roots = await entities_by_keys(tx, [root_key])
    if root_key not in roots:
        return None
    distance: dict[str, int] = {root_key: 0}
    via: dict[str, EdgeRow] = {}
    edges: dict[tuple[str, str, str], EdgeRow] = {}
    frontier = [root_key]
    truncation: Truncation | None = None
    for depth in range(1, max_depth + 1):
        if not frontier:
            break
        # One row more than the budget allows tells us the budget was hit.
        found = await _edges(tx, frontier, flt, budget.edges - len(edges) + 1)
        reached: list[str] = []
        omitted_nodes: set[str] = set()
        omitted_edges = 0
        cut: str | None = None
        for edge in found:
            new = edge.end not in distance
            if len(edges) >= budget.edges:
                cut = cut or "edges"
            elif new and len(distance) >= budget.nodes:
                cut = cut or "nodes"
            else:
                if new:
                    distance[edge.end] = depth
                    via[edge.end] = edge
                    reached.append(edge.end)
                edges[edge.id] = edge
                continue
            omitted_edges += 1
            if new:
                omitted_nodes.add(edge.end)
        if cut is not None:
            truncation = Truncation(
                reason=cut,
                at_depth=depth,
                omitted_nodes=len(omitted_nodes),
                omitted_edges=omitted_edges,
                omitted_frontier=len(reached),
                node_budget=budget.nodes,
                edge_budget=budget.edges,
            )
            break
        frontier = reached
    else:
        # Depth bound reached: add the edges among the answer from its last level.
        if frontier and len(edges) < budget.edges:
            for edge in await _edges(
                tx, frontier, flt, budget.edges - len(edges), only=list(distance)
            ):
                edges[edge.id] = edge
    entities = await entities_by_keys(tx, list(distance))
    nodes = [
        LineageNode(entities[key], d, via.get(key))
        for key, d in sorted(distance.items(), key=lambda kv: (kv[1], kv[0]))
        if key in entities
    ]
    return Lineage(
        root=roots[root_key],
        max_depth=max_depth,
        nodes=nodes,
        edges=list(edges.values()),
        truncation=truncation,
    )


async def stands_on(
    reader: Reader, root_key: str, max_depth: int, flt: EdgeFilter, budget: Budget
) -> Lineage | None:
    async def work(tx: ReadTx) -> Lineage | None:
        return await walk_upstream(tx, root_key, max_depth, flt, budget)

    return await reader.read(work)
