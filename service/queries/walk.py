"""``standsOn``: the upstream closure as a bounded breadth-first walk over distinct nodes.

One query per level expands the whole frontier at once; Python keeps the visited set,
so no path is ever enumerated (citation graphs would explode). A node and an edge
budget bound the answer: when one runs out the walk stops and says what it cut.

Two relations fan out: a paper cites 20-60 papers and a repository or package depends
on 10-50 packages, so their closures reach much of arXiv and PyPI within a few hops.
The walk follows each of them for at most ``fan_out`` hops along any one path (counted
on the path that first reached a node), and a path that took one never takes the other:
by default a model's papers and the papers they cite, its code and the libraries the
code names with their repositories -- not the whole literature, every transitive
dependency, or the dependencies of a cited paper's code; callers raise the limits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from schema.vocabulary import ENTITY, FAN_OUT, Rel
from service.queries.entities import entities_by_keys
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader, ReadTx
from service.queries.rows import EdgeRow, EntityRow, Lineage, LineageNode, Truncation

DEFAULT_FAN_OUT_DEPTH = 1


def _default_fan_out() -> dict[Rel, int]:
    return {rel: DEFAULT_FAN_OUT_DEPTH for rel in FAN_OUT}


@dataclass(frozen=True)
class Budget:
    nodes: int
    edges: int
    # Hops over each fan-out relation along one path; a relation not named: no bound.
    fan_out: Mapping[Rel, int] = field(default_factory=_default_fan_out)


Hops = tuple[int, ...]  # per FAN_OUT relation, on the path that reached a node
#: How the walk reads the entities of its answer, by key, at the end.
ReadEntities = Callable[[ReadTx, Sequence[str]], Awaitable[dict[str, EntityRow]]]

# A level's edges with their assertions; with ``new_only``, only those to new entities.
_ALL = "[x IN rs | properties(x)]"
_NEW_ONLY = f"CASE WHEN end IN $seen THEN [] ELSE {_ALL} END"


def _level(flt: EdgeFilter, groups: list[frozenset[Rel]], closing: bool, new_only: bool) -> str:
    """One walk level: each group of the frontier (``$g0``, ``$g1``...) expands only the
    relation types it may still follow, so a paper whose citation hops are used up never
    reads its citations at all (a frontier of papers has tens of thousands).
    ``new_only``: an edge's assertions are read only when it leads to an entity not in
    ``$seen`` (one of them becomes its ``via``); the others come without them."""
    # ``closing``: only edges back into entities already in the answer (the last level).
    only = "AND b.key IN $only " if closing else ""
    branches = []
    for i, blocked in enumerate(groups):
        # Live edges never have a blocked type; ``NOT ... IN`` is for retracted ones (asOf).
        types = replace(flt, relations=flt.relations - blocked).types
        branches.append(
            f"UNWIND $g{i} AS k MATCH (a:{ENTITY} {{key: k}})-[r:{types}]->(b:{ENTITY}) "
            f"WHERE {flt.where} AND NOT {flt.rel} IN $blocked{i} {only}"
            "RETURN a.key AS start, r, b.key AS end"
        )
    return (
        f"CALL () {{ {' UNION ALL '.join(branches)} }} "
        # Group and cut first, read properties after: a frontier of papers expands to
        # tens of thousands of citations of which the budget keeps a few thousand.
        f"WITH start, {flt.rel} AS rel, end, collect(r) AS rs "
        "ORDER BY start, rel, end LIMIT $limit "
        f"RETURN collect([start, rel, end, {_NEW_ONLY if new_only else _ALL}]) AS rows"
    )


async def _edges(
    tx: ReadTx,
    frontier: Mapping[str, frozenset[Rel]],
    flt: EdgeFilter,
    limit: int,
    only: list[str] | None = None,
    seen: list[str] | None = None,
) -> list[EdgeRow]:
    """The edges out of ``frontier`` (each key with the relations it may not follow)."""
    by_blocked: dict[frozenset[Rel], list[str]] = {}
    for key, blocked in frontier.items():
        if flt.relations - blocked:
            by_blocked.setdefault(blocked, []).append(key)
    if not by_blocked:
        return []
    groups = sorted(by_blocked, key=lambda g: sorted(g))  # one query text per combination
    params = flt.params()
    for i, blocked in enumerate(groups):
        params[f"g{i}"] = by_blocked[blocked]
        params[f"blocked{i}"] = sorted(r.value for r in blocked)
    if only is not None:
        params["only"] = only
    if seen is not None:
        params["seen"] = seen
    statement = _level(flt, groups, closing=only is not None, new_only=seen is not None)
    rows = await tx.table(statement, limit=limit, **params)
    return [
        EdgeRow.from_record(start, rel, end, sorted(assertions, key=_by_assertion))
        for start, rel, end, assertions in rows
    ]


def _by_assertion(props: dict[str, object]) -> str:
    return str(props.get("assertion") or "")


def _step(hops: Hops, rel: Rel) -> Hops:
    return tuple(n + (rel == fan) for n, fan in zip(hops, FAN_OUT, strict=True))


def _blocked(hops: Hops, fan_out: Mapping[Rel, int]) -> frozenset[Rel]:
    """The fan-out relations a node reached by ``hops`` may not follow: those used up, and
    every other one once a path has fanned out (a cited paper's code, or a dependency's
    papers, are not what the root stands on)."""
    fanned = {fan for n, fan in zip(hops, FAN_OUT, strict=True) if n}
    return frozenset(
        fan
        for n, fan in zip(hops, FAN_OUT, strict=True)
        if (fan in fan_out and n >= fan_out[fan]) or (fanned - {fan})
    )


async def walk_upstream(
    tx: ReadTx,
    root_key: str,
    max_depth: int,
    flt: EdgeFilter,
    budget: Budget,
    *,
    all_edges: bool = True,
    read_entities: ReadEntities = entities_by_keys,
) -> Lineage | None:
    """The walk inside one read transaction (a consistent snapshot); None if no such root.

    ``all_edges=False`` answers with the nodes and the edges that reached them (``via``,
    with their evidence) only: the answer's ``edges`` stay empty, the evidence of edges
    between entities already reached is not read and the closing level is skipped.
    Nodes, distances, ``via`` and truncation are the same. ``read_entities`` reads the
    answer's entities at the end (a caller may read more of them in the same statement).
    """
    roots = await entities_by_keys(tx, [root_key])
    if root_key not in roots:
        return None
    distance: dict[str, int] = {root_key: 0}
    hops: dict[str, Hops] = {root_key: tuple(0 for _ in FAN_OUT)}
    via: dict[str, EdgeRow] = {}
    edges: dict[tuple[str, str, str], EdgeRow] = {}
    frontier = [root_key]
    truncation: Truncation | None = None

    def entries(keys: list[str]) -> dict[str, frozenset[Rel]]:
        return {k: _blocked(hops[k], budget.fan_out) for k in keys}

    for depth in range(1, max_depth + 1):
        if not frontier:
            break
        # One row more than the budget allows tells us the budget was hit.
        found = await _edges(
            tx,
            entries(frontier),
            flt,
            budget.edges - len(edges) + 1,
            seen=None if all_edges else list(distance),
        )
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
                step = _step(hops[edge.start], edge.rel)
                if new:
                    distance[edge.end] = depth
                    hops[edge.end] = step
                    via[edge.end] = edge
                    reached.append(edge.end)
                elif distance[edge.end] == depth:  # reached again on this level: fewest hops
                    hops[edge.end] = tuple(map(min, hops[edge.end], step))
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
        if all_edges and frontier and len(edges) < budget.edges:
            for edge in await _edges(
                tx, entries(frontier), flt, budget.edges - len(edges), only=list(distance)
            ):
                edges[edge.id] = edge
    entities = await read_entities(tx, list(distance))
    nodes = [
        LineageNode(entities[key], d, via.get(key))
        for key, d in sorted(distance.items(), key=lambda kv: (kv[1], kv[0]))
        if key in entities
    ]
    return Lineage(
        root=roots[root_key],
        max_depth=max_depth,
        nodes=nodes,
        edges=list(edges.values()) if all_edges else [],
        truncation=truncation,
    )


async def stands_on(
    reader: Reader, root_key: str, max_depth: int, flt: EdgeFilter, budget: Budget
) -> Lineage | None:
    async def work(tx: ReadTx) -> Lineage | None:
        return await walk_upstream(tx, root_key, max_depth, flt, budget)

    return await reader.read(work)
