"""Read transactions routed to readers, so the same code runs on a cluster or Aura.

Every query goes through ``ReadTx.rows``, which also counts queries (for metrics,
and so tests can prove a rejected request never reached Neo4j).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from neo4j import (
    READ_ACCESS,
    AsyncDriver,
    AsyncManagedTransaction,
    Query,
    unit_of_work,
)

from service import limits

T = TypeVar("T")


class ReadTx:
    """One read transaction; ``rows`` runs a query and returns its records as dicts."""

    def __init__(self, tx: AsyncManagedTransaction, on_query: Callable[[], None]) -> None:
        self._tx = tx
        self._on_query = on_query

    async def rows(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        self._on_query()
        result = await self._tx.run(cypher, params)
        return [record.data() async for record in result]

    async def table(self, cypher: str, **params: Any) -> list[Any]:
        """The list a query returns as its one record's ``rows`` (``RETURN collect(...) AS rows``).

        The async driver spends about 40 µs on each record it receives, so a walk level of
        3000 rows costs 130 ms as records and a few ms as one list (docs/benchmarks.md).
        Queries that may return many rows collect them server-side and come through here.
        """
        self._on_query()
        result = await self._tx.run(cypher, params)
        # Not ``record.data()``: it walks every nested value in Python, and these lists
        # hold only lists, maps and scalars already.
        record = await result.single(strict=False)
        return list(record["rows"]) if record is not None else []


class Reader:
    """Runs units of work in read transactions against one database."""

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        on_query: Callable[[], None] | None = None,
        timeout: float = limits.QUERY_TIMEOUT_SECONDS,
    ) -> None:
        self.driver = driver
        self.database = database
        self.timeout = timeout
        self.queries = 0
        self._on_query = on_query

    def _count(self) -> None:
        self.queries += 1
        if self._on_query is not None:
            self._on_query()

    async def read(self, work: Callable[[ReadTx], Awaitable[T]]) -> T:
        # A server-side timeout bounds every transaction, whatever the client asks for.
        @unit_of_work(timeout=self.timeout)
        async def unit(tx: AsyncManagedTransaction) -> T:
            return await work(ReadTx(tx, self._count))

        async with self.driver.session(
            database=self.database, default_access_mode=READ_ACCESS
        ) as session:
            return await session.execute_read(unit)

    async def ping(self) -> None:
        """RETURN 1 on a reader (health check): no retries, so a down server fails at once."""
        self._count()

        async def probe() -> None:
            async with self.driver.session(
                database=self.database, default_access_mode=READ_ACCESS
            ) as session:
                result = await session.run(Query("RETURN 1", timeout=limits.HEALTH_TIMEOUT_SECONDS))
                await result.consume()

        # wait_for as well: a server that accepts but never answers must not hang the probe.
        await asyncio.wait_for(probe(), timeout=limits.HEALTH_TIMEOUT_SECONDS)
