"""``changes``: lineage added, retracted and changed since a moment, with evidence.

An assertion is *added* when a live edge was first seen at or after ``since``, and
*retracted* when a ``RETRACTED`` edge was retracted at or after it (one that came and
went inside the window is reported retracted only). A start entity that lost one edge
and gained another of the same family in the window *changed* it: a model re-declaring
its base (any weights relation: FINETUNED_FROM, ADAPTER_OF ...) or its licence. Each
change is one grouped edge (start, relation, end) with the assertions behind it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from schema.vocabulary import ENTITY, MODEL_LINEAGE, RETRACTED, Rel
from service.queries.filters import ALL_RELATIONS, rel_types
from service.queries.reader import Reader, ReadTx
from service.queries.rows import EdgeRow

#: Relations whose re-pointing is one change, not an addition and a retraction.
FAMILIES: dict[Rel, str] = {
    **{rel: "weights" for rel in MODEL_LINEAGE},
    Rel.LICENSED_UNDER: "licence",
}


class ChangeKind(StrEnum):
    ADDED = "ADDED"
    RETRACTED = "RETRACTED"
    CHANGED = "CHANGED"


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    at: str  # when: first seen (added), retracted (retracted), the later of both (changed)
    edge: EdgeRow  # the edge added, or retracted (kind RETRACTED)
    previous: EdgeRow | None = None  # CHANGED: the edge it replaced


@dataclass(frozen=True)
class Changes:
    since: str
    key: str | None
    items: list[Change]  # ordered by (at, start, relation, end)
    truncated: bool  # more assertions changed than the limit read


def _query(retracted: bool, by_key: bool) -> str:
    start = f"(a:{ENTITY} {{key: $key}})" if by_key else f"(a:{ENTITY})"
    if retracted:
        match = f"MATCH {start}-[r:{RETRACTED}]->(b:{ENTITY}) WHERE r.retracted_at >= $since "
        rel, at = "r.rel", "r.retracted_at"
    else:
        match = (
            f"MATCH {start}-[r:{rel_types(ALL_RELATIONS)}]->(b:{ENTITY}) "
            "WHERE coalesce(r.first_seen, r.fetched_at) >= $since "
        )
        rel, at = "type(r)", "coalesce(r.first_seen, r.fetched_at)"
    return (
        match + f"WITH a.key AS start, {rel} AS rel, b.key AS end, {at} AS at, r "
        "ORDER BY at, start, rel, end, r.assertion LIMIT $limit "
        "RETURN collect([start, rel, end, at, properties(r)]) AS rows"
    )


def _grouped(rows: list[list[object]]) -> list[tuple[str, EdgeRow]]:
    """Assertions grouped into edges, each with its latest time."""
    groups: dict[tuple[str, str, str], list[tuple[str, dict[str, object]]]] = defaultdict(list)
    for start, rel, end, at, props in rows:
        assert isinstance(props, dict)
        groups[(str(start), str(rel), str(end))].append((str(at), props))
    return [
        (
            max(at for at, _ in found),
            EdgeRow.from_record(start, rel, end, [p for _, p in found]),
        )
        for (start, rel, end), found in groups.items()
    ]


def classify(added: list[tuple[str, EdgeRow]], gone: list[tuple[str, EdgeRow]]) -> list[Change]:
    """Added and retracted edges as changes: those of one start and family pair up in order."""
    families: dict[tuple[str, str], tuple[list[tuple[str, EdgeRow]], ...]] = defaultdict(
        lambda: ([], [])
    )
    changes: list[Change] = []
    for i, side in enumerate((added, gone)):
        for at, edge in side:
            family = FAMILIES.get(edge.rel)
            if family is None:
                kind = ChangeKind.ADDED if i == 0 else ChangeKind.RETRACTED
                changes.append(Change(kind, at, edge))
            else:
                families[(edge.start, family)][i].append((at, edge))
    for new, old in families.values():
        # The same relation to the same end on both sides (re-asserted): no re-pointing.
        same = {e.id for _, e in new} & {e.id for _, e in old}
        new_only = sorted((x for x in new if x[1].id not in same), key=lambda x: x[1].id)
        old_only = sorted((x for x in old if x[1].id not in same), key=lambda x: x[1].id)
        for (at_new, after), (at_old, before) in zip(new_only, old_only, strict=False):
            changes.append(Change(ChangeKind.CHANGED, max(at_new, at_old), after, before))
        paired = min(len(new_only), len(old_only))
        changes += [
            Change(ChangeKind.ADDED, at, e) for at, e in new if (at, e) not in new_only[:paired]
        ]
        changes += [
            Change(ChangeKind.RETRACTED, at, e) for at, e in old if (at, e) not in old_only[:paired]
        ]
    changes.sort(key=lambda c: (c.at, c.edge.start, c.edge.rel.value, c.edge.end, c.kind.value))
    return changes


async def changes_since(tx: ReadTx, since: str, key: str | None, limit: int) -> Changes:
    """Changes since ``since`` (of ``key``'s own assertions when given), up to ``limit``
    assertions of each side; ``truncated`` when either side had more."""
    sides = []
    truncated = False
    for retracted in (False, True):
        params: dict[str, object] = {"since": since, "limit": limit + 1}
        if key is not None:
            params["key"] = key
        rows = await tx.table(_query(retracted, key is not None), **params)
        truncated = truncated or len(rows) > limit
        sides.append(_grouped(rows[:limit]))
    return Changes(since, key, classify(sides[0], sides[1]), truncated)


async def changes(reader: Reader, since: str, key: str | None, limit: int) -> Changes:
    async def work(tx: ReadTx) -> Changes:
        return await changes_since(tx, since, key, limit)

    return await reader.read(work)
