"""Runs as cron sees them: the CLI, exit codes, the lock, a crash, the sweep."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml
from neo4j import Driver

from ingest.job import IngestRequest, run_ingest
from ingest.runs import RunLock, new_run_id
from shoulders.settings import Settings
from tests.support.dump import canonical_dump
from tests.test_hf_ingest import HF_ONLY, RECORDINGS, SEEDS, ingest

HF_MODELS = RECORDINGS / "hf" / "models"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shoulders.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "SHOULDERS_LOG_FORMAT": "json", **(env or {})},
        timeout=300,
        check=False,
    )


def seed_args(seeds: list[str]) -> list[str]:
    out = []
    for key in seeds:
        out += ["--seed", "hf:" + key.removeprefix("hf:model:")]
    return out


def test_cli_success_writes_report_and_run_node(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    report_file = tmp_path / "report.json"
    done = cli(
        "ingest",
        "--replay",
        str(RECORDINGS),
        "--source",
        "hf",
        "--report",
        str(report_file),
        *seed_args(SEEDS[:3]),
    )
    assert done.returncode == 0, done.stderr
    assert "replaying recordings" in done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    report = json.loads(report_file.read_text())
    assert summary["status"] == report["status"] == "success"
    assert report["fetched"] > 3 and report["failed"] == 0
    assert report["http"]["total"] > 0
    records, _, _ = graph.execute_query(
        "MATCH (r:IngestRun {run_id: $id}) RETURN r.status AS s",
        id=report["run_id"],
        database_=settings.neo4j_database,
    )
    assert records[0]["s"] == "success"


def test_cli_partial_when_an_item_fails(graph: Driver, settings: Settings, tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    done = cli(
        "ingest", "--replay", str(RECORDINGS), "--source", "hf", "--report", str(report_file),
        "--seed", "hf:deepseek-ai/DeepSeek-R1", "--seed", "hf:nobody/no-such-model",
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    report = json.loads(report_file.read_text())
    assert report["status"] == "partial"
    assert [f["key"] for f in report["failures"]] == ["hf:model:nobody/no-such-model"]
    assert "not found" in report["failures"][0]["reason"]
    # The missing model is still a node, marked unresolved with the reason.
    records, _, _ = graph.execute_query(
        "MATCH (n:Model {key: 'hf:model:nobody/no-such-model'}) RETURN n.status AS s, n.unresolved_reason AS why",
        database_=settings.neo4j_database,
    )
    assert records[0]["s"] == "unresolved" and "404" in records[0]["why"]


def test_cli_usage_errors(graph: Driver) -> None:
    assert cli("ingest").returncode == 2
    assert cli("ingest", "--seed", "nonsense").returncode == 2
    bad = cli("ingest", "--seed", "hf:a/b", env={"NEO4J_URI": "http://nope"})
    assert bad.returncode == 2 and "NEO4J_URI" in bad.stderr


def test_second_run_waits_for_the_lock(graph: Driver, settings: Settings) -> None:
    holder = RunLock(graph, settings.neo4j_database, "someone-else", stale_after=3600)
    holder.acquire()
    try:
        done = cli("ingest", "--replay", str(RECORDINGS), "--seed", "hf:deepseek-ai/DeepSeek-R1")
        assert done.returncode == 4
        assert "holds the lock" in done.stderr
    finally:
        holder.release()
    assert (
        cli(
            "ingest",
            "--replay",
            str(RECORDINGS),
            "--source",
            "hf",
            "--seed",
            "hf:deepseek-ai/DeepSeek-R1",
        ).returncode
        == 0
    )


def test_stale_lock_is_taken_over(graph: Driver, settings: Settings) -> None:
    old = RunLock(graph, settings.neo4j_database, new_run_id(), stale_after=3600)
    old.acquire()
    graph.execute_query(
        "MATCH (l:IngestLock) SET l.heartbeat = 0", database_=settings.neo4j_database
    )
    report = ingest(settings)
    assert report.status == "success"


def _slow_copy(tmp_path: Path) -> Path:
    """The recordings, with one model deep in the crawl answering after 4 s."""
    copy = tmp_path / "recordings"
    shutil.copytree(RECORDINGS, copy)
    target = copy / "hf" / "models" / "meta-llama" / "Llama-3.1-70B" / "model.yaml"
    doc = yaml.safe_load(target.read_text())
    doc["responses"][0]["delay"] = 4
    target.write_text(yaml.safe_dump(doc, sort_keys=False))
    return copy


def test_killed_run_then_rerun_equals_one_clean_run(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    ingest(settings)
    clean = canonical_dump(graph, settings.neo4j_database)
    graph.execute_query(
        "MATCH (n) WHERE NOT n:ShouldersTestSentinel DETACH DELETE n",
        database_=settings.neo4j_database,
    )

    slow = _slow_copy(tmp_path)
    args = [
        sys.executable,
        "-m",
        "shoulders.cli",
        "ingest",
        "--replay",
        str(slow),
        "--source",
        "hf",
        *seed_args(SEEDS),
    ]
    env = {**os.environ, "SHOULDERS_INGEST_BATCH": "2", "SHOULDERS_LOG_FORMAT": "json"}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    written = 0
    while time.monotonic() < deadline and proc.poll() is None:
        records, _, _ = graph.execute_query(
            "MATCH (n:Model {status: 'resolved'}) RETURN count(n) AS c",
            database_=settings.neo4j_database,
        )
        written = records[0]["c"]
        if written >= 4:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert written >= 4
    assert canonical_dump(graph, settings.neo4j_database) != clean  # it really stopped mid-way

    # The lock of the killed process is recovered at once (same host, dead pid).
    report = ingest(settings)
    assert report.status == "success"
    assert canonical_dump(graph, settings.neo4j_database) == clean


def _withdrawn(tmp_path: Path, models: list[str]) -> Path:
    """A copy of the recordings in which ``models`` dropped their card's base_model (new sha)."""
    copy = tmp_path / "recordings"
    shutil.copytree(RECORDINGS, copy)
    for model in models:
        folder = copy / "hf" / "models" / model
        body = folder / "api_model.json"
        data = json.loads(body.read_text())
        old, data["sha"] = data["sha"], "f" * 40
        for recording in folder.glob("*.yaml"):  # the card is served at the new commit too
            recording.write_text(recording.read_text().replace(old, data["sha"]))
        data["cardData"].pop("base_model", None)
        body.write_text(json.dumps(data))
    return copy


def test_sweep_removes_withdrawn_assertions(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    ingest(settings)
    changed = _withdrawn(tmp_path, ["Qwen/Qwen2.5-7B-Instruct"])
    report = run_ingest(settings, IngestRequest(seeds=SEEDS, replay=changed, sources=HF_ONLY))
    assert report.status == "success" and report.swept_edges == 1, report.sweep
    records, _, _ = graph.execute_query(
        "MATCH (:Model {key: 'hf:model:Qwen/Qwen2.5-7B-Instruct'})-[r:FINETUNED_FROM]->() "
        "RETURN collect(r.evidence_field) AS fields",
        database_=settings.neo4j_database,
    )
    assert records[0]["fields"] == ["tags"]  # the YAML claim is gone, the tag's stays


def test_sweep_refuses_a_large_share_without_force(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    ingest(settings)
    changed = _withdrawn(tmp_path, ["Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-1.5B-Instruct"])
    refused = run_ingest(
        settings, IngestRequest(seeds=SEEDS, replay=changed, sources=HF_ONLY, sweep_max_share=0.001)
    )
    assert refused.status == "partial" and "refused" in refused.sweep
    records, _, _ = graph.execute_query(
        "MATCH ()-[r]->() WHERE r.stale_run IS NOT NULL RETURN count(r) AS c",
        database_=settings.neo4j_database,
    )
    assert records[0]["c"] == 2  # kept, marked, waiting for --force
    forced = run_ingest(
        settings,
        IngestRequest(
            seeds=SEEDS, replay=changed, sources=HF_ONLY, sweep_max_share=0.001, force=True
        ),
    )
    assert forced.status == "success" and forced.swept_edges == 2
