"""``explain``: the shortest chains from one entity up to another, each hop with evidence.

``allShortestPaths`` with a literal upper bound built from a validated int; parallel
relationships (several assertions) yield the same chain many times, so chains are
deduplicated by their hops and the evidence of each hop loaded once, grouped.
"""

from __future__ import annotations

from dataclasses import replace

from schema.vocabulary import ENTITY
from service import limits
from service.queries.entities import edges_between, entities_by_keys
from service.queries.filters import AS_OF, EdgeFilter
from service.queries.reader import Reader, ReadTx
from service.queries.rows import EdgeRow, Explanation

# Paths read per query: parallel assertions multiply paths, so read more than asked.
_PATH_ROWS = 2000


def _shortest(flt: EdgeFilter, max_depth: int) -> str:
    depth = int(max_depth)
    if not 1 <= depth <= limits.MAX_WALK_DEPTH:
        raise ValueError(f"depth out of range: {depth}")
    current = "r.stale_run IS NULL" if flt.as_of is None else AS_OF
    return (
        f"MATCH (a:{ENTITY} {{key: $start}}), (b:{ENTITY} {{key: $end}}) "
        f"MATCH p = allShortestPaths((a)-[:{flt.types}*1..{depth}]->(b)) "
        f"WHERE all(r IN relationships(p) WHERE {current} "
        "  AND coalesce(r.method, 'declared') IN $methods "
        "  AND coalesce(r.confidence, 1.0) >= $min_confidence) "
        f"WITH [r IN relationships(p) | [startNode(r).key, {flt.rel}, endNode(r).key]] AS hops "
        "LIMIT $rows "
        "RETURN collect(hops) AS rows"
    )


async def shortest_chains(
    tx: ReadTx, start: str, end: str, max_depth: int, flt: EdgeFilter, max_chains: int
) -> Explanation | None:
    found = await entities_by_keys(tx, [start, end])
    if start not in found or end not in found:
        return None
    if start == end:
        return Explanation(found[start], found[end], [[]], truncated=False)
    params = flt.params()
    params.pop("kinds")
    rows = await tx.table(
        _shortest(flt, max_depth), start=start, end=end, rows=_PATH_ROWS, **params
    )
    signatures: list[tuple[tuple[str, str, str], ...]] = []
    for hops in rows:
        signature = tuple((h[0], h[1], h[2]) for h in hops)
        if signature not in signatures:
            signatures.append(signature)
    signatures.sort()
    truncated = len(signatures) > max_chains or len(rows) >= _PATH_ROWS
    signatures = signatures[:max_chains]
    pairs = [(h[0], h[2]) for sig in signatures for h in sig]
    grouped = await edges_between(tx, pairs, replace(flt, kinds=None))
    by_id: dict[tuple[str, str, str], EdgeRow] = {
        (e.start, e.rel.value, e.end): e for edges in grouped.values() for e in edges
    }
    chains = [[by_id[h] for h in sig if h in by_id] for sig in signatures]
    return Explanation(found[start], found[end], chains, truncated)


async def explain(
    reader: Reader, start: str, end: str, max_depth: int, flt: EdgeFilter, max_chains: int
) -> Explanation | None:
    async def work(tx: ReadTx) -> Explanation | None:
        return await shortest_chains(tx, start, end, max_depth, flt, max_chains)

    return await reader.read(work)
