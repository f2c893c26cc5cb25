"""Where a raw ``standsOn`` walk's time goes: ``python -m bench.walk_profile --size 1M``.

Asks Bench B's default question (all relations, depth 8) about the benchmark's roots on
the graph the environment's Neo4j holds (one `python -m bench` loaded), through the
service's own query functions, and splits each answer's time into what Neo4j reports for
each query (``result_available_after`` + ``result_consumed_after``: planning, execution
and streaming on the server), the rest of each query's round trip on the client (Bolt
on loopback, the driver, decoding the result), and Python outside the queries (the walk's
own bookkeeping and the typed rows). After each answer it also times a read transaction of
as many empty queries, and one of a single empty query: what the round trips cost with no
data, the most that folding the walk into one statement could save on round trips alone;
and a read transaction of one statement that reads only the answer's data (its entities,
its edges with every assertion, found by key) with no walk at all: any walk, in one
statement or ten, must send that data, so what its client side costs beyond Neo4j's
time (Bolt, decoding) is a floor for every walk. docs/walk-profile.md holds a run of it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from neo4j import READ_ACCESS, AsyncManagedTransaction, unit_of_work

from bench.shape import SIZES, Shape
from bench.synth import Synth
from bench.targets import choose
from schema.vocabulary import ENTITY
from service import limits
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader, ReadTx
from service.queries.rows import Lineage
from service.queries.walk import Budget, walk_upstream
from shoulders import db
from shoulders.db import async_driver
from shoulders.settings import load_settings

T = TypeVar("T")


@dataclass
class Query:
    wall_ms: float  # the client's view: from run() to the one record read
    server_ms: int  # what Neo4j reports
    rows: int


@dataclass
class Answer:
    wall_ms: float
    entities: int
    queries: list[Query] = field(default_factory=list)
    empty_ms: float = 0.0  # a read transaction of as many empty queries
    one_empty_ms: float = 0.0  # a read transaction of one empty query
    data_only: Query | None = None  # one statement reading only the answer's data


EMPTY = "RETURN [] AS rows"
#: The answer's data and nothing else: its edges (every assertion) and its entities.
DATA_ONLY = (
    "CALL () { UNWIND $edges AS e "
    f"MATCH (a:{ENTITY} {{key: e[0]}})-[r]->(b:{ENTITY} {{key: e[2]}}) WHERE type(r) = e[1] "
    "WITH e, collect(properties(r)) AS assertions "
    "RETURN collect([e[0], e[1], e[2], assertions]) AS edges } "
    f"CALL () {{ UNWIND $keys AS k MATCH (n:{ENTITY} {{key: k}}) "
    "RETURN collect(properties(n)) AS nodes } "
    "RETURN [edges, nodes] AS rows"
)


class TimedReadTx(ReadTx):
    """ReadTx that times each ``table`` query on both sides of the wire."""

    def __init__(self, tx: AsyncManagedTransaction, log: list[Query]) -> None:
        super().__init__(tx, lambda: None)
        self._inner = tx
        self._log = log

    async def table(self, cypher: str, **params: Any) -> list[Any]:
        began = time.perf_counter()
        result = await self._inner.run(cypher, params)
        record = await result.single(strict=False)
        wall = (time.perf_counter() - began) * 1000
        summary = await result.consume()
        rows = list(record["rows"]) if record is not None else []
        server = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
        self._log.append(Query(wall, server, len(rows)))
        return rows


class TimedReader(Reader):
    """Reader whose transactions are ``TimedReadTx``; what they timed goes to ``log``."""

    log: list[Query]

    async def read(self, work: Callable[[ReadTx], Awaitable[T]]) -> T:
        @unit_of_work(timeout=self.timeout)
        async def unit(tx: AsyncManagedTransaction) -> T:
            return await work(TimedReadTx(tx, self.log))

        async with self.driver.session(
            database=self.database, default_access_mode=READ_ACCESS
        ) as session:
            return await session.execute_read(unit)


async def _answers(size: str, roots: int, repeats: int, depth: int) -> list[Answer]:
    settings = load_settings()
    with db.driver(settings) as sync_driver:
        keys = choose(Synth(Shape.of(SIZES[size])), sync_driver, settings.neo4j_database, roots)
    driver = async_driver(settings)
    budget = Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET)
    reader = TimedReader(driver, settings.neo4j_database, timeout=300)
    out: list[Answer] = []
    try:
        for round_ in range(repeats + 1):  # the first round warms the caches, untimed
            for key in keys.roots:
                reader.log = []

                async def work(tx: ReadTx, key: str = key) -> Lineage | None:
                    return await walk_upstream(tx, key, depth, EdgeFilter(), budget)

                began = time.perf_counter()
                found = await reader.read(work)
                wall = (time.perf_counter() - began) * 1000
                log = reader.log
                if round_ and found is not None:
                    out.append(
                        Answer(
                            wall,
                            len(found.nodes),
                            log,
                            await time_empty(reader, len(log)),
                            await time_empty(reader, 1),
                            await time_data_only(reader, found),
                        )
                    )
    finally:
        await driver.close()
    return out


async def time_empty(reader: TimedReader, queries: int) -> float:
    """Milliseconds for one read transaction of ``queries`` empty queries."""

    async def work(tx: ReadTx) -> None:
        for _ in range(queries):
            await tx.table(EMPTY)

    reader.log = []
    began = time.perf_counter()
    await reader.read(work)
    return (time.perf_counter() - began) * 1000


async def time_data_only(reader: TimedReader, found: Lineage) -> Query:
    """``DATA_ONLY`` for this answer in a read transaction of its own, timed as a query."""
    keys = [found.root.key, *(n.entity.key for n in found.nodes)]
    edges = [[e.start, e.rel.value, e.end] for e in found.edges]

    async def work(tx: ReadTx) -> None:
        await tx.table(DATA_ONLY, edges=edges, keys=keys)

    reader.log = []
    await reader.read(work)
    [query] = reader.log
    return query


def _row(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"| {name} | {statistics.median(values):.1f} | {p95:.1f} |"


def report(answers: list[Answer]) -> str:
    """The split, as a Markdown table (ms per answer, p50 and p95 over the answers)."""
    in_queries = [sum(q.wall_ms for q in a.queries) for a in answers]
    server = [float(sum(q.server_ms for q in a.queries)) for a in answers]
    lines = [
        f"{len(answers)} answers; entities per answer: median "
        f"{statistics.median(a.entities for a in answers):.0f}, largest "
        f"{max(a.entities for a in answers)}; queries per answer: median "
        f"{statistics.median(len(a.queries) for a in answers):.0f} (plus BEGIN and COMMIT); "
        f"rows per answer: median {statistics.median(sum(q.rows for q in a.queries) for a in answers):.0f}",
        "",
        "| part of one answer | p50 ms | p95 ms |",
        "|---|---|---|",
        _row("the whole read transaction, client side", [a.wall_ms for a in answers]),
        _row("inside the queries, client side", in_queries),
        _row("... of which Neo4j reports (planning, execution, streaming)", server),
        _row(
            "... of which the rest (Bolt, driver, decoding)",
            [q - s for q, s in zip(in_queries, server, strict=True)],
        ),
        _row(
            "outside the queries (session, BEGIN/COMMIT, the walk's Python, typed rows)",
            [a.wall_ms - q for a, q in zip(answers, in_queries, strict=True)],
        ),
        _row(
            "for comparison: a read transaction of as many empty queries",
            [a.empty_ms for a in answers],
        ),
        _row(
            "for comparison: a read transaction of one empty query",
            [a.one_empty_ms for a in answers],
        ),
    ]
    data = [a.data_only for a in answers if a.data_only is not None]
    if data:
        lines += [
            _row(
                "for comparison: one statement reading only the answer's data by key "
                "(entities, edges with their assertions), no walk: the query, client side",
                [q.wall_ms for q in data],
            ),
            _row("... of which Neo4j reports", [float(q.server_ms) for q in data]),
            _row(
                "... of which the rest (Bolt, driver, decoding): a floor for any walk",
                [q.wall_ms - q.server_ms for q in data],
            ),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.walk_profile", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="1M", help="the loaded graph")
    parser.add_argument("--roots", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--depth", type=int, default=8)
    args = parser.parse_args(argv)
    answers = asyncio.run(_answers(args.size, args.roots, args.repeats, args.depth))
    print(report(answers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
