"""What a licence check reads: a model's weights lineage, its teachers, its training data,
and the licences each of them is under -- in one read statement.

The weights lineage is the distinct models reachable over the weights relations (a
pruning expand: no path is enumerated). Then every lineage model's edges that matter
for licences (lineage hops, teachers, data, licences), and the licences of the
teachers and datasets those reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from schema.vocabulary import ENTITY, Label, Rel
from service.queries.filters import rel_types
from service.queries.reader import Reader, ReadTx
from service.queries.rows import EdgeRow, EntityRow

#: Relations along which a model's weights come from another model's.
WEIGHTS: frozenset[Rel] = frozenset(
    {Rel.FINETUNED_FROM, Rel.ADAPTER_OF, Rel.QUANTIZED_FROM, Rel.MERGED_FROM, Rel.DERIVED_FROM}
)
#: Relations read from every lineage model.
_READ: frozenset[Rel] = WEIGHTS | {Rel.DISTILLED_FROM, Rel.TRAINED_ON, Rel.LICENSED_UNDER}

MAX_LINEAGE_DEPTH = 8


def _statement(depth: int) -> str:
    depth = int(depth)
    if not 1 <= depth <= MAX_LINEAGE_DEPTH:
        raise ValueError(f"depth out of range: {depth}")
    model, dataset, licence = Label.MODEL.value, Label.DATASET.value, Label.LICENSE.value
    return (
        f"MATCH (m:{ENTITY} {{key: $key}}) "
        "CALL (m) { "
        f"  OPTIONAL MATCH (m)-[ws:{rel_types(WEIGHTS)}*1..{depth}]->(a:{model}) "
        "  WHERE all(r IN ws WHERE r.stale_run IS NULL) "
        "  RETURN collect(DISTINCT a) AS ancestors "
        "} "
        "WITH m, [m] + ancestors AS lineage "
        "CALL (lineage) { "
        "  UNWIND lineage AS x "
        f"  MATCH (x)-[r:{rel_types(_READ)}]->(y:{ENTITY}) WHERE r.stale_run IS NULL "
        "  WITH x, type(r) AS rel, y, r ORDER BY r.assertion "
        "  WITH x, rel, y, collect(properties(r)) AS assertions "
        "  RETURN collect([x.key, rel, y.key, assertions]) AS edges, collect(DISTINCT y) AS ends "
        "} "
        "CALL (lineage, ends) { "
        f"  UNWIND [e IN ends WHERE NOT e IN lineage AND (e:{model} OR e:{dataset})] AS y "
        f"  MATCH (y)-[r:{Rel.LICENSED_UNDER.value}]->(l:{licence}) WHERE r.stale_run IS NULL "
        "  WITH y, l, r ORDER BY r.assertion "
        "  WITH y, l, collect(properties(r)) AS assertions "
        f"  RETURN collect([y.key, '{Rel.LICENSED_UNDER.value}', l.key, assertions]) AS more, "
        "    collect(DISTINCT l) AS licences "
        "} "
        "RETURN [n IN lineage + ends + licences | properties(n)] AS nodes, edges + more AS edges"
    )


@dataclass(frozen=True)
class LicenceGraph:
    """The part of the graph a licence check reasons over."""

    root: str
    entities: dict[str, EntityRow]
    edges: list[EdgeRow]


async def licence_graph(
    tx: ReadTx, key: str, depth: int = MAX_LINEAGE_DEPTH
) -> LicenceGraph | None:
    rows = await tx.rows(_statement(depth), key=key)
    if not rows:
        return None
    entities: dict[str, EntityRow] = {}
    for props in rows[0]["nodes"]:
        row = EntityRow.from_props(props)
        entities.setdefault(row.key, row)
    edges = [
        EdgeRow.from_record(start, rel, end, assertions)
        for start, rel, end, assertions in rows[0]["edges"]
    ]
    return LicenceGraph(key, entities, edges)


async def load_licence_graph(
    reader: Reader, key: str, depth: int = MAX_LINEAGE_DEPTH
) -> LicenceGraph | None:
    async def work(tx: ReadTx) -> LicenceGraph | None:
        return await licence_graph(tx, key, depth)

    return await reader.read(work)
