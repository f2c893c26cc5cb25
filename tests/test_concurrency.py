"""Two ingests at once: exactly one runs, the other exits at once with code 4; no entity is
ever stored twice, even when writers bypass the lock."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from neo4j import Driver

from ingest.loader import Loader
from ingest.records import EdgeRecord, Evidence, NodeRecord, Provenance, RecordBatch
from ingest.runs import ExitCode
from loadtest import run_load
from loadtest.server import served
from schema import keys
from schema.constraints import SCHEMA
from schema.vocabulary import ENTITY, Label, Rel
from shoulders.settings import Settings
from tests import api_graph as g
from tests.test_crash_ingest import slow_copy
from tests.test_faults_hf import SEEDS


def _ingest(folder: Path) -> subprocess.Popen[str]:
    args = ["--source", "hf"]
    for key in SEEDS:
        args += ["--seed", "hf:" + key.removeprefix("hf:model:")]
    cmd = [sys.executable, "-m", "shoulders.cli", "ingest", "--replay", str(folder), *args]
    env = {**os.environ, "SHOULDERS_LOG_FORMAT": "json"}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_no_duplicates(drv: Driver, database: str) -> int:
    records, _, _ = drv.execute_query(
        f"MATCH (n:{ENTITY}) RETURN count(n) AS nodes, count(DISTINCT n.key) AS keys",
        database_=database,
    )
    assert records[0]["nodes"] == records[0]["keys"]
    records, _, _ = drv.execute_query(
        "MATCH (r:IngestRun) RETURN count(r) AS runs, count(DISTINCT r.run_id) AS ids",
        database_=database,
    )
    assert records[0]["runs"] == records[0]["ids"]
    return int(records[0]["runs"])


def test_two_ingests_at_once_one_runs_one_exits_busy(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    folder = slow_copy(tmp_path)
    first, second = _ingest(folder), _ingest(folder)
    procs = [first, second]
    try:
        deadline = time.monotonic() + 120  # a bound on the wait, not a timed assertion
        while all(p.poll() is None for p in procs) and time.monotonic() < deadline:
            time.sleep(0.05)
        [done] = [p for p in procs if p.poll() is not None]
        [running] = [p for p in procs if p is not done]
        # The one that lost the lock has left while the other is still crawling.
        assert running.poll() is None
        out, err = done.communicate(timeout=60)
        assert done.returncode == ExitCode.BUSY, err
        assert "ingest: not started: another ingest run (" in err and "holds the lock" in err
        assert out == ""  # no summary: nothing was done
        out, err = running.communicate(timeout=180)
        assert running.returncode == ExitCode.SUCCESS, err
    finally:
        for p in procs:
            p.kill()
            p.wait()
    # One run recorded; every entity once; every constraint in place.
    assert assert_no_duplicates(graph, settings.neo4j_database) == 1
    records, _, _ = graph.execute_query(
        "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names",
        database_=settings.neo4j_database,
    )
    wanted = {item.name for item in SCHEMA if item.kind == "constraint"}
    assert wanted <= set(records[0]["names"])


def test_writers_without_the_lock_never_duplicate_an_entity(
    graph: Driver, settings: Settings
) -> None:
    """MERGE on a uniquely constrained key holds under concurrent writers (deadlocks retried)."""
    prov = Provenance("hf", "https://example.org", "r1", "2026-01-01T00:00:00Z", "run-c")
    models = [keys.hf_model(f"acme/m{i:02d}") for i in range(40)]

    def batch(offset: int) -> RecordBatch:
        out = RecordBatch()
        for i, key in enumerate(models):
            out.nodes.append(NodeRecord(key, Label.MODEL, key.split(":")[-1], {}, prov))
            base = models[(i + offset) % len(models)]
            if base != key:
                evidence = Evidence("tags", f"base_model:{base}")
                out.edges.append(EdgeRecord(Rel.FINETUNED_FROM, key, base, prov, evidence))
        return out

    errors: list[BaseException] = []

    def write(offset: int) -> None:
        try:
            loader = Loader(graph, settings.neo4j_database)
            for _ in range(3):
                loader.write(batch(offset))
        except BaseException as exc:  # reported below: a thread must not swallow it
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n % 3 + 1,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert_no_duplicates(graph, settings.neo4j_database)
    records, _, _ = graph.execute_query(
        "MATCH (:Model)-[r:FINETUNED_FROM]->(:Model) "
        "RETURN count(r) AS edges, count(DISTINCT r.assertion) AS assertions",
        database_=settings.neo4j_database,
    )
    assert records[0]["edges"] == records[0]["assertions"] == 3 * len(models)


def test_load_on_loopback_gets_no_5xx_and_only_intended_errors(
    graph: Driver, settings: Settings
) -> None:
    """The load test (loadtest/) in small: 4 clients for 3 s against `shoulders serve`."""
    g.write_deepseek_graph(graph, settings.neo4j_database)
    with served() as url:
        result = run_load(url, clients=4, seconds=3)
    assert result.requests > 20
    assert result.server_errors == 0 and not result.unintended, result.unintended
    assert set(result.expected_errors) == {"LIMIT_EXCEEDED", "NOT_FOUND"}
