"""The API's async driver: shoulders.db's settings, tuned to fail fast.

The driver retries failed transactions for 30 s by default; an API request should
fail (and /healthz say 503) within seconds when Neo4j is down, not hang.
"""

from __future__ import annotations

from neo4j import AsyncDriver, AsyncGraphDatabase

from shoulders.settings import Settings

RETRY_SECONDS = 3.0
CONNECT_SECONDS = 5.0


def api_driver(settings: Settings) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        user_agent="shoulders-api/0.1",
        notifications_min_severity="OFF",
        max_transaction_retry_time=RETRY_SECONDS,
        connection_timeout=CONNECT_SECONDS,
        connection_acquisition_timeout=2 * CONNECT_SECONDS,
    )
