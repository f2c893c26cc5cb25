"""The one place Neo4j drivers are built from the settings.

``driver`` (sync) serves the CLI, the ingest and the bulk import; ``async_driver`` serves
the API. The async driver is tuned to fail fast: by default a driver retries failed
transactions for 30 s, but an API request should fail (and /healthz say 503) within
seconds when Neo4j is down, not hang.
"""

from __future__ import annotations

from neo4j import AsyncDriver, AsyncGraphDatabase, Driver, GraphDatabase

from shoulders.settings import Settings

USER_AGENT = "shoulders/0.1"
#: How long the API's driver retries a failed transaction, and waits for a connection.
API_RETRY_SECONDS = 3.0
API_CONNECT_SECONDS = 5.0


def _auth(settings: Settings) -> tuple[str, str]:
    return settings.neo4j_user, settings.neo4j_password.get_secret_value()


def driver(settings: Settings) -> Driver:
    # Notifications (e.g. "property does not exist yet" on an empty graph) are noise here.
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=_auth(settings),
        user_agent=USER_AGENT,
        notifications_min_severity="OFF",
    )


def async_driver(settings: Settings) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=_auth(settings),
        user_agent=USER_AGENT,
        notifications_min_severity="OFF",
        max_transaction_retry_time=API_RETRY_SECONDS,
        connection_timeout=API_CONNECT_SECONDS,
        connection_acquisition_timeout=2 * API_CONNECT_SECONDS,
    )
