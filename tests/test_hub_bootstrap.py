"""The whole-Hub bootstraps (issue 15): the listing walk against the replay server, with
Link pagination and RateLimit headers, resumable after a SIGKILL; and the Parquet dump
through neo4j-admin import. Both map models with the seed crawl's mapper."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from neo4j import Driver

from bench.hub_fixture import MODIFIED, write_hub_listing, write_hub_parquet
from ingest.http import HttpClient, ServicePolicy, rate_limit_state
from ingest.hub import watermark
from ingest.hub.adapt import model_from_item, model_from_row, records
from ingest.hub.bootstrap import HubRequest, run_hf_all
from ingest.hub.parquet import DumpError, DumpStats, dump_batches, write_dump_csv
from ingest.records import Provenance
from ingest.replay.server import ReplayServer
from ingest.sources.hf.mapper import extract_claims, map_model
from shoulders.settings import Settings
from tests.support.dump import canonical_dump

MODELS, PAGE = 240, 40  # six pages
PROV = Provenance("hf", "https://huggingface.co/api/models/x", "abc", "2026-01-01T00:00:00Z", "r")


@pytest.fixture(scope="module")
def listing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hub-listing")
    write_hub_listing(root, MODELS, page_size=PAGE)
    return root


def _items(root: Path) -> list[dict[str, object]]:
    import json

    pages = sorted((root / "hf/listings/all").glob("page-*.json"), key=lambda p: int(p.stem[5:]))
    return [item for page in pages for item in json.loads(page.read_text())]


# --- one mapper, two inputs ------------------------------------------------------------
def test_a_dump_row_maps_to_the_same_records_as_its_listing_item(
    listing: Path, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "models.parquet"
    write_hub_parquet(path, MODELS, rows_per_group=100)
    rows = {r["id"]: r for r in pq.read_table(path).to_pylist()}
    items = _items(listing)
    assert len(items) == len(rows) == MODELS
    for item in items:
        from_item = records(model_from_item(item), PROV, "https://huggingface.co")
        from_row = records(model_from_row(rows[item["id"]]), PROV, "https://huggingface.co")
        assert from_row == from_item
    # ... and they are the seed crawl's records for a model whose README is not read.
    model = model_from_item(items[0])
    assert (
        records(model, PROV, "s").edges
        == map_model(model, extract_claims(model), {}, PROV, "s").batch.edges
    )
    rels = {e.rel.value for item in items for e in records(model_from_item(item), PROV, "s").edges}
    assert {"FINETUNED_FROM", "QUANTIZED_FROM", "ADAPTER_OF", "MERGED_FROM", "TRAINED_ON"} <= rels


# --- RateLimit: served by the replay server, obeyed by the HTTP layer ------------------------
def test_the_replay_server_counts_a_fixed_window_and_answers_429_when_spent(
    listing: Path,
) -> None:
    with ReplayServer(listing) as server:
        url = server.url("hf") + "/api/models?sort=createdAt"
        with httpx.Client() as client:
            answers = [client.get(url) for _ in range(3)]
    # 500 per 300 s, as the fixture's ratelimits.yaml says: the window counts down.
    states = [rate_limit_state(a.headers) for a in answers]
    assert [s.remaining for s in states if s] == [499, 498, 497]
    assert {(s.quota, s.window) for s in states if s} == {(500, 300.0)}
    small = listing.parent / "small-window"
    if not small.exists():
        write_hub_listing(small, 30, page_size=10, quota=2, window=30)
    with ReplayServer(small) as server, httpx.Client() as client:
        url = server.url("hf") + "/api/models?sort=createdAt"
        statuses = [client.get(url).status_code for _ in range(3)]
        spent = client.get(url)
    assert statuses == [200, 200, 429]
    state = rate_limit_state(spent.headers)
    assert state is not None and state.remaining == 0 and 0 < state.reset <= 30


def test_the_http_layer_waits_out_a_spent_window_instead_of_drawing_429s(
    tmp_path: Path, settings: Settings
) -> None:
    write_hub_listing(tmp_path, 50, page_size=10, quota=2, window=1)
    waits: list[float] = []
    with ReplayServer(tmp_path) as server:
        policy = ServicePolicy("hf", server.url("hf"))
        with HttpClient(
            settings, {"hf": policy}, sleep=lambda s: (waits.append(s), time.sleep(s))
        ) as http:
            for _ in range(5):
                http.request("hf", "GET", "/api/models?sort=createdAt")
        statuses = [r.status for r in server.stats.requests]
    assert statuses == [200] * 5  # never a 429: the client paused when r reached 0
    assert len(waits) == 2 and http.stats.paced_seconds > 0 and http.stats.retries == 0


# --- the listing bootstrap, end to end ---------------------------------------------------------
def _graph_counts(driver: Driver, database: str) -> dict[str, int]:
    records_, _, _ = driver.execute_query(
        "MATCH (m:Model {status: 'resolved'}) WITH count(m) AS models "
        "MATCH ()-[r]->() RETURN models, count(r) AS edges",
        database_=database,
    )
    return dict(records_[0])


def test_hf_all_lists_every_model_one_request_per_page(
    graph: Driver, settings: Settings, listing: Path
) -> None:
    result = run_hf_all(settings, HubRequest(replay=listing, expected=MODELS))
    report, progress = result.report, result.progress
    assert report.status == "success", report.warnings
    assert (progress.run_pages, progress.run_models) == (MODELS // PAGE, MODELS)
    assert report.http["total"] == MODELS // PAGE  # one request per page, nothing per model
    assert progress.requests_per_model == pytest.approx(1 / PAGE)
    assert (progress.quota, progress.window) == (500, 300.0)
    assert _graph_counts(graph, settings.neo4j_database)["models"] == MODELS
    # A merge of two or three bases, declared by its tags and its card.
    merge = next(i for i in _items(listing) if "-Merge-" in str(i["id"]))
    found, _, _ = graph.execute_query(
        "MATCH (:Model {key: $key})-[r:MERGED_FROM]->(b:Model) "
        "RETURN collect(DISTINCT b.key) AS bases, collect(DISTINCT r.evidence_field) AS fields",
        key=f"hf:model:{merge['id']}",
        database_=settings.neo4j_database,
    )
    bases = [t.split(":", 2)[2] for t in merge["tags"] if str(t).startswith("base_model:merge:")]
    assert sorted(found[0]["bases"]) == sorted(f"hf:model:{b}" for b in bases)
    assert set(found[0]["fields"]) == {"tags", "cardData.base_model"}
    walk, _, _ = graph.execute_query(
        "MATCH (c:HubListing {name: 'hf-all'}) RETURN c.status AS status, c.models AS models",
        database_=settings.neo4j_database,
    )
    assert (walk[0]["status"], walk[0]["models"]) == ("done", MODELS)


def test_a_stopped_walk_resumes_at_its_checkpoint_and_ends_with_the_same_graph(
    graph: Driver, settings: Settings, listing: Path
) -> None:
    db = settings.neo4j_database
    run_hf_all(settings, HubRequest(replay=listing, expected=MODELS))
    clean = canonical_dump(graph, db)
    graph.execute_query("MATCH (n) WHERE NOT n:ShouldersTestSentinel DETACH DELETE n", database_=db)

    first = run_hf_all(settings, HubRequest(replay=listing, expected=MODELS, max_pages=2))
    assert first.report.status == "partial" and first.progress.run_models == 2 * PAGE
    second = run_hf_all(settings, HubRequest(replay=listing, expected=MODELS))
    assert second.resumed_at_page == 2
    assert second.progress.run_pages == MODELS // PAGE - 2  # no page listed twice
    assert second.report.http["total"] == MODELS // PAGE - 2
    assert canonical_dump(graph, db) == clean
    # A finished walk is not resumed: the next --hf-all walks the listing again.
    third = run_hf_all(settings, HubRequest(replay=listing, expected=MODELS))
    assert third.resumed_at_page == 0 and third.progress.run_pages == MODELS // PAGE
    assert canonical_dump(graph, db) == clean


def _slowed(listing: Path, tmp_path: Path, delay: float) -> Path:
    import shutil

    copy = tmp_path / "slow"
    shutil.copytree(listing, copy)
    for path in (copy / "hf/listings/all").glob("page-*.yaml"):
        doc = yaml.safe_load(path.read_text())
        for response in doc["responses"]:
            response["delay"] = delay
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return copy


def _pages_done(driver: Driver, database: str) -> int:
    records_, _, _ = driver.execute_query(
        "MATCH (c:HubListing {name: 'hf-all'}) RETURN c.pages AS pages", database_=database
    )
    return int(records_[0]["pages"]) if records_ else 0


@pytest.mark.parametrize("trial", [5, 17])
def test_sigkill_mid_walk_then_rerun_equals_an_uninterrupted_walk(
    graph: Driver, settings: Settings, listing: Path, tmp_path: Path, trial: int
) -> None:
    db = settings.neo4j_database
    run_hf_all(settings, HubRequest(replay=listing, expected=MODELS))
    clean = canonical_dump(graph, db)
    graph.execute_query("MATCH (n) WHERE NOT n:ShouldersTestSentinel DETACH DELETE n", database_=db)

    kill_after = random.Random(trial).randint(1, MODELS // PAGE - 2)  # pages committed
    env = {**os.environ, "SHOULDERS_LOG_FORMAT": "json"}
    cmd = [sys.executable, "-m", "shoulders.cli", "ingest", "--hf-all"]
    cmd += ["--replay", str(_slowed(listing, tmp_path, 0.4)), "--hf-expected", str(MODELS)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180  # a bound on the wait, not a timed assertion
        while proc.poll() is None and time.monotonic() < deadline:
            if _pages_done(graph, db) >= kill_after:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the walk ended before the kill point"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    done = _pages_done(graph, db)
    assert kill_after <= done < MODELS // PAGE
    assert canonical_dump(graph, db) != clean  # it really stopped half-way

    again = run_hf_all(settings, HubRequest(replay=listing, expected=MODELS))
    assert again.report.status == "success", again.report.warnings
    assert again.resumed_at_page == done
    assert canonical_dump(graph, db) == clean


# --- the dump bootstrap ---------------------------------------------------------------------------
def test_the_dump_is_read_in_batches_of_rows(tmp_path: Path) -> None:
    path = tmp_path / "models.parquet"
    write_hub_parquet(path, 250, rows_per_group=100)
    stats = DumpStats()
    batches = list(dump_batches(path, "run", "https://huggingface.co", stats, rows_per_batch=60))
    assert [sum(1 for n in b.nodes if n.provenance) for b in batches] == [60, 60, 60, 60, 10]
    assert (stats.rows, stats.mapped, stats.failed) == (250, 250, 0)


def _csv_rows(folder: Path) -> Counter[tuple[str, str]]:
    """Every CSV row under ``folder`` with its file's header (files and order aside)."""
    rows: Counter[tuple[str, str]] = Counter()
    for path in folder.rglob("*.csv"):
        header, *lines = path.read_text(encoding="utf-8").splitlines()
        rows.update((header, line) for line in lines)
    return rows


def test_mapping_processes_write_the_rows_one_process_writes(tmp_path: Path) -> None:
    """Eight batches over three processes: the keys one part resolves and another only
    names become one node row, as when one process maps them all."""
    path = tmp_path / "models.parquet"
    write_hub_parquet(path, MODELS, rows_per_group=100)
    alone, shared = DumpStats(), DumpStats()
    one = write_dump_csv(path, tmp_path / "one", "run", "https://huggingface.co", alone, 1, 30)
    three = write_dump_csv(path, tmp_path / "three", "run", "https://huggingface.co", shared, 3, 30)
    assert (shared.workers, shared.rows, shared.mapped, shared.failed) == (3, MODELS, MODELS, 0)
    assert len(shared.peak_rss_mib) == 4  # the reader and each mapping process
    assert (three.node_rows, three.relationship_rows) == (one.node_rows, one.relationship_rows)
    # Which process takes which batch is a race; the referenced rows are written once, last.
    assert {p.parent.name for p in three.nodes} >= {"referenced"}
    moment = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")  # each call's own fetch time
    assert Counter(
        {(h, moment.sub("T", line)): n for (h, line), n in _csv_rows(tmp_path / "three").items()}
    ) == Counter(
        {(h, moment.sub("T", line)): n for (h, line), n in _csv_rows(tmp_path / "one").items()}
    )
    keys = [line.split(",", 1)[0] for h, line in _csv_rows(tmp_path / "three") if "key:ID" in h]
    assert len(keys) == len(set(keys)) == one.node_rows


def test_a_mapping_process_that_fails_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "models.parquet"
    write_hub_parquet(path, 120, rows_per_group=100)
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "part-1").write_text("in the way")  # the second process cannot make its folder
    with pytest.raises(DumpError, match="a mapping process failed: FileExistsError"):
        write_dump_csv(path, folder, "run", "https://huggingface.co", DumpStats(), 2, 30)


def test_bulk_import_of_a_parquet_dump_serves_the_listing_walks_graph(
    graph: Driver, settings: Settings, listing: Path, tmp_path: Path
) -> None:
    """`shoulders bulk-import --hf-parquet` into a scratch Neo4j home (beside the tests'
    server): the same models give the same graph as the listing walk."""
    from ingest.bulk.admin_import import scratch_home
    from shoulders import db as shoulders_db
    from shoulders.neo4j_server import LocalNeo4j
    from tests.api_server import free_port

    run_hf_all(settings, HubRequest(replay=listing, expected=MODELS))
    walked = canonical_dump(graph, settings.neo4j_database)

    dump = tmp_path / "models.parquet"
    write_hub_parquet(dump, MODELS, rows_per_group=100)
    home = scratch_home(LocalNeo4j(settings), tmp_path / "neo4j-scratch")
    bolt, http = free_port(), free_port()
    env = {
        **os.environ,
        "SHOULDERS_NEO4J_HOME": str(home),
        "NEO4J_URI": f"bolt://127.0.0.1:{bolt}",
        "NEO4J_HTTP_PORT": str(http),
        "SHOULDERS_NEO4J_HEAP": "256m",
        "SHOULDERS_NEO4J_PAGECACHE": "64m",
        "SHOULDERS_NEO4J_START_TIMEOUT": "600",
    }
    scratch = settings.model_copy(
        update={
            "neo4j_home": home,
            "neo4j_uri": env["NEO4J_URI"],
            "neo4j_http_port": http,
            "neo4j_heap": "256m",
            "neo4j_pagecache": "64m",
        }
    )
    cmd = [sys.executable, "-m", "shoulders.cli", "bulk-import", "--hf-parquet", str(dump)]
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
        assert f"{MODELS} rows, {MODELS} models, 0 failed" in done.stdout
        with shoulders_db.driver(scratch) as driver:
            imported = canonical_dump(driver, scratch.neo4j_database)
    finally:
        LocalNeo4j(scratch).stop()
    differences = sorted(set(imported) ^ set(walked))
    assert imported == walked, differences[:6]


def test_hf_all_bulk_resumes_from_its_spool_and_imports_the_loader_walks_graph(
    graph: Driver, settings: Settings, listing: Path, tmp_path: Path
) -> None:
    """`shoulders ingest --hf-all --bulk` into a scratch Neo4j home: stopped after two
    pages, then resumed (the spooled pages are mapped again, not listed again), it imports
    the same graph as the loader walk."""
    from ingest.bulk.admin_import import scratch_home
    from shoulders import db as shoulders_db
    from shoulders.neo4j_server import LocalNeo4j
    from tests.api_server import free_port

    run_hf_all(settings, HubRequest(replay=listing, expected=MODELS))
    walked = canonical_dump(graph, settings.neo4j_database)

    home = scratch_home(LocalNeo4j(settings), tmp_path / "neo4j-scratch")
    bolt, http = free_port(), free_port()
    env = {
        **os.environ,
        "SHOULDERS_HOME": str(tmp_path / "state"),
        "SHOULDERS_NEO4J_HOME": str(home),
        "NEO4J_URI": f"bolt://127.0.0.1:{bolt}",
        "NEO4J_HTTP_PORT": str(http),
        "SHOULDERS_NEO4J_HEAP": "256m",
        "SHOULDERS_NEO4J_PAGECACHE": "64m",
        "SHOULDERS_NEO4J_START_TIMEOUT": "600",
    }
    scratch = settings.model_copy(
        update={
            "neo4j_home": home,
            "neo4j_uri": env["NEO4J_URI"],
            "neo4j_http_port": http,
            "neo4j_heap": "256m",
            "neo4j_pagecache": "64m",
        }
    )
    cmd = [sys.executable, "-m", "shoulders.cli", "ingest", "--hf-all", "--bulk"]
    cmd += ["--replay", str(listing), "--hf-expected", str(MODELS)]
    spool = tmp_path / "state" / "hf-all-spool"
    try:
        first = subprocess.run(
            [*cmd, "--max-pages", "2"], env=env, capture_output=True, text=True, timeout=300
        )
        assert first.returncode == 3, first.stderr[-2000:]
        assert len(list(spool.glob("page-*.json.gz"))) == 2
        assert not (home / "data" / "databases" / "neo4j").exists()  # nothing imported yet
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        assert summary["resumed_at_page"] == 2
        assert summary["http_requests"] == MODELS // PAGE - 2  # no page listed twice
        assert not spool.exists()
        with shoulders_db.driver(scratch) as driver:
            imported = canonical_dump(driver, scratch.neo4j_database)
            runs, _, _ = driver.execute_query(
                "MATCH (r:IngestRun) RETURN r.status AS status", database_=scratch.neo4j_database
            )
            mark = watermark.load(driver, scratch.neo4j_database)
        # The daily refresh can follow: the latest change listed (spooled pages included).
        assert mark is not None and mark.value == watermark.iso(
            MODIFIED + timedelta(seconds=MODELS - 1)
        )
        again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 1 and "holds entities" in again.stdout + again.stderr
    finally:
        LocalNeo4j(scratch).stop()
    assert [r["status"] for r in runs] == ["success"]
    differences = sorted(set(imported) ^ set(walked))
    assert imported == walked, differences[:6]


def test_bulk_import_refuses_a_file_that_is_not_a_model_dump(tmp_path: Path) -> None:
    bad = tmp_path / "not.parquet"
    bad.write_text("id,tags\n")
    cmd = [sys.executable, "-m", "shoulders.cli", "bulk-import", "--hf-parquet", str(bad)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "not a Parquet file" in done.stderr
