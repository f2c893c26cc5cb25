"""Shared fixtures: a real Neo4j started by the project's own command.

Tests use their own server (``.neo4j-test``, Bolt 7688, HTTP 7475) so they never
touch the graph the main job built; every variable can be overridden from the
environment. The database is wiped between tests, but only when it holds nothing
but what a test run made: a sentinel node marks a database as the tests' own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEST_ENV = {
    "SHOULDERS_NEO4J_HOME": str(REPO / ".neo4j-test"),
    "NEO4J_URI": "bolt://127.0.0.1:7688",
    "NEO4J_HTTP_PORT": "7475",
    "NEO4J_PASSWORD": "shoulders-test",
    "SHOULDERS_REPORT_DIR": str(REPO / "artifacts" / "reports"),
}
for _name, _value in TEST_ENV.items():
    os.environ.setdefault(_name, _value)
# Never reach a real upstream or leak a developer's token from a test.
for _name in ("HF_TOKEN", "GITHUB_TOKEN", "S2_API_KEY"):
    os.environ.pop(_name, None)

from neo4j import Driver  # noqa: E402

from schema import constraints  # noqa: E402
from shoulders import db  # noqa: E402
from shoulders.neo4j_server import LocalNeo4j  # noqa: E402
from shoulders.settings import Settings, load_settings  # noqa: E402

SENTINEL = "ShouldersTestSentinel"
ARTIFACTS = REPO / "artifacts"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def neo4j_server(settings: Settings) -> LocalNeo4j:
    server = LocalNeo4j(settings)
    server.start()  # the same code as `shoulders neo4j start`; a no-op when running
    return server


@pytest.fixture(scope="session")
def driver(neo4j_server: LocalNeo4j, settings: Settings) -> Iterator[Driver]:
    with db.driver(settings) as drv:
        _claim_database(drv, settings.neo4j_database)
        constraints.apply(drv, settings.neo4j_database)
        yield drv


def _claim_database(drv: Driver, database: str) -> None:
    records, _, _ = drv.execute_query(
        f"OPTIONAL MATCH (s:{SENTINEL}) WITH count(s) AS sentinels "
        f"OPTIONAL MATCH (n) WHERE NOT n:{SENTINEL} RETURN sentinels, count(n) AS others",
        database_=database,
    )
    sentinels, others = records[0]["sentinels"], records[0]["others"]
    if sentinels == 0 and others > 0:
        pytest.exit(
            f"refusing to wipe database {database!r}: it holds {others} nodes a test run did not "
            "create. Point the tests at an empty database (NEO4J_URI / SHOULDERS_NEO4J_HOME).",
            returncode=2,
        )
    drv.execute_query(f"MERGE (:{SENTINEL} {{owner: 'shoulders-tests'}})", database_=database)


def wipe(drv: Driver, database: str) -> None:
    # CALL ... IN TRANSACTIONS needs an implicit (auto-commit) transaction.
    with drv.session(database=database) as session:
        session.run(
            f"MATCH (n) WHERE NOT n:{SENTINEL} "
            "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
        ).consume()


@pytest.fixture
def graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    """A clean database for one test (schema applied)."""
    wipe(driver, settings.neo4j_database)
    yield driver
    wipe(driver, settings.neo4j_database)
