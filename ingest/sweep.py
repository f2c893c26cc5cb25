"""The guarded sweep: delete assertions their sources withdrew, but never too many at once.

An edge is stale when the source that asserted it re-fetched its start entity and
did not say it again (the loader marks it). Deleting more than ``max_share`` of
all edges in one go is refused without ``force``: a broken upstream (an empty
listing, a changed format) must not empty the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Driver

from schema.vocabulary import ENTITY


@dataclass(frozen=True)
class SweepResult:
    stale: int
    total: int
    deleted: int
    refused: bool

    def describe(self, max_share: float) -> str:
        if self.refused:
            return (
                f"refused: {self.stale} of {self.total} edges are stale "
                f"(more than {max_share:.0%}); re-run with --force to delete them"
            )
        return f"deleted {self.deleted} stale edges of {self.total}"


def sweep(
    driver: Driver, database: str, *, max_share: float = 0.05, force: bool = False
) -> SweepResult:
    records, _, _ = driver.execute_query(
        f"MATCH (:{ENTITY})-[r]->(:{ENTITY}) RETURN count(r) AS total, count(r.stale_run) AS stale",
        database_=database,
    )
    total, stale = records[0]["total"], records[0]["stale"]
    if stale == 0:
        return SweepResult(0, total, 0, False)
    if not force and stale > max_share * total:
        return SweepResult(stale, total, 0, True)
    _, summary, _ = driver.execute_query(
        f"MATCH (:{ENTITY})-[r]->(:{ENTITY}) WHERE r.stale_run IS NOT NULL DELETE r",
        database_=database,
    )
    # References nobody makes any more go too; fetched entities stay.
    driver.execute_query(
        f"MATCH (n:{ENTITY}) WHERE n.status = 'referenced' AND NOT (n)--() DELETE n",
        database_=database,
    )
    return SweepResult(stale, total, summary.counters.relationships_deleted, False)
