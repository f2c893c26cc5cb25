"""The benchmark's quick mode as a smoke run, and the bulk-import path it measures.

No speed is asserted here: figures come from ``python -m bench`` and live in
docs/benchmarks.md. These tests only prove that the command runs end to end against
the test Neo4j and writes every section (the load test's with figures, and without a
5xx or an unintended error: that is correctness, not speed), and that a snapshot
imported in bulk gives the graph the Loader writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import Driver

from bench.load_report import HEADING
from bench.report import SECTIONS
from bench.shape import Shape
from bench.synth import Synth
from ingest.bulk.csv_files import CsvSnapshot
from ingest.bulk.snapshot import read_snapshot, write_snapshot
from ingest.loader import Loader
from shoulders import db
from shoulders.neo4j_server import LocalNeo4j
from shoulders.settings import Settings
from tests.api_server import free_port
from tests.support.dump import canonical_dump

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_mode_writes_every_section(graph: Driver, tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    page = _bench(["--quick", "--out", str(out), "--workdir", str(tmp_path)], out, timeout=600)
    for section in SECTIONS:
        assert section in page, section
    assert "Loader >= 20x the naive loader" in page
    assert "standsOn depth 8" in page
    assert "export of a depth-8 lineage (CycloneDX 1.6): < 1 s" in page
    assert "requests per entity" in page
    assert "n/a" not in page.split("## Reproduce")[0], "a target was not measured"
    assert (tmp_path / "results.json").is_file()
    # What the run measured so far is saved at each step: its last save is the last step's.
    partial = json.loads((tmp_path / "results.partial.json").read_text())
    assert partial["load_average"][-1][0] == "done" and partial["queries"]["cases"]
    _check_load_test(page, tmp_path)
    _check_requery_refuses(tmp_path)


def _check_requery_refuses(tmp_path: Path) -> None:
    """A quick run leaves the database empty: measuring its queries again must refuse,
    saying why, rather than time queries against a graph that is not there."""
    done = _run_bench(["--requery", str(tmp_path / "results.json")], timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "run the whole benchmark instead" in done.stderr


def _run_bench(args: list[str], timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _bench(args: list[str], out: Path, timeout: int) -> str:
    """``python -m bench ARGS``, which must succeed; the page it wrote to ``out``."""
    done = _run_bench(args, timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return out.read_text()


def _render(results: Path, out: Path) -> str:
    return _bench(["--render", str(results), "--out", str(out)], out, timeout=120)


def _check_load_test(page: str, tmp_path: Path) -> None:
    """The load test ran as a phase: its figures are on the page and in results.json, and a
    results.json from before the phase still renders, saying the load test was not run."""
    section = page.split(HEADING)[1].split("\n## ")[0]
    assert "8 concurrent clients for 5 s" in section
    for query in ("standsOn depth 5", "dependents", "explain", "search", "unknown id"):
        assert f"| {query} | " in section, query
    all_row = next(line for line in section.splitlines() if line.startswith("| **all** |"))
    assert int(all_row.split("|")[2]) > 0 and "nan" not in all_row
    assert "5xx: 0;" in section and "unintended errors: none" in section
    assert "LIMIT_EXCEEDED" in section and "NOT_FOUND" in section
    assert "| load test: zero 5xx, no unintended errors |" in page.split("## Reproduce")[0]
    assert "Zero 5xx and no unintended errors: **met**" in section

    results = tmp_path / "results.json"
    assert _render(results, tmp_path / "again.md") == page
    data = json.loads(results.read_text())
    del data["load_test"]
    older = tmp_path / "older-results.json"
    older.write_text(json.dumps(data))
    old_page = _render(older, tmp_path / "older.md")
    assert "The load test was not part of this run" in old_page
    assert "| load test: zero 5xx, no unintended errors | not part of this run |" in old_page


def test_a_snapshot_reads_back_as_the_records_written(tmp_path: Path) -> None:
    synth = Synth(Shape.of(600, seed=3))
    path = tmp_path / "graph.jsonl.gz"
    written = write_snapshot(synth.batches(50), path)
    read = list(read_snapshot([path]))
    assert written == sum(len(b) for b in read)
    assert [b.nodes for b in read] == [b.nodes for b in synth.batches(50)]
    assert [b.edges for b in read] == [b.edges for b in synth.batches(50)]


def test_bulk_csv_has_a_row_per_node_and_assertion(tmp_path: Path) -> None:
    synth = Synth(Shape.of(600, seed=3))
    files = CsvSnapshot(tmp_path).add_all(synth.batches(50))
    records = sum(len(b) for b in synth.batches(50))
    assert files.node_rows + files.relationship_rows == records
    assert files.node_rows == synth.shape.entities


@pytest.mark.slow
def test_bulk_import_command_gives_the_loaders_graph(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    synth = Synth(Shape.of(1500, seed=5))
    snapshot = tmp_path / "graph.jsonl"
    write_snapshot(synth.batches(100), snapshot)
    loader = Loader(graph, settings.neo4j_database)
    for batch in synth.batches(100):
        loader.write(batch)
    expected = canonical_dump(graph, settings.neo4j_database)

    home = tmp_path / "home"
    home.mkdir()
    (home / "lib").symlink_to(LocalNeo4j(settings).lib, target_is_directory=True)
    env = dict(
        os.environ,
        SHOULDERS_NEO4J_HOME=str(home),
        NEO4J_URI=f"bolt://127.0.0.1:{free_port()}",
        NEO4J_HTTP_PORT=str(free_port()),
        SHOULDERS_NEO4J_HEAP="512m",
        SHOULDERS_NEO4J_PAGECACHE="256m",
    )
    scratch = settings.model_copy(
        update={
            "neo4j_home": home,
            "neo4j_uri": env["NEO4J_URI"],
            "neo4j_http_port": int(env["NEO4J_HTTP_PORT"]),
        }
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "shoulders.cli", "bulk-import", str(snapshot)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert f"imported {synth.shape.entities} nodes" in done.stdout
        with db.driver(scratch) as imported:
            assert canonical_dump(imported, scratch.neo4j_database) == expected
            # The dump leaves times out: an imported edge is first and last seen when fetched.
            untimed, _, _ = imported.execute_query(
                "MATCH ()-[r]->() WHERE r.first_seen IS NULL OR r.first_seen <> r.fetched_at "
                "OR r.last_seen <> r.fetched_at RETURN count(r) AS n",
                database_=scratch.neo4j_database,
            )
            assert untimed[0]["n"] == 0
    finally:
        LocalNeo4j(scratch).stop()


@pytest.mark.slow
def test_at_scale_imports_once_then_measures_bench_b_again(
    settings: Settings, tmp_path: Path
) -> None:
    """`python -m bench.at_scale` into a scratch Neo4j home: the first run imports the
    graph and writes the page; the second finds the same graph and only queries."""
    from ingest.bulk.admin_import import scratch_home

    home = scratch_home(LocalNeo4j(settings), tmp_path / "neo4j-scratch")
    bolt, http = free_port(), free_port()
    scratch = settings.model_copy(
        update={
            "neo4j_home": home,
            "neo4j_uri": f"bolt://127.0.0.1:{bolt}",
            "neo4j_http_port": http,
            "neo4j_heap": "512m",
            "neo4j_pagecache": "128m",
        }
    )
    env = {
        **os.environ,
        "SHOULDERS_NEO4J_HOME": str(home),
        "NEO4J_URI": scratch.neo4j_uri,
        "NEO4J_HTTP_PORT": str(http),
        "SHOULDERS_NEO4J_HEAP": "512m",
        "SHOULDERS_NEO4J_PAGECACHE": "128m",
    }
    out, work = tmp_path / "at-scale.md", tmp_path / "work"
    cmd = [sys.executable, "-m", "bench.at_scale", "--size", "10k", "--quick"]
    cmd += ["--workdir", str(work), "--out", str(out)]
    server = LocalNeo4j(scratch)
    server.start()
    try:
        first = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "importing the 10k graph" in first.stderr
        page = out.read_text()
        for heading in ("## Summary: the targets", "## The graph", "## Bench B: queries"):
            assert heading in page
        assert "standsOn depth 8, all relations (the default): p95 < 50 ms" in page
        assert "dependents, first page, largest fan-in: < 100 ms" in page
        imported = json.loads((work / "imported.json").read_text())
        with db.driver(scratch) as driver:
            records, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n")
        assert imported["relationships"] == records[0]["n"] > 0
        assert imported["store_bytes"] > 0

        again = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
        assert again.returncode == 0, again.stderr[-3000:]
        assert "importing" not in again.stderr
        assert json.loads((work / "imported.json").read_text()) == imported
    finally:
        server.stop()


@pytest.mark.slow
def test_the_profiles_run_on_the_quick_graph(graph: Driver, settings: Settings) -> None:
    """`bench.walk_profile` and `bench.fixed_cost` (the tables of docs/walk-profile.md and
    docs/graphql-profile.md) run end to end and print every row with figures."""
    loader = Loader(graph, settings.neo4j_database)
    for batch in Synth(Shape.of(10_000)).batches(500):
        loader.write(batch)
    walk = _run_module("bench.walk_profile", "--size", "10k", "--roots", "3", "--repeats", "1")
    for row in ("the whole read transaction", "Neo4j reports", "a floor for any walk"):
        assert _figures(walk, row), row
    fixed = _run_module("bench.fixed_cost", "--n", "5")
    rows = ("RETURN 1", "httpx", "aiohttp", "bare socket", "HTTP licenseCheck", "check_licences")
    for row in (*rows, "in process, no socket: licenseCheck"):
        assert _figures(fixed, row), row


def _run_module(module: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _figures(table: str, row: str) -> list[float]:
    """The p50 and p95 of the table row that names ``row``."""
    line = next(x for x in table.splitlines() if x.startswith("|") and row in x)
    return [float(cell) for cell in line.strip("|").split("|")[1:]]
