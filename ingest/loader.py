"""Batched, idempotent writes: ``UNWIND $rows MERGE ...``, one transaction per batch.

Labels and relationship types come only from the schema enums; every value is a
parameter. Writing the same batch twice leaves the graph as it was (MERGE on the
node key and on the assertion id of each edge).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, ManagedTransaction

from ingest.records import EdgeRecord, NodeRecord, NodeStatus, RecordBatch
from ingest.sources.base import utc_now
from schema import keys
from schema.keys import label_of
from schema.vocabulary import ENTITY, RETRACTED, Label, Rel

ROWS_PER_STATEMENT = 2000


@dataclass
class WriteCounts:
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0

    def add(self, other: WriteCounts) -> None:
        self.nodes_created += other.nodes_created
        self.relationships_created += other.relationships_created
        self.properties_set += other.properties_set


def _search_text(name: str, key: str, alias_text: str = "") -> str:
    return " ".join(part for part in (name, keys.parse(key).id, alias_text) if part)


def node_row(node: NodeRecord) -> dict[str, Any]:
    """The parameter row one node is written with (by the Loader, and as a bulk CSV line)."""
    props: dict[str, Any] = {"name": node.name, **node.props}
    aliases = node.props.get("aliases")
    alias_text = " ".join(str(a) for a in aliases) if isinstance(aliases, list) else ""
    props["search_text"] = _search_text(node.name, node.key, alias_text)
    if node.provenance is not None:
        p = node.provenance
        props.update(
            source=p.source,
            url=p.url,
            revision=p.revision,
            fetched_at=p.fetched_at,
            fetched_run=p.run_id,
        )
    return {
        "key": node.key,
        "name": node.name,
        "props": props,
        "reason": node.reason,
        "run_id": node.provenance.run_id if node.provenance else None,
    }


def edge_row(edge: EdgeRecord) -> dict[str, Any]:
    """The parameter row one assertion is written with (by the Loader, and as a bulk CSV line)."""
    p, e = edge.provenance, edge.evidence
    end_name = edge.end_name or keys.parse(edge.end).name
    return {
        "start": edge.start,
        "end": edge.end,
        "end_name": end_name,
        # As a node row would set it: whoever creates a node first, its text is the same.
        "end_search": _search_text(end_name, edge.end),
        "assertion": edge.assertion,
        "props": {
            "source": p.source,
            "url": p.url,
            "revision": p.revision,
            "fetched_at": p.fetched_at,
            "last_seen": p.fetched_at,  # first_seen is set once, when the edge is created
            "run_id": p.run_id,
            "method": e.method.value,
            "confidence": e.confidence,
            "evidence_field": e.field,
            "evidence_value": e.value,
            "detail": edge.detail,
            "stale_run": None,
            "stale_at": None,
        },
    }


# Cypher per status. A resolved write replaces what we know of the entity; a
# reference only makes sure it exists; a failure never downgrades a resolved node.
def _least_name(var: str, name: str, search: str) -> str:
    """Until an entity is fetched, the least of the names its referrers give it wins: the
    same whatever order the writes came in (a re-run after a crash equals a clean run)."""
    return (
        f"{var} += CASE WHEN {var}.status <> 'resolved' AND {name} < {var}.name "
        f"THEN {{name: {name}, search_text: {search}}} ELSE {{}} END"
    )


def _node_cypher(label: Label, status: NodeStatus) -> str:
    head = f"UNWIND $rows AS row MERGE (n:{label.value} {{key: row.key}}) ON CREATE SET n:{ENTITY}"
    if status is NodeStatus.RESOLVED:
        return (
            head + ", n.status = 'resolved' SET n += row.props, n.status = 'resolved', "
            "n.unresolved_reason = null"
        )
    least = _least_name("n", "row.name", "row.props.search_text")
    if status is NodeStatus.REFERENCED:
        return (
            head + ", n.name = row.name, n.status = 'referenced', n.search_text = "
            f"row.props.search_text ON MATCH SET {least}"
        )
    return head + (
        f", n.name = row.name, n.search_text = row.props.search_text ON MATCH SET {least} "
        "SET n.status = CASE n.status WHEN 'resolved' THEN 'resolved' ELSE 'unresolved' END, "
        "n.unresolved_reason = row.reason, n.failed_run = row.run_id"
    )


def _edge_cypher(rel: Rel, start: Label, end: Label) -> str:
    return (
        "UNWIND $rows AS row "
        f"MERGE (a:{start.value} {{key: row.start}}) "
        f"ON CREATE SET a:{ENTITY}, a.name = row.start, a.status = 'referenced' "
        f"MERGE (b:{end.value} {{key: row.end}}) "
        f"ON CREATE SET b:{ENTITY}, b.name = row.end_name, b.status = 'referenced', "
        "b.search_text = row.end_search "
        f"ON MATCH SET {_least_name('b', 'row.end_name', 'row.end_search')} "
        f"MERGE (a)-[r:{rel.value} {{assertion: row.assertion}}]->(b) "
        # first_seen: when this lifetime of the assertion began (a re-assertion after a
        # retraction is a new edge, so a new lifetime); last_seen moves with every write.
        "ON CREATE SET r.first_seen = row.props.fetched_at "
        "SET r += row.props"
    )


def _chunks(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for i in range(0, len(rows), ROWS_PER_STATEMENT):
        yield rows[i : i + ROWS_PER_STATEMENT]


def _write(tx: ManagedTransaction, batch: RecordBatch) -> WriteCounts:
    counts = WriteCounts()
    nodes: dict[tuple[Label, NodeStatus], list[dict[str, Any]]] = defaultdict(list)
    for node in batch.nodes:
        nodes[(node.label, node.status)].append(node_row(node))
    # Resolved first, so a reference in the same batch never overwrites a name.
    order = {NodeStatus.RESOLVED: 0, NodeStatus.UNRESOLVED: 1, NodeStatus.REFERENCED: 2}
    for (label, status), rows in sorted(nodes.items(), key=lambda kv: order[kv[0][1]]):
        for chunk in _chunks(rows):
            counts.add(_run(tx, _node_cypher(label, status), chunk))
    edges: dict[tuple[Rel, Label, Label], list[dict[str, Any]]] = defaultdict(list)
    for edge in batch.edges:
        edges[(edge.rel, label_of(edge.start), label_of(edge.end))].append(edge_row(edge))
    for (rel, start, end), rows in edges.items():
        for chunk in _chunks(rows):
            counts.add(_run(tx, _edge_cypher(rel, start, end), chunk))
    return counts


# An entity a source re-fetched in this run replaces that source's assertions about it:
# its older edges from the same source that were not asserted again are marked stale,
# in the same transaction, and the end-of-run sweep retracts them (guarded). ``stale_at``
# is when the source stopped saying it: the retraction's time, whenever the sweep runs.
# Retracted edges (``RETRACTED``) are history, never marked again.
_MARK_STALE = (
    f"UNWIND $fetched AS f MATCH (x:{ENTITY} {{key: f.key}})-[r]->() "
    f"WHERE r.source = f.source AND r.run_id <> $run AND type(r) <> '{RETRACTED}' "
    "SET r.stale_run = $run, r.stale_at = coalesce(r.stale_at, $now)"
)


def _run(tx: ManagedTransaction, cypher: str, rows: list[dict[str, Any]]) -> WriteCounts:
    return _run_params(tx, cypher, rows=rows)


def _run_params(tx: ManagedTransaction, cypher: str, **params: Any) -> WriteCounts:
    summary = tx.run(cypher, **params).consume()
    c = summary.counters
    return WriteCounts(c.nodes_created, c.relationships_created, c.properties_set)


class Loader:
    """Writes record batches into one database, each batch in one transaction."""

    def __init__(self, driver: Driver, database: str) -> None:
        self.driver = driver
        self.database = database
        self.counts = WriteCounts()

    def write(
        self,
        batch: RecordBatch,
        fetched: Sequence[tuple[str, str]] = (),
        run_id: str | None = None,
    ) -> WriteCounts:
        """Write ``batch`` in one transaction.

        ``fetched`` lists (source, key) of entities re-fetched in run ``run_id``; their
        older assertions by the same source that the batch does not repeat become stale.
        """
        if not len(batch) and not fetched:
            return WriteCounts()
        rows = [{"source": source, "key": key} for source, key in fetched]

        def work(tx: ManagedTransaction) -> WriteCounts:
            counts = _write(tx, batch)
            if rows:
                counts.add(_run_params(tx, _MARK_STALE, fetched=rows, run=run_id, now=utc_now()))
            return counts

        with self.driver.session(database=self.database) as session:
            counts = session.execute_write(work)
        self.counts.add(counts)
        return counts
