"""Entities by key, and the grouped edges next to them (what the DataLoaders batch)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from schema.vocabulary import ENTITY
from service.queries.filters import ANY_EDGE, EdgeFilter
from service.queries.reader import Reader, ReadTx
from service.queries.rows import EdgeRow, EntityRow

Direction = Literal["up", "down"]

_BY_KEYS = f"UNWIND $keys AS k MATCH (n:{ENTITY} {{key: k}}) RETURN collect(properties(n)) AS rows"


async def entities_by_keys(tx: ReadTx, keys: Sequence[str]) -> dict[str, EntityRow]:
    rows = await tx.table(_BY_KEYS, keys=list(dict.fromkeys(keys)))
    found = (EntityRow.from_props(props) for props in rows)
    return {e.key: e for e in found}


def _between(flt: EdgeFilter) -> str:
    return (
        "UNWIND $pairs AS p "
        f"MATCH (a:{ENTITY} {{key: p[0]}})-[r:{flt.types}]->(b:{ENTITY} {{key: p[1]}}) "
        f"WHERE {flt.where} "
        "WITH a, b, r ORDER BY r.assertion "
        f"WITH a.key AS start, {flt.rel} AS rel, b.key AS end, collect(properties(r)) AS assertions "
        "ORDER BY start, end, rel "
        "RETURN collect([start, rel, end, assertions]) AS rows"
    )


async def edges_between(
    tx: ReadTx, pairs: Sequence[tuple[str, str]], flt: EdgeFilter = ANY_EDGE
) -> dict[tuple[str, str], list[EdgeRow]]:
    """Grouped edges from ``start`` to ``end`` for each pair (one query for all pairs)."""
    if not pairs:
        return {}
    unique = list(dict.fromkeys(pairs))
    rows = await tx.table(_between(flt), pairs=[list(p) for p in unique], **flt.params())
    found: dict[tuple[str, str], list[EdgeRow]] = {p: [] for p in unique}
    for start, rel, end, assertions in rows:
        edge = EdgeRow.from_record(start, rel, end, assertions)
        found[(edge.start, edge.end)].append(edge)
    return found


def _adjacent(direction: Direction, flt: EdgeFilter) -> str:
    arrow = f"-[r:{flt.types}]->" if direction == "up" else f"<-[r:{flt.types}]-"
    # The subquery caps each entity's edges on its own, so a hub cannot crowd out the rest.
    return (
        f"UNWIND $keys AS k MATCH (a:{ENTITY} {{key: k}}) "
        "CALL (a) { "
        f"  MATCH (a){arrow}(b:{ENTITY}) WHERE {flt.where} "
        f"  WITH b, {flt.rel} AS rel, r ORDER BY r.assertion "
        "  WITH b, rel, collect(properties(r)) AS assertions ORDER BY rel, b.key LIMIT $per_key "
        "  RETURN b.key AS other, rel, assertions "
        "} "
        "RETURN collect([a.key, other, rel, assertions]) AS rows"
    )


async def adjacent_edges(
    tx: ReadTx, keys: Sequence[str], direction: Direction, flt: EdgeFilter, per_key: int
) -> dict[str, list[EdgeRow]]:
    """Direct edges of each entity: upstream (what it stands on) or downstream."""
    unique = list(dict.fromkeys(keys))
    rows = await tx.table(_adjacent(direction, flt), keys=unique, per_key=per_key, **flt.params())
    found: dict[str, list[EdgeRow]] = {k: [] for k in unique}
    for key, other, rel, assertions in rows:
        start, end = (key, other) if direction == "up" else (other, key)
        found[key].append(EdgeRow.from_record(start, rel, end, assertions))
    return found


# --- entry points with their own read transaction (DataLoaders and lookups) -----------
async def load_entities(reader: Reader, keys: Sequence[str]) -> dict[str, EntityRow]:
    async def work(tx: ReadTx) -> dict[str, EntityRow]:
        return await entities_by_keys(tx, keys)

    return await reader.read(work)


async def load_edges_between(
    reader: Reader, pairs: Sequence[tuple[str, str]], flt: EdgeFilter = ANY_EDGE
) -> dict[tuple[str, str], list[EdgeRow]]:
    async def work(tx: ReadTx) -> dict[tuple[str, str], list[EdgeRow]]:
        return await edges_between(tx, pairs, flt)

    return await reader.read(work)


async def load_adjacent(
    reader: Reader, keys: Sequence[str], direction: Direction, flt: EdgeFilter, per_key: int
) -> dict[str, list[EdgeRow]]:
    async def work(tx: ReadTx) -> dict[str, list[EdgeRow]]:
        return await adjacent_edges(tx, keys, direction, flt, per_key)

    return await reader.read(work)
