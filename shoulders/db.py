"""Neo4j drivers built from the settings (sync for the CLI and ingest, async for the API)."""

from __future__ import annotations

from neo4j import AsyncDriver, AsyncGraphDatabase, Driver, GraphDatabase

from shoulders.settings import Settings


def _auth(settings: Settings) -> tuple[str, str]:
    return settings.neo4j_user, settings.neo4j_password.get_secret_value()


def driver(settings: Settings) -> Driver:
    # Notifications (e.g. "property does not exist yet" on an empty graph) are noise here.
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=_auth(settings),
        user_agent="shoulders/0.1",
        notifications_min_severity="OFF",
    )


def async_driver(settings: Settings) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=_auth(settings),
        user_agent="shoulders/0.1",
        notifications_min_severity="OFF",
    )
