"""Neo4j constraints and indexes, and the idempotent ``apply``.

Community edition has uniqueness constraints and range/text/full-text indexes
(no NODE KEY or existence constraints), so each label gets a uniqueness
constraint on ``key`` and every entity also carries the ``Entity`` label so a key
can be looked up without knowing its kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Driver

from schema.vocabulary import ENTITY, RETRACTED, Label, OpsLabel

FULLTEXT_INDEX = "entity_search"


@dataclass(frozen=True)
class SchemaItem:
    name: str
    kind: str  # "constraint" | "index"
    cypher: str


def _unique(label: str, prop: str = "key") -> SchemaItem:
    name = f"{label.lower()}_{prop}_unique"
    return SchemaItem(
        name,
        "constraint",
        f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE",
    )


def _range(label: str, prop: str) -> SchemaItem:
    name = f"{label.lower()}_{prop}"
    return SchemaItem(
        name, "index", f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
    )


SCHEMA: tuple[SchemaItem, ...] = (
    _unique(ENTITY),
    *(_unique(label.value) for label in Label),
    _unique(OpsLabel.INGEST_RUN.value, "run_id"),
    _unique(OpsLabel.INGEST_LOCK.value, "name"),
    _range(ENTITY, "status"),
    _range(ENTITY, "fetched_run"),
    _range(OpsLabel.INGEST_RUN.value, "started_at"),
    # ``changes`` and the purge find retractions by time, not by scanning every edge.
    SchemaItem(
        "retracted_retracted_at",
        "index",
        f"CREATE INDEX retracted_retracted_at IF NOT EXISTS "
        f"FOR ()-[r:{RETRACTED}]-() ON (r.retracted_at)",
    ),
    SchemaItem(
        FULLTEXT_INDEX,
        "index",
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
        f"FOR (n:{ENTITY}) ON EACH [n.name, n.key, n.search_text]",
    ),
)


def apply(driver: Driver, database: str) -> list[str]:
    """Create what is missing; return the names created (empty on a second apply)."""
    existing = existing_names(driver, database)
    created = []
    for item in SCHEMA:
        if item.name in existing:
            continue
        driver.execute_query(item.cypher, database_=database)
        created.append(item.name)
    if created:
        # Wait for new indexes to come online so the first queries can use them.
        driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
    return created


def existing_names(driver: Driver, database: str) -> set[str]:
    names: set[str] = set()
    for query in ("SHOW CONSTRAINTS YIELD name", "SHOW INDEXES YIELD name"):
        records, _, _ = driver.execute_query(query, database_=database)
        names.update(r["name"] for r in records)
    return names
