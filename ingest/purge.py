"""The purge: delete retractions older than a moment, the only way history goes away.

The sweep keeps what a source withdrew as ``RETRACTED`` edges, so ``asOf`` and
``changes`` can answer from history; a graph refreshed daily collects them for ever
unless an operator purges the old ones. Guarded like the sweep: counting is the
default (``apply=False``), and it refuses a cutoff inside the last
``MIN_AGE_DAYS`` days unless forced, since recent history is what ``changes`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from neo4j import Driver, Query

from schema.vocabulary import ENTITY, RETRACTED

MIN_AGE_DAYS = 30


class PurgeRefused(ValueError):
    """The cutoff is too recent (and not forced)."""


@dataclass(frozen=True)
class PurgeResult:
    before: str
    retractions: int  # older than ``before``: deleted if applied, else would be
    applied: bool
    nodes_deleted: int = 0

    def describe(self) -> str:
        if not self.applied:
            return (
                f"{self.retractions} retracted edges were retracted before {self.before}; "
                "nothing deleted (dry run: add --yes to delete them)"
            )
        return (
            f"deleted {self.retractions} retracted edges retracted before {self.before} "
            f"and {self.nodes_deleted} references nothing names any more"
        )


_COUNT = f"MATCH ()-[h:{RETRACTED}]->() WHERE h.retracted_at < $before RETURN count(h) AS n"
_DELETE = (
    f"MATCH ()-[h:{RETRACTED}]->() WHERE h.retracted_at < $before "
    "CALL (h) { DELETE h } IN TRANSACTIONS OF 5000 ROWS"
)
# As the sweep: references nobody makes any more go too; fetched entities stay.
_ORPHANS = f"MATCH (n:{ENTITY}) WHERE n.status = 'referenced' AND NOT (n)--() DELETE n"


def check_cutoff(before: str, now: datetime, force: bool) -> None:
    """Refuse a cutoff inside the last ``MIN_AGE_DAYS`` days unless ``force``."""
    floor = (now - timedelta(days=MIN_AGE_DAYS)).astimezone(UTC)
    if not force and before > floor.isoformat(timespec="seconds").replace("+00:00", "Z"):
        raise PurgeRefused(
            f"refused: {before} is within the last {MIN_AGE_DAYS} days; recent retractions "
            "are what `changes` and `shoulders diff` report. Add --force to purge them anyway."
        )


def purge(
    driver: Driver, database: str, before: str, *, apply: bool = False, force: bool = False
) -> PurgeResult:
    """Count (or, with ``apply``, delete) the retractions made before ``before``
    (ISO-8601 UTC, as stored)."""
    check_cutoff(before, datetime.now(UTC), force)
    records, _, _ = driver.execute_query(_COUNT, before=before, database_=database)
    count = int(records[0]["n"])
    if not apply or count == 0:
        return PurgeResult(before, count, applied=apply)
    # CALL ... IN TRANSACTIONS needs an implicit (auto-commit) transaction.
    with driver.session(database=database) as session:
        session.run(Query(_DELETE), before=before).consume()
    _, summary, _ = driver.execute_query(_ORPHANS, database_=database)
    return PurgeResult(before, count, True, summary.counters.nodes_deleted)
