"""``python -m bench.walk_profile``'s timing reader: it sees every query of a real walk.

No speed is asserted (docs/walk-profile.md holds a run); this checks that the split is
made of the walk's own queries against the real Neo4j, and that the report adds up.
"""

from __future__ import annotations

import asyncio

from neo4j import Driver

from bench.walk_profile import Answer, Query, TimedReader, report, time_data_only, time_empty
from service import limits
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader, ReadTx
from service.queries.rows import Lineage
from service.queries.walk import Budget, walk_upstream
from shoulders.db import async_driver
from shoulders.settings import Settings
from tests import api_graph as g


def test_the_timed_reader_logs_each_query_of_the_walk(graph: Driver, settings: Settings) -> None:
    g.write_deepseek_graph(graph, settings.neo4j_database)
    budget = Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET)

    async def walk(reader: Reader) -> Lineage:
        async def work(tx: ReadTx) -> Lineage:
            found = await walk_upstream(tx, g.R1, 8, EdgeFilter(), budget)
            assert found is not None
            return found

        return await reader.read(work)

    async def both() -> tuple[int, int, list[Query], list[Query], Query, Lineage]:
        driver = async_driver(settings)
        try:
            plain = Reader(driver, settings.neo4j_database)
            found = await walk(plain)
            timed = TimedReader(driver, settings.neo4j_database)
            timed.log = []
            assert len((await walk(timed)).nodes) == len(found.nodes)
            log = timed.log
            assert await time_empty(timed, len(log)) > 0
            empty = timed.log
            data = await time_data_only(timed, found)
            return len(found.nodes), plain.queries, log, empty, data, found
        finally:
            await driver.close()

    entities, queries, log, empty, data, found = asyncio.run(both())
    # The answer's data in one statement: every edge of the answer and every entity, root
    # included, as two lists.
    assert data.rows == 2 and data.wall_ms > 0 and data.server_ms >= 0
    assert found.edges and len(found.edges) > entities // 2
    assert entities > 5
    assert len(log) == queries  # every query the plain reader counted, timed
    assert log[-1].rows == entities  # the walk ends by reading its entities
    assert all(q.wall_ms > 0 and q.server_ms >= 0 for q in log)
    assert len(empty) == len(log) and all(q.rows == 0 for q in empty)  # the floor's round trips


def test_the_report_splits_each_answer_into_its_parts() -> None:
    answers = [
        Answer(50.0, 300, [Query(20.0, 12, 100), Query(10.0, 4, 300)], 6.0, 2.0),
        Answer(70.0, 400, [Query(30.0, 20, 200), Query(10.0, 5, 400)], 8.0, 3.0),
    ]
    assert "no walk" not in report(answers)  # answers timed without the data-only row
    answers[0].data_only = Query(30.0, 20, 2)
    answers[1].data_only = Query(40.0, 24, 2)
    text = report(answers)
    assert "no walk: the query, client side | 35.0 | 40.0 |" in text
    assert "| ... of which Neo4j reports | 22.0 | 24.0 |" in text
    assert (
        "| ... of which the rest (Bolt, driver, decoding): a floor for any walk | 13.0 | 16.0 |"
        in text
    )
    assert "2 answers; entities per answer: median 350, largest 400" in text
    assert "| inside the queries, client side | 35.0 | 40.0 |" in text
    assert "| ... of which Neo4j reports (planning, execution, streaming) | 20.5 | 25.0 |" in text
    assert "| ... of which the rest (Bolt, driver, decoding) | 14.5 | 15.0 |" in text
    assert (
        "outside the queries (session, BEGIN/COMMIT, the walk's Python, typed rows) | 25.0" in text
    )
    assert "| for comparison: a read transaction of as many empty queries | 7.0 | 8.0 |" in text
    assert "| for comparison: a read transaction of one empty query | 2.5 | 3.0 |" in text
