"""The benchmark's database: refuse a graph it did not make, reset between phases, count.

The benchmark wipes and reloads the database many times, so it only runs against an
empty one or one it marked as its own (a ``ShouldersBench`` node, not an entity).
Entities and run bookkeeping are deleted; other nodes (such as the test suite's
sentinel) are left alone. A large graph on the local server is reset by importing an
empty one with ``neo4j-admin`` instead of deleting millions of relationships.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from neo4j import Driver

from ingest.bulk.admin_import import run_import
from ingest.bulk.csv_files import ImportFiles
from schema import constraints
from schema.vocabulary import ENTITY, OpsLabel
from shoulders import db
from shoulders.neo4j_server import LocalNeo4j
from shoulders.settings import Settings

MARKER = "ShouldersBench"
#: Above this many entities a reset re-imports an empty database (when the server is ours).
FAST_RESET_FROM = 200_000


class NotOurDatabase(Exception):
    """The database holds a graph the benchmark did not make."""


@dataclass(frozen=True)
class GraphCounts:
    nodes: int
    relationships: int

    @property
    def records(self) -> int:
        return self.nodes + self.relationships


def counts(driver: Driver, database: str) -> GraphCounts:
    # Both answered from Neo4j's count store; only entities have relationships.
    records, _, _ = driver.execute_query(
        f"MATCH (n:{ENTITY}) RETURN count(n) AS n", database_=database
    )
    rels, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS r", database_=database)
    return GraphCounts(int(records[0]["n"]), int(rels[0]["r"]))


def claim(driver: Driver, database: str) -> None:
    """Mark the database as the benchmark's, or refuse when it holds someone's graph."""
    records, _, _ = driver.execute_query(
        f"OPTIONAL MATCH (m:{MARKER}) WITH count(m) AS marked "
        f"OPTIONAL MATCH (n) WHERE n:{ENTITY} OR n:{OpsLabel.INGEST_RUN} "
        "RETURN marked, count(n) AS others",
        database_=database,
    )
    marked, others = records[0]["marked"], records[0]["others"]
    if not marked and others:
        raise NotOurDatabase(
            f"database {database!r} holds {others} entities or runs the benchmark did not "
            "make; point NEO4J_URI at an empty database (the benchmark deletes everything "
            "it loads, many times)"
        )
    mark(driver, database)


def mark(driver: Driver, database: str) -> None:
    """Mark the database as the benchmark's (after it imported a graph of its own)."""
    driver.execute_query(f"MERGE (:{MARKER} {{owner: 'shoulders-bench'}})", database_=database)


def release(driver: Driver, database: str) -> None:
    driver.execute_query(f"MATCH (m:{MARKER}) DELETE m", database_=database)


def _delete(driver: Driver, database: str) -> None:
    labels = (
        ENTITY,
        OpsLabel.INGEST_RUN.value,
        OpsLabel.INGEST_LOCK.value,
        OpsLabel.HUB_LISTING.value,
    )
    with driver.session(database=database) as session:
        # CALL ... IN TRANSACTIONS needs an implicit (auto-commit) transaction. Edges go
        # first: DETACH DELETE of 2,000 nodes at once can take a package with 100,000
        # dependents along and overrun the transaction memory limit.
        session.run(
            "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS"
        ).consume()
        for label in labels:
            session.run(
                f"MATCH (n:{label}) CALL (n) {{ DELETE n }} IN TRANSACTIONS OF 20000 ROWS"
            ).consume()


def _ours(settings: Settings) -> LocalNeo4j | None:
    """The local server behind ``settings`` when it runs from SHOULDERS_NEO4J_HOME."""
    server = LocalNeo4j(settings)
    if settings.bolt_host not in ("127.0.0.1", "localhost") or server.pid() is None:
        return None
    conf = server.conf_file.read_text() if server.conf_file.exists() else ""
    return server if f":{settings.bolt_port}\n" in conf else None


def reset(settings: Settings) -> None:
    """An empty database with the schema applied (the marker kept)."""
    with db.driver(settings) as driver:
        database = settings.neo4j_database
        big = counts(driver, database).nodes >= FAST_RESET_FROM
    server = _ours(settings) if big else None
    if server is not None:
        server.stop()
        with tempfile.TemporaryDirectory(prefix="bench-empty-") as tmp:
            empty = Path(tmp) / "nodes.csv"
            empty.write_text("key:ID\n")
            run_import(server, ImportFiles(nodes=[empty]), settings.neo4j_database)
        server.start()
    with db.driver(settings) as driver:
        if server is None:
            _delete(driver, settings.neo4j_database)
        constraints.apply(driver, settings.neo4j_database)
        claim(driver, settings.neo4j_database)
