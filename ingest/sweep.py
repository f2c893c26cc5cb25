"""The guarded sweep: retract assertions their sources withdrew, but never too many at once.

An edge is stale when the source that asserted it re-fetched its start entity and
did not say it again (the loader marks it). Retracting more than ``max_share`` of
all edges in one go is refused without ``force``: a broken upstream (an empty
listing, a changed format) must not empty the graph.

A retracted edge does not disappear: it becomes a ``RETRACTED`` relationship with the
same properties, ``rel`` (its former type) and ``retracted_at``, so ``asOf`` and
``changes`` can answer from history (``ingest/purge.py`` deletes old retractions).
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Driver, Query

from ingest.sources.base import utc_now
from schema.vocabulary import ENTITY, RETRACTED


@dataclass(frozen=True)
class SweepResult:
    stale: int
    total: int
    retracted: int
    refused: bool

    def describe(self, max_share: float) -> str:
        if self.refused:
            return (
                f"refused: {self.stale} of {self.total} edges are stale "
                f"(more than {max_share:.0%}); re-run with --force to retract them"
            )
        return f"retracted {self.retracted} stale edges of {self.total}"


# Neo4j cannot change a relationship's type: each stale edge is copied as RETRACTED and
# deleted, in one statement per batch of edges so a huge sweep never builds one giant
# transaction. ``stale_at`` (set by the loader) is when the source stopped saying it.
_RETRACT = (
    f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) WHERE r.stale_run IS NOT NULL "
    f"AND type(r) <> '{RETRACTED}' "
    "CALL (a, r, b) { "
    f"  CREATE (a)-[h:{RETRACTED}]->(b) "
    "  SET h = properties(r), h.rel = type(r), "
    "      h.retracted_at = coalesce(r.stale_at, $now), h.retracted_run = r.stale_run, "
    "      h.stale_run = null, h.stale_at = null "
    "  DELETE r "
    "} IN TRANSACTIONS OF 5000 ROWS"
)


def sweep(
    driver: Driver, database: str, *, max_share: float = 0.05, force: bool = False
) -> SweepResult:
    records, _, _ = driver.execute_query(
        f"MATCH (:{ENTITY})-[r]->(:{ENTITY}) WHERE type(r) <> '{RETRACTED}' "
        "RETURN count(r) AS total, count(r.stale_run) AS stale",
        database_=database,
    )
    total, stale = records[0]["total"], records[0]["stale"]
    if stale == 0:
        return SweepResult(0, total, 0, False)
    if not force and stale > max_share * total:
        return SweepResult(stale, total, 0, True)
    # CALL ... IN TRANSACTIONS needs an implicit (auto-commit) transaction.
    with driver.session(database=database) as session:
        summary = session.run(Query(_RETRACT), now=utc_now()).consume()
    # References nobody makes any more go too; fetched entities stay. A reference only a
    # retracted edge still makes stays (history needs its end); the purge removes it.
    driver.execute_query(
        f"MATCH (n:{ENTITY}) WHERE n.status = 'referenced' AND NOT (n)--() DELETE n",
        database_=database,
    )
    return SweepResult(stale, total, summary.counters.relationships_deleted, False)
