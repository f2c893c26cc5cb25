"""``dependents`` counts (totalCount, byRelation, truncated) without the walk's rows.

The counts need every dependent within the depth, but not their keys, nor the entity
each stands on: a level here returns each new dependent's element id and relations
only, so no key is read (the walk reads two per edge to order a page and name
``through``). A walk that passes the budget still knows its total (the budget: the
ordered walk keeps exactly that many) but not ``byRelation``: which dependents the budget
keeps depends on their keys, so only the ordered walk (``dependents``) can say.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from schema.vocabulary import ENTITY, Rel
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader, ReadTx
from service.queries.rows import Dependents


@dataclass(frozen=True)
class DependentCounts:
    total: int
    # None when the walk passed its budget: the ordered walk says which dependents it keeps.
    by_relation: dict[Rel, int] | None
    truncated: bool

    @classmethod
    def of(cls, walked: Dependents) -> DependentCounts:
        return cls(len(walked.items), walked.by_relation, walked.truncated)


def _level(flt: EdgeFilter) -> str:
    return (
        "UNWIND $frontier AS id MATCH (a) WHERE elementId(a) = id "
        f"MATCH (a)<-[r:{flt.types}]-(b:{ENTITY}) WHERE {flt.where} "
        f"WITH b, collect(DISTINCT {flt.rel}) AS rels "
        "RETURN collect([elementId(b), rels]) AS rows"
    )


async def count_downstream(
    tx: ReadTx, root_key: str, max_depth: int, flt: EdgeFilter, budget: int
) -> DependentCounts | None:
    """What ``walk_downstream`` counts, for the same arguments."""
    root = await tx.table(
        f"MATCH (a:{ENTITY} {{key: $root}}) RETURN [elementId(a)] AS rows", root=root_key
    )
    if not root:
        return None
    seen: set[str] = {str(root[0])}
    frontier: list[str] = [str(root[0])]
    counts: Counter[str] = Counter()
    for _ in range(max_depth):
        if not frontier:
            break
        rows = await tx.table(_level(flt), frontier=frontier, **flt.params())
        reached = [(i, rels) for i, rels in rows if i not in seen]
        if len(seen) - 1 + len(reached) > budget:
            return DependentCounts(total=budget, by_relation=None, truncated=True)
        frontier = []
        for element_id, rels in reached:
            seen.add(element_id)
            frontier.append(element_id)
            counts.update(rels)
    return DependentCounts(
        total=len(seen) - 1,
        by_relation={Rel(r): n for r, n in sorted(counts.items())},
        truncated=False,
    )


async def count_dependents(
    reader: Reader, root_key: str, max_depth: int, flt: EdgeFilter, budget: int
) -> DependentCounts | None:
    async def work(tx: ReadTx) -> DependentCounts | None:
        return await count_downstream(tx, root_key, max_depth, flt, budget)

    return await reader.read(work)
