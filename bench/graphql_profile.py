"""Where a large GraphQL answer's time goes: ``python -m bench.graphql_profile [--profile]``.

Reads the ``standsOn`` answers (all relations, depth 8) of the benchmark's roots once
from the graph the environment's Neo4j holds (one the benchmark loaded, e.g. with
``python -m bench.worker load --entities 10000``), then times only what the API does
after the Cypher: the same answers completed by graphql-core with Strawberry's default
executor and with the API's ``FastLeafExecutor``, side by side, and the response
encoded by ``json.dumps`` and by orjson. ``--profile`` prints cProfile's top entries for
both executors. docs/graphql-profile.md holds a run of it.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import statistics
import time
from typing import Any

import orjson
import strawberry

from bench.querying import STANDS_ON
from bench.shape import SIZES, Shape
from bench.synth import Synth
from bench.targets import choose
from service import limits
from service.execution import FastLeafExecutor
from service.extensions import schema_extensions
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader
from service.queries.rows import Lineage as LineageRow
from service.queries.walk import Budget, stands_on
from service.types.convert import ENTITY_TYPES
from service.types.lineage import Lineage
from shoulders import db
from shoulders.db import async_driver
from shoulders.settings import load_settings

#: The answers, by root key, that the profiling schema's one field hands out.
_ANSWERS: dict[str, LineageRow] = {}


@strawberry.type
class ProfileQuery:
    @strawberry.field
    def stands_on(self, key: str, max_depth: int, relations: list[str] | None = None) -> Lineage:
        # The resolver's own conversion (Lineage.from_row) is part of what is timed.
        return Lineage.from_row(_ANSWERS[key])


DOCUMENT = STANDS_ON.replace("[Relation!]", "[String!]")


def _schemas() -> dict[str, strawberry.Schema]:
    # The API's extensions too: its document is parsed and validated once, as in the API.
    def schema(**executor: Any) -> strawberry.Schema:
        return strawberry.Schema(
            query=ProfileQuery, types=list(ENTITY_TYPES), extensions=schema_extensions(), **executor
        )

    return {
        "graphql-core (Strawberry's default executor)": schema(),
        "FastLeafExecutor (the API's)": schema(execution_context_class=FastLeafExecutor),
    }


async def _read_answers(size: str, roots: int) -> None:
    settings = load_settings()
    synth = Synth(Shape.of(SIZES[size]))
    with db.driver(settings) as sync_driver:
        keys = choose(synth, sync_driver, settings.neo4j_database, roots).roots
    driver = async_driver(settings)
    try:
        reader = Reader(driver, settings.neo4j_database, timeout=300)
        budget = Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET)
        for key in keys:
            found = await stands_on(reader, key, 8, EdgeFilter(), budget)
            if found is not None:
                _ANSWERS[key] = found
    finally:
        await driver.close()


async def _execute(schema: strawberry.Schema, key: str) -> dict[str, Any]:
    result = await schema.execute(DOCUMENT, variable_values={"key": key, "depth": 8})
    if result.errors:
        raise RuntimeError(str(result.errors))
    return {"data": result.data}


async def _measure(repeats: int, profile: bool) -> None:
    schemas = _schemas()
    keys = list(_ANSWERS)
    answers = {name: [await _execute(s, k) for k in keys] for name, s in schemas.items()}
    first, *others = answers.values()
    print("same answers from both executors:", all(o == first for o in others))
    nodes = [len(a.nodes) for a in _ANSWERS.values()]
    print(f"{len(keys)} answers, entities median {statistics.median(nodes):.0f}, max {max(nodes)}")
    times: dict[str, list[float]] = {name: [] for name in [*schemas, "json.dumps", "orjson"]}
    for _ in range(repeats):
        for key in keys:
            for name, schema in schemas.items():
                began = time.perf_counter()
                out = await _execute(schema, key)
                times[name].append(time.perf_counter() - began)
            began = time.perf_counter()
            json.dumps(out, separators=(",", ":"))
            times["json.dumps"].append(time.perf_counter() - began)
            began = time.perf_counter()
            orjson.dumps(out)
            times["orjson"].append(time.perf_counter() - began)
    for name, values in times.items():
        print(f"{name:46s} p50 {1000 * statistics.median(values):7.1f} ms")
    if profile:
        for name, schema in schemas.items():
            profiler = cProfile.Profile()
            profiler.enable()
            for key in keys:
                await _execute(schema, key)
            profiler.disable()
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats("tottime").print_stats(15)
            print(f"\n### {name}\n{text.getvalue()}")
            print(f"field executions through graphql-core: {_graphql_core_fields(stats):,}")


def _graphql_core_fields(stats: pstats.Stats) -> int:
    """Calls of graphql-core's ``execute_field``: the fields it completed itself."""
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    return sum(
        row[1]
        for (path, _, func), row in table.items()
        if func == "execute_field" and path.endswith("graphql/execution/executor.py")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.graphql_profile", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="10k", help="the loaded graph")
    parser.add_argument("--roots", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile both executors")
    args = parser.parse_args(argv)
    asyncio.run(_read_answers(args.size, args.roots))
    asyncio.run(_measure(args.repeats, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
